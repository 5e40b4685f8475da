"""What the stroked families (Bézier curves, lines) share, compiled: their points come first in the parameter
vector and their stroke width sits at `width`; the points are kept in bounds with the whole stroke."""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import normal, randint
from genart.generative.shapes.layout import clamp, mutation_step

MAX_WIDTH = 16.0  # at 256 px, as primitive's


@numba.njit(cache=True, nogil=True)
def fix_stroke(p: np.ndarray, bounds: np.ndarray, points: int, width: int) -> None:
    """Clamp the `points` first points (and the width at `width`); with strict bounds (tiles) the whole stroke
    stays inside (a curve lies in its points' hull, so insetting them is enough)."""
    s, m = bounds[5], bounds[4]
    top = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    p[width] = clamp(p[width], 0.5 * s, min(MAX_WIDTH * s, 0.25 * top))
    inset = -m if m > 0.0 else 0.5 * p[width]
    for i in range(points):
        p[2 * i] = clamp(p[2 * i], bounds[0] + inset, bounds[2] - inset)
        p[2 * i + 1] = clamp(p[2 * i + 1], bounds[1] + inset, bounds[3] - inset)


@numba.njit(cache=True, nogil=True)
def mutate_stroke(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray, points: int, width: int) -> None:
    """Move one of the `points` points by a normal step, or (one time in points + 1) change the width."""
    g = randint(rng, points + 1)
    if g < points:
        step = mutation_step(bounds, rng)
        p[2 * g] += normal(rng) * step
        p[2 * g + 1] += normal(rng) * step
    else:
        p[width] += normal(rng) * bounds[5]
    fix_stroke(p, bounds, points, width)
