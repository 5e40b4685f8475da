"""sRGB → CIE Lab (D65) and its Jacobian, compiled for the per-pixel loss."""

from __future__ import annotations

import numba
import numpy as np

# linear sRGB → XYZ, rows pre-divided by the D65 white point
_M = np.array(
    [
        [0.4124564 / 0.95047, 0.3575761 / 0.95047, 0.1804375 / 0.95047],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339 / 1.08883, 0.1191920 / 1.08883, 0.9503041 / 1.08883],
    ]
)
_EPS = 216.0 / 24389.0
_KAPPA = 24389.0 / 27.0


@numba.njit(cache=True, nogil=True)
def srgb_to_lab(rgb: np.ndarray, lab: np.ndarray, jac: np.ndarray) -> None:
    """Lab of one sRGB colour in [0, 1] into `lab` (3,), and d(lab)/d(rgb) into `jac` (3, 3)."""
    lin = np.empty(3)
    dlin = np.empty(3)
    for c in range(3):
        v = rgb[c]
        if v <= 0.04045:
            lin[c] = v / 12.92
            dlin[c] = 1.0 / 12.92
        else:
            base = (v + 0.055) / 1.055
            lin[c] = base**2.4
            dlin[c] = 2.4 * base**1.4 / 1.055
    f = np.empty(3)
    df = np.empty(3)
    for k in range(3):
        t = _M[k, 0] * lin[0] + _M[k, 1] * lin[1] + _M[k, 2] * lin[2]
        if t > _EPS:
            f[k] = t ** (1.0 / 3.0)
            df[k] = f[k] / (3.0 * t)
        else:
            f[k] = (_KAPPA * t + 16.0) / 116.0
            df[k] = _KAPPA / 116.0
    lab[0] = 116.0 * f[1] - 16.0
    lab[1] = 500.0 * (f[0] - f[1])
    lab[2] = 200.0 * (f[1] - f[2])
    for c in range(3):  # d f_k / d rgb_c = df_k * M[k, c] * dlin_c
        d0 = df[0] * _M[0, c] * dlin[c]
        d1 = df[1] * _M[1, c] * dlin[c]
        d2 = df[2] * _M[2, c] * dlin[c]
        jac[0, c] = 116.0 * d1
        jac[1, c] = 500.0 * (d0 - d1)
        jac[2, c] = 200.0 * (d1 - d2)


@numba.njit(cache=True)
def image_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Lab of an H×W×3 sRGB float image."""
    h, w = rgb.shape[:2]
    out = np.empty((h, w, 3))
    jac = np.empty((3, 3))
    px = np.empty(3)
    lab = np.empty(3)
    for y in range(h):
        for x in range(w):
            for c in range(3):
                px[c] = rgb[y, x, c]
            srgb_to_lab(px, lab, jac)
            for c in range(3):
                out[y, x, c] = lab[c]
    return out
