"""What every layer type provides: the cairo drawing, the SVG group and the raster of its records.

Each layer type is a module in this package holding its scene record (`type` is the
JSON tag) and a `LayerType` that draws it; renderers ask the registry in
`genart.render.layers` and never branch on layer types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import cairocffi
import numpy as np

from genart.render.drawables.base import svg_number
from genart.render.fields import Model

if TYPE_CHECKING:
    from genart.render.scene import Canvas

TileSource = Callable[[int, int], np.ndarray]
"""`tiles(tile_id, size_px)` → an RGB uint8 array of about size_px × size_px."""


@dataclass(frozen=True)
class Outline:
    """A stroke around every shape: its width in canvas units and its RGBA colour."""

    width: float
    color: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)


class LayerType(ABC):
    """One layer type: its scene record and how each renderer draws it."""

    model: ClassVar[type[Model]]
    tag: ClassVar[str]

    @abstractmethod
    def draw_cairo(self, ctx: cairocffi.Context, layer: Any, canvas: Canvas, tiles: TileSource | None) -> None:
        """Draw the layer in canvas units onto a context scaled to the output."""

    def draw_cairo_outlined(self, ctx: cairocffi.Context, layer: Any, canvas: Canvas, tiles: TileSource | None,
                            outline: Outline | None) -> None:
        """`draw_cairo` with every shape's outline stroked; layers without shapes have none to stroke."""
        self.draw_cairo(ctx, layer, canvas, tiles)

    @abstractmethod
    def svg_group(self, dwg: Any, layer: Any, canvas: Canvas, tiles: TileSource | None, tile_px: int) -> Any:
        """The layer as an svgwrite group."""

    @abstractmethod
    def rasterize(self, image: np.ndarray, layer: Any, sx: float, sy: float, canvas: Canvas) -> None:
        """Blend the layer's pixel-centre coverage onto a float H×W×3 image, canvas units scaled by (sx, sy)."""


def set_rgba(ctx: cairocffi.Context, color: Sequence[float]) -> None:
    """Make an RGBA colour cairo's source."""
    ctx.set_source_rgba(color[0], color[1], color[2], color[3])


def hex_color(color: Sequence[float]) -> str:
    """#rrggbb of an RGB(A) colour in [0, 1]."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in color[:3])


def svg_paint(color: Sequence[float]) -> dict[str, str]:
    """svgwrite fill attributes of an RGBA colour."""
    attrs = {"fill": hex_color(color)}
    if color[3] < 1.0:
        attrs["fill_opacity"] = svg_number(color[3]) if color[3] >= 0.01 else f"{color[3]:.4f}"
    return attrs
