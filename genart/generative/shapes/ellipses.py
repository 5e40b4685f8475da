"""Round kinds: ellipse, rotated ellipse, circle (compiled). Parameters: cx, cy, rx, ry, angle."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.layout import CIRCLE, KIND, ROTATED_ELLIPSE, clamp, mutation_step


@numba.njit(cache=True, nogil=True)
def fix_ellipse(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp centre and radii into bounds; with strict bounds (tiles) the shape stays inside."""
    kind, m = int(p[KIND]), bounds[4]
    top = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    p[2] = clamp(p[2], 1.0, top)
    p[3] = p[2] if kind == CIRCLE else clamp(p[3], 1.0, top)
    if kind != ROTATED_ELLIPSE:
        p[4] = 0.0
    if m == 0.0:
        if kind == ROTATED_ELLIPSE:
            ex = ey = max(p[2], p[3])
        else:
            ex, ey = p[2], p[3]
        ex = min(ex, 0.5 * (bounds[2] - bounds[0]))
        ey = min(ey, 0.5 * (bounds[3] - bounds[1]))
        if kind == ROTATED_ELLIPSE:
            r = min(ex, ey)
            p[2], p[3] = min(p[2], r), min(p[3], r)
        elif kind == CIRCLE:
            p[2] = p[3] = min(ex, ey)
        else:
            p[2], p[3] = ex, ey
        p[0] = clamp(p[0], bounds[0] + ex, bounds[2] - ex)
        p[1] = clamp(p[1], bounds[1] + ey, bounds[3] - ey)
    else:
        p[0] = clamp(p[0], bounds[0] - m, bounds[2] + m)
        p[1] = clamp(p[1], bounds[1] - m, bounds[3] + m)


@numba.njit(cache=True, nogil=True)
def random_ellipse(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    s = bounds[5]
    p[0] = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    p[1] = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    p[2] = (1.0 + 31.0 * uniform(rng)) * s
    p[3] = (1.0 + 31.0 * uniform(rng)) * s
    p[4] = uniform(rng) * math.pi
    fix_ellipse(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate_ellipse(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move the centre, or change one radius, or turn (rotated ellipses) by a normal step."""
    kind, step = int(p[KIND]), mutation_step(bounds, rng)
    g = randint(rng, 2 if kind == CIRCLE else (4 if kind == ROTATED_ELLIPSE else 3))
    if g == 0:
        p[0] += normal(rng) * step
        p[1] += normal(rng) * step
    elif g == 1:
        p[2] += normal(rng) * step
    elif g == 2:
        p[3] += normal(rng) * step
    else:
        p[4] += normal(rng) * 0.5
    fix_ellipse(p, bounds)
