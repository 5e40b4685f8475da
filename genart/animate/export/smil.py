"""Animated SVG (SMIL) of a fly-in or a greedy time-lapse, whose static geometry is the final pose.

Every shape is drawn at rest inside three groups: `translate(anchor)`, then a group whose
`animateTransform`s (translate along the path, rotate, scale; additive, frozen at the end)
carry the motion, then `translate(−anchor)`. Viewers without SMIL ignore the animations
and show the finished poster. Keyframes and `keySplines` come from
`genart.animate.export.keys` (exact at every keyframe, Hermite-eased between); opacity fades
in linearly; a time-lapse shape appears at its time with a discrete opacity step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import svgwrite

from genart.animate.export.keys import FlightKeys, flight_keys, split_cubic
from genart.animate.export.tracks import Appearances, Flights
from genart.animate.motions.flyin import bernstein_points
from genart.render.drawables import Packed, drawable
from genart.render.drawables.base import CX, CY, svg_number
from genart.render.fields import rgba
from genart.render.layers.base import svg_paint
from genart.render.scene import Canvas

PATH_SAMPLES = 4  # straight pieces per keyframe span along the Bézier path: translations move in straight lines


def _times(values: list[float], length: float) -> str:
    return ";".join(f"{min(max(v / length, 0.0), 1.0):.6f}" for v in values)


def _animate(tag: str, length: float, values: list[str], times: list[float], splines: list[str] | None = None,
             **attrs: str) -> Any:
    """An SMIL element over the whole movie [0, length], frozen at its end value."""
    el = svgwrite.base.BaseElement(debug=False)
    el.elementname = tag
    el.attribs.update({"dur": f"{length:.6f}s", "fill": "freeze", "values": ";".join(values),
                       "keyTimes": _times(times, length), **attrs})
    if splines is not None:
        el.attribs.update({"calcMode": "spline", "keySplines": ";".join(splines)})
    return el


def _rest_shape(dwg: svgwrite.Drawing, packed: Packed, i: int) -> Any:
    shape = drawable(int(packed.kinds[i])).unpack(packed.points[i], int(packed.counts[i]), packed.params[i],
                                                   rgba(packed.colors[i]))
    return drawable(int(packed.kinds[i])).svg_element(dwg, shape, svg_paint(shape.color))


def _flight(dwg: svgwrite.Drawing, flights: Flights, keys: FlightKeys, i: int, length: float) -> Any:
    anchor = flights.rest.params[i, [CX, CY]]
    times = [0.0, *keys.times[i].tolist(), length]
    linear = "0 0 1 1"  # also the spline of the holds before take-off and after landing
    splines = [linear] + [f"0.333333 {y1:.6f} 0.666667 {y2:.6f}" for y1, y2 in keys.handles] + [linear]
    eased = keys.eased[i]
    scale = flights.start_scale + (1.0 - flights.start_scale) * eased
    turn = flights.spin[i] * (1.0 - eased)

    def keyed(values: np.ndarray) -> list[str]:
        texts = [svg_number(v) if np.ndim(v) == 0 else " ".join(svg_number(c) for c in v) for v in values]
        return [texts[0], *texts, texts[-1]]

    # the path between keyframes: PATH_SAMPLES straight pieces per span, timed linearly within the span's curve
    move_times, move_values, move_splines = [0.0], [], [linear]
    move_values.append(bernstein_points(flights.path[i : i + 1], eased[:1])[0] - anchor)
    for j in range(len(keys.handles)):
        sub = split_cubic(flights.path[i], float(eased[j]), float(eased[j + 1]))
        y1, y2 = keys.handles[j]
        for q in range(PATH_SAMPLES):
            a, b = q / PATH_SAMPLES, (q + 1) / PATH_SAMPLES
            ta = keys.times[i, j] + a * (keys.times[i, j + 1] - keys.times[i, j])
            move_times.append(float(ta))
            y = _timing(float(y1), float(y2), b)  # the span's eased share at the piece's end
            w = np.array([(1 - y) ** 3, 3 * y * (1 - y) ** 2, 3 * y * y * (1 - y), y**3])
            move_values.append(w @ sub - anchor)
            move_splines.append(_sub_spline(float(y1), float(y2), a, b))
    move_times.append(float(keys.times[i, -1]))
    move_times.append(length)
    move_values.append(np.zeros(2))
    move_splines.append(linear)
    move_texts = [" ".join(svg_number(c) for c in v) for v in move_values]
    outer = dwg.g(transform=f"translate({svg_number(anchor[0])} {svg_number(anchor[1])})")
    moving = dwg.g()
    moving.add(_animate("animateTransform", length, [move_texts[0], *move_texts], move_times, move_splines,
                        attributeName="transform", type="translate", additive="sum"))
    moving.add(_animate("animateTransform", length, keyed(turn), times, splines, attributeName="transform",
                        type="rotate", additive="sum"))
    moving.add(_animate("animateTransform", length, keyed(scale), times, splines, attributeName="transform",
                        type="scale", additive="sum"))
    takeoff, landing = float(flights.takeoff[i]), float(flights.landing[i])
    full = takeoff + flights.fade * (landing - takeoff)
    moving.add(_animate("animate", length, ["0", "0", "1", "1"], [0.0, takeoff, max(full, takeoff), length],
                        [linear, linear, linear], attributeName="opacity"))
    inner = dwg.g(transform=f"translate({svg_number(-anchor[0])} {svg_number(-anchor[1])})")
    inner.add(_rest_shape(dwg, flights.rest, i))
    moving.add(inner)
    outer.add(moving)
    return outer


def _timing(y1: float, y2: float, t: float) -> float:
    """A timing curve with x(τ) = τ at time t."""
    return 3 * t * (1 - t) ** 2 * y1 + 3 * t * t * (1 - t) * y2 + t**3


def _sub_spline(y1: float, y2: float, a: float, b: float) -> str:
    """The timing curve of a span's piece [a, b] of its time, renormalized: a Bézier timing curve
    with x(τ) = τ restricted to [a, b] (de Casteljau), so the pieces together ease as the span does."""
    nodes = np.array([0.0, y1, y2, 1.0])

    def slope(t: float) -> float:
        return float(np.array([-3 * (1 - t) ** 2, 3 * (1 - t) ** 2 - 6 * t * (1 - t),
                               6 * t * (1 - t) - 3 * t * t, 3 * t * t]) @ nodes)

    ya, yb = _timing(y1, y2, a), _timing(y1, y2, b)
    rise = yb - ya
    if abs(rise) < 1e-12:
        return "0 0 1 1"
    span = b - a
    return f"0.333333 {slope(a) * span / 3 / rise:.6f} 0.666667 {1 - slope(b) * span / 3 / rise:.6f}"


def animated_svg(canvas: Canvas, parts: list[Flights | Appearances | Packed], length: float,
                 width: float | None = None) -> str:
    """The SVG text; `width` sets the displayed size (the viewBox stays in canvas units)."""
    w = width if width is not None else canvas.width
    dwg = svgwrite.Drawing(size=(svg_number(w), svg_number(w * canvas.height / canvas.width)),
                           viewBox=f"0 0 {svg_number(canvas.width)} {svg_number(canvas.height)}", debug=False)
    dwg["fill-rule"] = "evenodd"
    if canvas.background[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(canvas.width), svg_number(canvas.height)),
                         **svg_paint(canvas.background)))
    for part in parts:
        if isinstance(part, Flights):
            keys = flight_keys(part)
            for i in range(len(part.rest)):
                dwg.add(_flight(dwg, part, keys, i, length))
            continue
        if isinstance(part, Packed):
            for i in range(len(part)):
                dwg.add(_rest_shape(dwg, part, i))
            continue
        for i in range(len(part.shapes)):
            group = dwg.g()
            group.add(_animate("animate", length, ["0", "1"], [0.0, min(float(part.visible_from[i]), length)],
                               attributeName="opacity", calcMode="discrete"))
            group.add(_rest_shape(dwg, part.shapes, i))
            dwg.add(group)
    return dwg.tostring()
