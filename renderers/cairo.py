"""Antialiased frames with cairocffi: numpy arrays, PNG stills, and the drawing shared with PDF."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cairocffi
import numpy as np
from PIL import Image

from renderers.atomic import atomic_save_image
from renderers.drawables import TABLE, Packed, pack
from renderers.scene import Canvas, GraphLayer, Layer, MosaicLayer, Scene, ShapesLayer, output_size

TileSource = Callable[[int, int], np.ndarray]
"""`tiles(tile_id, size_px)` → an RGB uint8 array of about size_px × size_px."""

def _rgba(ctx: cairocffi.Context, color: Sequence[float]) -> None:
    ctx.set_source_rgba(color[0], color[1], color[2], color[3])


def draw_packed(ctx: cairocffi.Context, packed: Packed, begin: int = 0, end: int | None = None) -> None:
    """Draw packed drawables begin..end-1 (default all) with cairo's C API; invisible ones are skipped."""
    lib, pointer = cairocffi.cairo, ctx._pointer
    visible = begin + np.flatnonzero(packed.colors[begin:end, 3] > 0.0)
    for kind, count, points, params, rgba in zip(
        packed.kinds[visible].tolist(), packed.counts[visible].tolist(), packed.points[visible].tolist(),
        packed.params[visible].tolist(), packed.colors[visible].tolist(),
    ):
        TABLE[kind].draw_cairo(lib, pointer, points, count, params, rgba)


def _draw_graph(ctx: cairocffi.Context, layer: GraphLayer) -> None:
    pos = dict(zip(layer.ids, layer.xy))
    ctx.set_line_width(layer.edge_width)
    ctx.set_line_cap(cairocffi.LINE_CAP_ROUND)
    if layer.edge_colors is None:
        for a, b in layer.edges:
            ctx.move_to(*pos[a])
            ctx.line_to(*pos[b])
        _rgba(ctx, layer.edge_color)
        ctx.stroke()
    else:
        for (a, b), color in zip(layer.edges, layer.edge_colors):
            ctx.move_to(*pos[a])
            ctx.line_to(*pos[b])
            _rgba(ctx, color)
            ctx.stroke()
    if layer.node_radius > 0:
        colors = layer.node_colors or [layer.node_color] * len(layer.ids)
        for (x, y), color in zip(layer.xy, colors):
            ctx.new_sub_path()
            ctx.arc(x, y, layer.node_radius, 0.0, 2 * math.pi)
            _rgba(ctx, color)
            ctx.fill()


def array_surface(rgb: np.ndarray) -> cairocffi.ImageSurface:
    """An opaque cairo surface holding an RGB uint8 image."""
    h, w = rgb.shape[:2]
    buf = np.empty((h, w, 4), np.uint8)
    buf[..., 0], buf[..., 1], buf[..., 2], buf[..., 3] = rgb[..., 2], rgb[..., 1], rgb[..., 0], 255
    return cairocffi.ImageSurface.create_for_data(memoryview(buf.reshape(-1)), cairocffi.FORMAT_RGB24, w, h, w * 4)


def _draw_mosaic(ctx: cairocffi.Context, layer: MosaicLayer, canvas: Canvas, tiles: TileSource | None) -> None:
    cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
    device_px = max(1, math.ceil(max(ctx.user_to_device_distance(cw, ch))))
    x0, y0, x1, y1 = ctx.clip_extents()
    for index, tile in enumerate(layer.tiles):
        row, col = divmod(index, layer.columns)
        x, y = col * cw, row * ch
        if x + cw < x0 or x > x1 or y + ch < y0 or y > y1:
            continue  # outside the visible area (zoomed frames)
        ctx.rectangle(x, y, cw, ch)
        if tiles is not None:
            img = tiles(tile, device_px)
            ctx.save()
            ctx.clip()
            ctx.translate(x, y)
            ctx.scale(cw / img.shape[1], ch / img.shape[0])
            ctx.set_source_surface(array_surface(img), 0, 0)
            ctx.get_source().set_filter(cairocffi.FILTER_GOOD)
            ctx.get_source().set_extend(cairocffi.EXTEND_PAD)  # no fade to transparent at the tile's edge
            ctx.paint()
            ctx.restore()
            if layer.cell_colors is not None and layer.blend > 0:
                ctx.rectangle(x, y, cw, ch)
                r, g, b = layer.cell_colors[index]
                ctx.set_source_rgba(r, g, b, layer.blend)
                ctx.fill()
            else:
                ctx.new_path()
        else:
            r, g, b = layer.cell_colors[index] if layer.cell_colors is not None else (0.5, 0.5, 0.5)
            ctx.set_source_rgb(r, g, b)
            ctx.fill()


