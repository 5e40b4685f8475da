"""Tile geometry of a tiled fit: the grid, how far each tile's shapes reach into its neighbours, the parity
classes whose tiles are fitted at once, each tile's search bounds, and the order the shapes were fitted in.

Tiles fall into four classes by the parity of their column and row; two tiles of a class are
never neighbours, and since REACH is under a half their reach boxes never overlap, so the
tiles of a class can be fitted at once (see `genart.generative.hillclimb_tiles`).
"""

from __future__ import annotations

import numpy as np

REACH = 0.45  # of a neighbouring tile's width (height): how far a tile's shapes may reach into it; under a half
MARGINS = 64  # margins between half and all of a tile's reach, its shapes taking them in turn
CLASSES = 4  # tiles of one class (column and row parity) are never neighbours

Box = tuple[int, int, int, int]


def tile_boxes(width: int, height: int, cols: int, rows: int) -> list[Box]:
    """Pixel boxes (x0, y0, x1, y1) of a cols × rows grid, row-major."""
    xs = np.linspace(0, width, cols + 1).round().astype(int)
    ys = np.linspace(0, height, rows + 1).round().astype(int)
    return [(int(xs[c]), int(ys[r]), int(xs[c + 1]), int(ys[r + 1])) for r in range(rows) for c in range(cols)]


def reach_boxes(width: int, height: int, cols: int, rows: int) -> list[Box]:
    """Where each tile's shapes may reach: its box grown into each neighbour by REACH of the neighbour's size
    (whole pixels, rounded down), row-major; a 1x1 grid's is the picture. Two tiles of a class are two
    tiles apart, so theirs never overlap."""
    boxes = tile_boxes(width, height, cols, rows)
    xs = [boxes[c][0] for c in range(cols)] + [width]
    ys = [boxes[r * cols][1] for r in range(rows)] + [height]
    grown = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        c, r = i % cols, i // cols
        left = int(REACH * (xs[c] - xs[c - 1])) if c > 0 else 0
        right = int(REACH * (xs[c + 2] - xs[c + 1])) if c + 1 < cols else 0
        up = int(REACH * (ys[r] - ys[r - 1])) if r > 0 else 0
        down = int(REACH * (ys[r + 2] - ys[r + 1])) if r + 1 < rows else 0
        grown.append((x0 - left, y0 - up, x1 + right, y1 + down))
    return grown


def tile_classes(cols: int, rows: int) -> list[int]:
    """Each tile's class, 0..3, by the parity of its column and row (row-major)."""
    return [(c % 2) + 2 * (r % 2) for r in range(rows) for c in range(cols)]


def tile_bounds(box: Box, reach: Box, scale: float, width: int, height: int) -> np.ndarray:
    """A tile's search bounds in its reach box's pixels: its box, with MARGINS margins from half to all of the
    smallest reach it has into a neighbour (one row per margin, its shapes taking them in turn). A 1x1 grid's shapes may reach 16 px (at
    256 px) past the picture, as an untiled fit's always could."""
    x0, y0, x1, y1 = box
    rx0, ry0, rx1, ry1 = reach
    inner = [x0 - rx0, y0 - ry0, rx1 - x1, ry1 - y1]
    sides = [m for m, edge in zip(inner, (x0 > 0, y0 > 0, x1 < width, y1 < height)) if edge]
    local = [x0 - rx0, y0 - ry0, x1 - rx0, y1 - ry0]
    if not sides:
        return np.array([[*local, 16.0 * scale, scale]])
    reach_px = float(min(sides))
    return np.array([[*local, reach_px * (MARGINS + k + 1) / (2 * MARGINS), scale] for k in range(MARGINS)])


def paint_order(counts: list[int], chunk: int, classes: list[int]) -> list[tuple[int, int]]:
    """(tile, shape) in the order the shapes were fitted: round by round (`chunk` shapes a tile), class by
    class, tile by tile; a tile's shapes in a round are those of indices round·chunk onwards."""
    rounds = max((-(-count // chunk) for count in counts), default=0)
    order = []
    for r in range(rounds):
        for cls in range(CLASSES):
            for i, count in enumerate(counts):
                if classes[i] == cls:
                    order += [(i, k) for k in range(r * chunk, min((r + 1) * chunk, count))]
    return order
