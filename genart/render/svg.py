"""SVG posters with svgwrite: one element per shape, coordinates to two decimals, editable.

The poster stays editable in Inkscape and Illustrator: each scene layer is a group of its own
(`LAYER_ID` and its index; an Inkscape layer named as the layer), each shape keeps its id
(``shape-<id>``, `genart.render.layers.shapes.shape_ids`; in a second shapes layer
``layer-<k>-shape-<id>``), the background is the rect ``background``, and nothing is
flattened. The root names the canvas size (`CANVAS_ATTRIBUTE`); on paper, the group
``genart-canvas`` (`CANVAS_ID`) places the canvas on the sheet. `genart.render.svg_read`
reads such a file back.
"""

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
INKSCAPE = "http://www.inkscape.org/namespaces/inkscape"
LAYER_ID = "layer-"  # a scene layer's group id: this and the layer's index
BACKGROUND_ID = "background"
FRAME_ID = "frame"  # on paper: the rect painting the sheet around the picture
CANVAS_ID = "genart-canvas"  # on paper: the group placing the canvas on the sheet
CANVAS_ATTRIBUTE = "data-genart-canvas"  # the root's: the canvas width and height, in canvas units


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
        parent.add(dwg.rect(insert=(0, 0), size=(svg_number(cw), svg_number(ch)), id=BACKGROUND_ID, **svg_paint(bg)))
    shape_layers = 0
    for k, layer in enumerate(scene.layers):
        group = layer_type(layer).svg_group(dwg, layer, scene.canvas, tiles, tile_px(layer, scene.canvas, sheet))
        group["id"] = f"{LAYER_ID}{k}"
        group["inkscape:groupmode"], group["inkscape:label"] = "layer", layer.name or f"{layer.type} {k}"
        if layer.type == "shapes":
            if shape_layers:  # ids are unique in a document: a later shapes layer's are named by it
                for element in group.elements:
                    element["id"] = f"{LAYER_ID}{k}-{element['id']}"
            shape_layers += 1
        if outline is not None and layer.type == "shapes":
            group["stroke"], group["stroke-width"] = hex_color(outline.color), svg_number(outline.width)
            if outline.color[3] < 1.0:
                group["stroke-opacity"] = svg_number(outline.color[3])
        parent.add(group)


def _drawing(scene: Scene, size: tuple[int, int], view: tuple[float, float]) -> Any:
    """The document: its pixel size, its viewBox (`view` wide and high), the Inkscape namespace and the canvas size."""
    dwg = svgwrite.Drawing(size=size, viewBox=f"0 0 {svg_number(view[0])} {svg_number(view[1])}", debug=False)
    dwg["xmlns:inkscape"] = INKSCAPE
    dwg[CANVAS_ATTRIBUTE] = f"{svg_number(scene.canvas.width)} {svg_number(scene.canvas.height)}"
    dwg["fill-rule"] = "evenodd"
    return dwg


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
        dwg = _drawing(scene, (w, h), (cw, ch))
        _picture(dwg, dwg, scene, tiles, sheet, outline)
        return dwg.tostring()
    dwg = _drawing(scene, (w, h), (sheet.width, sheet.height))
    if sheet.frame is not None and sheet.frame[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(sheet.width), svg_number(sheet.height)), id=FRAME_ID,
                         **svg_paint(sheet.frame)))
    framed = dwg
    if sheet.picture is not None:
        clip = dwg.defs.add(dwg.clipPath(id="picture"))
        x, y, bw, bh = sheet.picture
        clip.add(dwg.rect(insert=(svg_number(x), svg_number(y)), size=(svg_number(bw), svg_number(bh))))
        framed = dwg.add(dwg.g(clip_path="url(#picture)"))
    placed = framed.add(dwg.g(id=CANVAS_ID, transform=f"translate({sheet.offset_x:.4f} {sheet.offset_y:.4f}) "
                                        f"scale({sheet.scale_x:.6f} {sheet.scale_y:.6f})"))
    _picture(dwg, placed, scene, tiles, sheet, outline)
    return dwg.tostring()


def render_svg(scene: Scene, path: str | Path, width: int | None = None, tiles: TileSource | None = None,
               sheet: Sheet | None = None, outline: Outline | None = None) -> None:
    """Write the scene as an SVG file, atomically."""
    text = to_svg(scene, width, tiles, sheet, outline)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
