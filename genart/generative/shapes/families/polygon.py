"""The polygon family: k free vertices (k the run's --sides), p[0:2k]."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.layout import SIDES
from genart.generative.shapes.polygons import fix_vertices, polygon, random_centre, vertex_corners
from genart.generative.shapes.polygons import mutate_vertices as mutate
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 1


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A small k-gon: its vertices about a random centre, at a radius of 4 to 16 px (at 256 px)."""
    s = bounds[5]
    cx, cy = random_centre(bounds, rng)
    k = int(p[SIDES])
    radius = (4.0 + 12.0 * uniform(rng)) * s
    for i in range(k):
        a = 2.0 * math.pi * (i + 0.8 * uniform(rng)) / k
        p[2 * i] = cx + radius * math.cos(a)
        p[2 * i + 1] = cy + radius * math.sin(a)
    fix_vertices(p, bounds)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    k = vertex_corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Polygon:
    return polygon(p, color, vertex_corners)


FAMILY = Family(ID, "polygon", Kind.POLYGON, None, random, mutate, scanlines, drawable, in_combo=False)
