"""Drawable kinds: one module each, one enumeration (`Kind`), one registry.

Each module defines a scene record (pydantic) and a `Drawable` that owns every form of
it: packing to the flat arrays of numba kernels and animation frames, scaling, raster
scanlines, cairo drawing, the SVG element, and its export forms (Lottie shape items, a
triangle mesh, Blender's faces, its reach from the anchor). Renderers, motions and
exporters ask the registry and never branch on kinds. Adding a kind: a new module, a
member of `Kind` (base.py), one line in `REGISTRY` and one member of the `Shape` union below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import cairocffi
import numpy as np
from pydantic import Field

from genart.render.drawables.base import (
    PARAMS,
    Drawable,
    Kind,
    LottiePaint,
    Mesh,
    Packed,
    Stroke,
    UnknownKindError,
    chords,
)
from genart.render.drawables.bezier import Bezier, BezierDrawable
from genart.render.drawables.circle import Circle, CircleDrawable
from genart.render.drawables.ellipse import Ellipse, EllipseDrawable
from genart.render.drawables.line import Line, LineDrawable
from genart.render.drawables.polygon import Polygon, PolygonDrawable
from genart.render.fields import rgba

if TYPE_CHECKING:
    from genart.render.layers.base import Outline

Shape = Annotated[Polygon | Ellipse | Circle | Bezier | Line, Field(discriminator="kind")]

REGISTRY: dict[Kind, Drawable] = {d.kind: d for d in (PolygonDrawable(), EllipseDrawable(), CircleDrawable(),
                                                       BezierDrawable(), LineDrawable())}
BY_TAG: dict[str, Drawable] = {d.tag: d for d in REGISTRY.values()}
TABLE: tuple[Drawable, ...] = tuple(REGISTRY[Kind(i)] for i in range(len(REGISTRY)))  # indexed by kind id

__all__ = [
    "PARAMS",
    "REGISTRY",
    "TABLE",
    "Bezier",
    "Circle",
    "Drawable",
    "Ellipse",
    "Kind",
    "Line",
    "LottiePaint",
    "Mesh",
    "Packed",
    "Polygon",
    "Shape",
    "Stroke",
    "UnknownKindError",
    "areas",
    "chords",
    "draw_cairo",
    "drawable",
    "drawable_of",
    "pack",
    "reaches",
    "scaled",
    "unpack",
]


def drawable(kind: int) -> Drawable:
    """The drawable registered for a kind id."""
    if not 0 <= kind < len(TABLE):
        raise UnknownKindError(f"unknown drawable kind {kind} (known: {', '.join(d.tag for d in TABLE)})")
    return TABLE[kind]


def drawable_of(shape: Shape) -> Drawable:
    """The drawable of a scene record."""
    found = BY_TAG.get(getattr(shape, "kind", ""))
    if found is None:
        raise UnknownKindError(f"unknown drawable {shape!r:.60} (known: {', '.join(BY_TAG)})")
    return found


def scaled(shape: Shape, factor: float, dx: float = 0.0, dy: float = 0.0) -> Shape:
    """A drawable moved by (dx, dy), then scaled by `factor` about the origin."""
    return drawable_of(shape).scaled(shape, factor, dx, dy)


def pack(shapes: Sequence[Shape]) -> Packed:
    """Scene records as flat arrays (see `Packed`)."""
    n = len(shapes)
    handlers = [drawable_of(s) for s in shapes]
    width = max([1] + [h.point_count(s) for h, s in zip(handlers, shapes)])  # vertices or control points
    kinds = np.array([h.kind for h in handlers], np.int8).reshape(n)
    points = np.zeros((n, width, 2))
    counts = np.zeros(n, np.int64)
    params = np.zeros((n, PARAMS))
    colors = np.array([s.color for s in shapes], np.float64).reshape(n, 4)
    for kind in np.unique(kinds).tolist():
        rows = np.flatnonzero(kinds == kind)
        some_points, some_params = points[rows], params[rows]
        counts[rows] = TABLE[kind].pack_many([shapes[i] for i in rows.tolist()], some_points, some_params)
        points[rows], params[rows] = some_points, some_params
    return Packed(kinds, points, counts, params, colors)


def unpack(packed: Packed) -> list[Shape]:
    """Scene records of flat arrays (colours clipped into [0, 1])."""
    colors = np.clip(packed.colors, 0.0, 1.0)
    return [drawable(int(k)).unpack(packed.points[i], int(packed.counts[i]), packed.params[i], rgba(colors[i]))
            for i, k in enumerate(packed.kinds)]


def _per_kind(packed: Packed, figure: Callable[[Drawable], Callable[..., np.ndarray]]) -> np.ndarray:
    """A number for every packed drawable, each kind's rows by its drawable's `figure` (points, counts, params)."""
    out = np.zeros(len(packed))
    for kind in np.unique(packed.kinds):
        rows = packed.kinds == kind
        out[rows] = figure(drawable(int(kind)))(packed.points[rows], packed.counts[rows], packed.params[rows])
    return out


def areas(packed: Packed) -> np.ndarray:
    """Area of every packed drawable."""
    return _per_kind(packed, lambda d: d.areas)


def reaches(packed: Packed) -> np.ndarray:
    """How far every packed drawable reaches from its anchor (see `Drawable.reaches`)."""
    return _per_kind(packed, lambda d: d.reaches)


def draw_cairo(ctx: cairocffi.Context, packed: Packed, begin: int = 0, end: int | None = None,
               outline: Outline | None = None) -> None:
    """Draw packed drawables begin..end-1 (default all) with cairo's C API; invisible ones are skipped.

    `outline` strokes the path each filled drawable leaves behind.
    """
    lib, pointer = cairocffi.cairo, ctx._pointer
    visible = begin + np.flatnonzero(packed.colors[begin:end, 3] > 0.0)
    for kind, count, points, params, color in zip(
        packed.kinds[visible].tolist(), packed.counts[visible].tolist(), packed.points[visible].tolist(),
        packed.params[visible].tolist(), packed.colors[visible].tolist(),
    ):
        TABLE[kind].draw_cairo(lib, pointer, points, count, params, color)
        if outline is not None:
            lib.cairo_set_source_rgba(pointer, *outline.color)
            lib.cairo_set_line_width(pointer, outline.width)
            lib.cairo_stroke(pointer)
        else:
            lib.cairo_new_path(pointer)
