"""Filled polygons (triangles, quads, rotated rectangles, ...), even-odd rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from pydantic import Field

from genart.render.drawables.base import (
    CX,
    CY,
    Drawable,
    Json,
    Kind,
    LottiePaint,
    Mesh,
    lottie_static,
    point_reaches,
    svg_number,
)
from genart.render.fields import Color, Model, Point

MAX_POINTS = 4096


class Polygon(Model):
    """A filled polygon (triangles, quads, rotated rectangles, ...)."""

    kind: Literal["polygon"] = "polygon"
    points: list[Point] = Field(min_length=3, max_length=MAX_POINTS)
    color: Color


def shoelace_areas(points: np.ndarray) -> np.ndarray:
    """Areas of (N, K, 2) closed polygons (padding with a repeated last point adds nothing)."""
    x, y = points[..., 0], points[..., 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - y * np.roll(x, -1, axis=1), axis=1))


class PolygonDrawable(Drawable):
    kind = Kind.POLYGON
    model = Polygon
    tag = "polygon"

    def pack(self, shape: Polygon, points: np.ndarray, params: np.ndarray) -> int:
        k = len(shape.points)
        points[:k] = shape.points
        points[k:] = shape.points[-1]
        params[CX], params[CY] = points[:k].mean(axis=0)
        return k

    def pack_many(self, shapes: Sequence[Polygon], points: np.ndarray, params: np.ndarray) -> np.ndarray:
        counts = np.array([len(s.points) for s in shapes], np.int64)
        for k in np.unique(counts).tolist():  # one array per vertex count: no per-shape numpy calls
            rows = np.flatnonzero(counts == k)
            corners = np.array([shapes[i].points for i in rows.tolist()], np.float64).reshape(len(rows), k, 2)
            points[rows, :k] = corners
            points[rows, k:] = corners[:, -1:]
            params[rows, CX], params[rows, CY] = corners.mean(axis=1).T
        return counts

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Polygon:
        return Polygon(points=[(float(x), float(y)) for x, y in points[:count]], color=color)

    def scaled(self, shape: Polygon, factor: float, dx: float = 0.0, dy: float = 0.0) -> Polygon:
        return Polygon(points=[((x + dx) * factor, (y + dy) * factor) for x, y in shape.points], color=shape.color)

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        from genart.render.scanlines.polygon import polygon_scanlines

        return polygon_scanlines(points[:count] * np.array([sx, sy]), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        x, y = points[0]
        lib.cairo_move_to(ctx, x, y)
        for x, y in points[1:count]:
            lib.cairo_line_to(ctx, x, y)
        lib.cairo_close_path(ctx)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_fill_preserve(ctx)  # the path stays for an outline

    def svg_element(self, dwg: Any, shape: Polygon, paint: dict[str, str]) -> Any:
        return dwg.polygon(points=[(svg_number(x), svg_number(y)) for x, y in shape.points], **paint)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return shoelace_areas(points)

    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return point_reaches(points, counts, params)

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        zero = [[0.0, 0.0]] * count
        path = {"c": True, "v": points[:count].tolist(), "i": zero, "o": zero}
        return [{"ty": "sh", "ks": lottie_static(path)}, paint.fill()]

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        import mapbox_earcut

        ring = np.ascontiguousarray(points[:count], np.float64)
        triangles = mapbox_earcut.triangulate_float64(ring, np.array([count], np.uint32))
        return Mesh(ring, triangles.reshape(-1, 3))

    def trace(self, shape: Polygon, tolerance: float) -> np.ndarray:
        return np.array(shape.points, np.float64)

    def faces(self, points: np.ndarray, count: int, params: np.ndarray) -> list[np.ndarray]:
        return [points[:count]]
