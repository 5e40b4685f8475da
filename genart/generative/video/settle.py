"""`settle`: a short gradient descent of a frame's shapes towards the next frame, held by a temporal term.

The loss is the soft renderer's mean squared error over sampled pixels plus, for each shape i,

    temporal · s_i · (|Δgeometry_i|² / (H·W) + |Δcolour logits_i|² / N)

where Δ is the change from the anchor (the previous frame's shapes, carried by the camera's
motion: `genart.generative.video.motion`) and the stiffness s_i = 1 / (1 + change_i / CHANGE_SCALE)
falls where the picture under the shape changed in a way that motion does not explain (change_i:
the warp's mean absolute residual around the shape's centre). So a shape moves or recolours as far
as the picture change asks, and no further: where the picture only moves with the camera, a shape
moves with it and holds its colour. The background is held (one colour for the whole clip).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import uniform_filter

from genart.generative.gradient.adam import Adam
from genart.generative.gradient.params import Params
from genart.generative.gradient.soft_render import ELLIPSE, POLYGON, loss_and_grad

CHANGE_SCALE = 0.02  # mean absolute change (in [0, 1]) that halves a shape's stiffness
LR_POS = 0.3  # pixels per step at 256 px
LR_ANGLE = 0.01
LR_COLOR = 0.03
LR_END = 0.05  # the learning rate's cosine decay ends at this share of it
NO_WEIGHTS = np.zeros((0, 0))


def centres(params: Params) -> np.ndarray:
    """Each shape's centre (x, y) in pixels: a round shape's own, a polygon's vertex mean."""
    out = params.geom[:, :2].copy()
    for i in np.flatnonzero(params.kind == POLYGON):
        out[i] = params.geom[i, : 2 * params.nv[i]].reshape(-1, 2).mean(axis=0)
    return out


def stiffness(params: Params, change: np.ndarray | None) -> np.ndarray:
    """Each shape's temporal stiffness: 1 where the picture around its centre holds still (or only moves with
    the camera), less where it changed (`change`: H×W, the warp's mean absolute residual; None: all 1)."""
    if change is None:
        return np.ones(len(params.kind))
    h, w = change.shape
    local = uniform_filter(change, size=max(3, round(max(h, w) / 16)), mode="nearest")
    xy = centres(params)
    cols = np.clip(np.round(xy[:, 0]).astype(int), 0, w - 1)
    rows = np.clip(np.round(xy[:, 1]).astype(int), 0, h - 1)
    return 1.0 / (1.0 + local[rows, cols] / CHANGE_SCALE)


def _rates(params: Params, size: int) -> list[np.ndarray]:
    lr_geom = np.full(params.geom.shape, LR_POS * size / 256.0)
    if params.geom.shape[1] > 4:
        lr_geom[params.kind == ELLIPSE, 4] = LR_ANGLE
    return [lr_geom, np.full(params.col_raw.shape, LR_COLOR)]


def settle(params: Params, target: np.ndarray, steps: int, sharp: tuple[float, float], rng: np.random.Generator,
           batch: float = 1.0, temporal: float = 0.0, stiff: np.ndarray | None = None) -> float:
    """Move `params` (in place) towards `target` by `steps` Adam steps, edges going from `sharp[0]` to
    `sharp[1]` (1/px), on minibatches of a `batch` share of the pixels drawn with `rng`; the anchor of the
    temporal term is `params` as given, each shape weighted by `stiff` (default 1). Returns the last loss."""
    h, w = target.shape[:2]
    n = len(params.kind)
    anchor_geom, anchor_col = params.geom.copy(), params.col_raw.copy()
    stiff = np.ones(n) if stiff is None else stiff
    pull_geom = (2.0 * temporal / (h * w)) * stiff[:, None]
    pull_col = (2.0 * temporal / max(n, 1)) * stiff[:, None]
    adam = Adam([params.geom, params.col_raw])
    rates = _rates(params, max(h, w))
    g_geom, g_col, g_bg = np.zeros_like(params.geom), np.zeros_like(params.col_raw), np.zeros_like(params.bg_raw)
    every = np.arange(h * w)
    size = min(h * w, max(64, round(batch * h * w)))
    loss = math.nan
    for step in range(steps):
        frac = step / max(steps - 1, 1)
        edge = sharp[0] * (sharp[1] / sharp[0]) ** frac
        decay = LR_END + (1.0 - LR_END) * 0.5 * (1.0 + math.cos(math.pi * frac))
        chosen = every if size == h * w else np.sort(rng.choice(h * w, size, replace=False))
        ys, xs = np.divmod(chosen, w)
        loss = loss_and_grad(ys, xs, target, NO_WEIGHTS, False, params.kind, params.nv, params.geom, params.col_raw,
                             params.bg_raw, edge, params.masks, g_geom, g_col, g_bg)
        if temporal > 0.0:
            g_geom += pull_geom * (params.geom - anchor_geom)
            g_col += pull_col * (params.col_raw - anchor_col)
        adam.step([params.geom, params.col_raw], [g_geom, g_col], rates, decay)
        params.clamp(h, w)
    return float(loss)
