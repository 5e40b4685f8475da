"""The mosaic layer: a grid of cells over the canvas, each showing one tile of a photo collection."""

from __future__ import annotations

import base64
import io
import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

import cairocffi
import numpy as np
from PIL import Image
from pydantic import Field, model_validator

from genart.render.fields import RGB, Model, Unit
from genart.render.layers.base import LayerType, TileSource, svg_number, svg_paint

if TYPE_CHECKING:
    from genart.render.scene import Canvas


class MosaicLayer(Model):
    """A photo mosaic: a grid of cells over the canvas, each showing one collection tile.

    `tiles` lists the tile id of every cell, row-major; `cell_colors` (optional) the
    target colour of every cell, used for `blend` and when no collection is at hand.
    """

    type: Literal["mosaic"] = "mosaic"
    name: str = Field(default="", max_length=200)
    collection: str = Field(max_length=4096)
    columns: Annotated[int, Field(ge=1, le=100_000)]
    rows: Annotated[int, Field(ge=1, le=100_000)]
    tiles: list[Annotated[int, Field(ge=0)]]
    cell_colors: list[RGB] | None = None
    blend: Unit = 0.0

    @model_validator(mode="after")
    def _consistent(self) -> MosaicLayer:
        cells = self.columns * self.rows
        if len(self.tiles) != cells:
            raise ValueError(f"tiles has {len(self.tiles)} entries for {cells} cells")
        if self.cell_colors is not None and len(self.cell_colors) != cells:
            raise ValueError(f"cell_colors has {len(self.cell_colors)} entries for {cells} cells")
        return self


SVG_OVERLAP = 1.5  # tile pixels by which an SVG cell reaches under its neighbours
MAX_VECTOR_CELLS = 250_000  # cells an SVG or PDF may hold, each an embedded picture (200 x 200: 56 MB of SVG)


def check_vector_cells(cells: int) -> None:
    """ValueError if a mosaic of `cells` cells is too many for an SVG or PDF (PNG and JPEG have no such limit)."""
    if cells > MAX_VECTOR_CELLS:
        raise ValueError(f"{cells:,} mosaic cells are too many for an SVG or PDF (at most {MAX_VECTOR_CELLS:,}, "
                         "each an embedded picture); use fewer cells (mosaic build --grid, --cell) or write PNG or JPEG")


def overlapping_cells(layer: MosaicLayer, canvas: Canvas, cell_px: float) -> list[tuple[int, int, tuple[float, ...]]]:
    """Each cell's index, tile and rectangle (x, y, w, h) as vector outputs draw it where a cell is shown
    `cell_px` pixels wide at the least: reaching `SVG_OVERLAP` of those pixels under its right and lower
    neighbours (and past the canvas's edges, which clip them), so no background shows between cells however
    they are antialiased."""
    cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
    over_x, over_y = cw * SVG_OVERLAP / cell_px, ch * SVG_OVERLAP / cell_px
    cells: list[tuple[int, int, tuple[float, ...]]] = []
    for index, tile in enumerate(layer.tiles):
        row, col = divmod(index, layer.columns)
        x = col * cw - (over_x if col == 0 else 0.0)
        y = row * ch - (over_y if row == 0 else 0.0)
        cells.append((index, tile, (x, y, (col + 1) * cw + over_x - x, (row + 1) * ch + over_y - y)))
    return cells


def _cell_edges(ctx: cairocffi.Context, count: int, size: float, axis: int) -> list[float]:
    """The user-space positions of `count + 1` cell edges `size` apart along an axis (0: x, 1: y),
    snapped to device pixels on raster surfaces (the context is axis-aligned)."""
    edges = [i * size for i in range(count + 1)]
    if not isinstance(ctx.get_target(), cairocffi.ImageSurface):
        return edges
    out = []
    for e in edges:
        device = ctx.user_to_device(e, e)[axis]
        out.append(ctx.device_to_user(round(device), round(device))[axis])
    return out


def array_surface(rgb: np.ndarray) -> cairocffi.ImageSurface:
    """An opaque cairo surface holding an RGB uint8 image."""
    h, w = rgb.shape[:2]
    buf = np.empty((h, w, 4), np.uint8)
    buf[..., 0], buf[..., 1], buf[..., 2], buf[..., 3] = rgb[..., 2], rgb[..., 1], rgb[..., 0], 255
    return cairocffi.ImageSurface.create_for_data(buf.reshape(-1).data, cairocffi.FORMAT_RGB24, w, h, w * 4)


