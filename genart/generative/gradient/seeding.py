"""Where circles start: greedily, each at the best of many candidates for the current picture.

A candidate circle (cx, cy, r) with alpha `ALPHA0` gets the colour that best fits the
target under it; its gain is the drop in squared error. The best of random candidates
(centres drawn where the error is largest) is improved by a short hill-climb.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.gradient.params import Params, logit
from genart.generative.gradient.soft_render import CIRCLE

ALPHA0 = 0.85  # alpha of a newly placed circle
CANDIDATES = 64
CLIMB = 32


@numba.njit(cache=True, nogil=True)
def _span(cy: float, r: float, h: int) -> tuple[int, int]:
    return max(0, int(math.ceil(cy - r - 0.5))), min(h, int(math.ceil(cy + r - 0.5)))


@numba.njit(cache=True, nogil=True)
def circle_gain(target: np.ndarray, canvas: np.ndarray, weights: np.ndarray, cx: float, cy: float, r: float,
                alpha: float, color: np.ndarray) -> float:
    """Drop in weighted squared error from drawing the circle with its best colour (into `color`)."""
    h, w = target.shape[:2]
    y0, y1 = _span(cy, r, h)
    acc = np.zeros(3)
    wsum = 0.0
    for y in range(y0, y1):
        dy = y + 0.5 - cy
        half = math.sqrt(max(r * r - dy * dy, 0.0))
        for x in range(max(0, int(math.ceil(cx - half - 0.5))), min(w, int(math.ceil(cx + half - 0.5)))):
            wt = weights[y, x]
            wsum += wt
            for c in range(3):
                acc[c] += wt * (target[y, x, c] - (1.0 - alpha) * canvas[y, x, c]) / alpha
    if wsum <= 0.0:
        return -1.0
    for c in range(3):
        color[c] = min(1.0, max(0.0, acc[c] / wsum))
    gain = 0.0
    for y in range(y0, y1):
        dy = y + 0.5 - cy
        half = math.sqrt(max(r * r - dy * dy, 0.0))
        for x in range(max(0, int(math.ceil(cx - half - 0.5))), min(w, int(math.ceil(cx + half - 0.5)))):
            for c in range(3):
                before = canvas[y, x, c] - target[y, x, c]
                after = canvas[y, x, c] + (color[c] - canvas[y, x, c]) * alpha - target[y, x, c]
                gain += weights[y, x] * (before * before - after * after)
    return gain


@numba.njit(cache=True, nogil=True)
def best_circle(target: np.ndarray, canvas: np.ndarray, weights: np.ndarray, cands: np.ndarray, alpha: float,
                r_min: float, r_max: float, climb: int, seed: int) -> np.ndarray:
    """(cx, cy, r, R, G, B) of the best candidate after a hill-climb of `climb` mutations."""
    np.random.seed(seed)
    h, w = target.shape[:2]
    color = np.empty(3)
    best = np.zeros(6)
    best_gain = -np.inf
    for k in range(cands.shape[0]):
        g = circle_gain(target, canvas, weights, cands[k, 0], cands[k, 1], cands[k, 2], alpha, color)
        if g > best_gain:
            best_gain = g
            best[:3], best[3:] = cands[k], color
    for _ in range(climb):
        cx = min(w, max(0.0, best[0] + np.random.normal() * 0.1 * best[2]))
        cy = min(h, max(0.0, best[1] + np.random.normal() * 0.1 * best[2]))
        r = min(r_max, max(r_min, best[2] * math.exp(np.random.normal() * 0.15)))
        g = circle_gain(target, canvas, weights, cx, cy, r, alpha, color)
        if g > best_gain:
            best_gain = g
            best[0], best[1], best[2] = cx, cy, r
            best[3:] = color
    return best


@numba.njit(cache=True, nogil=True)
def draw_circle(canvas: np.ndarray, cx: float, cy: float, r: float, color: np.ndarray, alpha: float) -> None:
    """Hard-draw a circle into `canvas` in place (pixel centres inside)."""
    h, w = canvas.shape[:2]
    y0, y1 = _span(cy, r, h)
    for y in range(y0, y1):
        dy = y + 0.5 - cy
        half = math.sqrt(max(r * r - dy * dy, 0.0))
        for x in range(max(0, int(math.ceil(cx - half - 0.5))), min(w, int(math.ceil(cx + half - 0.5)))):
            for c in range(3):
                canvas[y, x, c] += (color[c] - canvas[y, x, c]) * alpha


def _radii(h: int, w: int, n: int) -> tuple[float, float]:
    r_max = 0.35 * min(h, w)
    return max(1.0, min(r_max, 0.25 * math.sqrt(h * w / (math.pi * max(n, 1))))), r_max


def _add(target: np.ndarray, canvas: np.ndarray, weights: np.ndarray, r_min: float, r_max: float,
         rng: np.random.Generator) -> np.ndarray:
    """Find the best new circle for `canvas`, draw it there, return (cx, cy, r, R, G, B)."""
    h, w = target.shape[:2]
    error = ((target - canvas) ** 2).sum(2) * weights
    cdf = np.cumsum(error.reshape(-1))
    picks = np.searchsorted(cdf, rng.random(CANDIDATES) * cdf[-1], side="right") if cdf[-1] > 0 else rng.integers(h * w, size=CANDIDATES)
    ys, xs = np.divmod(np.minimum(picks, h * w - 1), w)
    radii = r_min * (r_max / r_min) ** rng.random(CANDIDATES)
    cands = np.stack([xs + rng.random(CANDIDATES), ys + rng.random(CANDIDATES), radii], 1)
    best = best_circle(target, canvas, weights, cands, ALPHA0, r_min, r_max, CLIMB, int(rng.integers(2**31)))
    draw_circle(canvas, best[0], best[1], best[2], best[3:], ALPHA0)
    return best


def initial_circles(target: np.ndarray, n: int, weights: np.ndarray, rng: np.random.Generator) -> Params:
    """n circles placed greedily, one after the other, over the mean colour."""
    h, w = target.shape[:2]
    mean = (target * weights[..., None]).sum((0, 1)) / weights.sum()
    canvas = np.empty_like(target)
    canvas[:] = mean
    r_min, r_max = _radii(h, w, n)
    geom, col = np.zeros((n, 3)), np.full((n, 4), ALPHA0)
    for i in range(n):
        best = _add(target, canvas, weights, r_min, r_max, rng)
        geom[i], col[i, :3] = best[:3], best[3:]
    return Params(
        kind=np.full(n, CIRCLE, np.int64),
        nv=np.zeros(n, np.int64),
        geom=geom,
        col_raw=logit(col),
        bg_raw=logit(mean),
        masks=np.zeros((0, h, w)),
        fixed=[],
    )


def reseed(params: Params, rows: np.ndarray, target: np.ndarray, render: np.ndarray, weights: np.ndarray,
           rng: np.random.Generator) -> None:
    """Move the given circles, in turn, to the best spots over the current `render`, in place."""
    h, w = target.shape[:2]
    canvas = render.copy()
    r_min, r_max = _radii(h, w, len(params.kind))
    for i in rows:
        best = _add(target, canvas, weights, r_min, r_max, rng)
        params.geom[i, :3] = best[:3]
        params.col_raw[i] = logit(np.append(best[3:], ALPHA0))
