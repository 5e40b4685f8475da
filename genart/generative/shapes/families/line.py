"""The stroked straight line family (geometrize's `line`): p[0:4] its two end points, p[4] its stroke width.

Not in `--shape combo`, so combo runs search what they searched before lines existed.
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.layout import clamp, mutation_step
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.line import line_corners_into
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 8
WIDTH = 4
MAX_WIDTH = 16.0  # at 256 px, as the curves'


@numba.njit(cache=True, nogil=True)
def fix(p: np.ndarray, bounds: np.ndarray) -> None:
    """Clamp the end points (and width); with strict bounds (tiles) the whole stroke stays inside."""
    s, m = bounds[5], bounds[4]
    top = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    p[WIDTH] = clamp(p[WIDTH], 0.5 * s, min(MAX_WIDTH * s, 0.25 * top))
    inset = -m if m > 0.0 else 0.5 * p[WIDTH]
    for i in range(2):
        p[2 * i] = clamp(p[2 * i], bounds[0] + inset, bounds[2] - inset)
        p[2 * i + 1] = clamp(p[2 * i + 1], bounds[1] + inset, bounds[3] - inset)


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A short random line: its second end within 32 px of the first at 256 px, 1–4 px wide."""
    s = bounds[5]
    p[0] = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    p[1] = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    p[2] = p[0] + (uniform(rng) * 64.0 - 32.0) * s
    p[3] = p[1] + (uniform(rng) * 64.0 - 32.0) * s
    p[WIDTH] = (1.0 + 3.0 * uniform(rng)) * s
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one end point by a normal step, or (one time in three) change the width."""
    g = randint(rng, 3)
    if g < 2:
        step = mutation_step(bounds, rng)
        p[2 * g] += normal(rng) * step
        p[2 * g + 1] += normal(rng) * step
    else:
        p[WIDTH] += normal(rng) * bounds[5]
    fix(p, bounds)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    line_corners_into(p[0], p[1], p[2], p[3], 0.5 * p[WIDTH], pts[:4])
    return polygon_scanlines_into(pts[:4], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Line:
    (x0, y0), (x1, y1) = p[0:4].reshape(2, 2).tolist()
    return drawables.Line(points=((x0, y0), (x1, y1)), width=p[WIDTH], color=color)


FAMILY = Family(ID, "line", Kind.LINE, 2, random, mutate, scanlines, drawable, in_combo=False)
