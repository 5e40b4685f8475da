"""Adam with per-element learning rates and per-shape step counts (shapes can be re-seeded)."""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _update(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, t: np.ndarray, lr: np.ndarray,
            scale: float, b1: float, b2: float, eps: float) -> None:
    """One Adam step of the rows of `p` (R×C) in place; row i has its own step count t[i]."""
    for i in range(p.shape[0]):
        t[i] += 1.0
        c1, c2 = 1.0 - b1 ** t[i], 1.0 - b2 ** t[i]
        for j in range(p.shape[1]):
            m[i, j] = b1 * m[i, j] + (1.0 - b1) * g[i, j]
            v[i, j] = b2 * v[i, j] + (1.0 - b2) * g[i, j] * g[i, j]
            p[i, j] -= lr[i, j] * scale * (m[i, j] / c1) / (math.sqrt(v[i, j] / c2) + eps)


def _rows(a: np.ndarray) -> np.ndarray:
    return a if a.ndim == 2 else a.reshape(1, -1)


class Adam:
    """Adam over a list of arrays whose first axis is the shape index (or a single row).

    Each row keeps its own step count, so a row whose moments were reset (a re-seeded
    shape) gets properly bias-corrected first steps.
    """

    def __init__(self, params: list[np.ndarray], beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = [np.zeros(p.shape[0] if p.ndim > 1 else 1) for p in params]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], lrs: list[np.ndarray], scale: float = 1.0) -> None:
        """One update of every (C-contiguous) array in place with learning rates `scale` × `lrs[k]` (same shape)."""
        for p, g, lr, m, v, t in zip(params, grads, lrs, self.m, self.v, self.t):
            _update(_rows(p), _rows(g), _rows(m), _rows(v), t, _rows(lr), scale, self.beta1, self.beta2, self.eps)

    def reorder(self, order: np.ndarray) -> None:
        """Follow a re-ordering of the shapes (arrays with more than one row)."""
        for k, m in enumerate(self.m):
            if m.ndim > 1:
                self.m[k], self.v[k], self.t[k] = m[order], self.v[k][order], self.t[k][order]

    def reset(self, rows: np.ndarray) -> None:
        """Forget the moments of some shapes (they start afresh)."""
        for m, v, t in zip(self.m, self.v, self.t):
            if m.ndim > 1:
                m[rows], v[rows], t[rows] = 0.0, 0.0, 0.0
