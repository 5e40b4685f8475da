"""Vector PDF posters: the cairo drawing on a one-page PDF surface."""

from __future__ import annotations

import math
from pathlib import Path

import cairocffi
import numpy as np

from genart.render.atomic import atomic_path
from genart.render.cairo import TileSource, draw_sheet
from genart.render.layers.base import Outline
from genart.render.paper import POINTS_PER_INCH, Sheet, plain_sheet
from genart.render.scene import Scene, output_size


def render_pdf(
    scene: Scene,
    path: str | Path,
    width: float | None = None,
    tiles: TileSource | None = None,
    sheet: Sheet | None = None,
    outline: Outline | None = None,
) -> tuple[float, float]:
    """Write a one-page PDF `width` points wide (default: one point per canvas unit), or a paper `sheet` in points.

    Mosaic tiles are embedded at the sheet's DPI (one pixel per point without one). Returns the page size in points.
    """
    if sheet is None:
        w = float(width) if width is not None else scene.canvas.width
        sheet = plain_sheet(w, w * scene.canvas.height / scene.canvas.width, scene.canvas.width, scene.canvas.height)
    output_size(scene.canvas, round(sheet.width), round(sheet.height))  # same size limits as raster output
    if tiles is not None and sheet.dpi is not None:
        tiles = _at_dpi(tiles, sheet.dpi)
    with atomic_path(path) as tmp:
        surface = cairocffi.PDFSurface(str(tmp), sheet.width, sheet.height)
        draw_sheet(cairocffi.Context(surface), sheet, scene, tiles, outline)
        surface.finish()
    return sheet.width, sheet.height


def _at_dpi(tiles: TileSource, dpi: float) -> TileSource:
    """A tile source asked for sizes in points that gives pixels at `dpi`."""
    per_point = dpi / POINTS_PER_INCH

    def at_dpi(tile: int, points: int) -> np.ndarray:
        return tiles(tile, math.ceil(points * per_point))

    return at_dpi
