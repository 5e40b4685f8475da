"""Scanlines of stroked straight lines (butt caps), compiled: the stroke's rectangle as a polygon."""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.render.scanlines.polygon import polygon_scanlines


@numba.njit(cache=True, nogil=True)
def line_corners_into(x0: float, y0: float, x1: float, y1: float, half: float, out: np.ndarray) -> None:
    """Write the four corners of the stroke from (x0, y0) to (x1, y1), `half` its half-width, into `out` (4, 2).

    Examples
    --------
    >>> corners = np.empty((4, 2))
    >>> line_corners_into(0.0, 0.0, 10.0, 0.0, 2.0, corners)
    >>> corners.tolist()
    [[0.0, 2.0], [10.0, 2.0], [10.0, -2.0], [0.0, -2.0]]
    """
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = (0.0, 0.0) if length == 0.0 else (-(y1 - y0) / length * half, (x1 - x0) / length * half)
    out[0, 0], out[0, 1] = x0 + nx, y0 + ny
    out[1, 0], out[1, 1] = x1 + nx, y1 + ny
    out[2, 0], out[2, 1] = x1 - nx, y1 - ny
    out[3, 0], out[3, 1] = x0 - nx, y0 - ny


@numba.njit(cache=True, nogil=True)
def line_scanlines(ends: np.ndarray, half: float, height: int, width: int) -> np.ndarray:
    """Scanlines of the stroke between the (2, 2) canvas-pixel `ends`, `half` its half-width."""
    corners = np.empty((4, 2))
    line_corners_into(ends[0, 0], ends[0, 1], ends[1, 0], ends[1, 1], half, corners)
    return polygon_scanlines(corners, height, width)