def draw(
    ctx: cairocffi.Context,
    canvas: Canvas,
    layers: Sequence[Layer],
    tiles: TileSource | None = None,
    background: bool = True,
) -> None:
    """Draw layers in canvas units onto a context already scaled to the output."""
    ctx.set_fill_rule(cairocffi.FILL_RULE_EVEN_ODD)
    if background:
        _rgba(ctx, canvas.background)
        ctx.paint()
    for layer in layers:
        if isinstance(layer, ShapesLayer):
            draw_packed(ctx, pack(layer.shapes))
        elif isinstance(layer, GraphLayer):
            _draw_graph(ctx, layer)
        else:
            _draw_mosaic(ctx, layer, canvas, tiles)


def bgra_to_array(bgra: np.ndarray, alpha: bool = False) -> np.ndarray:
    """RGB (or straight-alpha RGBA) uint8 copy of cairo ARGB32 pixels (premultiplied BGRA)."""
    rgb = bgra[..., 2::-1]
    if not alpha:
        return np.ascontiguousarray(rgb)
    a = bgra[..., 3:4].astype(np.float32)
    straight = np.where(a > 0, rgb * (255.0 / np.maximum(a, 1)), 0)
    return np.concatenate([np.clip(straight + 0.5, 0, 255).astype(np.uint8), bgra[..., 3:4]], axis=2)


def render_array(
    scene: Scene,
    width: int | None = None,
    height: int | None = None,
    layers: Sequence[Layer] | None = None,
    tiles: TileSource | None = None,
    alpha: bool = False,
    threads: int | None = None,
) -> np.ndarray:
    """Render a scene (or other layers on its canvas) to an H×W×3 (or ×4) uint8 array.

    Large frames are drawn as horizontal bands in parallel threads (cairo releases the GIL).
    """
    w, h = output_size(scene.canvas, width, height)
    drawn = scene.layers if layers is None else layers
    bands = threads or (min(os.cpu_count() or 1, 8) if w * h >= 512 * 512 else 1)
    buf = np.zeros((h, w, 4), np.uint8)
    edges = np.linspace(0, h, bands + 1).astype(int)

    def band(i: int) -> None:
        y0, y1 = edges[i], edges[i + 1]
        if y1 <= y0:
            return
        surface = cairocffi.ImageSurface.create_for_data(memoryview(buf[y0:y1].reshape(-1)), cairocffi.FORMAT_ARGB32, w, y1 - y0, w * 4)
        ctx = cairocffi.Context(surface)
        ctx.translate(0, -y0)
        ctx.scale(w / scene.canvas.width, h / scene.canvas.height)
        draw(ctx, scene.canvas, drawn, tiles)
        surface.finish()

    if bands == 1:
        band(0)
    else:
        with ThreadPoolExecutor(bands) as pool:
            list(pool.map(band, range(bands)))
    return bgra_to_array(buf, alpha)


def save_png(image: np.ndarray, path: str | Path, compress_level: int = 1) -> None:
    """Write an RGB/RGBA uint8 array as a PNG, atomically."""
    atomic_save_image(Image.fromarray(image), path, format="PNG", compress_level=compress_level)


def render_png(
    scene: Scene,
    path: str | Path,
    width: int | None = None,
    height: int | None = None,
    tiles: TileSource | None = None,
) -> np.ndarray:
    """Render a scene to a PNG file; returns the pixels written."""
    image = render_array(scene, width, height, tiles=tiles, alpha=scene.canvas.background[3] < 1.0)
    save_png(image, path)
    return image
