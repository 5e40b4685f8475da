"""The rectangle family: an axis-aligned rectangle by two opposite corners, p[0:4]."""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.layout import mutation_step
from genart.generative.shapes.polygons import clamp_point, polygon, random_centre
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 2


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    clamp_point(p, 0, bounds)
    clamp_point(p, 1, bounds)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A random corner, the other 1 to 32 px (at 256 px) right of and below it."""
    s = bounds[5]
    cx, cy = random_centre(bounds, rng)
    p[0], p[1] = cx, cy
    p[2] = cx + (1.0 + 31.0 * uniform(rng)) * s
    p[3] = cy + (1.0 + 31.0 * uniform(rng)) * s
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one corner by a normal step."""
    step = mutation_step(bounds, rng)
    i = randint(rng, 2)
    p[2 * i] += normal(rng) * step
    p[2 * i + 1] += normal(rng) * step
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def corners(p: np.ndarray, pts: np.ndarray) -> int:
    """Write the four corners into `pts`; returns 4."""
    x0, x1 = min(p[0], p[2]), max(p[0], p[2])
    y0, y1 = min(p[1], p[3]), max(p[1], p[3])
    pts[0, 0], pts[0, 1] = x0, y0
    pts[1, 0], pts[1, 1] = x1, y0
    pts[2, 0], pts[2, 1] = x1, y1
    pts[3, 0], pts[3, 1] = x0, y1
    return 4


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    k = corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Polygon:
    return polygon(p, color, corners)


FAMILY = Family(ID, "rectangle", Kind.POLYGON, 4, random, mutate, scanlines, drawable)
