"""The flat parameter vector every evolved shape lives in, and the bounds it is kept within.

A shape is a float64 vector `p` of length `SIZE`: geometry in `p[:16]`, alpha at `ALPHA`,
search family at `KIND` (a `Family.id`, see `genart.generative.shapes.registry`), vertex
count at `SIDES`. Bounds are `(x0, y0, x1, y1, margin, scale)`: the area the shape may
occupy (tile pixels), how far it may reach past it, and the mutation scale (1 at 256 px).
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import uniform

SIZE = 19
ALPHA = 16
KIND = 17
SIDES = 18
MAX_SIDES = 8


@numba.njit(cache=True, nogil=True)
def clamp(v: float, lo: float, hi: float) -> float:
    return lo if v < lo else (hi if v > hi else v)


@numba.njit(cache=True, nogil=True)
def mutation_step(bounds: np.ndarray, rng: np.ndarray) -> float:
    """Standard deviation of a move: 16 px at 256 px (primitive's), or a fine 3 px one time in two."""
    return (16.0 if uniform(rng) < 0.5 else 3.0) * bounds[5]
