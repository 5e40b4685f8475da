"""The quadratic Bézier family: p[0:6] start, control and end point, p[6] stroke width."""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.stroked import fix_stroke, mutate_stroke
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.bezier import bezier_scanlines_into

ID = 7
WIDTH = 6


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A short random curve (each point within 20 px of the last at 256 px, as primitive's)."""
    s = bounds[5]
    p[0] = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    p[1] = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    for i in range(1, 3):
        p[2 * i] = p[2 * i - 2] + (uniform(rng) * 40.0 - 20.0) * s
        p[2 * i + 1] = p[2 * i - 1] + (uniform(rng) * 40.0 - 20.0) * s
    p[WIDTH] = (1.0 + 3.0 * uniform(rng)) * s
    fix_stroke(p, bounds, 3, WIDTH)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one of the three points by a normal step, or (one time in four) change the width."""
    mutate_stroke(p, bounds, rng, 3, WIDTH)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    return bezier_scanlines_into(p[0:6].reshape(3, 2), 0.5 * p[WIDTH], height, width, out, pts, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Bezier:
    (x0, y0), (x1, y1), (x2, y2) = p[0:6].reshape(3, 2).tolist()
    return drawables.Bezier(points=((x0, y0), (x1, y1), (x2, y2)), width=p[WIDTH], color=color)


FAMILY = Family(ID, "bezier", Kind.BEZIER, 3, random, mutate, scanlines, drawable)
