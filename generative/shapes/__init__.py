"""Evolved shape kinds behind one compiled interface: random, mutate, scanlines, to_scene.

The optimizers only call these; adding a kind means adding it to `layout.NAMES` and to
the family module (`polygons` or `ellipses`) that draws it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from generative.fastrng import normal, randint, uniform
from generative.shapes.ellipses import mutate_ellipse, random_ellipse
from generative.shapes.layout import (
    ALPHA,
    CIRCLE,
    COMBO,
    ELLIPSE,
    KIND,
    MAX_SIDES,
    NAMES,
    ROTATED_ELLIPSE,
    SIDES,
    clamp,
)
from generative.shapes.polygons import mutate_polygon, polygon_corners, random_polygon
from renderers import scene as S
from renderers.raster import ellipse_scanlines_into, polygon_scanlines_into

def kinds_for(name: str) -> np.ndarray:
    """Kind ids a shape option stands for (`combo` is several)."""
    if name == "combo":
        return np.array(COMBO, np.int64)
    if name not in NAMES:
        raise ValueError(f"unknown shape {name!r} (choose from {', '.join(NAMES)} or combo)")
    return np.array([NAMES[name]], np.int64)


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
    p[SIDES] = sides if kind == 1 else (3 if kind == 0 else 4)
    p[ALPHA] = alpha if alpha > 0.0 else 0.2 + 0.6 * uniform(rng)
    if is_round(kind):
        random_ellipse(p, bounds, rng)
    else:
        random_polygon(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def mutate(p: np.ndarray, alpha_free: bool, bounds: np.ndarray, rng: np.ndarray) -> None:
    """One small random change: geometry, or (when optimized, one time in four) alpha."""
    if alpha_free and randint(rng, 4) == 0:
        p[ALPHA] = clamp(p[ALPHA] + normal(rng) * 0.08, 0.03, 1.0)
    elif is_round(int(p[KIND])):
        mutate_ellipse(p, bounds, rng)
    else:
        mutate_polygon(p, bounds, rng)


@numba.njit(cache=True, nogil=True)
def scanlines(p: np.ndarray, height: int, width: int, out: np.ndarray, pts: np.ndarray, xs: np.ndarray) -> int:
    """Write the shape's scanlines into `out` ((height × (MAX_SIDES//2 + 1), 3) int32)."""
    kind = int(p[KIND])
    if is_round(kind):
        return ellipse_scanlines_into(p[0], p[1], p[2], p[3], p[4], height, width, out)
    k = polygon_corners(p, pts)
    return polygon_scanlines_into(pts[:k], height, width, out, xs)


def buffers(height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scratch arrays for `scanlines`: lines, vertices, crossings."""
    return (np.empty((height * (MAX_SIDES // 2 + 1), 3), np.int32), np.empty((MAX_SIDES, 2)), np.empty(MAX_SIDES))


def to_scene(p: np.ndarray, rgb: np.ndarray, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> S.Shape:
    """A scene drawable for shape `p` with colour `rgb`, mapped by (x + dx) * scale."""
    color = (*(float(c) for c in np.clip(rgb, 0.0, 1.0)), float(p[ALPHA]))
    kind = int(p[KIND])
    if kind == CIRCLE:
        return S.Circle(cx=(p[0] + dx) * scale, cy=(p[1] + dy) * scale, r=p[2] * scale, color=color)
    if is_round(kind):
        angle = math.degrees(p[4]) % 360.0 if kind == ROTATED_ELLIPSE else 0.0
        return S.Ellipse(cx=(p[0] + dx) * scale, cy=(p[1] + dy) * scale, rx=p[2] * scale, ry=p[3] * scale,
                         angle=angle - 360.0 if angle > 180.0 else angle, color=color)
    pts = np.empty((MAX_SIDES, 2))
    k = polygon_corners(p, pts)
    return S.Polygon(points=[((x + dx) * scale, (y + dy) * scale) for x, y in pts[:k]], color=color)

