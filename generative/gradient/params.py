"""Scene shapes ↔ the arrays the soft renderer optimizes (see `soft_render`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numba
import numpy as np

from generative.gradient.soft_render import CIRCLE, ELLIPSE, MASK, POLYGON
from renderers.raster import polygon_scanlines
from renderers.scene import Circle, Ellipse, Polygon

Shape = Circle | Ellipse | Polygon
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
    fixed: list[Polygon]  # (M,) those polygons

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
    """Arrays for a scene in canvas units = pixels; non-convex or large polygons become fixed masks."""
    n = len(shapes)
    width = max([3] + [5 for s in shapes if isinstance(s, Ellipse)] + [2 * len(s.points) for s in shapes if isinstance(s, Polygon) and len(s.points) <= MAX_VERTICES])
    kind, nv = np.zeros(n, np.int64), np.zeros(n, np.int64)
    geom, col = np.zeros((n, width)), np.zeros((n, 4))
    masks: list[np.ndarray] = []
    fixed: list[Polygon] = []
    for i, s in enumerate(shapes):
        col[i] = s.color
        if isinstance(s, Circle):
            kind[i], geom[i, :3] = CIRCLE, (s.cx, s.cy, max(s.r, MIN_RADIUS))
        elif isinstance(s, Ellipse):
            kind[i] = ELLIPSE
            geom[i, :5] = (s.cx, s.cy, max(s.rx, MIN_RADIUS), max(s.ry, MIN_RADIUS), math.radians(s.angle))
        else:
            pts = np.asarray(s.points, np.float64)
            if len(pts) <= MAX_VERTICES and _convex(pts):
                kind[i], nv[i] = POLYGON, len(pts)
                geom[i, : 2 * len(pts)] = pts.reshape(-1)
            else:
                mask = np.zeros((h, w))
                for y, x0, x1 in polygon_scanlines(pts, h, w):
                    mask[y, x0:x1] = 1.0
                kind[i], geom[i, 0] = MASK, len(masks)
                masks.append(mask)
                fixed.append(s)
    return Params(
        kind=kind,
        nv=nv,
        geom=geom,
        col_raw=logit(col),
        bg_raw=logit(np.asarray(background[:3], np.float64)),
        masks=np.stack(masks) if masks else np.zeros((0, h, w)),
        fixed=fixed,
    )


def to_shapes(params: Params) -> list[Shape]:
    """Scene shapes for the arrays (a fixed polygon keeps its points, takes the new colour)."""
    col = sigmoid(params.col_raw)
    out: list[Shape] = []
    for i in range(len(params.kind)):
        g, color = params.geom[i], tuple(float(c) for c in col[i])
        k = params.kind[i]
        if k == CIRCLE:
            out.append(Circle(cx=g[0], cy=g[1], r=g[2], color=color))
        elif k == ELLIPSE:
            out.append(Ellipse(cx=g[0], cy=g[1], rx=g[2], ry=g[3], angle=math.degrees(g[4]), color=color))
        elif k == POLYGON:
            pts = [(float(g[2 * j]), float(g[2 * j + 1])) for j in range(params.nv[i])]
            out.append(Polygon(points=pts, color=color))
        else:
            out.append(params.fixed[int(g[0])].model_copy(update={"color": color}))
    return out


def background(params: Params) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in sigmoid(params.bg_raw))
    return (r, g, b)
