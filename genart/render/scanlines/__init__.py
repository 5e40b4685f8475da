"""Scanlines: int32 rows `(y, x0, x1)` covering pixels x0 ≤ x < x1, blended onto float images.

A pixel belongs to a shape when its centre (x + 0.5, y + 0.5) is inside it. The compiled
kernel of each drawable kind is a module of this package, which its drawable
(`genart.render.drawables`) imports only when asked for scanlines: posters, SVG and movie
frames never load numba (about 60 MiB in every render process).
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def blend_scanlines(canvas: np.ndarray, lines: np.ndarray, r: float, g: float, b: float, alpha: float) -> None:
    """Alpha-blend a colour over `canvas` (H×W×3 float) on the given scanlines, in place."""
    keep = 1.0 - alpha
    for i in range(lines.shape[0]):
        y = lines[i, 0]
        for x in range(lines[i, 1], lines[i, 2]):
            canvas[y, x, 0] = canvas[y, x, 0] * keep + r * alpha
            canvas[y, x, 1] = canvas[y, x, 1] * keep + g * alpha
            canvas[y, x, 2] = canvas[y, x, 2] * keep + b * alpha
