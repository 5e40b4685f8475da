"""SVG posters with svgwrite: one element per shape, coordinates to two decimals."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path

import svgwrite
from PIL import Image

from renderers.atomic import atomic_path
from renderers.cairo import TileSource
from renderers.drawables import drawable_of
from renderers.drawables.base import svg_number
from renderers.scene import GraphLayer, MosaicLayer, Scene, ShapesLayer


def _hex(color: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in color[:3])


def _paint(color: Sequence[float]) -> dict[str, str]:
    attrs = {"fill": _hex(color)}
    if color[3] < 1.0:
        attrs["fill_opacity"] = svg_number(color[3]) if color[3] >= 0.01 else f"{color[3]:.4f}"
    return attrs


def _shapes(dwg: svgwrite.Drawing, layer: ShapesLayer) -> svgwrite.container.Group:
    group = dwg.g()
    for shape in layer.shapes:
        group.add(drawable_of(shape).svg_element(dwg, shape, _paint(shape.color)))
    return group


def _graph(dwg: svgwrite.Drawing, layer: GraphLayer) -> svgwrite.container.Group:
    pos = dict(zip(layer.ids, layer.xy))
    c = layer.edge_color
    group = dwg.g(stroke=_hex(c), stroke_width=svg_number(layer.edge_width), stroke_linecap="round")
    if c[3] < 1.0:
        group["stroke-opacity"] = svg_number(c[3])
    for i, (a, b) in enumerate(layer.edges):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        line = dwg.line(start=(svg_number(x1), svg_number(y1)), end=(svg_number(x2), svg_number(y2)))
        if layer.edge_colors is not None:
            line["stroke"] = _hex(layer.edge_colors[i])
        group.add(line)
    if layer.node_radius > 0:
        colors = layer.node_colors or [layer.node_color] * len(layer.ids)
        for (x, y), color in zip(layer.xy, colors):
            group.add(dwg.circle(center=(svg_number(x), svg_number(y)), r=svg_number(layer.node_radius), stroke="none", **_paint(color)))
    return group


def _png_uri(rgb) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=88)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def _mosaic(dwg: svgwrite.Drawing, layer: MosaicLayer, scene: Scene, tiles: TileSource | None, px: int):
    cw, ch = scene.canvas.width / layer.columns, scene.canvas.height / layer.rows
    group = dwg.g()
    for index, tile in enumerate(layer.tiles):
        row, col = divmod(index, layer.columns)
        x, y = col * cw, row * ch
        if tiles is not None:
            group.add(dwg.image(_png_uri(tiles(tile, px)), insert=(svg_number(x), svg_number(y)), size=(svg_number(cw), svg_number(ch)),
                                preserveAspectRatio="none"))
        if layer.cell_colors is not None and (tiles is None or layer.blend > 0):
            color = (*layer.cell_colors[index], 1.0 if tiles is None else layer.blend)
            group.add(dwg.rect(insert=(svg_number(x), svg_number(y)), size=(svg_number(cw), svg_number(ch)), **_paint(color)))
    return group


def to_svg(scene: Scene, width: int | None = None, tiles: TileSource | None = None, tile_px: int = 64) -> str:
    """The scene as SVG text; `width` sets the displayed size (the viewBox stays in canvas units)."""
    cw, ch = scene.canvas.width, scene.canvas.height
    w = width if width is not None else cw
    h = w * ch / cw
    dwg = svgwrite.Drawing(size=(svg_number(w), svg_number(h)), viewBox=f"0 0 {svg_number(cw)} {svg_number(ch)}", debug=False)
    dwg["fill-rule"] = "evenodd"
    bg = scene.canvas.background
    if bg[3] > 0:
        dwg.add(dwg.rect(insert=(0, 0), size=(svg_number(cw), svg_number(ch)), **_paint(bg)))
    for layer in scene.layers:
        if isinstance(layer, ShapesLayer):
            dwg.add(_shapes(dwg, layer))
        elif isinstance(layer, GraphLayer):
            dwg.add(_graph(dwg, layer))
        else:
            dwg.add(_mosaic(dwg, layer, scene, tiles, tile_px))
    return dwg.tostring()


def render_svg(scene: Scene, path: str | Path, width: int | None = None, tiles: TileSource | None = None) -> None:
    """Write the scene as an SVG file, atomically."""
    text = to_svg(scene, width, tiles)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
