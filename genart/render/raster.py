"""Fast numba rasterizer for fitness: layers → scanlines → alpha blending on a float canvas (no antialiasing).

Each layer type (`genart.render.layers`) and drawable kind (`genart.render.drawables`) computes
its own scanlines (`genart.render.scanlines`); this module sets up the canvas.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from genart.render.layers import layer_type
from genart.render.scene import Layer, Scene, output_size


def render(scene: Scene, width: int | None = None, height: int | None = None, layers: Sequence[Layer] | None = None) -> np.ndarray:
    """Render a scene to an H×W×3 float32 canvas in [0, 1] (no antialiasing)."""
    w, h = output_size(scene.canvas, width, height)
    bg = scene.canvas.background
    canvas = np.empty((h, w, 3), np.float64)
    canvas[:] = np.asarray(bg[:3]) * bg[3] + (1.0 - bg[3])  # a transparent background shows white
    sx, sy = w / scene.canvas.width, h / scene.canvas.height
    for layer in scene.layers if layers is None else layers:
        layer_type(layer).rasterize(canvas, layer, sx, sy, scene.canvas)
    return canvas.astype(np.float32)

