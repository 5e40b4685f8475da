"""The rotated rectangle family: centre, width, height and angle, p[0:5]."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.layout import clamp, mutation_step
from genart.generative.shapes.polygons import clamp_point, polygon, random_centre
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 3


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp the sides (1 px to twice the bounds); with strict bounds (tiles) the whole rectangle stays inside."""
    top = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    p[2] = clamp(p[2], 1.0, 2.0 * top)
    p[3] = clamp(p[3], 1.0, 2.0 * top)
    if bounds[4] == 0.0:
        half = 0.5 * math.hypot(p[2], p[3])
        room = 0.5 * min(bounds[2] - bounds[0], bounds[3] - bounds[1])
        if half > room:
            p[2] *= room / half
            p[3] *= room / half
            half = room
        p[0] = clamp(p[0], bounds[0] + half, bounds[2] - half)
        p[1] = clamp(p[1], bounds[1] + half, bounds[3] - half)
    else:
        clamp_point(p, 0, bounds)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A random centre, sides of 1 to 32 px (at 256 px), any angle."""
    s = bounds[5]
    cx, cy = random_centre(bounds, rng)
    p[0], p[1] = cx, cy
    p[2] = (1.0 + 31.0 * uniform(rng)) * s
    p[3] = (1.0 + 31.0 * uniform(rng)) * s
    p[4] = uniform(rng) * math.pi
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move the centre, or change both sides by a normal step, or turn."""
    step = mutation_step(bounds, rng)
    g = randint(rng, 3)
    if g == 0:
        p[0] += normal(rng) * step
        p[1] += normal(rng) * step
    elif g == 1:
        p[2] += normal(rng) * step
        p[3] += normal(rng) * step
    else:
        p[4] += normal(rng) * 0.5
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def corners(p: np.ndarray, pts: np.ndarray) -> int:
    """Write the four corners into `pts`; returns 4."""
    c, s = math.cos(p[4]), math.sin(p[4])
    hx, hy = 0.5 * p[2], 0.5 * p[3]
    for i in range(4):
        dx = hx if i == 1 or i == 2 else -hx
        dy = hy if i >= 2 else -hy
        pts[i, 0] = p[0] + dx * c - dy * s
        pts[i, 1] = p[1] + dx * s + dy * c
    return 4


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    k = corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Polygon:
    return polygon(p, color, corners)


FAMILY = Family(ID, "rotated_rectangle", Kind.POLYGON, 4, random, mutate, scanlines, drawable)
