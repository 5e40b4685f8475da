"""Geometry the polygon families share (compiled): corners clamped into bounds, vertices moved, the drawable."""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.layout import MAX_SIDES, SIDES, clamp, mutation_step
from genart.render import drawables
from genart.render.fields import Color


@numba.njit(cache=True, nogil=True)
def clamp_point(p: np.ndarray, i: int, bounds: np.ndarray) -> None:
    """Keep point i (p[2i], p[2i+1]) within the bounds and their margin."""
    m = bounds[4]
    p[2 * i] = clamp(p[2 * i], bounds[0] - m, bounds[2] + m)
    p[2 * i + 1] = clamp(p[2 * i + 1], bounds[1] - m, bounds[3] + m)


@numba.njit(cache=True, nogil=True)
def random_centre(bounds: np.ndarray, rng: np.ndarray) -> tuple[float, float]:
    """A point drawn uniformly in the bounds' area."""
    cx = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    cy = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    return cx, cy


@numba.njit(cache=True, nogil=True)
def fix_vertices(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp each of the p[SIDES] vertices into bounds."""
    for i in range(int(p[SIDES])):
        clamp_point(p, i, bounds)


@numba.njit(cache=True, nogil=True)
def mutate_vertices(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one of the p[SIDES] vertices by a normal step."""
    step = mutation_step(bounds, rng)
    i = randint(rng, int(p[SIDES]))
    p[2 * i] += normal(rng) * step
    p[2 * i + 1] += normal(rng) * step
    fix_vertices(p, bounds)


@numba.njit(cache=True, nogil=True)
def vertex_corners(p: np.ndarray, pts: np.ndarray) -> int:
    """Write the p[SIDES] vertices into `pts` ((≥ k, 2) array); returns k."""
    k = int(p[SIDES])
    for i in range(k):
        pts[i, 0], pts[i, 1] = p[2 * i], p[2 * i + 1]
    return k


def polygon(p: np.ndarray, color: Color, corners: Callable[[np.ndarray, np.ndarray], int]) -> drawables.Polygon:
    """The drawable polygon of the corners a family's compiled `corners(p, pts)` writes."""
    pts = np.empty((MAX_SIDES, 2))
    k = corners(p, pts)
    return drawables.Polygon(points=[(float(x), float(y)) for x, y in pts[:k]], color=color)
