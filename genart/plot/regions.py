"""The overlay of translucent shapes in painter's order: the page split into faces, each one colour.

Starting from the picture's rectangle in the background's colour, each shape in turn splits
every face it touches into the part it covers (its colour composited over the face's, as the
poster's renderers blend: straight alpha over, in sRGB values) and the part it leaves. What
remains are faces that each show one colour and lie under one topmost shape (`top`: the index
of the shape in draw order, -1 for the background): the visible region of a shape is the union
of the faces it tops, and nothing a later shape covers is in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

MIN_FACE_MM2 = 1e-4  # slivers smaller than this (a hundredth of a millimetre square) are dropped
PAPER = np.ones(3)  # white paper, under a background that is not opaque


@dataclass(frozen=True)
class Faces:
    """Faces of the overlay: `areas[i]` (a shapely geometry, mm), `colors[i]` its RGB in [0, 1], `top[i]`."""

    areas: np.ndarray  # (F,) object: shapely Polygon or MultiPolygon
    colors: np.ndarray  # (F, 3) float64
    top: np.ndarray  # (F,) int64

    def __len__(self) -> int:
        return len(self.areas)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygons of overlay results (an intersection may add lines and points where edges touch)."""
    mixed = shapely.get_type_id(geoms) == shapely.GeometryType.GEOMETRYCOLLECTION
    if mixed.any():
        geoms = geoms.copy()
        geoms[mixed] = shapely.buffer(geoms[mixed], 0.0)
    return geoms


def _split(faces: Faces, area: BaseGeometry, rgba: Sequence[float], index: int) -> Faces:
    """The faces after one shape of colour `rgba` covering `area` is drawn over them."""
    shapely.prepare(area)
    hit = np.flatnonzero(shapely.intersects(area, faces.areas) & ~shapely.touches(area, faces.areas))
    if len(hit) == 0:
        return faces
    inside = _polygonal(shapely.intersection(faces.areas[hit], area))
    outside = _polygonal(shapely.difference(faces.areas[hit], area))
    alpha = float(rgba[3])
    blended = alpha * np.asarray(rgba[:3], np.float64) + (1.0 - alpha) * faces.colors[hit]
    keep = np.ones(len(faces), bool)
    keep[hit] = False
    areas = np.concatenate([faces.areas[keep], inside, outside])
    colors = np.concatenate([faces.colors[keep], blended, faces.colors[hit]])
    top = np.concatenate([faces.top[keep], np.full(len(hit), index), faces.top[hit]])
    big = shapely.area(areas) > MIN_FACE_MM2
    return Faces(areas[big], colors[big], top[big])


def overlay(picture: tuple[float, float, float, float], background: Sequence[float], areas: Sequence[BaseGeometry],
            colors: Sequence[Sequence[float]], step: Callable[[], object] | None = None) -> Faces:
    """The faces of shapes of `areas` and RGBA `colors`, drawn in order over the `picture` rectangle
    (x0, y0, x1, y1) of the RGBA `background` (over white paper); `step` is called after each shape.

    Examples
    --------
    >>> square = shapely.box(0, 0, 2, 2)
    >>> faces = overlay((0, 0, 4, 4), (1, 1, 1, 1), [square, shapely.box(1, 1, 3, 3)], [(0, 0, 0, .5), (1, 0, 0, 1)])
    >>> sorted((round(a.area, 3), int(t)) for a, t in zip(faces.areas, faces.top))  # the red square: two faces
    [(1.0, 1), (3.0, 0), (3.0, 1), (9.0, -1)]
    """
    bg = float(background[3]) * np.asarray(background[:3], np.float64) + (1.0 - float(background[3])) * PAPER
    faces = Faces(np.array([shapely.box(*picture)], dtype=object), bg[None, :], np.array([-1], np.int64))
    for index, (area, rgba) in enumerate(zip(areas, colors)):
        faces = _split(faces, area, rgba, index)
        if step is not None:
            step()
    return faces


def visible(faces: Faces, index: int) -> BaseGeometry:
    """The visible region of shape `index`: the union of the faces it tops (empty if none)."""
    return shapely.union_all(faces.areas[faces.top == index])
