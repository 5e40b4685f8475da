"""Where new circles go: big ones first, then smaller ones where the error is largest."""

from __future__ import annotations

import math

import numpy as np

from generative.gradient.params import Params, logit
from generative.gradient.soft_render import CIRCLE

ALPHA0 = 0.85  # alpha of a newly placed circle


def _box_mean(integral: np.ndarray, x: float, y: float, half: float) -> np.ndarray:
    h, w = integral.shape[0] - 1, integral.shape[1] - 1
    x0, x1 = int(np.clip(x - half, 0, w - 1)), int(np.clip(x + half + 1, 1, w))
    y0, y1 = int(np.clip(y - half, 0, h - 1)), int(np.clip(y + half + 1, 1, h))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    s = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    return s / ((x1 - x0) * (y1 - y0))


def _integral(target: np.ndarray) -> np.ndarray:
    h, w = target.shape[:2]
    out = np.zeros((h + 1, w + 1, 3))
    out[1:, 1:] = target.cumsum(0).cumsum(1)
    return out


def _place(
    target: np.ndarray,
    weights: np.ndarray,
    error: np.ndarray,
    canvas: np.ndarray,
    integral: np.ndarray,
    radius: float,
    rng: np.random.Generator,
) -> tuple[float, float, np.ndarray]:
    """Pick a centre ∝ error² and the colour that makes the disc match the target on average;
    draw the disc into `canvas` and update `error` (H×W weighted squared error) in place."""
    h, w = error.shape
    cdf = np.cumsum(error.reshape(-1) ** 2)
    if cdf[-1] > 0:
        k = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), cdf.size - 1)
    else:
        k = int(rng.integers(cdf.size))
    y, x = divmod(k, w)
    cx, cy = x + rng.random(), y + rng.random()
    want = _box_mean(integral, cx - 0.5, cy - 0.5, 0.7 * radius)
    x0, x1 = max(0, int(cx - radius)), min(w, int(cx + radius) + 2)
    y0, y1 = max(0, int(cy - radius)), min(h, int(cy + radius) + 2)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inside = (xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= radius * radius
    under = canvas[y0:y1, x0:x1][inside].mean(0) if inside.any() else want
    color = np.clip((want - (1.0 - ALPHA0) * under) / ALPHA0, 0.0, 1.0)
    region = canvas[y0:y1, x0:x1]
    region[inside] += (color - region[inside]) * ALPHA0
    error[y0:y1, x0:x1] = ((target[y0:y1, x0:x1] - region) ** 2).sum(2) * weights[y0:y1, x0:x1]
    return cx, cy, color


def initial_circles(target: np.ndarray, n: int, weights: np.ndarray, rng: np.random.Generator) -> Params:
    """n circles, back to front from large to small, each placed where the error is largest."""
    h, w = target.shape[:2]
    mean = (target * weights[..., None]).sum((0, 1)) / weights.sum()
    canvas = np.empty_like(target)
    canvas[:] = mean
    integral = _integral(target)
    r_max = 0.25 * min(h, w)
    r_min = max(1.0, min(r_max, 0.5 * math.sqrt(h * w / (math.pi * max(n, 1)))))
    geom, col = np.zeros((n, 3)), np.zeros((n, 4))
    error = ((target - canvas) ** 2).sum(2) * weights
    for i in range(n):
        radius = r_max * (r_min / r_max) ** (i / max(n - 1, 1)) * rng.uniform(0.8, 1.2)
        cx, cy, color = _place(target, weights, error, canvas, integral, radius, rng)
        geom[i], col[i, :3], col[i, 3] = (cx, cy, radius), color, ALPHA0
    return Params(
        kind=np.full(n, CIRCLE, np.int64),
        nv=np.zeros(n, np.int64),
        geom=geom,
        col_raw=logit(col),
        bg_raw=logit(mean),
        masks=np.zeros((0, h, w)),
        fixed=[],
    )


def reseed(params: Params, rows: np.ndarray, target: np.ndarray, render: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> None:
    """Move the given circles to where the soft `render` is worst, in place (order unchanged)."""
    h, w = target.shape[:2]
    canvas = render.copy()
    integral = _integral(target)
    base = 0.5 * math.sqrt(h * w / (math.pi * max(len(params.kind), 1)))
    error = ((target - canvas) ** 2).sum(2) * weights
    for i in rows:
        radius = max(1.0, base * rng.uniform(0.6, 1.2))
        cx, cy, color = _place(target, weights, error, canvas, integral, radius, rng)
        params.geom[i, :3] = (cx, cy, radius)
        params.col_raw[i] = logit(np.append(color, ALPHA0))
