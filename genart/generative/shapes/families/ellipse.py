"""The ellipse family: an axis-aligned ellipse, centre and radii p[0:4] (p[4], the angle, kept 0)."""

from __future__ import annotations

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

ID = 4


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp centre and radii into bounds; with strict bounds (tiles) the ellipse stays inside."""
    top = largest_radius(bounds)
    p[2] = clamp(p[2], 1.0, top)
    p[3] = clamp(p[3], 1.0, top)
    p[4] = 0.0
    if bounds[4] == 0.0:
        ex = min(p[2], 0.5 * (bounds[2] - bounds[0]))
        ey = min(p[3], 0.5 * (bounds[3] - bounds[1]))
        p[2], p[3] = ex, ey
        clamp_centre_inside(p, bounds, ex, ey)
    else:
        clamp_point(p, 0, bounds)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    draw_round(p, bounds, rng)
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move the centre, or change one radius, by a normal step."""
    step = mutation_step(bounds, rng)
    move_round(p, randint(rng, 3), step, rng)
    fix(p, bounds)


def drawable(p: np.ndarray, color: Color) -> drawables.Ellipse:
    return drawables.Ellipse(cx=p[0], cy=p[1], rx=p[2], ry=p[3], angle=0.0, color=color)


FAMILY = Family(ID, "ellipse", Kind.ELLIPSE, 4, random, mutate, scanlines, drawable)
