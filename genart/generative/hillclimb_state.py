"""The state of a hill-climb run: each tile's shapes so far, and the run's result (its order, canvas, RMSE)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from genart.generative import shapes
from genart.generative.hillclimb import paint
from genart.generative.shapes.layout import ALPHA
from genart.generative.tiling import Box, paint_order


@dataclass
class TileState:
    """Shapes of one tile so far: parameter vectors (reach-box pixels), colours, the change in the
    picture's squared error each made, and whether its search ran out (found no shape that lowers it)."""

    params: list[list[float]] = field(default_factory=list)
    colors: list[list[float]] = field(default_factory=list)
    deltas: list[float] = field(default_factory=list)
    stuck: bool = False

    def trim(self) -> None:
        """Cut the lists to their common length (after an interrupt between appends)."""
        keep = min(len(self.params), len(self.colors), len(self.deltas))
        del self.params[keep:], self.colors[keep:], self.deltas[keep:]


def paint_shapes(canvas: np.ndarray, reach: Box, tile: TileState, first: int = 0, last: int | None = None) -> None:
    """Draw a tile's shapes `first` to `last` (default: all from `first` on) on the picture's canvas, in place,
    clipped to its reach box as its job's canvas clipped them."""
    x0, y0, x1, y1 = reach
    view = canvas[y0:y1, x0:x1]
    lines, pts, xs = shapes.buffers(y1 - y0)
    for p, rgb in zip(tile.params[first:last], tile.colors[first:last]):
        n = shapes.scanlines(np.asarray(p), y1 - y0, x1 - x0, lines, pts, xs)
        paint(view, lines[:n], np.asarray(rgb), p[ALPHA])


@dataclass
class Result:
    """The working-resolution target (over black and over white, with alpha) and the evolved tiles."""

    target: np.ndarray
    background: np.ndarray  # the canvas's first pixel: a colour, or black then white (with alpha)
    boxes: list[Box]
    reaches: list[Box]
    tiles: list[TileState]
    chunk: int
    classes: list[int]
    seconds: float
    blank: float = 0.0  # squared error of the canvas before any shape
    interrupted: bool = False
    base: np.ndarray | None = None  # the canvas before any shape, where it is not the background (kept shapes)

    @property
    def states(self) -> list[TileState]:
        """What a checkpoint holds: the tiles."""
        return self.tiles

    @property
    def with_alpha(self) -> bool:
        """Whether this is a fit with alpha (two layers: over black, over white)."""
        return self.target.shape[2] == 6

    @property
    def count(self) -> int:
        """Shapes evolved so far."""
        return sum(len(t.params) for t in self.tiles)

    def order(self) -> list[tuple[int, int]]:
        """(tile, shape) in the order they were fitted and are drawn (`paint_order`)."""
        return paint_order([len(t.params) for t in self.tiles], self.chunk, self.classes)

    @property
    def rmse(self) -> float:
        """The fit's RMSE (0–255, over every channel, at pixel centres) with every shape so far."""
        return rmse_of(self.blank + sum(sum(t.deltas) for t in self.tiles), self.target.size)

    def canvas(self) -> np.ndarray:
        """The canvas every shape so far is drawn on, in their order."""
        canvas = np.empty_like(self.target)
        canvas[:] = self.background if self.base is None else self.base
        order = self.order()
        start = 0
        for end in range(1, len(order) + 1):  # each run of one tile's shapes drawn at once
            if end == len(order) or order[end][0] != order[start][0]:
                i = order[start][0]
                paint_shapes(canvas, self.reaches[i], self.tiles[i], order[start][1], order[end - 1][1] + 1)
                start = end
        return canvas


def rmse_of(sse: float, size: int) -> float:
    """RMSE on 0–255 of a squared error over `size` values in [0, 1] (sums of changes can dip a hair below 0)."""
    return float(np.sqrt(max(sse, 0.0) / size) * 255.0)


def shown(canvas: np.ndarray) -> np.ndarray:
    """The RGB a canvas shows: itself, or (with alpha) its layer over white."""
    return canvas[..., -3:]
