"""Animated SVG (SMIL) of a fly-in or a greedy time-lapse, whose static geometry is the final pose.

Every shape is drawn at rest inside three groups: `translate(anchor)`, then a group whose
`animateTransform`s (translate along x, translate along y, rotate, scale; additive, frozen
at the end) carry the motion, then `translate(−anchor)`. Viewers without SMIL ignore the
animations and show the finished poster. Each track is keyed (`genart.animate.export.keys`,
"monotone") with `keySplines` that draw a cubic Hermite curve of genart's own track
between keyframes, their handles kept in [0, 1] as SMIL requires: every point of every
shape within `keys.TOLERANCE` of the canvas's longer side of genart's at every time.
Times are seconds of the movie (`setCurrentTime(t)` is genart's t). Opacity fades in
linearly in time (exact); a time-lapse shape appears at its time with a discrete opacity step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import svgwrite

from genart.animate.export.keys import FlightKeys, GraphKnots, Track, bends
from genart.animate.export.tracks import Appearances, Flights, Growing, Zooming, grout
from genart.render.drawables import Packed, drawable
from genart.render.drawables.base import CX, CY, svg_number
from genart.render.fields import rgba
from genart.render.layers.base import svg_paint
from genart.render.layers.mosaic import MosaicType
from genart.render.scene import Canvas

LINEAR = "0 0 1 1"  # the spline of a linear span, and of the holds before take-off and after landing


def _animate(tag: str, length: float, values: list[str], times: list[float], splines: list[str] | None = None,
             **attrs: str) -> Any:
    """An SMIL element over the whole movie [0, length], frozen at its end value."""
    el = svgwrite.base.BaseElement(debug=False)
    el.elementname = tag
    el.attribs.update({"dur": f"{length:.9g}s", "fill": "freeze", "values": ";".join(values),
                       "keyTimes": ";".join(f"{min(max(t / length, 0.0), 1.0):.9f}".rstrip("0").rstrip(".") or "0"
                                            for t in times), **attrs})
    if splines is not None:
        el.attribs.update({"calcMode": "spline", "keySplines": ";".join(splines)})
    return el


def _track(track: Track, times: np.ndarray, texts: list[str], length: float) -> tuple[list[str], list[float], list[str]]:
    """values, keyTimes and keySplines of a track over the movie: held before its first key and after its last."""
    splines = [f"0.333333 {y1:.6f} 0.666667 {y2:.6f}" for y1, y2 in track.handles[:, 0]]
    values, keyed, curves = list(texts), [float(t) for t in times], splines
    if keyed[0] > 0:
        values, keyed, curves = [texts[0], *values], [0.0, *keyed], [LINEAR, *curves]
    if keyed[-1] < length:
        values, keyed, curves = [*values, texts[-1]], [*keyed, length], [*curves, LINEAR]
    return values, keyed, curves


def _rest_shape(dwg: svgwrite.Drawing, packed: Packed, i: int) -> Any:
    """Packed shape i at rest, as its drawable's SVG element (the one an SVG poster has)."""
    kind = drawable(int(packed.kinds[i]))
    shape = kind.unpack(packed.points[i], int(packed.counts[i]), packed.params[i], rgba(packed.colors[i]))
    return kind.svg_element(dwg, shape, svg_paint(shape.color))


def _numbers(values: np.ndarray, digits: int = 4) -> list[str]:
    """Numbers with `digits` decimals, trailing zeros cut (svg_number's two would stray past the bound)."""
    return [f"{float(v):.{digits}f}".rstrip("0").rstrip(".") or "0" for v in values]


