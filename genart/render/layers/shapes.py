"""The shapes layer: drawables back to front, each drawn by its kind's module (`genart.render.drawables`)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field, SerializationInfo, SerializerFunctionWrapHandler, model_serializer, model_validator

from genart.render.drawables import Packed, Shape, draw_cairo, drawable, drawable_of, pack
from genart.render.fields import Model
from genart.render.layers.base import LayerType, Outline, TileSource, svg_paint

if TYPE_CHECKING:
    from genart.render.scene import Canvas


MAX_SHAPE_ID = 2**53  # ids stay exact in any JSON reader
SHAPE_ID = "shape-"  # an SVG element's id is this and the shape's id


class ShapesLayer(Model):
    """Shapes drawn in order, back to front, alpha-composited.

    `ids` (optional, one per shape, unique, at least 0) name the shapes for good: the SVG carries them
    (``id="shape-<id>"``), so a shape edited in Inkscape maps back to its record (`shape_ids`). A layer
    without them is written without them, as before they existed.
    """

    type: Literal["shapes"] = "shapes"
    name: str = Field(default="", max_length=200)
    shapes: list[Shape] = Field(default_factory=list)
    ids: list[Annotated[int, Field(ge=0, le=MAX_SHAPE_ID)]] | None = None

    @model_validator(mode="after")
    def _ids_name_shapes(self) -> ShapesLayer:
        if self.ids is not None:
            if len(self.ids) != len(self.shapes):
                raise ValueError(f"ids: {len(self.ids)} ids for {len(self.shapes)} shapes (one per shape)")
            if len(set(self.ids)) != len(self.ids):
                raise ValueError("ids: each shape needs an id of its own (some repeat)")
        return self

    @model_serializer(mode="wrap")
    def _without_absent_ids(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.ids is None:
            data.pop("ids", None)
        return data


def shape_ids(layer: ShapesLayer) -> list[int]:
    """The layer's shape ids: its own, else 0, 1, ... in drawing order (a layer written before ids existed).

    Examples
    --------
    >>> from genart.render.drawables import Circle
    >>> dot = Circle(cx=1, cy=1, r=1, color=(0, 0, 0, 1))
    >>> shape_ids(ShapesLayer(shapes=[dot, dot])), shape_ids(ShapesLayer(shapes=[dot, dot], ids=[7, 3]))
    ([0, 1], [7, 3])
    """
    return list(layer.ids) if layer.ids is not None else list(range(len(layer.shapes)))


def numbered(layer: ShapesLayer) -> ShapesLayer:
    """The layer with its ids written out (`shape_ids`), as optimizers store it."""
    return layer if layer.ids is not None else layer.model_copy(update={"ids": shape_ids(layer)})


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
        for shape, number in zip(layer.shapes, shape_ids(layer)):
            element = drawable_of(shape).svg_element(dwg, shape, svg_paint(shape.color))
            element["id"] = f"{SHAPE_ID}{number}"
            group.add(element)
        return group

    def rasterize(self, image: np.ndarray, layer: ShapesLayer, sx: float, sy: float, canvas: Canvas) -> None:
        from genart.render.scanlines import blend_scanlines

        h, w = image.shape[:2]
        packed = self.packed(layer)
        for i, kind in enumerate(packed.kinds.tolist()):
            lines = drawable(kind).scanlines(packed.points[i], int(packed.counts[i]), packed.params[i], sx, sy, h, w)
            blend_scanlines(image, lines, *packed.colors[i])
