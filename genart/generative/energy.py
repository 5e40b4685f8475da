"""Squared error of a canvas against its target, and of one more shape, from row prefix sums.

A canvas has one or more **layers** of RGB (3 channels each): one for an opaque fit, two for a
fit with alpha (the poster composited over black and over white, `genart.generative.hillclimb`).
A shape draws the same colour at the same alpha on every layer, since compositing is linear:
each layer's pixel C becomes C(1 − a) + c·a.

For every row the prefix array holds running sums of T, T², C, C² and C·T per channel
(T target, C canvas), so the pixels a scanline covers are summed in O(1). The colour that
minimizes the squared error over the covered pixels of every layer has a closed form, and so
has the change in error (for a restricted palette, each palette colour's exact change is
compared instead). Scoring a candidate costs O(rows it covers), never O(pixels).
"""

from __future__ import annotations

import numba
import numpy as np

from genart.generative.shapes.layout import clamp

SUMS = 5  # per channel: T, T², C, C², C·T
STATS = 3 * SUMS  # sums per pixel of one RGB layer (a prefix holds SUMS per channel of every layer)


@numba.njit(cache=True, nogil=True)
def update_prefix(target: np.ndarray, canvas: np.ndarray, prefix: np.ndarray, y0: int, y1: int) -> None:
    """Recompute the prefix sums of rows y0 ≤ y < y1 (after the canvas changed there)."""
    width, channels = target.shape[1], target.shape[2]
    acc = np.zeros(SUMS * channels)
    for y in range(y0, y1):
        acc[:] = 0.0
        prefix[y, 0, :] = 0.0
        for x in range(width):
            for c in range(channels):
                t = target[y, x, c]
                v = canvas[y, x, c]
                acc[5 * c] += t
                acc[5 * c + 1] += t * t
                acc[5 * c + 2] += v
                acc[5 * c + 3] += v * v
                acc[5 * c + 4] += v * t
            prefix[y, x + 1, :] = acc


def new_prefix(target: np.ndarray, canvas: np.ndarray) -> np.ndarray:
    """Prefix sums for a whole canvas (float64 arrays H×W×channels, 3 per layer)."""
    h, w, channels = target.shape
    prefix = np.empty((h, w + 1, SUMS * channels))
    update_prefix(target, canvas, prefix, 0, h)
    return prefix


@numba.njit(cache=True, nogil=True)
def total_error(prefix: np.ndarray) -> float:
    """Sum of squared differences between canvas and target over the whole image, every channel."""
    width, channels = prefix.shape[1] - 1, prefix.shape[2] // SUMS
    total = 0.0
    for y in range(prefix.shape[0]):
        for c in range(channels):
            total += prefix[y, width, 5 * c + 3] - 2.0 * prefix[y, width, 5 * c + 4] + prefix[y, width, 5 * c + 1]
    return total


@numba.njit(cache=True, nogil=True, inline="always")
def _channel_delta(sums: np.ndarray, c: int, keep: float, alpha: float, count: int, col: float) -> float:
    """Change in channel c's squared error when colour `col` is drawn at `alpha` over the pixels summed."""
    s_t, s_tt, s_c, s_cc, s_ct = sums[5 * c], sums[5 * c + 1], sums[5 * c + 2], sums[5 * c + 3], sums[5 * c + 4]
    s_d = keep * s_c - s_t  # D = C(1 - a) - T
    s_dd = keep * keep * s_cc - 2.0 * keep * s_ct + s_tt
    return s_dd + 2.0 * col * alpha * s_d + count * col * col * alpha * alpha - (s_cc - 2.0 * s_ct + s_tt)


@numba.njit(cache=True, nogil=True)
def shape_delta(prefix: np.ndarray, lines: np.ndarray, n: int, alpha: float, palette: np.ndarray, sums: np.ndarray,
                rgb: np.ndarray) -> float:
    """Change in squared error if a shape covering `lines[:n]` is drawn with its best colour on every layer.

    With an empty `palette` (0×3) the best colour is free: solved in closed form and
    clamped to [0, 1] per channel, which is optimal for this separable quadratic. With a
    palette it is the palette colour whose exact error change is least. The colour is
    written to `rgb`; `sums` is float64 scratch of a prefix row's size (STATS for one layer). No pixels: 0.
    """
    used = prefix.shape[2]
    channels = used // SUMS
    sums[:used] = 0.0
    count = 0
    for i in range(n):
        y, a, b = lines[i, 0], lines[i, 1], lines[i, 2]
        count += b - a
        for j in range(used):
            sums[j] += prefix[y, b, j] - prefix[y, a, j]
    if count == 0:
        return 0.0
    keep = 1.0 - alpha
    layers = channels // 3
    if palette.shape[0] == 0:
        delta = 0.0
        for c in range(3):
            s_d = 0.0
            for layer in range(layers):
                s_d += keep * sums[5 * (3 * layer + c) + 2] - sums[5 * (3 * layer + c)]
            col = clamp(-s_d / (layers * count * alpha), 0.0, 1.0)
            rgb[c] = col
            for layer in range(layers):
                delta += _channel_delta(sums, 3 * layer + c, keep, alpha, count, col)
        return delta
    best = np.inf
    for k in range(palette.shape[0]):
        delta = 0.0
        for ch in range(channels):
            delta += _channel_delta(sums, ch, keep, alpha, count, palette[k, ch % 3])
        if delta < best:
            best = delta
            rgb[:] = palette[k]
    return best
