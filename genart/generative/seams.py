"""How visible tile borders are in a result: the edge a result has at a tile border that its picture has not.

A seam is an edge the picture does not have, not a larger error, so it is measured on edges:
per pixel pair across a line, ``|result[x+1] − result[x]| − |picture[x+1] − picture[x]|``
(levels 0–255, mean over RGB, signed: positive is an edge the picture does not have). The
**border** figure averages it over the 3 pixel lines centred on each interior tile border
(columns for a vertical border, rows for a horizontal one); the **inside** figure over the 3
lines centred a quarter of a tile to either side of each border, so inside the tiles. Their
difference, the **gap**, is how much more edge the borders have than the tiles' insides: an
untiled fit has a gap near 0 at the same lines, a fit whose tiles meet badly a gap of several
levels. Tile borders are those of the working grid (`genart.generative.tiling.tile_boxes`)
mapped onto the picture's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LINES = 3  # pixel lines averaged at each place


@dataclass(frozen=True)
class SeamGap:
    """Mean signed excess edge (levels 0–255) at the tile borders and a quarter tile inside them."""

    border: float
    inside: float

    @property
    def gap(self) -> float:
        """How many levels more edge the borders have than the tiles' insides."""
        return self.border - self.inside


def border_positions(working: int, tiles: int, scale: float) -> list[float]:
    """Interior tile borders along one axis, in picture pixels, of `tiles` tiles over `working` working pixels
    (the working grid's rounding, `tile_boxes`), at `scale` picture pixels per working pixel.

    Examples
    --------
    >>> border_positions(256, 2, 2.0)
    [256.0]
    """
    edges = np.linspace(0, working, tiles + 1).round()
    return [float(edge * scale) for edge in edges[1:-1]]


def _excess(result: np.ndarray, picture: np.ndarray, axis: int) -> np.ndarray:
    """Signed excess edge of every pixel pair along `axis` (0: rows, pairs (y, y+1); 1: columns), mean over RGB."""
    made = np.abs(np.diff(result.astype(np.float64), axis=axis))
    there = np.abs(np.diff(picture.astype(np.float64), axis=axis))
    return (made - there).mean(axis=2)


def _lines(excess: np.ndarray, at: float, axis: int) -> np.ndarray:
    """The values of the LINES pixel-pair lines centred on position `at` (the pair whose pixel centres surround it)."""
    centre = int(np.floor(at - 0.5))
    picked = [min(max(centre + k, 0), excess.shape[axis] - 1) for k in range(-(LINES // 2), LINES // 2 + 1)]
    return np.take(excess, picked, axis=axis).ravel()


def excess_at(result: np.ndarray, picture: np.ndarray, columns: list[float], rows: list[float]) -> float:
    """Mean signed excess edge over the LINES pixel lines centred on each of `columns` (x positions, picture
    pixels; pairs across them) and each of `rows` (y positions).

    Examples
    --------
    >>> picture = np.zeros((8, 8, 3), np.uint8)
    >>> result = picture.copy(); result[:, 4:] = 30
    >>> round(excess_at(result, picture, [4.0], []), 2), excess_at(result, picture, [2.0], [])
    (10.0, 0.0)
    """
    values = [_lines(_excess(result, picture, 1), at, 1) for at in columns]
    values += [_lines(_excess(result, picture, 0), at, 0) for at in rows]
    if not values:
        raise ValueError("no lines to measure")
    return float(np.concatenate(values).mean())


def seam_gap(result: np.ndarray, picture: np.ndarray, tiles: tuple[int, int], working: tuple[int, int]) -> SeamGap:
    """The seam figures of `result` (uint8 RGB, as written) against `picture` (uint8 RGB, the same size) for a
    `tiles` (columns, rows) grid over a `working` (width, height) working size.

    Examples
    --------
    >>> picture = np.zeros((64, 64, 3), np.uint8)
    >>> result = picture.copy(); result[:, 32:] = 40  # a step where the picture has none
    >>> figures = seam_gap(result, picture, (2, 1), (64, 64))
    >>> round(figures.border, 2), round(figures.inside, 2)
    (13.33, 0.0)
    """
    if result.shape != picture.shape:
        raise ValueError(f"result {result.shape} and picture {picture.shape} differ in size")
    height, width = picture.shape[:2]
    scale = max(width / working[0], height / working[1])  # as `genart.generative.images.working_scale`
    columns = border_positions(working[0], tiles[0], scale)
    rows = border_positions(working[1], tiles[1], scale)
    if not columns and not rows:
        raise ValueError("a 1x1 grid has no tile borders")
    across, down = width / tiles[0] / 4, height / tiles[1] / 4
    inside = excess_at(result, picture, [x + d for x in columns for d in (-across, across)],
                       [y + d for y in rows for d in (-down, down)])
    return SeamGap(excess_at(result, picture, columns, rows), inside)
