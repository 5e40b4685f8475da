"""The circle family: centre and radius p[0:3] (p[3] kept equal to the radius, p[4] 0)."""

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

ID = 6


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp centre and radius into bounds; with strict bounds (tiles) the circle stays inside."""
    p[2] = clamp(p[2], 1.0, largest_radius(bounds))
    p[3] = p[2]
    p[4] = 0.0
    if bounds[4] == 0.0:
        ex = min(p[2], 0.5 * (bounds[2] - bounds[0]))
        ey = min(p[3], 0.5 * (bounds[3] - bounds[1]))
        p[2] = p[3] = min(ex, ey)
        clamp_centre_inside(p, bounds, ex, ey)
    else:
        clamp_point(p, 0, bounds)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    draw_round(p, bounds, rng)
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move the centre, or change the radius, by a normal step."""
    step = mutation_step(bounds, rng)
    move_round(p, randint(rng, 2), step, rng)
    fix(p, bounds)


def drawable(p: np.ndarray, color: Color) -> drawables.Circle:
    return drawables.Circle(cx=p[0], cy=p[1], r=p[2], color=color)


FAMILY = Family(ID, "circle", Kind.CIRCLE, 4, random, mutate, scanlines, drawable)
