"""Squared error of a canvas against its target, and of one more shape, from row prefix sums.

For every row the prefix array holds running sums of T, T², C, C² and C·T per channel
(T target, C canvas), so the pixels a scanline covers are summed in O(1). Adding a shape
of alpha a and colour c changes a pixel to C(1 − a) + c·a; the colour that minimizes the
squared error over the covered pixels has a closed form, and so has the change in error
(for a restricted palette, each palette colour's exact change is compared instead).
Scoring a candidate costs O(rows it covers), never O(pixels).
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.shapes.layout import clamp

STATS = 16  # 15 sums used (5 per channel), padded for alignment


@numba.njit(cache=True, nogil=True)
def update_prefix(target: np.ndarray, canvas: np.ndarray, prefix: np.ndarray, y0: int, y1: int) -> None:
    """Recompute the prefix sums of rows y0 ≤ y < y1 (after the canvas changed there)."""
    width = target.shape[1]
    acc = np.zeros(STATS)
    for y in range(y0, y1):
        acc[:] = 0.0
        prefix[y, 0, :] = 0.0
        for x in range(width):
            for c in range(3):
                t = target[y, x, c]
                v = canvas[y, x, c]
                acc[5 * c] += t
                acc[5 * c + 1] += t * t
                acc[5 * c + 2] += v
                acc[5 * c + 3] += v * v
                acc[5 * c + 4] += v * t
            prefix[y, x + 1, :] = acc


def new_prefix(target: np.ndarray, canvas: np.ndarray) -> np.ndarray:
    """Prefix sums for a whole canvas (float64 arrays H×W×3)."""
    h, w = target.shape[:2]
    prefix = np.empty((h, w + 1, STATS))
    update_prefix(target, canvas, prefix, 0, h)
    return prefix


@numba.njit(cache=True, nogil=True)
def total_error(prefix: np.ndarray) -> float:
    """Sum of squared differences between canvas and target over the whole image."""
    width = prefix.shape[1] - 1
    total = 0.0
    for y in range(prefix.shape[0]):
        for c in range(3):
            total += prefix[y, width, 5 * c + 3] - 2.0 * prefix[y, width, 5 * c + 4] + prefix[y, width, 5 * c + 1]
    return total


@numba.njit(cache=True, nogil=True, inline="always")
def _channel_delta(s_t: float, s_tt: float, s_c: float, s_cc: float, s_ct: float, keep: float, alpha: float,
                   count: int, col: float) -> float:
    """Change in one channel's squared error when colour `col` is drawn at `alpha` over the pixels summed."""
    s_d = keep * s_c - s_t  # D = C(1 - a) - T
    s_dd = keep * keep * s_cc - 2.0 * keep * s_ct + s_tt
    return s_dd + 2.0 * col * alpha * s_d + count * col * col * alpha * alpha - (s_cc - 2.0 * s_ct + s_tt)


@numba.njit(cache=True, nogil=True)
def shape_delta(prefix: np.ndarray, lines: np.ndarray, n: int, alpha: float, palette: np.ndarray, sums: np.ndarray,
                rgb: np.ndarray) -> float:
    """Change in squared error if a shape covering `lines[:n]` is drawn with its best colour.

    With an empty `palette` (0×3) the best colour is free: solved in closed form and
    clamped to [0, 1] per channel, which is optimal for this separable quadratic. With a
    palette it is the palette colour whose exact error change is least. The colour is
    written to `rgb`; `sums` is STATS float64 scratch. No pixels: 0.
    """
    sums[:] = 0.0
    count = 0
    for i in range(n):
        y, a, b = lines[i, 0], lines[i, 1], lines[i, 2]
        count += b - a
        for j in range(15):
            sums[j] += prefix[y, b, j] - prefix[y, a, j]
    if count == 0:
        return 0.0
    keep = 1.0 - alpha
    if palette.shape[0] == 0:
        delta = 0.0
        for c in range(3):
            s_t, s_c, s_ct = sums[5 * c], sums[5 * c + 2], sums[5 * c + 4]
            col = clamp(-(keep * s_c - s_t) / (count * alpha), 0.0, 1.0)
            rgb[c] = col
            delta += _channel_delta(s_t, sums[5 * c + 1], s_c, sums[5 * c + 3], s_ct, keep, alpha, count, col)
        return delta
    best = np.inf
    for k in range(palette.shape[0]):
        delta = 0.0
        for c in range(3):
            delta += _channel_delta(sums[5 * c], sums[5 * c + 1], sums[5 * c + 2], sums[5 * c + 3], sums[5 * c + 4],
                                    keep, alpha, count, palette[k, c])
        if delta < best:
            best = delta
            rgb[:] = palette[k]
    return best
