"""Scanlines of stroked quadratic Bézier curves, compiled.

The curve is flattened into `SEGMENTS` straight pieces, each covered as a capsule (the
convex hull of two discs); a row's coverage is the union of the capsules' intervals, so
no pixel is counted twice, as cairo strokes a path in one pass.
"""

from __future__ import annotations

import math

import numba
import numpy as np

SEGMENTS = 16


@numba.njit(cache=True, nogil=True)
def flatten(x0: float, y0: float, x1: float, y1: float, x2: float, y2: float, pts: np.ndarray) -> None:
    """SEGMENTS + 1 points along the curve into `pts`."""
    for i in range(SEGMENTS + 1):
        t = i / SEGMENTS
        a, b, c = (1.0 - t) * (1.0 - t), 2.0 * t * (1.0 - t), t * t
        pts[i, 0] = a * x0 + b * x1 + c * x2
        pts[i, 1] = a * y0 + b * y1 + c * y2


@numba.njit(cache=True, nogil=True)
def _capsule_row(ax: float, ay: float, bx: float, by: float, r: float, yc: float) -> tuple[float, float]:
    """The x-interval of row `yc` inside the capsule of radius r around segment AB (lo > hi: none)."""
    lo, hi = np.inf, -np.inf
    for px, py in ((ax, ay), (bx, by)):
        d = yc - py
        if abs(d) <= r:
            w = math.sqrt(r * r - d * d)
            lo, hi = min(lo, px - w), max(hi, px + w)
    length = math.hypot(bx - ax, by - ay)
    if length > 0.0:
        nx, ny = -(by - ay) / length * r, (bx - ax) / length * r
        qx = (ax + nx, bx + nx, bx - nx, ax - nx)
        qy = (ay + ny, by + ny, by - ny, ay - ny)
        for i in range(4):
            j = (i + 1) % 4
            y0, y1 = qy[i], qy[j]
            if (y0 <= yc <= y1 or y1 <= yc <= y0) and y0 != y1:
                x = qx[i] + (yc - y0) * (qx[j] - qx[i]) / (y1 - y0)
                lo, hi = min(lo, x), max(hi, x)
    return lo, hi


@numba.njit(cache=True, nogil=True)
def bezier_scanlines_into(curve: np.ndarray, half: float, height: int, width: int, out: np.ndarray,
                          pts: np.ndarray, xs: np.ndarray) -> int:
    """Write the scanlines of a stroked curve ((3, 2) points, stroke half-width `half`) into `out`.

    Scratch: `pts` (SEGMENTS + 1, 2) and `xs` (2 × SEGMENTS) float64. A row keeps at most
    `out`'s remaining room; returns the number of scanlines written.
    """
    flatten(curve[0, 0], curve[0, 1], curve[1, 0], curve[1, 1], curve[2, 0], curve[2, 1], pts)
    ymin, ymax = np.inf, -np.inf
    for i in range(SEGMENTS + 1):
        ymin = min(ymin, pts[i, 1])
        ymax = max(ymax, pts[i, 1])
    y_start = max(0, int(math.ceil(ymin - half - 0.5)))
    y_stop = min(height, int(math.ceil(ymax + half - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        yc = y + 0.5
        m = 0
        for i in range(SEGMENTS):
            lo, hi = _capsule_row(pts[i, 0], pts[i, 1], pts[i + 1, 0], pts[i + 1, 1], half, yc)
            if lo <= hi:
                j = m  # insertion by start
                while j > 0 and xs[2 * (j - 1)] > lo:
                    xs[2 * j], xs[2 * j + 1] = xs[2 * (j - 1)], xs[2 * (j - 1) + 1]
                    j -= 1
                xs[2 * j], xs[2 * j + 1] = lo, hi
                m += 1
        i = 0
        while i < m and n < out.shape[0]:
            lo, hi = xs[2 * i], xs[2 * i + 1]
            i += 1
            while i < m and xs[2 * i] <= hi:
                hi = max(hi, xs[2 * i + 1])
                i += 1
            a = max(0, int(math.ceil(lo - 0.5)))
            b = min(width, int(math.ceil(hi - 0.5)))
            if b > a:
                out[n, 0], out[n, 1], out[n, 2] = y, a, b
                n += 1
    return n


@numba.njit(cache=True, nogil=True)
def bezier_scanlines(curve: np.ndarray, half: float, height: int, width: int) -> np.ndarray:
    """Scanlines of a stroked curve ((3, 2) canvas-pixel points, half-width `half`)."""
    out = np.empty((height * 4, 3), np.int32)
    n = bezier_scanlines_into(curve, half, height, width, out, np.empty((SEGMENTS + 1, 2)), np.empty(2 * SEGMENTS))
    return out[:n].copy()
