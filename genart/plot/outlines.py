"""Each drawable as a shapely geometry on the page (millimetres): polygons as they are, ellipses and circles
as polygons whose chords stray at most TOLERANCE_MM from the curve, Bézier strokes as their centre line
and the area their stroke covers."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from genart.plot.page import Page
from genart.render.drawables import Bezier, Circle, Ellipse, Line, Polygon, Shape

TOLERANCE_MM = 0.02  # how far a chord of a curve may stray from it (a tenth of a fine pen)
MIN_SEGMENTS, MAX_SEGMENTS = 12, 512
STROKES = (Bezier, Line)  # the drawables that are strokes: plotted as their centre line


def segments_for(radius_mm: float) -> int:
    """Chords of a circle of `radius_mm` that stray at most TOLERANCE_MM from it.

    Examples
    --------
    >>> segments_for(1.0), segments_for(50.0)
    (16, 112)
    """
    if radius_mm <= TOLERANCE_MM:
        return MIN_SEGMENTS
    step = 2 * math.acos(1 - TOLERANCE_MM / radius_mm)
    return int(min(MAX_SEGMENTS, max(MIN_SEGMENTS, math.ceil(2 * math.pi / step))))


def _ellipse(cx: float, cy: float, rx: float, ry: float, angle: float) -> np.ndarray:
    t = np.linspace(0.0, 2 * math.pi, segments_for(max(rx, ry)), endpoint=False)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    x, y = rx * np.cos(t), ry * np.sin(t)
    return np.column_stack([cx + c * x - s * y, cy + s * x + c * y])


def bezier_line(shape: Bezier, page: Page) -> np.ndarray:
    """The centre line of a Bézier stroke on the page: (n, 2) mm, chords within TOLERANCE_MM of the curve."""
    p = np.array(shape.points, np.float64) * page.scale + (page.offset_x, page.offset_y)
    bend = float(np.hypot(*(p[0] - 2 * p[1] + p[2])))  # the curve strays at most bend / 4 from its chord
    count = max(2, math.ceil(math.sqrt(bend / (4 * TOLERANCE_MM))) + 1) if bend > 0 else 2
    t = np.linspace(0.0, 1.0, min(count, MAX_SEGMENTS))[:, None]
    return (1 - t) ** 2 * p[0] + 2 * (1 - t) * t * p[1] + t**2 * p[2]


def centre_line(shape: Bezier | Line, page: Page) -> np.ndarray:
    """The centre line of a stroke on the page: (n, 2) mm."""
    if isinstance(shape, Line):
        return np.array(shape.points, np.float64) * page.scale + (page.offset_x, page.offset_y)
    return bezier_line(shape, page)


def shape_area(shape: Shape, page: Page) -> BaseGeometry:
    """The area `shape` paints on the page (a Bézier: its stroke's area, round caps), a valid shapely geometry.

    Examples
    --------
    >>> from genart.plot.page import page_for
    >>> page = page_for(100, 100, "A4", False, 10)
    >>> round(shape_area(Polygon(points=[(0, 0), (10, 0), (0, 10)], color=(0, 0, 0, 1)), page).area, 2)
    180.5
    """
    s, ox, oy = page.scale, page.offset_x, page.offset_y
    if isinstance(shape, Polygon):
        ring = np.array(shape.points, np.float64) * s + (ox, oy)
        return shapely.make_valid(shapely.Polygon(ring))  # a self-crossing polygon: its even-odd parts
    if isinstance(shape, Ellipse):
        return shapely.Polygon(_ellipse(shape.cx * s + ox, shape.cy * s + oy, shape.rx * s, shape.ry * s, shape.angle))
    if isinstance(shape, Circle):
        return shapely.Polygon(_ellipse(shape.cx * s + ox, shape.cy * s + oy, shape.r * s, shape.r * s, 0.0))
    half = shape.width * s / 2
    return shapely.buffer(shapely.LineString(centre_line(shape, page)), half, quad_segs=max(2, segments_for(half) // 4),
                          cap_style="flat" if isinstance(shape, Line) else "round")