def jpeg_uri(rgb: np.ndarray) -> str:
    """A data: URI of an RGB image as JPEG."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=88)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


class MosaicType(LayerType):
    model = MosaicLayer
    tag = "mosaic"

    def draw_cairo(self, ctx: cairocffi.Context, layer: MosaicLayer, canvas: Canvas, tiles: TileSource | None) -> None:
        """Cells edge to edge with no seam: on raster surfaces their edges are snapped to device pixels, on
        vector ones each cell reaches a device unit under its right and lower neighbours (drawn after it)."""
        cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
        device_px = max(1, math.ceil(max(ctx.user_to_device_distance(cw, ch))))
        xs, ys = _cell_edges(ctx, layer.columns, cw, 0), _cell_edges(ctx, layer.rows, ch, 1)
        raster = isinstance(ctx.get_target(), cairocffi.ImageSurface)
        over_x, over_y = (0.0, 0.0) if raster else (abs(d) for d in ctx.device_to_user_distance(1.0, 1.0))
        x0, y0, x1, y1 = ctx.clip_extents()
        for index, tile in enumerate(layer.tiles):
            row, col = divmod(index, layer.columns)
            left, top, right, bottom = xs[col], ys[row], xs[col + 1], ys[row + 1]
            if right < x0 or left > x1 or bottom < y0 or top > y1 or right <= left or bottom <= top:
                continue  # outside the visible area (zoomed frames), or narrower than a device pixel
            width = right - left + (over_x if col + 1 < layer.columns else 0.0)
            height = bottom - top + (over_y if row + 1 < layer.rows else 0.0)
            ctx.rectangle(left, top, width, height)
            if tiles is not None:
                img = tiles(tile, device_px)
                ctx.save()
                ctx.clip()
                ctx.translate(left, top)
                if raster:  # the tile spans its cell, its edge pixels padded: no fade at its edges
                    ctx.scale((right - left) / img.shape[1], (bottom - top) / img.shape[0])
                else:  # stretched over the overlap too (PDF would pad by embedding a larger copy)
                    ctx.scale(width / img.shape[1], height / img.shape[0])
                ctx.set_source_surface(array_surface(img), 0, 0)
                ctx.get_source().set_filter(cairocffi.FILTER_GOOD)
                if raster:
                    ctx.get_source().set_extend(cairocffi.EXTEND_PAD)
                ctx.paint()
                ctx.restore()
                if layer.cell_colors is not None and layer.blend > 0:
                    ctx.rectangle(left, top, width, height)
                    r, g, b = layer.cell_colors[index]
                    ctx.set_source_rgba(r, g, b, layer.blend)
                    ctx.fill()
                else:
                    ctx.new_path()
            else:
                r, g, b = layer.cell_colors[index] if layer.cell_colors is not None else (0.5, 0.5, 0.5)
                ctx.set_source_rgb(r, g, b)
                ctx.fill()

    def svg_group(self, dwg: Any, layer: MosaicLayer, canvas: Canvas, tiles: TileSource | None, tile_px: int) -> Any:
        """Tiles of `tile_px` pixels; each reaches 1.5 tile pixels under its right and lower neighbours (and
        past the canvas's edges), so no background shows between them however the SVG is antialiased."""
        group = dwg.g()
        for index, tile, (x, y, w, h) in overlapping_cells(layer, canvas, tile_px):
            insert, size = (svg_number(x), svg_number(y)), (svg_number(w), svg_number(h))
            if tiles is not None:
                group.add(dwg.image(jpeg_uri(tiles(tile, tile_px)), insert=insert, size=size, preserveAspectRatio="none"))
            if layer.cell_colors is not None and (tiles is None or layer.blend > 0):
                color = (*layer.cell_colors[index], 1.0 if tiles is None else layer.blend)
                group.add(dwg.rect(insert=insert, size=size, **svg_paint(color)))
        return group

    def rasterize(self, image: np.ndarray, layer: MosaicLayer, sx: float, sy: float, canvas: Canvas) -> None:
        from genart.render.scanlines import blend_scanlines
        from genart.render.scanlines.polygon import polygon_scanlines

        h, w = image.shape[:2]
        scale = np.array([sx, sy])
        cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
        for index in range(len(layer.tiles)):
            row, col = divmod(index, layer.columns)
            rgb = layer.cell_colors[index] if layer.cell_colors is not None else (0.5, 0.5, 0.5)
            quad = np.array([[col * cw, row * ch], [(col + 1) * cw, row * ch], [(col + 1) * cw, (row + 1) * ch], [col * cw, (row + 1) * ch]])
            blend_scanlines(image, polygon_scanlines(quad * scale, h, w), *rgb, 1.0)
