"""Evolved shape families behind one compiled interface: random, mutate, scanlines, to_drawable.

The optimizers only call these. A family searches for one drawable kind
(`layout.DRAWS`); its geometry lives in a family module (`polygons`, `ellipses`,
`curves`), and its scanlines come from the drawable's own kernel in `genart.render.drawables`.
Adding a family: its module, a name in `layout.NAMES`, and a branch in each function below.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.curves import WIDTH, mutate_bezier, random_bezier
from genart.generative.shapes.ellipses import mutate_ellipse, random_ellipse
from genart.generative.shapes.layout import (
    ALPHA,
    BEZIER,
    CIRCLE,
    COMBO,
    DRAWS,
    ELLIPSE,
    KIND,
    MAX_SIDES,
    NAMES,
    ROTATED_ELLIPSE,
    SIDES,
    TRIANGLE,
    clamp,
)
from genart.generative.shapes.polygons import mutate_polygon, polygon_corners, random_polygon
from genart.render import drawables
from genart.render.fields import rgba
from genart.render.scanlines.bezier import SEGMENTS, bezier_scanlines_into
from genart.render.scanlines.ellipse import ellipse_scanlines_into
from genart.render.scanlines.polygon import polygon_scanlines_into

LINES_PER_ROW = MAX_SIDES // 2 + 1  # scanlines a row may need (a curve's union needs fewer)
SCRATCH_POINTS = max(MAX_SIDES, SEGMENTS + 1)
SCRATCH_XS = max(MAX_SIDES, 2 * SEGMENTS)


def kinds_for(name: str) -> np.ndarray:
    """Family ids a shape option stands for (`combo` is several)."""
    if name == "combo":
        return np.array(COMBO, np.int64)
    if name not in NAMES:
        raise ValueError(f"unknown shape {name!r} (choose from {', '.join(NAMES)} or combo)")
    return np.array([NAMES[name]], np.int64)


@numba.njit(cache=True, nogil=True)
def buffers(height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scratch arrays for `scanlines` on a canvas `height` rows tall: lines, points, crossings."""
    return (np.empty((height * LINES_PER_ROW, 3), np.int32), np.empty((SCRATCH_POINTS, 2)), np.empty(SCRATCH_XS))


@numba.njit(cache=True, nogil=True)
def is_round(kind: int) -> bool:
    return kind == ELLIPSE or kind == ROTATED_ELLIPSE or kind == CIRCLE


@numba.njit(cache=True, nogil=True)
def random_shape(
    p: np.ndarray, kinds: np.ndarray, sides: int, alpha: float, bounds: np.ndarray, rng: np.ndarray
) -> None:
    """Fill `p` with a random shape of one of `kinds`; alpha ≤ 0 means alpha is optimized."""
    kind = kinds[randint(rng, kinds.shape[0])]
    p[:] = 0.0
    p[KIND] = kind
    p[SIDES] = sides if kind == 1 else (3 if kind == TRIANGLE or kind == BEZIER else 4)
    p[ALPHA] = alpha if alpha > 0.0 else 0.2 + 0.6 * uniform(rng)
    if is_round(kind):
        random_ellipse(p, bounds, rng)
    elif kind == BEZIER:
        random_bezier(p, bounds, rng)
    else:
        random_polygon(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, alpha_free: bool, bounds: np.ndarray, rng: np.ndarray) -> None:
    """One small random change: geometry, or (when optimized, one time in four) alpha."""
    kind = int(p[KIND])
    if alpha_free and randint(rng, 4) == 0:
        p[ALPHA] = clamp(p[ALPHA] + normal(rng) * 0.08, 0.03, 1.0)
    elif is_round(kind):
        mutate_ellipse(p, bounds, rng)
    elif kind == BEZIER:
        mutate_bezier(p, bounds, rng)
    else:
        mutate_polygon(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    """Write the shape's scanlines into `out`; the scratch arrays come from `buffers(height)`."""
    kind = int(p[KIND])
    if is_round(kind):
        return ellipse_scanlines_into(p[0], p[1], p[2], p[3], p[4], height, width, out)
    if kind == BEZIER:
        return bezier_scanlines_into(p[0:6].reshape(3, 2), 0.5 * p[WIDTH], height, width, out, pts, xs)
    k = polygon_corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def to_drawable(p: np.ndarray, rgb: np.ndarray, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> drawables.Shape:
    """The scene drawable of shape `p` with colour `rgb`, mapped by (x + dx) * scale."""
    color = rgba([*np.clip(rgb, 0.0, 1.0), p[ALPHA]])
    family = int(p[KIND])
    kind = DRAWS[family]
    if kind == drawables.Kind.CIRCLE:
        shape: drawables.Shape = drawables.Circle(cx=p[0], cy=p[1], r=p[2], color=color)
    elif kind == drawables.Kind.ELLIPSE:
        angle = math.degrees(p[4]) % 360.0 if family == ROTATED_ELLIPSE else 0.0
        shape = drawables.Ellipse(cx=p[0], cy=p[1], rx=p[2], ry=p[3], angle=angle - 360.0 if angle > 180.0 else angle,
                                  color=color)
    elif kind == drawables.Kind.BEZIER:
        (x0, y0), (x1, y1), (x2, y2) = p[0:6].reshape(3, 2).tolist()
        shape = drawables.Bezier(points=((x0, y0), (x1, y1), (x2, y2)), width=p[WIDTH], color=color)
    else:
        pts = np.empty((MAX_SIDES, 2))
        k = polygon_corners(p, pts)
        shape = drawables.Polygon(points=[(float(x), float(y)) for x, y in pts[:k]], color=color)
    return drawables.scaled(shape, scale, dx, dy)
