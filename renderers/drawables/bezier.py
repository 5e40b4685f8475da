"""Stroked quadratic Bézier curves (primitive's mode 6): start, control and end point, a width.

The stroke has round caps and joins. For the raster scorer the curve is flattened into
`SEGMENTS` straight pieces, each covered as a capsule (the convex hull of two discs); a
row's coverage is the union of the capsules' intervals, so no pixel is counted twice, as
cairo strokes a path in one pass.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import cairocffi
import numba
import numpy as np
from pydantic import Field

from renderers.drawables.base import CX, CY, STROKE, Drawable, Kind, svg_number
from renderers.fields import MAX_CANVAS, Color, Model, Point

SEGMENTS = 16


class Bezier(Model):
    """A quadratic Bézier curve from points[0] to points[2], pulled toward points[1], stroked `width` wide."""

    kind: Literal["bezier"] = "bezier"
    points: tuple[Point, Point, Point]
    width: Annotated[float, Field(gt=0.0, le=MAX_CANVAS, allow_inf_nan=False)]
    color: Color


@numba.njit(cache=True, nogil=True)
def flatten(x0: float, y0: float, x1: float, y1: float, x2: float, y2: float, pts: np.ndarray) -> None:
    """SEGMENTS + 1 points along the curve into `pts`."""
    for i in range(SEGMENTS + 1):
        t = i / SEGMENTS
        a, b, c = (1.0 - t) * (1.0 - t), 2.0 * t * (1.0 - t), t * t
        pts[i, 0] = a * x0 + b * x1 + c * x2
        pts[i, 1] = a * y0 + b * y1 + c * y2


@numba.njit(cache=True, nogil=True)
def _capsule_row(ax: float, ay: float, bx: float, by: float, r: float, yc: float) -> tuple[float, float]:
    """The x-interval of row `yc` inside the capsule of radius r around segment AB (lo > hi: none)."""
    lo, hi = np.inf, -np.inf
    for px, py in ((ax, ay), (bx, by)):
        d = yc - py
        if abs(d) <= r:
            w = math.sqrt(r * r - d * d)
            lo, hi = min(lo, px - w), max(hi, px + w)
    length = math.hypot(bx - ax, by - ay)
    if length > 0.0:
        nx, ny = -(by - ay) / length * r, (bx - ax) / length * r
        qx = (ax + nx, bx + nx, bx - nx, ax - nx)
        qy = (ay + ny, by + ny, by - ny, ay - ny)
        for i in range(4):
            j = (i + 1) % 4
            y0, y1 = qy[i], qy[j]
            if (y0 <= yc <= y1 or y1 <= yc <= y0) and y0 != y1:
                x = qx[i] + (yc - y0) * (qx[j] - qx[i]) / (y1 - y0)
                lo, hi = min(lo, x), max(hi, x)
    return lo, hi


@numba.njit(cache=True, nogil=True)
def bezier_scanlines_into(curve: np.ndarray, half: float, height: int, width: int, out: np.ndarray,
                          pts: np.ndarray, xs: np.ndarray) -> int:
    """Write the scanlines of a stroked curve ((3, 2) points, stroke half-width `half`) into `out`.

    Scratch: `pts` (SEGMENTS + 1, 2) and `xs` (2 × SEGMENTS) float64. A row keeps at most
    `out`'s remaining room; returns the number of scanlines written.
    """
    flatten(curve[0, 0], curve[0, 1], curve[1, 0], curve[1, 1], curve[2, 0], curve[2, 1], pts)
    ymin, ymax = np.inf, -np.inf
    for i in range(SEGMENTS + 1):
        ymin = min(ymin, pts[i, 1])
        ymax = max(ymax, pts[i, 1])
    y_start = max(0, int(math.ceil(ymin - half - 0.5)))
    y_stop = min(height, int(math.ceil(ymax + half - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        yc = y + 0.5
        m = 0
        for i in range(SEGMENTS):
            lo, hi = _capsule_row(pts[i, 0], pts[i, 1], pts[i + 1, 0], pts[i + 1, 1], half, yc)
            if lo <= hi:
                j = m  # insertion by start
                while j > 0 and xs[2 * (j - 1)] > lo:
                    xs[2 * j], xs[2 * j + 1] = xs[2 * (j - 1)], xs[2 * (j - 1) + 1]
                    j -= 1
                xs[2 * j], xs[2 * j + 1] = lo, hi
                m += 1
        i = 0
        while i < m and n < out.shape[0]:
            lo, hi = xs[2 * i], xs[2 * i + 1]
            i += 1
            while i < m and xs[2 * i] <= hi:
                hi = max(hi, xs[2 * i + 1])
                i += 1
            a = max(0, int(math.ceil(lo - 0.5)))
            b = min(width, int(math.ceil(hi - 0.5)))
            if b > a:
                out[n, 0], out[n, 1], out[n, 2] = y, a, b
                n += 1
    return n


@numba.njit(cache=True, nogil=True)
def bezier_scanlines(curve: np.ndarray, half: float, height: int, width: int) -> np.ndarray:
    """Scanlines of a stroked curve ((3, 2) canvas-pixel points, half-width `half`)."""
    out = np.empty((height * 4, 3), np.int32)
    n = bezier_scanlines_into(curve, half, height, width, out, np.empty((SEGMENTS + 1, 2)), np.empty(2 * SEGMENTS))
    return out[:n].copy()


def cubic_controls(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float]) -> tuple[float, ...]:
    """The two cubic control points (x1, y1, x2, y2) of a quadratic curve, for cairo's curve_to."""
    return (p0[0] + 2 / 3 * (p1[0] - p0[0]), p0[1] + 2 / 3 * (p1[1] - p0[1]),
            p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))


