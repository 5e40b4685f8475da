"""The triangle family: three free vertices, p[0:6]."""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.polygons import fix_vertices, polygon, random_centre, vertex_corners
from genart.generative.shapes.polygons import mutate_vertices as mutate
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 0


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A small triangle: one vertex anywhere, the others within 16 px of it (at 256 px)."""
    s = bounds[5]
    cx, cy = random_centre(bounds, rng)
    p[0], p[1] = cx, cy
    for i in range(1, 3):
        p[2 * i] = cx + (uniform(rng) * 32.0 - 16.0) * s
        p[2 * i + 1] = cy + (uniform(rng) * 32.0 - 16.0) * s
    fix_vertices(p, bounds)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    k = vertex_corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Polygon:
    return polygon(p, color, vertex_corners)


FAMILY = Family(ID, "triangle", Kind.POLYGON, 3, random, mutate, scanlines, drawable)
