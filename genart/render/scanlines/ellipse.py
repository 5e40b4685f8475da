"""Scanlines of (rotated) ellipses, compiled; a non-uniformly scaled rotated ellipse as a fine polygon."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.render.drawables.base import ANGLE, CX, CY, RX, RY
from genart.render.scanlines.polygon import polygon_scanlines


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines_into(
    cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int, out: np.ndarray
) -> int:
    """Write the scanlines of an ellipse (radii rx, ry, rotated `angle` radians) into `out`.

    `out` needs (height, 3) int32 room; returns the number of scanlines written.
    """
    if rx <= 0.0 or ry <= 0.0:
        return 0
    c, s = math.cos(angle), math.sin(angle)
    irx, iry = 1.0 / (rx * rx), 1.0 / (ry * ry)
    qa = c * c * irx + s * s * iry
    qb = 2.0 * c * s * (irx - iry)
    qc = s * s * irx + c * c * iry
    half_h = math.sqrt(rx * rx * s * s + ry * ry * c * c)
    y_start = max(0, int(math.ceil(cy - half_h - 0.5)))
    y_stop = min(height, int(math.ceil(cy + half_h - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        dy = y + 0.5 - cy
        # qa*dx^2 + qb*dy*dx + qc*dy^2 <= 1
        b = qb * dy
        disc = b * b - 4.0 * qa * (qc * dy * dy - 1.0)
        if disc < 0.0:
            continue
        root = math.sqrt(disc)
        a = max(0, int(math.ceil(cx + (-b - root) / (2.0 * qa) - 0.5)))
        e = min(width, int(math.ceil(cx + (-b + root) / (2.0 * qa) - 0.5)))
        if e > a:
            out[n, 0], out[n, 1], out[n, 2] = y, a, e
            n += 1
    return n


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines(cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int) -> np.ndarray:
    """Scanlines of an ellipse (radii rx, ry, rotated by `angle` radians) in canvas pixels."""
    out = np.empty((height, 3), np.int32)
    n = ellipse_scanlines_into(cx, cy, rx, ry, angle, height, width, out)
    return out[:n].copy()


def scaled_ellipse_scanlines(params: np.ndarray, sx: float, sy: float, height: int, width: int) -> np.ndarray:
    """Scanlines of packed ellipse params scaled by (sx, sy); a non-uniform scale skews a rotated
    ellipse, so it is then drawn as a fine polygon."""
    cx, cy, rx, ry, angle = params[CX], params[CY], params[RX], params[RY], math.radians(params[ANGLE])
    if sx == sy or angle == 0.0:
        return ellipse_scanlines(cx * sx, cy * sy, rx * sx, ry * sy, angle, height, width)
    t = np.linspace(0, 2 * math.pi, 128, endpoint=False)
    ex, ey = rx * np.cos(t), ry * np.sin(t)
    pts = np.stack([cx + ex * math.cos(angle) - ey * math.sin(angle), cy + ex * math.sin(angle) + ey * math.cos(angle)], 1)
    return polygon_scanlines(pts * np.array([sx, sy]), height, width)
