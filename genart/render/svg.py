"""SVG posters with svgwrite: one element per shape, coordinates to two decimals."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import svgwrite

from genart.render.atomic import atomic_path
from genart.render.layers import Layer, TileSource, layer_type
from genart.render.layers.base import Outline, hex_color, svg_number, svg_paint
from genart.render.paper import Sheet, plain_sheet
from genart.render.scene import Canvas, Scene, output_size

MAX_TILE_PX = 4096


def tile_px(layer: Layer, canvas: Canvas, sheet: Sheet) -> int:
    """Device pixels per mosaic cell on the sheet (at most MAX_TILE_PX): the tile resolution the output needs
    (64 for other layers)."""
    columns, rows = getattr(layer, "columns", None), getattr(layer, "rows", None)
    if columns is None or rows is None:
        return 64
    cell = max(sheet.scale_x * canvas.width / columns, sheet.scale_y * canvas.height / rows)
    return min(MAX_TILE_PX, max(1, math.ceil(cell)))


def _picture(dwg: Any, parent: Any, scene: Scene, tiles: TileSource | None, sheet: Sheet, outline: Outline | None) -> None:
    """The background and layers, in canvas units, added to `parent`."""
    cw, ch = scene.canvas.width, scene.canvas.height
    bg = scene.canvas.background
    if bg[3] > 0:
        parent.add(dwg.rect(insert=(0, 0), size=(svg_number(cw), svg_number(ch)), **svg_paint(bg)))
    for layer in scene.layers:
        group = layer_type(layer).svg_group(dwg, layer, scene.canvas, tiles, tile_px(layer, scene.canvas, sheet))
        if outline is not None and layer.type == "shapes":
            group["stroke"], group["stroke-width"] = hex_color(outline.color), svg_number(outline.width)
            if outline.color[3] < 1.0:
                group["stroke-opacity"] = svg_number(outline.color[3])
        parent.add(group)


def to_svg(scene: Scene, width: int | None = None, tiles: TileSource | None = None, sheet: Sheet | None = None,
           outline: Outline | None = None) -> str:
    """The scene as SVG text, `width` pixels wide (height rounded as for PNG), or placed on a paper `sheet`.

    The viewBox is in canvas units where the pixel size keeps the canvas's aspect exactly; otherwise it is in
    pixels, the picture stretched onto them by a transform (as the PNG is), and placed and clipped on paper.
    """
    cw, ch = scene.canvas.width, scene.canvas.height
    if sheet is None:
        sheet = plain_sheet(*output_size(scene.canvas, width, limit=False), cw, ch)
    w, h = sheet.pixels
    uniform = abs(sheet.scale_x - sheet.scale_y) <= 1e-9 * sheet.scale_x
    if sheet.picture is None and sheet.offset_x == 0 and sheet.offset_y == 0 and uniform:
        dwg = svgwrite.Drawing(size=(w, h), viewBox=f"0 0 {svg_number(cw)} {svg_number(ch)}", debug=False)
        dwg["fill-rule"] = "evenodd"
        _picture(dwg, dwg, scene, tiles, sheet, outline)
        return dwg.tostring()
    dwg = svgwrite.Drawing(size=(w, h), viewBox=f"0 0 {svg_number(sheet.width)} {svg_number(sheet.height)}", debug=False)
    dwg["fill-rule"] = "evenodd"
    if sheet.frame is not None and sheet.frame[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(sheet.width), svg_number(sheet.height)), **svg_paint(sheet.frame)))
    framed = dwg
    if sheet.picture is not None:
        clip = dwg.defs.add(dwg.clipPath(id="picture"))
        x, y, bw, bh = sheet.picture
        clip.add(dwg.rect(insert=(svg_number(x), svg_number(y)), size=(svg_number(bw), svg_number(bh))))
        framed = dwg.add(dwg.g(clip_path="url(#picture)"))
    placed = framed.add(dwg.g(transform=f"translate({sheet.offset_x:.4f} {sheet.offset_y:.4f}) "
                                        f"scale({sheet.scale_x:.6f} {sheet.scale_y:.6f})"))
    _picture(dwg, placed, scene, tiles, sheet, outline)
    return dwg.tostring()


def render_svg(scene: Scene, path: str | Path, width: int | None = None, tiles: TileSource | None = None,
               sheet: Sheet | None = None, outline: Outline | None = None) -> None:
    """Write the scene as an SVG file, atomically."""
    text = to_svg(scene, width, tiles, sheet, outline)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
