"""What every drawable kind provides, the one kind enumeration, and the flat-array layout.

Scene files hold drawables as pydantic records; numba kernels and animation frames hold
them as flat arrays (`Packed`): a kind id, vertices or control points, and six numbers
`PARAMS` = (anchor x, anchor y, rx, ry, angle in degrees, stroke width). The anchor is
where a shape is "at" (an ellipse's centre, a polygon's vertex mean): motions move it,
scale the radii and stroke, turn the angle, and move the points with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

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


def svg_number(v: float) -> str:
    """A coordinate as SVG text: two decimals, no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
