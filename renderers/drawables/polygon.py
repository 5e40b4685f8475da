"""Filled polygons (triangles, quads, rotated rectangles, ...), even-odd rule."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numba
import numpy as np
from pydantic import Field

from renderers.drawables.base import CX, CY, Drawable, Kind, svg_number
from renderers.fields import Color, Model, Point

MAX_POINTS = 4096


class Polygon(Model):
    """A filled polygon (triangles, quads, rotated rectangles, ...)."""

    kind: Literal["polygon"] = "polygon"
    points: list[Point] = Field(min_length=3, max_length=MAX_POINTS)
    color: Color


@numba.njit(cache=True, nogil=True)
def polygon_scanlines_into(points: np.ndarray, height: int, width: int, out: np.ndarray, xs: np.ndarray) -> int:
    """Write the scanlines of a polygon ((k, 2) float64 canvas-pixel vertices) into `out`.

    `out` needs (rows × (k // 2 + 1), 3) int32 room and `xs` k float64 scratch; returns the
    number of scanlines written.
    """
    k = points.shape[0]
    ymin, ymax = np.inf, -np.inf
    for i in range(k):
        ymin = min(ymin, points[i, 1])
        ymax = max(ymax, points[i, 1])
    y_start = max(0, int(math.ceil(ymin - 0.5)))
    y_stop = min(height, int(math.ceil(ymax - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        yc = y + 0.5
        m = 0
        for i in range(k):
            x0, y0 = points[i, 0], points[i, 1]
            j = i + 1 if i + 1 < k else 0
            x1, y1 = points[j, 0], points[j, 1]
            if (y0 <= yc < y1) or (y1 <= yc < y0):
                xs[m] = x0 + (yc - y0) * (x1 - x0) / (y1 - y0)
                m += 1
        for i in range(1, m):  # insertion sort: m is tiny
            v = xs[i]
            j = i - 1
            while j >= 0 and xs[j] > v:
                xs[j + 1] = xs[j]
                j -= 1
            xs[j + 1] = v
        for i in range(0, m - 1, 2):
            a = max(0, int(math.ceil(xs[i] - 0.5)))
            b = min(width, int(math.ceil(xs[i + 1] - 0.5)))
            if b > a:
                out[n, 0], out[n, 1], out[n, 2] = y, a, b
                n += 1
    return n


@numba.njit(cache=True, nogil=True)
def polygon_scanlines(points: np.ndarray, height: int, width: int) -> np.ndarray:
    """Scanlines of a polygon given as a (k, 2) float64 array of canvas-pixel vertices."""
    k = points.shape[0]
    out = np.empty((height * (k // 2 + 1), 3), np.int32)
    n = polygon_scanlines_into(points, height, width, out, np.empty(k, np.float64))
    return out[:n].copy()


def shoelace_areas(points: np.ndarray) -> np.ndarray:
    """Areas of (N, K, 2) closed polygons (padding with a repeated last point adds nothing)."""
    x, y = points[..., 0], points[..., 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - y * np.roll(x, -1, axis=1), axis=1))


class PolygonDrawable(Drawable):
    kind = Kind.POLYGON
    model = Polygon
    tag = "polygon"
    max_points = MAX_POINTS

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
        return polygon_scanlines(points[:count] * np.array([sx, sy]), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        x, y = points[0]
        lib.cairo_move_to(ctx, x, y)
        for x, y in points[1:count]:
            lib.cairo_line_to(ctx, x, y)
        lib.cairo_close_path(ctx)
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_fill(ctx)

    def svg_element(self, dwg: Any, shape: Polygon, paint: dict[str, str]) -> Any:
        return dwg.polygon(points=[(svg_number(x), svg_number(y)) for x, y in shape.points], **paint)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return shoelace_areas(points)
