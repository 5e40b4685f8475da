"""Colour features of tiles and target cells: an N×N grid of mean colours, in RGB or CIE Lab.

Tile and cell features are made the same way, by area-averaging to N×N blocks, so the
squared distance between them is (in RGB) the squared error of the cell drawn at N×N.
"""

from __future__ import annotations

import re

import numpy as np
from PIL import Image
from skimage.color import rgb2lab

from genart.generative.mosaic.collection import GRID, Collection

SPACES = ("rgb", "lab")
MAX_SIDE = 16


def grid_side(features: str) -> int:
    """Side of the sub-grid a feature name asks for: "mean" → 1, "4x4" → 4 (1 to 16)."""
    if features == "mean":
        return 1
    found = re.fullmatch(r"(\d+)x(\d+)", features)
    if not found or found[1] != found[2] or not 1 <= int(found[1]) <= MAX_SIDE:
        raise ValueError(f"features {features!r} must be 'mean' or NxN with N from 1 to {MAX_SIDE} (e.g. 4x4)")
    return int(found[1])


def block_means(grid: np.ndarray, side: int) -> np.ndarray:
    """(N, G, G, C) grids → (N, side, side, C) means over equal blocks (G divisible by side)."""
    n, g, _, c = grid.shape
    if g % side:
        raise ValueError(f"a {g}x{g} grid cannot be split into {side}x{side} blocks")
    b = g // side
    return grid.reshape(n, side, b, side, b, c).mean(axis=(2, 4), dtype=np.float64).astype(np.float32)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """RGB floats in [0, 1] (any leading shape, last axis 3) → CIE Lab float32."""
    if rgb.size == 0:
        return np.zeros(rgb.shape, np.float32)
    return rgb2lab(np.clip(rgb, 0.0, 1.0).reshape(-1, 1, 3)).reshape(rgb.shape).astype(np.float32)


def _in_space(grids: np.ndarray, space: str) -> np.ndarray:
    """(N, s, s, 3) RGB in [0, 1] → (N, s·s·3) features: RGB on the 0–255 scale, or Lab."""
    if space not in SPACES:
        raise ValueError(f"unknown colour space {space!r} (use {', '.join(SPACES)})")
    out = to_lab(grids) if space == "lab" else grids * np.float32(255.0)
    return out.reshape(len(grids), -1)


def tile_grids(collection: Collection, side: int) -> np.ndarray:
    """(N, side, side, 3) mean RGB in [0, 1] of every tile: from the stored 8×8 grid, else its thumbnails."""
    if GRID % side == 0:
        return block_means(np.asarray(collection.rgb_grid, np.float32), side)
    size = next((s for s in collection.sizes if s >= 2 * side), collection.sizes[-1])
    thumbs = collection.thumbs[size]
    out = np.empty((len(thumbs), side, side, 3), np.float32)
    for i, thumb in enumerate(thumbs):
        out[i] = np.asarray(Image.fromarray(np.asarray(thumb)).resize((side, side), Image.Resampling.BOX), np.float32)
    return out / 255.0


def tile_features(collection: Collection, features: str = "4x4", space: str = "rgb") -> np.ndarray:
    """(N, side·side·3) features of every tile of a collection."""
    return _in_space(tile_grids(collection, grid_side(features)), space)


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


def cell_features(rgb: np.ndarray, columns: int, rows: int, features: str = "4x4", space: str = "rgb") -> np.ndarray:
    """(cells, side·side·3) features of the target's cells, comparable with `tile_features`."""
    return _in_space(cell_grid(rgb, columns, rows, grid_side(features)), space)


def cell_colors(rgb: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """(cells, 3) mean RGB in [0, 1] of each cell, row-major."""
    return cell_grid(rgb, columns, rows, 1).reshape(-1, 3)
