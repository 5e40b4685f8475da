"""Scanlines of polygons (even-odd rule), compiled."""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def polygon_scanlines_into(points: np.ndarray, height: int, width: int, out: np.ndarray, xs: np.ndarray) -> int:
    """Write the scanlines of a polygon ((k, 2) float64 canvas-pixel vertices) into `out`.

    `out` needs (rows × (k // 2 + 1), 3) int32 room and `xs` k float64 scratch; returns the
    number of scanlines written.
    """
    k = points.shape[0]
    ymin, ymax = np.inf, -np.inf
    for i in range(k):
        ymin = min(ymin, points[i, 1])
        ymax = max(ymax, points[i, 1])
    y_start = max(0, int(math.ceil(ymin - 0.5)))
    y_stop = min(height, int(math.ceil(ymax - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        yc = y + 0.5
        m = 0
        for i in range(k):
            x0, y0 = points[i, 0], points[i, 1]
            j = i + 1 if i + 1 < k else 0
            x1, y1 = points[j, 0], points[j, 1]
            if (y0 <= yc < y1) or (y1 <= yc < y0):
                xs[m] = x0 + (yc - y0) * (x1 - x0) / (y1 - y0)
                m += 1
        for i in range(1, m):  # insertion sort: m is tiny
            v = xs[i]
            j = i - 1
            while j >= 0 and xs[j] > v:
                xs[j + 1] = xs[j]
                j -= 1
            xs[j + 1] = v
        for i in range(0, m - 1, 2):
            a = max(0, int(math.ceil(xs[i] - 0.5)))
            b = min(width, int(math.ceil(xs[i + 1] - 0.5)))
            if b > a:
                out[n, 0], out[n, 1], out[n, 2] = y, a, b
                n += 1
    return n


@numba.njit(cache=True, nogil=True)
def polygon_scanlines(points: np.ndarray, height: int, width: int) -> np.ndarray:
    """Scanlines of a polygon given as a (k, 2) float64 array of canvas-pixel vertices."""
    k = points.shape[0]
    out = np.empty((height * (k // 2 + 1), 3), np.int32)
    n = polygon_scanlines_into(points, height, width, out, np.empty(k, np.float64))
    return out[:n].copy()
