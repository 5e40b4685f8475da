"""Fast numba rasterizer for fitness: shapes → scanlines → alpha blending on a float canvas.

A pixel belongs to a shape when its centre (x + 0.5, y + 0.5) is inside it (even-odd
rule for polygons). Scanlines are int32 rows `(y, x0, x1)` covering pixels x0 ≤ x < x1.
The scanline functions are compiled with numba and may be called from other compiled
code (the optimizers do).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np

from renderers.scene import Circle, Ellipse, GraphLayer, Layer, MosaicLayer, Polygon, Scene, ShapesLayer, output_size


@numba.njit(cache=True, nogil=True)
def polygon_scanlines_into(points: np.ndarray, height: int, width: int, out: np.ndarray, xs: np.ndarray) -> int:
    """Write the scanlines of a polygon ((k, 2) float64 canvas-pixel vertices) into `out`.

    `out` needs (rows × (k // 2 + 1), 3) int32 room and `xs` k float64 scratch; returns the
    number of scanlines written.
    """
    k = points.shape[0]
    ymin, ymax = np.inf, -np.inf
    for i in range(k):
        ymin = min(ymin, points[i, 1])
        ymax = max(ymax, points[i, 1])
    y_start = max(0, int(math.ceil(ymin - 0.5)))
    y_stop = min(height, int(math.ceil(ymax - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        yc = y + 0.5
        m = 0
        for i in range(k):
            x0, y0 = points[i, 0], points[i, 1]
            j = i + 1 if i + 1 < k else 0
            x1, y1 = points[j, 0], points[j, 1]
            if (y0 <= yc < y1) or (y1 <= yc < y0):
                xs[m] = x0 + (yc - y0) * (x1 - x0) / (y1 - y0)
                m += 1
        for i in range(1, m):  # insertion sort: m is tiny
            v = xs[i]
            j = i - 1
            while j >= 0 and xs[j] > v:
                xs[j + 1] = xs[j]
                j -= 1
            xs[j + 1] = v
        for i in range(0, m - 1, 2):
            a = max(0, int(math.ceil(xs[i] - 0.5)))
            b = min(width, int(math.ceil(xs[i + 1] - 0.5)))
            if b > a:
                out[n, 0], out[n, 1], out[n, 2] = y, a, b
                n += 1
    return n


@numba.njit(cache=True, nogil=True)
def polygon_scanlines(points: np.ndarray, height: int, width: int) -> np.ndarray:
    """Scanlines of a polygon given as a (k, 2) float64 array of canvas-pixel vertices."""
    k = points.shape[0]
    out = np.empty((height * (k // 2 + 1), 3), np.int32)
    n = polygon_scanlines_into(points, height, width, out, np.empty(k, np.float64))
    return out[:n].copy()


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines_into(
    cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int, out: np.ndarray
) -> int:
    """Write the scanlines of an ellipse (radii rx, ry, rotated `angle` radians) into `out`.

    `out` needs (height, 3) int32 room; returns the number of scanlines written.
    """
    if rx <= 0.0 or ry <= 0.0:
        return 0
    c, s = math.cos(angle), math.sin(angle)
    irx, iry = 1.0 / (rx * rx), 1.0 / (ry * ry)
    qa = c * c * irx + s * s * iry
    qb = 2.0 * c * s * (irx - iry)
    qc = s * s * irx + c * c * iry
    half_h = math.sqrt(rx * rx * s * s + ry * ry * c * c)
    y_start = max(0, int(math.ceil(cy - half_h - 0.5)))
    y_stop = min(height, int(math.ceil(cy + half_h - 0.5)))
    n = 0
    for y in range(y_start, y_stop):
        dy = y + 0.5 - cy
        # qa*dx^2 + qb*dy*dx + qc*dy^2 <= 1
        b = qb * dy
        disc = b * b - 4.0 * qa * (qc * dy * dy - 1.0)
        if disc < 0.0:
            continue
        root = math.sqrt(disc)
        a = max(0, int(math.ceil(cx + (-b - root) / (2.0 * qa) - 0.5)))
        e = min(width, int(math.ceil(cx + (-b + root) / (2.0 * qa) - 0.5)))
        if e > a:
            out[n, 0], out[n, 1], out[n, 2] = y, a, e
            n += 1
    return n


@numba.njit(cache=True, nogil=True)
def ellipse_scanlines(cx: float, cy: float, rx: float, ry: float, angle: float, height: int, width: int) -> np.ndarray:
    """Scanlines of an ellipse (radii rx, ry, rotated by `angle` radians) in canvas pixels."""
    out = np.empty((height, 3), np.int32)
    n = ellipse_scanlines_into(cx, cy, rx, ry, angle, height, width, out)
    return out[:n].copy()


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
        for s in layer.shapes:
            if isinstance(s, Polygon):
                lines = polygon_scanlines(np.asarray(s.points, np.float64) * scale, h, w)
            elif isinstance(s, Circle):
                lines = ellipse_scanlines(s.cx * sx, s.cy * sy, s.r * sx, s.r * sy, 0.0, h, w)
            else:
                assert isinstance(s, Ellipse)
                if sx == sy:
                    lines = ellipse_scanlines(s.cx * sx, s.cy * sy, s.rx * sx, s.ry * sy, math.radians(s.angle), h, w)
                else:  # a non-uniform scale skews a rotated ellipse: draw it as a fine polygon
                    t = np.linspace(0, 2 * math.pi, 128, endpoint=False)
                    a = math.radians(s.angle)
                    ex, ey = s.rx * np.cos(t), s.ry * np.sin(t)
                    pts = np.stack([s.cx + ex * math.cos(a) - ey * math.sin(a), s.cy + ex * math.sin(a) + ey * math.cos(a)], 1)
                    lines = polygon_scanlines(pts * scale, h, w)
            blend_scanlines(canvas, lines, *s.color)
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
