"""Fast numba rasterizer for fitness: shapes → scanlines → alpha blending on a float canvas.

A pixel belongs to a shape when its centre (x + 0.5, y + 0.5) is inside it (even-odd
rule for polygons). Scanlines are int32 rows `(y, x0, x1)` covering pixels x0 ≤ x < x1.
Each drawable kind's module (`renderers.drawables`) computes its own scanlines; this
module blends them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np

from renderers.drawables import drawable, pack
from renderers.drawables.ellipse import ellipse_scanlines
from renderers.drawables.polygon import polygon_scanlines
from renderers.scene import GraphLayer, Layer, MosaicLayer, Scene, ShapesLayer, output_size


@numba.njit(cache=True, nogil=True)
def blend_scanlines(canvas: np.ndarray, lines: np.ndarray, r: float, g: float, b: float, alpha: float) -> None:
    """Alpha-blend a colour over `canvas` (H×W×3 float) on the given scanlines, in place."""
    keep = 1.0 - alpha
    for i in range(lines.shape[0]):
        y = lines[i, 0]
        for x in range(lines[i, 1], lines[i, 2]):
            canvas[y, x, 0] = canvas[y, x, 0] * keep + r * alpha
            canvas[y, x, 1] = canvas[y, x, 1] * keep + g * alpha
            canvas[y, x, 2] = canvas[y, x, 2] * keep + b * alpha


def _segment_quad(p: Sequence[float], q: Sequence[float], half: float) -> np.ndarray:
    dx, dy = q[0] - p[0], q[1] - p[1]
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / norm * half, dx / norm * half
    return np.array([[p[0] + nx, p[1] + ny], [q[0] + nx, q[1] + ny], [q[0] - nx, q[1] - ny], [p[0] - nx, p[1] - ny]])


def _layer(canvas: np.ndarray, layer: Layer, sx: float, sy: float, scene: Scene) -> None:
    h, w = canvas.shape[:2]
    scale = np.array([sx, sy])
    if isinstance(layer, ShapesLayer):
        packed = pack(layer.shapes)
        for i, kind in enumerate(packed.kinds.tolist()):
            lines = drawable(kind).scanlines(packed.points[i], int(packed.counts[i]), packed.params[i], sx, sy, h, w)
            blend_scanlines(canvas, lines, *packed.colors[i])
    elif isinstance(layer, GraphLayer):
        pos = dict(zip(layer.ids, layer.xy))
        half = layer.edge_width / 2
        for i, (a, b) in enumerate(layer.edges):
            color = layer.edge_colors[i] if layer.edge_colors is not None else layer.edge_color
            blend_scanlines(canvas, polygon_scanlines(_segment_quad(pos[a], pos[b], half) * scale, h, w), *color)
        if layer.node_radius > 0:
            for i, (x, y) in enumerate(layer.xy):
                color = layer.node_colors[i] if layer.node_colors is not None else layer.node_color
                r = layer.node_radius
                blend_scanlines(canvas, ellipse_scanlines(x * sx, y * sy, r * sx, r * sy, 0.0, h, w), *color)
    elif isinstance(layer, MosaicLayer):
        cw, ch = scene.canvas.width / layer.columns, scene.canvas.height / layer.rows
        for index in range(len(layer.tiles)):
            row, col = divmod(index, layer.columns)
            rgb = layer.cell_colors[index] if layer.cell_colors is not None else (0.5, 0.5, 0.5)
            quad = np.array([[col * cw, row * ch], [(col + 1) * cw, row * ch], [(col + 1) * cw, (row + 1) * ch], [col * cw, (row + 1) * ch]])
            blend_scanlines(canvas, polygon_scanlines(quad * scale, h, w), *rgb, 1.0)


def render(scene: Scene, width: int | None = None, height: int | None = None, layers: Sequence[Layer] | None = None) -> np.ndarray:
    """Render a scene to an H×W×3 float32 canvas in [0, 1] (no antialiasing)."""
    w, h = output_size(scene.canvas, width, height)
    bg = scene.canvas.background
    canvas = np.empty((h, w, 3), np.float64)
    canvas[:] = np.asarray(bg[:3]) * bg[3] + (1.0 - bg[3])  # a transparent background shows white
    sx, sy = w / scene.canvas.width, h / scene.canvas.height
    for layer in scene.layers if layers is None else layers:
        _layer(canvas, layer, sx, sy, scene)
    return canvas.astype(np.float32)


def to_uint8(canvas: np.ndarray) -> np.ndarray:
    """Float canvas in [0, 1] → uint8 image."""
    return np.clip(canvas * 255.0 + 0.5, 0, 255).astype(np.uint8)
