"""The shapes layer: drawables back to front, each drawn by its kind's module (`genart.render.drawables`)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field

from genart.render.drawables import Packed, Shape, draw_cairo, drawable, drawable_of, pack
from genart.render.fields import Model
from genart.render.layers.base import LayerType, Outline, TileSource, svg_paint

if TYPE_CHECKING:
    from genart.render.scene import Canvas


class ShapesLayer(Model):
    """Shapes drawn in order, back to front, alpha-composited."""

    type: Literal["shapes"] = "shapes"
    name: str = Field(default="", max_length=200)
    shapes: list[Shape] = Field(default_factory=list)


class ShapesType(LayerType):
    model = ShapesLayer
    tag = "shapes"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: tuple[list[Shape], Packed] | None = None

    def packed(self, layer: ShapesLayer) -> Packed:
        """The layer's shapes packed, once for the bands that draw one picture in parallel threads."""
        with self._lock:
            if self._last is None or self._last[0] is not layer.shapes:
                self._last = (layer.shapes, pack(layer.shapes))
            return self._last[1]

    def draw_cairo(self, ctx: cairocffi.Context, layer: ShapesLayer, canvas: Canvas, tiles: TileSource | None) -> None:
        draw_cairo(ctx, self.packed(layer))

    def draw_cairo_outlined(self, ctx: cairocffi.Context, layer: ShapesLayer, canvas: Canvas, tiles: TileSource | None,
                            outline: Outline | None) -> None:
        draw_cairo(ctx, self.packed(layer), outline=outline)

    def svg_group(self, dwg: Any, layer: ShapesLayer, canvas: Canvas, tiles: TileSource | None, tile_px: int) -> Any:
        group = dwg.g()
        for shape in layer.shapes:
            group.add(drawable_of(shape).svg_element(dwg, shape, svg_paint(shape.color)))
        return group

    def rasterize(self, image: np.ndarray, layer: ShapesLayer, sx: float, sy: float, canvas: Canvas) -> None:
        from genart.render.scanlines import blend_scanlines

        h, w = image.shape[:2]
        packed = self.packed(layer)
        for i, kind in enumerate(packed.kinds.tolist()):
            lines = drawable(kind).scanlines(packed.points[i], int(packed.counts[i]), packed.params[i], sx, sy, h, w)
            blend_scanlines(image, lines, *packed.colors[i])