class BezierDrawable(Drawable):
    kind = Kind.BEZIER
    model = Bezier
    tag = "bezier"
    max_points = 3

    def pack(self, shape: Bezier, points: np.ndarray, params: np.ndarray) -> int:
        points[:3] = shape.points
        points[3:] = shape.points[2]
        params[CX], params[CY] = points[:3].mean(axis=0)
        params[STROKE] = shape.width
        return 3

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Bezier:
        (x0, y0), (x1, y1), (x2, y2) = points[:3].tolist()
        return Bezier(points=((x0, y0), (x1, y1), (x2, y2)), width=max(float(params[STROKE]), 1e-6), color=color)

    def scaled(self, shape: Bezier, factor: float, dx: float = 0.0, dy: float = 0.0) -> Bezier:
        (x0, y0), (x1, y1), (x2, y2) = (((x + dx) * factor, (y + dy) * factor) for x, y in shape.points)
        return Bezier(points=((x0, y0), (x1, y1), (x2, y2)), width=shape.width * factor, color=shape.color)

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        curve = np.ascontiguousarray(points[:3] * np.array([sx, sy]))
        return bezier_scanlines(curve, 0.5 * params[STROKE] * math.sqrt(sx * sy), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        p0, p1, p2 = points[0], points[1], points[2]
        lib.cairo_move_to(ctx, p0[0], p0[1])
        lib.cairo_curve_to(ctx, *cubic_controls(p0, p1, p2), p2[0], p2[1])  # type: ignore[arg-type]
        lib.cairo_set_line_width(ctx, params[STROKE])
        lib.cairo_set_line_cap(ctx, cairocffi.LINE_CAP_ROUND)
        lib.cairo_set_line_join(ctx, cairocffi.LINE_JOIN_ROUND)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_stroke(ctx)

    def svg_element(self, dwg: Any, shape: Bezier, paint: dict[str, str]) -> Any:
        (x0, y0), (x1, y1), (x2, y2) = ((svg_number(x), svg_number(y)) for x, y in shape.points)
        stroke = {"stroke": paint["fill"], "stroke_width": svg_number(shape.width), "stroke_linecap": "round",
                  "stroke_linejoin": "round", "fill": "none"}
        if "fill_opacity" in paint:
            stroke["stroke_opacity"] = paint["fill_opacity"]
        return dwg.path(d=f"M{x0} {y0} Q{x1} {y1} {x2} {y2}", **stroke)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        chord = np.hypot(*(points[:, 2] - points[:, 0]).T)
        control = np.hypot(*(points[:, 1] - points[:, 0]).T) + np.hypot(*(points[:, 2] - points[:, 1]).T)
        return 0.5 * (chord + control) * params[:, STROKE]
