"""The stroked straight line family (geometrize's `line`): p[0:4] its two end points, p[4] its stroke width.

Not in `--shape combo`, so combo runs search what they searched before lines existed.
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import uniform
from genart.generative.shapes.family import Family
from genart.generative.shapes.stroked import fix_stroke, mutate_stroke
from genart.render import drawables
from genart.render.drawables import Kind
from genart.render.fields import Color
from genart.render.scanlines.line import line_corners_into
from genart.render.scanlines.polygon import polygon_scanlines_into

ID = 8
WIDTH = 4


@numba.njit(cache=True, nogil=True)
def random(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """A short random line: its second end within 32 px of the first at 256 px, 1–4 px wide."""
    s = bounds[5]
    p[0] = bounds[0] + uniform(rng) * (bounds[2] - bounds[0])
    p[1] = bounds[1] + uniform(rng) * (bounds[3] - bounds[1])
    p[2] = p[0] + (uniform(rng) * 64.0 - 32.0) * s
    p[3] = p[1] + (uniform(rng) * 64.0 - 32.0) * s
    p[WIDTH] = (1.0 + 3.0 * uniform(rng)) * s
    fix_stroke(p, bounds, 2, WIDTH)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, bounds: np.ndarray, rng: np.ndarray) -> None:
    """Move one end point by a normal step, or (one time in three) change the width."""
    mutate_stroke(p, bounds, rng, 2, WIDTH)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    line_corners_into(p[0], p[1], p[2], p[3], 0.5 * p[WIDTH], pts[:4])
    return polygon_scanlines_into(pts[:4], height, width, out, xs)


def drawable(p: np.ndarray, color: Color) -> drawables.Line:
    (x0, y0), (x1, y1) = p[0:4].reshape(2, 2).tolist()
    return drawables.Line(points=((x0, y0), (x1, y1)), width=p[WIDTH], color=color)


FAMILY = Family(ID, "line", Kind.LINE, 2, random, mutate, scanlines, drawable, in_combo=False)
