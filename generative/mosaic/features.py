"""Colour features of tiles and target cells: block means of RGB, compared in CIE Lab."""

from __future__ import annotations

import numpy as np
from PIL import Image
from skimage.color import rgb2lab

FEATURES = {"mean": 1, "2x2": 2, "4x4": 4, "8x8": 8}
"""Feature names → side of the sub-grid of mean colours they compare."""


def block_means(grid: np.ndarray, side: int) -> np.ndarray:
    """(N, G, G, C) grids → (N, side, side, C) means over equal blocks (G divisible by side)."""
    n, g, _, c = grid.shape
    if g % side:
        raise ValueError(f"a {g}x{g} grid cannot be split into {side}x{side} blocks")
    b = g // side
    return grid.reshape(n, side, b, side, b, c).mean(axis=(2, 4), dtype=np.float64).astype(np.float32)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """RGB floats in [0, 1] (any leading shape, last axis 3) → CIE Lab float32."""
    return rgb2lab(np.clip(rgb, 0.0, 1.0).reshape(-1, 1, 3)).reshape(rgb.shape).astype(np.float32)


def tile_features(rgb_grid: np.ndarray, side: int) -> np.ndarray:
    """(N, side·side·3) Lab features of tiles from their stored (N, 8, 8, 3) RGB grids."""
    return to_lab(block_means(np.asarray(rgb_grid, np.float32), side)).reshape(len(rgb_grid), -1)


def cell_grid(rgb: np.ndarray, columns: int, rows: int, side: int) -> np.ndarray:
    """(rows·columns, side, side, 3) mean RGB in [0, 1] of each cell's sub-grid, row-major cells.

    The picture is area-averaged to (columns·side) × (rows·side) pixels (bilinear where that
    enlarges it), so each output pixel is one sub-grid block.
    """
    size = (columns * side, rows * side)
    h, w = rgb.shape[:2]
    method = Image.Resampling.BOX if size[0] <= w and size[1] <= h else Image.Resampling.BILINEAR
    small = np.asarray(Image.fromarray(rgb).resize(size, method), np.float32) / 255.0
    return small.reshape(rows, side, columns, side, 3).transpose(0, 2, 1, 3, 4).reshape(-1, side, side, 3)


def cell_features(rgb: np.ndarray, columns: int, rows: int, side: int) -> np.ndarray:
    """(cells, side·side·3) Lab features of the target's cells, comparable with `tile_features`."""
    return to_lab(cell_grid(rgb, columns, rows, side)).reshape(columns * rows, -1)


def cell_colors(rgb: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """(cells, 3) mean RGB in [0, 1] of each cell, row-major."""
    return cell_grid(rgb, columns, rows, 1).reshape(-1, 3)
