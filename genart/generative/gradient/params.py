"""Scene shapes ↔ the arrays the soft renderer optimizes (see `soft_render`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numba
import numpy as np

from genart.generative.gradient.soft_render import CIRCLE, ELLIPSE, MASK, POLYGON
from genart.render.drawables import PARAMS, Shape, drawable, pack
from genart.render.drawables.base import ANGLE, CX, CY, RX, RY
from genart.render.fields import rgba

MAX_VERTICES = 8  # convex polygons up to this many vertices are optimized; others are held fixed
MIN_RADIUS = 0.3
COLOR_EPS = 1e-4  # colours are kept this far inside (0, 1) so their logits stay finite


def logit(v: np.ndarray | float) -> np.ndarray:
    """Inverse sigmoid, clipped so that 0 and 1 map to finite values."""
    p = np.clip(np.asarray(v, np.float64), COLOR_EPS, 1.0 - COLOR_EPS)
    return np.log(p / (1.0 - p))


def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


@dataclass
class Params:
    """A scene as arrays: shape kinds, vertex counts, geometry in pixels, colour logits."""

    kind: np.ndarray  # (N,) int64
    nv: np.ndarray  # (N,) int64
    geom: np.ndarray  # (N, P) float64
    col_raw: np.ndarray  # (N, 4) logits of RGBA
    bg_raw: np.ndarray  # (3,) logits of the background
    masks: np.ndarray  # (M, H, W) coverages of the polygons held fixed
    fixed: list[Shape]  # (M,) those shapes

    def copy(self) -> Params:
        return replace(self, geom=self.geom.copy(), col_raw=self.col_raw.copy(), bg_raw=self.bg_raw.copy())

    def reorder(self, order: np.ndarray) -> None:
        """Put the shapes in the given back-to-front order, in place."""
        self.kind, self.nv = self.kind[order], self.nv[order]
        self.geom, self.col_raw = self.geom[order], self.col_raw[order]

    def clamp(self, h: int, w: int) -> None:
        """Keep geometry valid and near the canvas: positive radii, bounded coordinates."""
        _clamp(self.kind, self.geom, h, w)


@numba.njit(cache=True, nogil=True)
def _clip(v: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, v))


@numba.njit(cache=True, nogil=True)
def _clamp(kind: np.ndarray, g: np.ndarray, h: int, w: int) -> None:
    """`Params.clamp` in place: centres within a canvas' width of it, radii in [MIN_RADIUS, 2 × size]."""
    size = float(max(h, w))
    for i in range(kind.shape[0]):
        k = kind[i]
        if k == CIRCLE or k == ELLIPSE:
            g[i, 0] = _clip(g[i, 0], -w, 2.0 * w)
            g[i, 1] = _clip(g[i, 1], -h, 2.0 * h)
            g[i, 2] = _clip(g[i, 2], MIN_RADIUS, 2.0 * size)
            if k == ELLIPSE:
                g[i, 3] = _clip(g[i, 3], MIN_RADIUS, 2.0 * size)
                g[i, 4] = (g[i, 4] + math.pi) % (2.0 * math.pi) - math.pi
        elif k == POLYGON:
            for j in range(g.shape[1]):
                g[i, j] = _clip(g[i, j], -size, 2.0 * size)


def _convex(points: np.ndarray) -> bool:
    d = np.roll(points, -1, axis=0) - points
    cross = d[:, 0] * np.roll(d[:, 1], -1) - d[:, 1] * np.roll(d[:, 0], -1)
    turning = np.arctan2(cross, (d * np.roll(d, -1, axis=0)).sum(1)).sum()
    return bool((cross >= 0).all() or (cross <= 0).all()) and abs(abs(turning) - 2 * math.pi) < 1e-6


def from_shapes(shapes: Sequence[Shape], background: Sequence[float], h: int, w: int) -> Params:
    """Arrays for a scene in canvas units = pixels; circles, ellipses and convex polygons of up
    to MAX_VERTICES move, any other drawable (curves, large or non-convex polygons) becomes a
    fixed mask."""
    n = len(shapes)
    packed = pack(shapes)
    movable = [k in (CIRCLE, ELLIPSE) or (k == POLYGON and c <= MAX_VERTICES and _convex(pts[:c]))
               for k, c, pts in zip(packed.kinds.tolist(), packed.counts.tolist(), packed.points)]
    kind = np.where(movable, packed.kinds, MASK).astype(np.int64)
    nv = np.where(kind == POLYGON, packed.counts, 0)
    geom = np.zeros((n, max([3] + [5 for k in kind if k == ELLIPSE] + [2 * int(c) for c in nv])))
    p = packed.params
    round_rows = (kind == CIRCLE) | (kind == ELLIPSE)
    round_geom = np.column_stack([p[:, CX], p[:, CY], np.maximum(p[:, RX], MIN_RADIUS),
                                  np.maximum(p[:, RY], MIN_RADIUS), np.radians(p[:, ANGLE])])
    used = min(5, geom.shape[1])  # circles alone need (cx, cy, r)
    geom[round_rows, :used] = round_geom[round_rows, :used]
    masks: list[np.ndarray] = []
    fixed: list[Shape] = []
    for i in range(n):
        if kind[i] == POLYGON:
            geom[i, : 2 * nv[i]] = packed.points[i, : nv[i]].reshape(-1)
        elif kind[i] == MASK:
            mask = np.zeros((h, w))
            count = int(packed.counts[i])
            for y, x0, x1 in drawable(int(packed.kinds[i])).scanlines(packed.points[i], count, p[i], 1.0, 1.0, h, w):
                mask[y, x0:x1] = 1.0
            geom[i, 0] = len(masks)
            masks.append(mask)
            fixed.append(shapes[i])
    return Params(
        kind=kind,
        nv=nv,
        geom=geom,
        col_raw=logit(packed.colors),
        bg_raw=logit(np.asarray(background[:3], np.float64)),
        masks=np.stack(masks) if masks else np.zeros((0, h, w)),
        fixed=fixed,
    )


def to_shapes(params: Params) -> list[Shape]:
    """Scene shapes for the arrays (a fixed shape keeps its geometry, takes the new colour)."""
    col = sigmoid(params.col_raw)
    out: list[Shape] = []
    row = np.zeros(PARAMS)
    for i in range(len(params.kind)):
        g, color, k = params.geom[i], rgba(col[i]), int(params.kind[i])
        if k == MASK:
            out.append(params.fixed[int(g[0])].model_copy(update={"color": color}))
            continue
        row[:] = 0.0
        if k == CIRCLE:
            row[[CX, CY, RX, RY]] = g[0], g[1], g[2], g[2]
        elif k == ELLIPSE:
            row[[CX, CY, RX, RY, ANGLE]] = g[0], g[1], g[2], g[3], math.degrees(g[4])
        out.append(drawable(k).unpack(g[: 2 * params.nv[i]].reshape(-1, 2), int(params.nv[i]), row, color))
    return out


def background(params: Params) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in sigmoid(params.bg_raw))
    return (r, g, b)
