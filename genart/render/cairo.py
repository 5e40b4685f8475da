"""Antialiased frames with cairocffi: numpy arrays, PNG stills, and the drawing shared with PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cairocffi
import numpy as np
from PIL import Image

from genart.render.atomic import atomic_save_image
from genart.render.layers import TileSource, layer_type
from genart.render.layers.base import Outline, set_rgba
from genart.render.paper import Sheet, plain_sheet
from genart.render.scene import Canvas, Layer, Scene, output_size

__all__ = ["TileSource", "bgra_to_array", "draw", "draw_sheet", "render_array", "render_png", "render_sheet", "save_png"]


def draw(
    ctx: cairocffi.Context,
    canvas: Canvas,
    layers: Sequence[Layer],
    tiles: TileSource | None = None,
    background: bool = True,
    outline: Outline | None = None,
) -> None:
    """Draw layers in canvas units onto a context already scaled to the output (shapes outlined if asked)."""
    ctx.set_fill_rule(cairocffi.FILL_RULE_EVEN_ODD)
    if background:
        set_rgba(ctx, canvas.background)
        ctx.paint()
    for layer in layers:
        layer_type(layer).draw_cairo_outlined(ctx, layer, canvas, tiles, outline)


def draw_sheet(ctx: cairocffi.Context, sheet: Sheet, drawing: Scene, tiles: TileSource | None = None,
               outline: Outline | None = None) -> None:
    """Draw a scene onto a context in device units as `sheet` places it: frame, then the picture clipped to its box."""
    if sheet.frame is not None and sheet.frame[3] > 0:
        set_rgba(ctx, sheet.frame)
        ctx.paint()
    ctx.save()
    if sheet.picture is not None:
        ctx.rectangle(*sheet.picture)
        ctx.clip()
    ctx.translate(sheet.offset_x, sheet.offset_y)
    ctx.scale(sheet.scale_x, sheet.scale_y)
    draw(ctx, drawing.canvas, drawing.layers, tiles, outline=outline)
    ctx.restore()


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
    """Render a scene (or other layers on its canvas) to an H×W×3 (or ×4) uint8 array."""
    w, h = output_size(scene.canvas, width, height)
    drawing = scene if layers is None else scene.model_copy(update={"layers": list(layers)})
    return render_sheet(drawing, plain_sheet(w, h, scene.canvas.width, scene.canvas.height), tiles, alpha, threads)


def render_sheet(
    scene: Scene,
    sheet: Sheet,
    tiles: TileSource | None = None,
    alpha: bool = False,
    threads: int | None = None,
    outline: Outline | None = None,
) -> np.ndarray:
    """Render a scene placed on a sheet to an H×W×3 (or ×4) uint8 array.

    Large frames are drawn as horizontal bands in parallel threads (cairo releases the GIL).
    """
    w, h = sheet.pixels
    bands = threads or (min(os.cpu_count() or 1, 8) if w * h >= 512 * 512 else 1)
    buf = np.zeros((h, w, 4), np.uint8)
    edges = np.linspace(0, h, bands + 1).astype(int)

    def band(i: int) -> None:
        y0, y1 = edges[i], edges[i + 1]
        if y1 <= y0:
            return
        surface = cairocffi.ImageSurface.create_for_data(buf[y0:y1].reshape(-1).data, cairocffi.FORMAT_ARGB32, w, y1 - y0, w * 4)
        ctx = cairocffi.Context(surface)
        ctx.translate(0, -y0)
        draw_sheet(ctx, sheet, scene, tiles, outline)
        surface.finish()

    if bands == 1:
        band(0)
    else:
        with ThreadPoolExecutor(bands) as pool:
            list(pool.map(band, range(bands)))
    return bgra_to_array(buf, alpha)


def save_png(image: np.ndarray, path: str | Path, compress_level: int = 1, dpi: float | None = None) -> None:
    """Write an RGB/RGBA uint8 array as a PNG (with its DPI in pHYs if given), atomically."""
    extra = {"dpi": (dpi, dpi)} if dpi is not None else {}
    atomic_save_image(Image.fromarray(image), path, format="PNG", compress_level=compress_level, **extra)


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
