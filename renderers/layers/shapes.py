"""The shapes layer: drawables back to front, each drawn by its kind's module (`renderers.drawables`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field

from renderers.drawables import Shape, draw_cairo, drawable, drawable_of, pack
from renderers.fields import Model
from renderers.layers.base import LayerType, TileSource, svg_paint
from renderers.scanlines import blend_scanlines

if TYPE_CHECKING:
    from renderers.scene import Canvas


class ShapesLayer(Model):
    """Shapes drawn in order, back to front, alpha-composited."""

    type: Literal["shapes"] = "shapes"
    name: str = Field(default="", max_length=200)
    shapes: list[Shape] = Field(default_factory=list)


class ShapesType(LayerType):
    model = ShapesLayer
    tag = "shapes"

    def draw_cairo(self, ctx: cairocffi.Context, layer: ShapesLayer, canvas: Canvas, tiles: TileSource | None) -> None:
        draw_cairo(ctx, pack(layer.shapes))

    def svg_group(self, dwg: Any, layer: ShapesLayer, canvas: Canvas, tiles: TileSource | None, tile_px: int) -> Any:
        group = dwg.g()
        for shape in layer.shapes:
            group.add(drawable_of(shape).svg_element(dwg, shape, svg_paint(shape.color)))
        return group

    def rasterize(self, image: np.ndarray, layer: ShapesLayer, sx: float, sy: float, canvas: Canvas) -> None:
        h, w = image.shape[:2]
        packed = pack(layer.shapes)
        for i, kind in enumerate(packed.kinds.tolist()):
            lines = drawable(kind).scanlines(packed.points[i], int(packed.counts[i]), packed.params[i], sx, sy, h, w)
            blend_scanlines(image, lines, *packed.colors[i])
