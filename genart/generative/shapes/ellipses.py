"""Geometry the round families share (compiled). Parameters: cx, cy, rx, ry, angle."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import normal, uniform
from genart.generative.shapes.layout import clamp
from genart.render.scanlines.ellipse import ellipse_scanlines_into


@numba.njit(cache=True, nogil=True)
def draw_round(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Random centre, radii (1 to 32 px at 256 px) and angle, not yet kept in bounds."""
    s = bounds[5]
    p[0] = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    p[1] = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    p[2] = (1.0 + 31.0 * uniform(rng)) * s
    p[3] = (1.0 + 31.0 * uniform(rng)) * s
    p[4] = uniform(rng) * math.pi


@numba.njit(cache=True, nogil=True)
def move_round(p: np.ndarray, part: int, step: float, rng: np.ndarray) -> None:
    """Move the centre (part 0), or change rx (1) or ry (2) by a normal step, or turn (3)."""
    if part == 0:
        p[0] += normal(rng) * step
        p[1] += normal(rng) * step
    elif part == 1:
        p[2] += normal(rng) * step
    elif part == 2:
        p[3] += normal(rng) * step
    else:
        p[4] += normal(rng) * 0.5


@numba.njit(cache=True, nogil=True)
def largest_radius(bounds: np.ndarray) -> float:
    """The largest radius a round shape may have: the bounds' longer side."""
    return max(bounds[2] - bounds[0], bounds[3] - bounds[1])


@numba.njit(cache=True, nogil=True)
def clamp_centre_inside(p: np.ndarray, bounds: np.ndarray, ex: float, ey: float) -> None:
    """Keep the centre where a shape reaching ex, ey from it stays inside the bounds."""
    p[0] = clamp(p[0], bounds[0] + ex, bounds[2] - ex)
    p[1] = clamp(p[1], bounds[1] + ey, bounds[3] - ey)


@numba.njit(cache=True, nogil=True)
def round_scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    """The rows of the ellipse p[0:5] describes (see `genart.generative.shapes.scanlines`)."""
    return ellipse_scanlines_into(p[0], p[1], p[2], p[3], p[4], height, width, out)
