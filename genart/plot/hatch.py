"""Hatching: a region filled with parallel lines, at a density that shows a coverage of ink.

Lines of spacing s × m (m = 1, 2, ... MAX_STEPS; s the densest spacing) lie at whole multiples of
it across the page, in a frame turned by the angle about the page's origin: the lines of two
regions of one angle meet at their common border, so vpype's linemerge joins them into one path,
and a region of m = 2 continues every second line of a neighbour of m = 1.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

MAX_STEPS = 16  # the sparsest hatch: 16 times the densest spacing
MIN_LINE_MM = 0.05  # shorter pieces of line are dropped (a dot the pen would make anyway)


def coverage_of(step: int, pen_mm: float, spacing_mm: float) -> float:
    """The share of paper a hatch of lines `pen_mm` wide, `step` × `spacing_mm` apart, covers.

    Examples
    --------
    >>> coverage_of(1, 0.3, 0.6), coverage_of(3, 0.3, 0.6)
    (0.5, 0.16666666666666669)
    """
    return min(1.0, pen_mm / (spacing_mm * step)) if step > 0 else 0.0


def step_for(coverage: np.ndarray, pen_mm: float, spacing_mm: float) -> np.ndarray:
    """For each wanted `coverage`, the step m (1..MAX_STEPS) whose hatch covers nearest to it; 0 (no hatch)
    where none comes nearer than leaving the paper bare.

    Examples
    --------
    >>> step_for(np.array([0.9, 0.5, 0.2, 0.01]), 0.3, 0.6).tolist()
    [1, 1, 3, 0]
    """
    steps = np.arange(0, MAX_STEPS + 1)
    covers = np.array([coverage_of(int(m), pen_mm, spacing_mm) for m in steps])
    return np.argmin(np.abs(np.asarray(coverage)[:, None] - covers[None, :]), axis=1)


def hatch(region: BaseGeometry, angle: float, spacing_mm: float) -> list[np.ndarray]:
    """Lines `spacing_mm` apart at `angle` degrees filling `region` (mm): (n, 2) arrays, each drawn one way.

    Examples
    --------
    >>> lines = hatch(shapely.box(0, 0, 10, 10), 0.0, 1.0)
    >>> len(lines), lines[0].tolist()
    (9, [[0.0, 1.0], [10.0, 1.0]])
    """
    if region.is_empty:
        return []
    turned = shapely.affinity.rotate(region, -angle, origin=(0.0, 0.0))
    x0, y0, x1, y1 = turned.bounds
    rows = np.arange(math.floor(y0 / spacing_mm) + 1, math.ceil(y1 / spacing_mm)) * spacing_mm
    if len(rows) == 0:
        return []
    ends = np.stack([np.column_stack([np.full_like(rows, x0 - 1), rows]),
                     np.column_stack([np.full_like(rows, x1 + 1), rows])], axis=1)
    shapely.prepare(turned)
    cut = shapely.intersection(shapely.linestrings(ends), turned)
    pieces = shapely.get_parts(cut[~shapely.is_empty(cut)])
    pieces = pieces[(shapely.get_type_id(pieces) == shapely.GeometryType.LINESTRING)
                    & (shapely.length(pieces) >= MIN_LINE_MM)]
    back = shapely.affinity.rotate(shapely.MultiLineString(list(pieces)), angle, origin=(0.0, 0.0)) if len(pieces) else None
    if back is None:
        return []
    along = np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
    lines = [np.asarray(line.coords) for line in back.geoms]
    return [line if (line[-1] - line[0]) @ along >= 0 else line[::-1] for line in lines]
