"""Evolved shape families behind one compiled interface: random, mutate, scanlines, to_drawable.

The optimizers only call these. Each family is one record in its own module
(`genart.generative.shapes.families`, registered in `registry.FAMILIES`); its geometry may share
helpers (`polygons`, `ellipses`), and its scanlines come from the drawable's own kernel in
`genart.render.scanlines`. Numba cannot call through a table of Python records cheaply, so the
compiled entry points below hold **the one switch on the family id**: `random_shape`, `mutate`
and `scanlines` each have one case per family, naming its module's entry point. Adding a family
adds its case to each of the three; nothing else branches on the id.
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.fastrng import normal, randint, uniform
from genart.generative.shapes.families import (
    bezier,
    circle,
    ellipse,
    line,
    polygon,
    rectangle,
    rotated_ellipse,
    rotated_rectangle,
    triangle,
)
from genart.generative.shapes.layout import ALPHA, KIND, MAX_SIDES, SIDES, clamp
from genart.generative.shapes.registry import FAMILIES
from genart.render import drawables
from genart.render.fields import rgba
from genart.render.scanlines.bezier import SEGMENTS

LINES_PER_ROW = MAX_SIDES // 2 + 1  # scanlines a row may need (a curve's union needs fewer)
SCRATCH_POINTS = max(MAX_SIDES, SEGMENTS + 1)
SCRATCH_XS = max(MAX_SIDES, 2 * SEGMENTS)


@numba.njit(cache=True, nogil=True)
def buffers(height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scratch arrays for `scanlines` on a canvas `height` rows tall: lines, points, crossings."""
    return (np.empty((height * LINES_PER_ROW, 3), np.int32), np.empty((SCRATCH_POINTS, 2)), np.empty(SCRATCH_XS))


@numba.njit(cache=True, nogil=True)
def random_shape(
    p: np.ndarray, kinds: np.ndarray, sides: np.ndarray, alpha: float, bounds: np.ndarray, rng: np.ndarray
) -> None:
    """Fill `p` with a random shape of one of `kinds` (with `sides[i]` vertices for `kinds[i]`,
    `registry.side_counts`); alpha ≤ 0 means alpha is optimized."""
    pick = randint(rng, kinds.shape[0])
    kind = kinds[pick]
    p[:] = 0.0
    p[KIND] = kind
    p[SIDES] = sides[pick]
    p[ALPHA] = alpha if alpha > 0.0 else 0.2 + 0.6 * uniform(rng)
    if kind == triangle.ID:
        triangle.random(p, bounds, rng)
    elif kind == polygon.ID:
        polygon.random(p, bounds, rng)
    elif kind == rectangle.ID:
        rectangle.random(p, bounds, rng)
    elif kind == rotated_rectangle.ID:
        rotated_rectangle.random(p, bounds, rng)
    elif kind == ellipse.ID:
        ellipse.random(p, bounds, rng)
    elif kind == rotated_ellipse.ID:
        rotated_ellipse.random(p, bounds, rng)
    elif kind == circle.ID:
        circle.random(p, bounds, rng)
    elif kind == bezier.ID:
        bezier.random(p, bounds, rng)
    elif kind == line.ID:
        line.random(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, alpha_free: bool, bounds: np.ndarray, rng: np.ndarray) -> None:
    """One small random change: geometry, or (when optimized, one time in four) alpha."""
    kind = int(p[KIND])
    if alpha_free and randint(rng, 4) == 0:
        p[ALPHA] = clamp(p[ALPHA] + normal(rng) * 0.08, 0.03, 1.0)
    elif kind == triangle.ID:
        triangle.mutate(p, bounds, rng)
    elif kind == polygon.ID:
        polygon.mutate(p, bounds, rng)
    elif kind == rectangle.ID:
        rectangle.mutate(p, bounds, rng)
    elif kind == rotated_rectangle.ID:
        rotated_rectangle.mutate(p, bounds, rng)
    elif kind == ellipse.ID:
        ellipse.mutate(p, bounds, rng)
    elif kind == rotated_ellipse.ID:
        rotated_ellipse.mutate(p, bounds, rng)
    elif kind == circle.ID:
        circle.mutate(p, bounds, rng)
    elif kind == bezier.ID:
        bezier.mutate(p, bounds, rng)
    elif kind == line.ID:
        line.mutate(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    """Write the shape's scanlines (row, x0, x1) into `out`; returns their count. The scratch arrays come
    from `buffers(height)`."""
    kind = int(p[KIND])
    if kind == triangle.ID:
        return triangle.scanlines(p, height, width, out, pts, xs)
    if kind == polygon.ID:
        return polygon.scanlines(p, height, width, out, pts, xs)
    if kind == rectangle.ID:
        return rectangle.scanlines(p, height, width, out, pts, xs)
    if kind == rotated_rectangle.ID:
        return rotated_rectangle.scanlines(p, height, width, out, pts, xs)
    if kind == ellipse.ID:
        return ellipse.scanlines(p, height, width, out, pts, xs)
    if kind == rotated_ellipse.ID:
        return rotated_ellipse.scanlines(p, height, width, out, pts, xs)
    if kind == circle.ID:
        return circle.scanlines(p, height, width, out, pts, xs)
    if kind == bezier.ID:
        return bezier.scanlines(p, height, width, out, pts, xs)
    if kind == line.ID:
        return line.scanlines(p, height, width, out, pts, xs)
    return 0


def to_drawable(p: np.ndarray, rgb: np.ndarray, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> drawables.Shape:
    """The scene drawable of shape `p` with colour `rgb`, mapped by (x + dx) * scale."""
    color = rgba([*np.clip(rgb, 0.0, 1.0), p[ALPHA]])
    return drawables.scaled(FAMILIES[int(p[KIND])].drawable(p, color), scale, dx, dy)
