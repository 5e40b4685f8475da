"""Stroked straight lines (geometrize's `line`): two end points and a width.

The stroke has butt caps: a line covers exactly the rectangle `line_corners` gives, so its raster
scanlines (the kernel `genart.render.scanlines.line`) are that rectangle's polygon scanlines, and
every renderer and exporter draws the same four corners (a line of length zero covers nothing):
cairo, SVG and Lottie stroke it with butt caps, glTF and Blender get the rectangle as two triangles.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field

from genart.render.drawables.base import (
    STROKE,
    Json,
    Kind,
    LottiePaint,
    Mesh,
    Stroke,
    lottie_static,
    svg_number,
)
from genart.render.drawables.stroked import StrokedDrawable, svg_stroke
from genart.render.fields import MAX_CANVAS, Color, Model, Point


class Line(Model):
    """A straight line from points[0] to points[1], stroked `width` wide with butt caps."""

    kind: Literal["line"] = "line"
    points: tuple[Point, Point]
    width: Annotated[float, Field(gt=0.0, le=MAX_CANVAS, allow_inf_nan=False)]
    color: Color


def line_corners(points: np.ndarray, width: float) -> np.ndarray:
    """The (4, 2) corners of the stroke between `points[0]` and `points[1]`, `width` wide (the same corners as the
    kernel's `genart.render.scanlines.line.line_corners_into`).

    Examples
    --------
    >>> line_corners(np.array([[0.0, 0.0], [10.0, 0.0]]), 4.0).tolist()
    [[0.0, 2.0], [10.0, 2.0], [10.0, -2.0], [0.0, -2.0]]
    """
    (x0, y0), (x1, y1) = np.asarray(points, np.float64)[:2].tolist()
    half, length = 0.5 * width, math.hypot(x1 - x0, y1 - y0)
    nx, ny = (0.0, 0.0) if length == 0.0 else (-(y1 - y0) / length * half, (x1 - x0) / length * half)
    return np.array([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])


class LineDrawable(StrokedDrawable):
    kind = Kind.LINE
    model = Line
    tag = "line"
    POINTS = 2

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        from genart.render.scanlines.line import line_scanlines

        ends = np.ascontiguousarray(points[:2] * np.array([sx, sy]))
        return line_scanlines(ends, 0.5 * params[STROKE] * math.sqrt(sx * sy), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        lib.cairo_move_to(ctx, points[0][0], points[0][1])
        lib.cairo_line_to(ctx, points[1][0], points[1][1])
        lib.cairo_set_line_width(ctx, params[STROKE])
        lib.cairo_set_line_cap(ctx, cairocffi.LINE_CAP_BUTT)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_stroke(ctx)

    def svg_element(self, dwg: Any, shape: Line, paint: dict[str, str]) -> Any:
        (x0, y0), (x1, y1) = ((svg_number(x), svg_number(y)) for x, y in shape.points)
        return dwg.line(start=(x0, y0), end=(x1, y1), **svg_stroke(paint, shape.width, stroke_linecap="butt"))

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.hypot(*(points[:, 1] - points[:, 0]).T) * params[:, STROKE]

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        path = {"c": False, "v": points[:2].tolist(), "o": [[0.0, 0.0]] * 2, "i": [[0.0, 0.0]] * 2}
        return [{"ty": "sh", "ks": lottie_static(path)}, {**paint.stroke(float(params[STROKE])), "lc": 1}]  # butt caps

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        return Mesh(line_corners(points, float(params[STROKE])), np.array([[0, 1, 2], [0, 2, 3]], np.int64))

    def trace(self, shape: Line, tolerance: float) -> Stroke:
        return Stroke(np.array(shape.points, np.float64), shape.width, round_caps=False)

