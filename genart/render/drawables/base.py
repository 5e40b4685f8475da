"""What every drawable kind provides, the one kind enumeration, and the flat-array layout.

Scene files hold drawables as pydantic records; numba kernels and animation frames hold
them as flat arrays (`Packed`): a kind id, vertices or control points, and six numbers
`PARAMS` = (anchor x, anchor y, rx, ry, angle in degrees, stroke width). The anchor is
where a shape is "at" (an ellipse's centre, a polygon's vertex mean): motions move it,
scale the radii and stroke, turn the angle, and move the points with it.

The exporters (`genart.animate.export`) ask a drawable for its export forms of one packed
row and never name a kind: its Lottie shape items (`lottie_items`, painted with a
`LottiePaint`), its triangle mesh (`mesh`, for glTF), its faces (`faces`, n-gons for
Blender; by default the mesh's triangles), its SVG element (`svg_element`, for SVG
posters and SMIL) and how far it reaches from its anchor (`reaches`, which bounds the
keyframes' error when a motion scales and turns it).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar, NamedTuple

import numpy as np

from genart.errors import GenartError
from genart.render.fields import Color, Model

PARAMS = 6
CX, CY, RX, RY, ANGLE, STROKE = range(PARAMS)


class Kind(IntEnum):
    """Drawable kind ids, the same in scene packing, numba kernels, frames and exports."""

    POLYGON = 0
    ELLIPSE = 1
    CIRCLE = 2
    BEZIER = 3
    LINE = 4


class UnknownKindError(GenartError, ValueError):
    """A kind id or tag that no drawable module registered."""


@dataclass(frozen=True, eq=False)
class Packed:
    """Drawables as arrays, in draw order: `points[i, :counts[i]]` are drawable i's points
    (padded with its last point), `params[i]` its PARAMS, `colors[i]` its RGBA."""

    kinds: np.ndarray  # (N,) int8
    points: np.ndarray  # (N, K, 2) float64
    counts: np.ndarray  # (N,) int64
    params: np.ndarray  # (N, PARAMS) float64
    colors: np.ndarray  # (N, 4) float64

    def __len__(self) -> int:
        return len(self.kinds)


Json = dict[str, Any]


def lottie_static(value: Any) -> Json:
    """A Lottie property that does not change."""
    return {"a": 0, "k": value}


@dataclass(frozen=True)
class LottiePaint:
    """A shape's Lottie colour (RGB and 1) and opacity property (0–100, static or keyed), as a fill or a stroke."""

    rgb: list[float]
    opacity: Json

    def fill(self) -> Json:
        """A fill item, even-odd as genart fills."""
        return {"ty": "fl", "c": lottie_static(self.rgb), "o": self.opacity, "r": 2}

    def stroke(self, width: float) -> Json:
        """A stroke item `width` wide with round caps and joins."""
        return {"ty": "st", "c": lottie_static(self.rgb), "o": self.opacity, "w": lottie_static(width), "lc": 2, "lj": 2}


class Stroke(NamedTuple):
    """A stroked drawable as a pen draws it: its centre line (n, 2) and width in canvas units, and its caps."""

    centre: np.ndarray
    width: float
    round_caps: bool


MIN_CHORDS, MAX_CHORDS = 12, 512


def chords(radius: float, tolerance: float) -> int:
    """How many chords of a circle of `radius` stray at most `tolerance` from it (within 12 to 512).

    Examples
    --------
    >>> chords(1.0, 0.02), chords(50.0, 0.02)
    (16, 112)
    """
    if radius <= tolerance:
        return MIN_CHORDS
    step = 2 * math.acos(1 - tolerance / radius)
    return int(min(MAX_CHORDS, max(MIN_CHORDS, math.ceil(2 * math.pi / step))))


class Mesh(NamedTuple):
    """A drawable at rest as triangles in canvas units: vertices (V, 2) float64, triangles (T, 3) int indices."""

    vertices: np.ndarray
    triangles: np.ndarray


class Drawable(ABC):
    """One drawable kind: its scene record and every form and renderer of it.

    Subclasses live one per module in `genart.render.drawables` and are registered there.
    """

    kind: ClassVar[Kind]
    model: ClassVar[type[Model]]
    tag: ClassVar[str]  # the scene file's "kind" value

    @abstractmethod
    def pack(self, shape: Any, points: np.ndarray, params: np.ndarray) -> int:
        """Write `shape` into one packed row (`points` (K, 2), `params` (PARAMS,)); returns its point count."""

    def point_count(self, shape: Any) -> int:
        """How many points `pack` writes for `shape` (K is at least this); by default its `points`' length, 0
        for a record without points."""
        return len(getattr(shape, "points", ()))

    def pack_many(self, shapes: Sequence[Any], points: np.ndarray, params: np.ndarray) -> np.ndarray:
        """`pack` for many shapes of this kind into rows of `points` (n, K, 2) and `params` (n, PARAMS)
        (views or copies: the caller keeps what is written); returns their point counts."""
        return np.array([self.pack(s, points[i], params[i]) for i, s in enumerate(shapes)], np.int64)

    @abstractmethod
    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Any:
        """The scene record of one packed row."""

    @abstractmethod
    def scaled(self, shape: Any, factor: float, dx: float = 0.0, dy: float = 0.0) -> Any:
        """The shape moved by (dx, dy), then scaled by `factor` about the origin."""

    @abstractmethod
    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float,
                  height: int, width: int) -> np.ndarray:
        """Pixel-centre coverage of one packed row scaled by (sx, sy): int32 rows (y, x0, x1)."""

    @abstractmethod
    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        """Draw one packed row (as lists) with cairo's C API (`lib`, a context pointer `ctx`); a filled
        shape leaves its path current (for an outline)."""

    @abstractmethod
    def svg_element(self, dwg: Any, shape: Any, paint: dict[str, str]) -> Any:
        """The svgwrite element of `shape`; `paint` holds its colour attributes as for a fill."""

    @abstractmethod
    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        """Areas (canvas units²) of packed rows of this kind."""

    @abstractmethod
    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        """How far each packed row of this kind reaches from its anchor (canvas units): a turn or a scale
        error moves none of its points farther than this times the error."""

    @abstractmethod
    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray, paint: LottiePaint) -> list[Json]:
        """The Lottie shape items (of a shape layer or group) drawing one packed row at rest in `paint`."""

    @abstractmethod
    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> Mesh:
        """One packed row at rest as a triangle mesh in canvas units (glTF's)."""

    @abstractmethod
    def trace(self, shape: Any, tolerance: float) -> np.ndarray | Stroke:
        """The record as a pen plotter traces it, within `tolerance` of it (canvas units): a filled shape's
        outline (n, 2), or a stroke's `Stroke`."""

    def faces(self, points: np.ndarray, count: int, params: np.ndarray) -> list[np.ndarray]:
        """One packed row at rest as faces, outlines (k, 2) in canvas units that tools fill as n-gons
        (Blender's); by default the triangles of `mesh`."""
        vertices, triangles = self.mesh(points, count, params)
        return list(vertices[triangles])


def point_reaches(points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
    """How far the farthest of each row's `counts` points lies from its anchor (0 for a row without points)."""
    anchor = params[:, None, [CX, CY]]
    reach = np.linalg.norm(points - anchor, axis=-1)
    used = np.arange(points.shape[1])[None, :] < counts[:, None]
    return np.where(used, reach, 0.0).max(axis=1, initial=0.0)


def svg_number(v: float) -> str:
    """A coordinate as SVG text: two decimals, no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
