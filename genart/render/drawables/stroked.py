"""What the stroked drawables (Bézier curves, lines) share: a record of `points` and a `width`, packed as its
points with the width at STROKE, and an SVG stroke in the shape's colour."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from genart.render.drawables.base import CX, CY, STROKE, Drawable, point_reaches, svg_number
from genart.render.fields import Color


class StrokedDrawable(Drawable):
    """A drawable stroked through the `points` of its record (`POINTS` of them), `width` wide."""

    POINTS: ClassVar[int]

    def pack(self, shape: Any, points: np.ndarray, params: np.ndarray) -> int:
        n = self.POINTS
        points[:n] = shape.points
        points[n:] = shape.points[-1]
        params[CX], params[CY] = points[:n].mean(axis=0)
        params[STROKE] = shape.width
        return n

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Any:
        ends = tuple((x, y) for x, y in points[: self.POINTS].tolist())
        record: Any = self.model  # a record with points, width and color
        return record(points=ends, width=max(float(params[STROKE]), 1e-6), color=color)

    def scaled(self, shape: Any, factor: float, dx: float = 0.0, dy: float = 0.0) -> Any:
        moved = tuple(((x + dx) * factor, (y + dy) * factor) for x, y in shape.points)
        record: Any = self.model
        return record(points=moved, width=shape.width * factor, color=shape.color)

    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return point_reaches(points, counts, params) + params[:, STROKE] / 2


def svg_stroke(paint: dict[str, str], width: float, **caps: str) -> dict[str, str]:
    """The svgwrite attributes stroking `width` wide in the colour `paint` holds as a fill; `caps` add
    stroke_linecap and the like."""
    stroke = {"stroke": paint["fill"], "stroke_width": svg_number(width), **caps}
    if "fill_opacity" in paint:
        stroke["stroke_opacity"] = paint["fill_opacity"]
    return stroke
