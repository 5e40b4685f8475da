"""The rotated ellipse family: centre, radii and angle, p[0:5]."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import randint
from genart.generative.shapes.ellipses import clamp_centre_inside, draw_round, largest_radius, move_round
from genart.generative.shapes.ellipses import round_scanlines as scanlines
from genart.generative.shapes.family import Family
from genart.generative.shapes.layout import clamp, mutation_step
from genart.generative.shapes.polygons import clamp_point
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color

ID = 5


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp centre and radii into bounds; with strict bounds (tiles) the ellipse, turned any way, stays inside."""
    top = largest_radius(bounds)
    p[2] = clamp(p[2], 1.0, top)
    p[3] = clamp(p[3], 1.0, top)
    if bounds[4] == 0.0:
        ex = ey = max(p[2], p[3])
        ex = min(ex, 0.5 * (bounds[2] - bounds[0]))
        ey = min(ey, 0.5 * (bounds[3] - bounds[1]))
        r = min(ex, ey)
        p[2], p[3] = min(p[2], r), min(p[3], r)
        clamp_centre_inside(p, bounds, ex, ey)
    else:
        clamp_point(p, 0, bounds)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    draw_round(p, bounds, rng)
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move the centre, or change one radius by a normal step, or turn."""
    step = mutation_step(bounds, rng)
    move_round(p, randint(rng, 4), step, rng)
    fix(p, bounds)


def drawable(p: np.ndarray, color: Color) -> drawables.Ellipse:
    """The ellipse, its angle in degrees within (-180, 180]."""
    angle = math.degrees(p[4]) % 360.0
    return drawables.Ellipse(cx=p[0], cy=p[1], rx=p[2], ry=p[3], angle=angle - 360.0 if angle > 180.0 else angle,
                             color=color)


FAMILY = Family(ID, "rotated_ellipse", Kind.ELLIPSE, 4, random, mutate, scanlines, drawable)
