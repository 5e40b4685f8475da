"""Layer types: one module each (shapes, graph, mosaic), one registry.

A layer type's module holds its scene record and a `LayerType` that draws it with
cairo, as SVG and as raster scanlines. Adding a type: a new module, one line in
`REGISTRY` and one member of the `Layer` union below.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from genart.render.layers.base import LayerType, TileSource
from genart.render.layers.graph import GraphLayer, GraphType
from genart.render.layers.mosaic import MosaicLayer, MosaicType
from genart.render.layers.shapes import ShapesLayer, ShapesType

Layer = Annotated[ShapesLayer | GraphLayer | MosaicLayer, Field(discriminator="type")]

REGISTRY: dict[str, LayerType] = {t.tag: t for t in (ShapesType(), GraphType(), MosaicType())}

__all__ = ["REGISTRY", "GraphLayer", "Layer", "LayerType", "MosaicLayer", "ShapesLayer", "TileSource", "layer_type"]


def layer_type(layer: Any) -> LayerType:
    """The registered type of a layer record."""
    found = REGISTRY.get(getattr(layer, "type", ""))
    if found is None:
        raise ValueError(f"unknown layer type {getattr(layer, 'type', layer)!r} (known: {', '.join(REGISTRY)})")
    return found
