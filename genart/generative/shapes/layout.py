"""The flat parameter vector every evolved shape lives in, and the bounds it is kept within.

A shape is a float64 vector `p` of length `SIZE`: geometry in `p[:16]`, alpha at `ALPHA`,
search family at `KIND`, vertex count at `SIDES`. A family is a way of searching for one
drawable kind (`genart.render.drawables.Kind`): triangles, k-gons, rectangles and rotated
rectangles are all polygons once drawn; `DRAWS` maps each family to its drawable kind.
Bounds are `(x0, y0, x1, y1, margin, scale)`:
the area the shape may occupy (tile pixels), how far it may reach past it, and the
mutation scale (1 at 256 px).
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import uniform
from genart.render.drawables import Kind

SIZE = 19
ALPHA = 16
KIND = 17
SIDES = 18
MAX_SIDES = 8

TRIANGLE, POLYGON, RECTANGLE, ROTATED_RECTANGLE, ELLIPSE, ROTATED_ELLIPSE, CIRCLE, BEZIER = range(8)

NAMES = {
    "triangle": TRIANGLE,
    "polygon": POLYGON,
    "rectangle": RECTANGLE,
    "rotated_rectangle": ROTATED_RECTANGLE,
    "ellipse": ELLIPSE,
    "rotated_ellipse": ROTATED_ELLIPSE,
    "circle": CIRCLE,
    "bezier": BEZIER,
}
COMBO = (TRIANGLE, RECTANGLE, ROTATED_RECTANGLE, ELLIPSE, ROTATED_ELLIPSE, CIRCLE, BEZIER)
DRAWS = {TRIANGLE: Kind.POLYGON, POLYGON: Kind.POLYGON, RECTANGLE: Kind.POLYGON, ROTATED_RECTANGLE: Kind.POLYGON,
         ELLIPSE: Kind.ELLIPSE, ROTATED_ELLIPSE: Kind.ELLIPSE, CIRCLE: Kind.CIRCLE, BEZIER: Kind.BEZIER}


@numba.njit(cache=True, nogil=True)
def clamp(v: float, lo: float, hi: float) -> float:
    return lo if v < lo else (hi if v > hi else v)


@numba.njit(cache=True, nogil=True)
def mutation_step(bounds: np.ndarray, rng: np.ndarray) -> float:
    """Standard deviation of a move: 16 px at 256 px (primitive's), or a fine 3 px one time in two."""
    return (16.0 if uniform(rng) < 0.5 else 3.0) * bounds[5]
