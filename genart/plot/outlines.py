"""Each drawable as a shapely geometry on the page (millimetres), from the outline its drawable traces
(`Drawable.trace`: polygons as they are, ellipses and circles as polygons whose chords stray at most
TOLERANCE_MM from the curve) or, for a stroke (a Bézier curve, a line), its centre line and the area its
stroke covers. Nothing here names a kind."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from genart.plot.page import Page
from genart.render.drawables import Shape, Stroke, chords, drawable_of

TOLERANCE_MM = 0.02  # how far a chord of a curve may stray from it (a tenth of a fine pen)


def segments_for(radius_mm: float) -> int:
    """Chords of a circle of `radius_mm` that stray at most TOLERANCE_MM from it.

    Examples
    --------
    >>> segments_for(1.0), segments_for(50.0)
    (16, 112)
    """
    return chords(radius_mm, TOLERANCE_MM)


def traced(shape: Shape, page: Page) -> np.ndarray | Stroke:
    """The shape as its drawable traces it, placed on the page: a filled shape's outline (n, 2) in mm, or a
    stroke's `Stroke` (centre line and width in mm)."""
    trace = drawable_of(shape).trace(shape, TOLERANCE_MM / page.scale)
    offset = (page.offset_x, page.offset_y)
    if isinstance(trace, Stroke):
        return Stroke(trace.centre * page.scale + offset, trace.width * page.scale, trace.round_caps)
    return trace * page.scale + offset


def shape_area(shape: Shape, page: Page) -> BaseGeometry:
    """The area `shape` paints on the page (a stroke: the area its pen covers, with its caps), a valid shapely
    geometry.

    Examples
    --------
    >>> from genart.plot.page import page_for
    >>> from genart.render.drawables import Polygon
    >>> page = page_for(100, 100, "A4", False, 10)
    >>> round(shape_area(Polygon(points=[(0, 0), (10, 0), (0, 10)], color=(0, 0, 0, 1)), page).area, 2)
    180.5
    """
    return trace_area(traced(shape, page))


def trace_area(trace: np.ndarray | Stroke) -> BaseGeometry:
    """The area a placed trace (`traced`) paints: a filled outline, or the area a stroke's pen covers."""
    if not isinstance(trace, Stroke):
        outline = shapely.Polygon(trace)
        return outline if outline.is_valid else shapely.make_valid(outline)  # a self-crossing one: its even-odd parts
    half = trace.width / 2
    return shapely.buffer(shapely.LineString(trace.centre), half, quad_segs=max(2, segments_for(half) // 4),
                          cap_style="round" if trace.round_caps else "flat")