def _flight(dwg: svgwrite.Drawing, flights: Flights, keys: FlightKeys, i: int, length: float) -> Any:
    anchor = flights.rest.params[i, [CX, CY]]
    eased = keys.eased
    s = eased.values[:, 0]
    scale = flights.start_scale + (1.0 - flights.start_scale) * s
    turn = float(flights.spin[i]) * (1.0 - s)
    path = keys.anchors[i]
    moving = dwg.g()
    for d, form in enumerate(("{} 0", "0 {}")):
        along = Track(path.u, path.values[:, d : d + 1], path.leaving[:, d : d + 1], path.reaching[:, d : d + 1],
                      path.handles[:, d : d + 1])
        texts = [form.format(v) for v in _numbers(along.values[:, 0] - anchor[d])]
        moving.add(_animate("animateTransform", length, *_track(along, keys.times(flights, i, path), texts, length),
                            attributeName="transform", type="translate", additive="sum"))
    times = keys.times(flights, i, eased)
    for kind, values in (("rotate", turn), ("scale", scale)):
        moving.add(_animate("animateTransform", length, *_track(eased, times, _numbers(values, 6), length),
                            attributeName="transform", type=kind, additive="sum"))
    takeoff, landing = float(flights.takeoff[i]), float(flights.landing[i])
    full = takeoff + flights.fade * (landing - takeoff)
    fade = [(0.0, "0"), (takeoff, "0"), (max(full, takeoff), "1"), (length, "1")]
    fade = [point for k, point in enumerate(fade) if k == 0 or point[0] > fade[k - 1][0] or point[1] != fade[k - 1][1]]
    moving.add(_animate("animate", length, [v for _, v in fade], [t for t, _ in fade], attributeName="opacity"))
    inner = dwg.g(transform=f"translate({svg_number(-anchor[0])} {svg_number(-anchor[1])})")
    inner.add(_rest_shape(dwg, flights.rest, i))
    moving.add(inner)
    outer = dwg.g(transform=f"translate({svg_number(anchor[0])} {svg_number(anchor[1])})")
    outer.add(moving)
    return outer


def svg_canvas(canvas: Canvas, width: float | None) -> svgwrite.Drawing:
    """The SVG of `canvas` `width` wide (default: the canvas's), its background drawn."""
    w = width if width is not None else canvas.width
    dwg = svgwrite.Drawing(size=(svg_number(w), svg_number(w * canvas.height / canvas.width)),
                           viewBox=f"0 0 {svg_number(canvas.width)} {svg_number(canvas.height)}", debug=False)
    dwg["fill-rule"] = "evenodd"
    if canvas.background[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(canvas.width), svg_number(canvas.height)),
                         **svg_paint(canvas.background)))
    return dwg


def animated_svg(canvas: Canvas, parts: list[Flights | Appearances | Packed], keys: list[FlightKeys | None],
                 length: float, width: float | None = None) -> str:
    """The SVG text; `keys` are the flights' keyframes ("monotone"), one per part (None for the others);
    `width` sets the displayed size (the viewBox stays in canvas units)."""
    dwg = svg_canvas(canvas, width)
    for part, keyed in zip(parts, keys):
        if isinstance(part, Flights):
            assert keyed is not None
            for i in range(len(part.rest)):
                dwg.add(_flight(dwg, part, keyed, i, length))
            continue
        if isinstance(part, Packed):
            for i in range(len(part)):
                dwg.add(_rest_shape(dwg, part, i))
            continue
        for i in range(len(part.shapes)):
            shown = float(part.visible_from[i])
            if not np.isfinite(shown):
                continue
            group = dwg.g()
            if shown > 0:
                group.add(_animate("animate", length, ["0", "1"], [0.0, min(shown, length)],
                                   attributeName="opacity", calcMode="discrete"))
            group.add(_rest_shape(dwg, part.shapes, i))
            dwg.add(group)
    return dwg.tostring()


def _linear(length: float, times: np.ndarray, texts: list[str], numbers: np.ndarray, attribute: str) -> Any | None:
    """An `animate` of `attribute` through `texts` (of `numbers`, K × D) at `times` (seconds), linearly, but those
    on a line between their neighbours, held before and after; None when it never changes."""
    if all(t == texts[0] for t in texts):
        return None
    kept = np.flatnonzero(bends(times, numbers))
    texts = [texts[k] for k in kept]
    values, keyed = list(texts), [float(times[k]) for k in kept]
    if keyed[0] > 0:
        values, keyed = [texts[0], *values], [0.0, *keyed]
    if keyed[-1] < length:
        values, keyed = [*values, texts[-1]], [*keyed, length]
    return _animate("animate", length, values, keyed, attributeName=attribute)


