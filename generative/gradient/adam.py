"""Adam with per-element learning rates and per-shape step counts (shapes can be re-seeded)."""

from __future__ import annotations

import numpy as np


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

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], lrs: list[np.ndarray | float]) -> None:
        """One update of every array in place; `lrs[k]` broadcasts against `params[k]`."""
        b1, b2 = self.beta1, self.beta2
        for p, g, lr, m, v, t in zip(params, grads, lrs, self.m, self.v, self.t):
            t += 1.0
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            shape = (-1,) + (1,) * (p.ndim - 1) if p.ndim > 1 else (1,)
            c1 = (1.0 - b1**t).reshape(shape)
            c2 = (1.0 - b2**t).reshape(shape)
            p -= lr * (m / c1) / (np.sqrt(v / c2) + self.eps)

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
