"""Antialiased frames with cairocffi: numpy arrays, PNG stills, and the drawing shared with PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cairocffi
import numpy as np
from PIL import Image

from renderers.atomic import atomic_save_image
from renderers.layers import TileSource, layer_type
from renderers.layers.base import set_rgba
from renderers.scene import Canvas, Layer, Scene, output_size

__all__ = ["TileSource", "bgra_to_array", "draw", "render_array", "render_png", "save_png"]


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
        set_rgba(ctx, canvas.background)
        ctx.paint()
    for layer in layers:
        layer_type(layer).draw_cairo(ctx, layer, canvas, tiles)


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
        surface = cairocffi.ImageSurface.create_for_data(buf[y0:y1].reshape(-1).data, cairocffi.FORMAT_ARGB32, w, y1 - y0, w * 4)
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
