"""Vector PDF posters: the cairo drawing on a one-page PDF surface."""

from __future__ import annotations

from pathlib import Path

import cairocffi

from renderers.atomic import atomic_path
from renderers.cairo import TileSource, draw
from renderers.scene import Scene, output_size


def render_pdf(
    scene: Scene,
    path: str | Path,
    width: float | None = None,
    tiles: TileSource | None = None,
) -> tuple[float, float]:
    """Write a one-page PDF `width` points wide (default: one point per canvas unit).

    Returns the page size in points.
    """
    w = float(width) if width is not None else scene.canvas.width
    h = w * scene.canvas.height / scene.canvas.width
    output_size(scene.canvas, round(w), round(h))  # same size limits as raster output
    with atomic_path(path) as tmp:
        surface = cairocffi.PDFSurface(str(tmp), w, h)
        ctx = cairocffi.Context(surface)
        ctx.scale(w / scene.canvas.width, h / scene.canvas.height)
        draw(ctx, scene.canvas, scene.layers, tiles)
        surface.finish()
    return w, h