def _colors(rgb: np.ndarray) -> tuple[list[str], np.ndarray]:
    """`rgb()` texts of colours (K, 3; 0–1), and their numbers."""
    numbers = np.round(np.clip(rgb, 0.0, 1.0) * 255.0, 2)
    return [f"rgb({r:.2f},{g:.2f},{b:.2f})" for r, g, b in numbers], numbers


def _values(values: np.ndarray, digits: int = 4) -> tuple[list[str], np.ndarray]:
    """Texts of numbers (K,) with `digits` decimals, and the numbers they say."""
    rounded = np.round(values, digits)
    return _numbers(rounded, digits), rounded[:, None]


def _element(dwg: svgwrite.Drawing, tag: str, length: float, times: np.ndarray,
             attributes: dict[str, tuple[list[str], np.ndarray]], **fixed: str) -> Any:
    """An SVG element whose `attributes` (texts and their numbers) are keyed at `times`; its own values are the
    last (the poster)."""
    el = svgwrite.base.BaseElement(debug=False)
    el.elementname = tag
    el.attribs.update({name: texts[-1] for name, (texts, _) in attributes.items()})
    el.attribs.update(fixed)
    for name, (texts, numbers) in attributes.items():
        animation = _linear(length, times, texts, numbers, name)
        if animation is not None:
            el.add(animation)
    return el


def growth_svg(canvas: Canvas, growing: Growing, knots: GraphKnots, length: float, width: float | None = None) -> str:
    """The SVG text of a growth: every edge a round-capped `line`, then every node a `circle`, their ends,
    centres, radii, widths, colours and alphas animated linearly at their `knots` (`keys.growth_knots`)."""
    dwg = svg_canvas(canvas, width)
    for e, u in enumerate(knots.edges):
        v = growing.values(growing.edges, e, u)
        dwg.add(_element(dwg, "line", length, growing.seconds(u), {
            "x1": _values(v[:, 0]), "y1": _values(v[:, 1]), "x2": _values(v[:, 2]), "y2": _values(v[:, 3]),
            "stroke-width": _values(v[:, 4]), "stroke": _colors(v[:, 5:8]), "stroke-opacity": _values(v[:, 8])},
            **{"stroke-linecap": "round", "fill": "none"}))
    for n, u in enumerate(knots.nodes):
        v = growing.values(growing.nodes, n, u)
        dwg.add(_element(dwg, "circle", length, growing.seconds(u), {
            "cx": _values(v[:, 0]), "cy": _values(v[:, 1]), "r": _values(v[:, 2]), "fill": _colors(v[:, 3:6]),
            "fill-opacity": _values(v[:, 6])}))
    return dwg.tostring()


def zoom_svg(canvas: Canvas, zooming: Zooming, track: Track, tile_px: int, cell_px: float, length: float,
             width: float | None = None) -> str:
    """The SVG text of a mosaic zoom: the mosaic as its SVG poster draws it (tiles of `tile_px` pixels) over
    `grout` (cells shown `cell_px` wide at the least), in a group scaled about the zoom's fixed point by the
    camera's `track` ("monotone" keys); without SMIL, the last view."""
    dwg = svg_canvas(canvas, width)
    fx, fy = zooming.fixed
    values = track.values[:, 0]
    moving = dwg.g(transform=f"scale({_numbers(values[-1:], 6)[0]})")
    moving.add(_animate("animateTransform", length, *_track(track, zooming.seconds(track.u), _numbers(values, 6), length),
                        attributeName="transform", type="scale"))
    inner = dwg.g(transform=f"translate({svg_number(-fx)} {svg_number(-fy)})")
    for (x, y, w, h), color in grout(zooming, canvas, cell_px):
        inner.add(dwg.rect(insert=(svg_number(x), svg_number(y)), size=(svg_number(w), svg_number(h)),
                           **svg_paint((*color, 1.0))))
    inner.add(MosaicType().svg_group(dwg, zooming.layer, canvas, zooming.tiles, tile_px))
    moving.add(inner)
    outer = dwg.g(transform=f"translate({svg_number(fx)} {svg_number(fy)})")
    outer.add(moving)
    dwg.add(outer)
    return dwg.tostring()
