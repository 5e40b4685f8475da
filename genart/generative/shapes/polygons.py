"""Polygon kinds: triangle, k-sided polygon, rectangle, rotated rectangle (compiled)."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.layout import KIND, POLYGON, RECTANGLE, SIDES, TRIANGLE, clamp, mutation_step


@numba.njit(cache=True, nogil=True)
def _clamp_point(p: np.ndarray, i: int, bounds: np.ndarray) -> None:
    m = bounds[4]
    p[2 * i] = clamp(p[2 * i], bounds[0] - m, bounds[2] + m)
    p[2 * i + 1] = clamp(p[2 * i + 1], bounds[1] - m, bounds[3] + m)


@numba.njit(cache=True, nogil=True)
def random_polygon(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Random small shape of the kind and side count already set in `p`."""
    kind, s = int(p[KIND]), bounds[5]
    cx = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    cy = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    if kind == TRIANGLE:
        p[0], p[1] = cx, cy
        for i in range(1, 3):
            p[2 * i] = cx + (uniform(rng) * 32.0 - 16.0) * s
            p[2 * i + 1] = cy + (uniform(rng) * 32.0 - 16.0) * s
    elif kind == POLYGON:
        k = int(p[SIDES])
        radius = (4.0 + 12.0 * uniform(rng)) * s
        for i in range(k):
            a = 2.0 * math.pi * (i + 0.8 * uniform(rng)) / k
            p[2 * i] = cx + radius * math.cos(a)
            p[2 * i + 1] = cy + radius * math.sin(a)
    elif kind == RECTANGLE:
        p[0], p[1] = cx, cy
        p[2] = cx + (1.0 + 31.0 * uniform(rng)) * s
        p[3] = cy + (1.0 + 31.0 * uniform(rng)) * s
    else:  # ROTATED_RECTANGLE: centre, width, height, angle
        p[0], p[1] = cx, cy
        p[2] = (1.0 + 31.0 * uniform(rng)) * s
        p[3] = (1.0 + 31.0 * uniform(rng)) * s
        p[4] = uniform(rng) * math.pi
    fix_polygon(p, bounds)


@numba.njit(cache=True, nogil=True)
def fix_polygon(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp a polygon kind's parameters into its bounds."""
    kind = int(p[KIND])
    if kind == TRIANGLE or kind == POLYGON:
        for i in range(int(p[SIDES])):
            _clamp_point(p, i, bounds)
    elif kind == RECTANGLE:
        _clamp_point(p, 0, bounds)
        _clamp_point(p, 1, bounds)
    else:
        top = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
        p[2] = clamp(p[2], 1.0, 2.0 * top)
        p[3] = clamp(p[3], 1.0, 2.0 * top)
        if bounds[4] == 0.0:  # strict bounds (tiles): the whole rectangle stays inside
            half = 0.5 * math.hypot(p[2], p[3])
            room = 0.5 * min(bounds[2] - bounds[0], bounds[3] - bounds[1])
            if half > room:
                p[2] *= room / half
                p[3] *= room / half
                half = room
            p[0] = clamp(p[0], bounds[0] + half, bounds[2] - half)
            p[1] = clamp(p[1], bounds[1] + half, bounds[3] - half)
        else:
            _clamp_point(p, 0, bounds)


@numba.njit(cache=True, nogil=True)
def mutate_polygon(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one vertex (or corner, size, angle) by a normal step."""
    kind, step = int(p[KIND]), mutation_step(bounds, rng)
    if kind == TRIANGLE or kind == POLYGON:
        i = randint(rng, int(p[SIDES]))
        p[2 * i] += normal(rng) * step
        p[2 * i + 1] += normal(rng) * step
    elif kind == RECTANGLE:
        i = randint(rng, 2)
        p[2 * i] += normal(rng) * step
        p[2 * i + 1] += normal(rng) * step
    else:
        g = randint(rng, 3)
        if g == 0:
            p[0] += normal(rng) * step
            p[1] += normal(rng) * step
        elif g == 1:
            p[2] += normal(rng) * step
            p[3] += normal(rng) * step
        else:
            p[4] += normal(rng) * 0.5
    fix_polygon(p, bounds)


@numba.njit(cache=True, nogil=True)
def polygon_corners(p: np.ndarray, pts: np.ndarray) -> int:
    """Write the vertices of a polygon kind into `pts` ((≥ k, 2) array); returns k."""
    kind = int(p[KIND])
    if kind == TRIANGLE or kind == POLYGON:
        k = int(p[SIDES])
        for i in range(k):
            pts[i, 0], pts[i, 1] = p[2 * i], p[2 * i + 1]
        return k
    if kind == RECTANGLE:
        x0, x1 = min(p[0], p[2]), max(p[0], p[2])
        y0, y1 = min(p[1], p[3]), max(p[1], p[3])
        pts[0, 0], pts[0, 1] = x0, y0
        pts[1, 0], pts[1, 1] = x1, y0
        pts[2, 0], pts[2, 1] = x1, y1
        pts[3, 0], pts[3, 1] = x0, y1
        return 4
    c, s = math.cos(p[4]), math.sin(p[4])
    hx, hy = 0.5 * p[2], 0.5 * p[3]
    for i in range(4):
        dx = hx if i == 1 or i == 2 else -hx
        dy = hy if i >= 2 else -hy
        pts[i, 0] = p[0] + dx * c - dy * s
        pts[i, 1] = p[1] + dx * s + dy * c
    return 4

