"""SVG posters with svgwrite: one element per shape, coordinates to two decimals."""

from __future__ import annotations

from pathlib import Path

import svgwrite

from renderers.atomic import atomic_path
from renderers.layers import TileSource, layer_type
from renderers.layers.base import svg_number, svg_paint
from renderers.scene import Scene


def to_svg(scene: Scene, width: int | None = None, tiles: TileSource | None = None, tile_px: int = 64) -> str:
    """The scene as SVG text; `width` sets the displayed size (the viewBox stays in canvas units)."""
    cw, ch = scene.canvas.width, scene.canvas.height
    w = width if width is not None else cw
    h = w * ch / cw
    dwg = svgwrite.Drawing(size=(svg_number(w), svg_number(h)), viewBox=f"0 0 {svg_number(cw)} {svg_number(ch)}", debug=False)
    dwg["fill-rule"] = "evenodd"
    bg = scene.canvas.background
    if bg[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(cw), svg_number(ch)), **svg_paint(bg)))
    for layer in scene.layers:
        dwg.add(layer_type(layer).svg_group(dwg, layer, scene.canvas, tiles, tile_px))
    return dwg.tostring()


def render_svg(scene: Scene, path: str | Path, width: int | None = None, tiles: TileSource | None = None) -> None:
    """Write the scene as an SVG file, atomically."""
    text = to_svg(scene, width, tiles)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
