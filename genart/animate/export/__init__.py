"""Hand-off: motions exported to other tools (Lottie JSON, animated SVG, Blender).

`parts(clip)` turns a fly-in or a greedy time-lapse into what the writers draw: flights
(`tracks.Flights`), appearances (`tracks.Appearances`) and still drawables (`Packed`);
`growing_of(clip)` a growth into its nodes' and edges' tracks (`tracks.Growing`), `zooming_of(clip)`
a mosaic zoom into its camera (`tracks.Zooming`).
A graph layer shown still under a fly-in becomes drawables too: each edge a straight
stroke (a `Bezier` with its control point at the middle), each node a circle.
"""

from __future__ import annotations

from collections.abc import Sequence

from genart.animate.export.tracks import Appearances, Flights, Growing, Zooming, appearances, flights, growing, zooming
from genart.animate.motions.flyin import FlyIn
from genart.animate.motions.growth import Growth
from genart.animate.motions.mosaic_zoom import MosaicZoom
from genart.animate.motions.timelapse import TimeLapse
from genart.animate.timeline import Playable
from genart.errors import GenartError
from genart.render.drawables import Bezier, Circle, Packed, Shape, pack
from genart.render.scene import GraphLayer, Layer, ShapesLayer

Part = Flights | Appearances | Packed


class ExportError(GenartError, ValueError):
    """A clip or scene the exporters cannot write; the message is one line."""


def graph_shapes(layer: GraphLayer) -> list[Shape]:
    """A graph layer as drawables: edges as straight round-capped strokes, then nodes as circles."""
    pos = dict(zip(layer.ids, layer.xy))
    shapes: list[Shape] = []
    for i, (a, b) in enumerate(layer.edges):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        color = layer.edge_colors[i] if layer.edge_colors is not None else layer.edge_color
        shapes.append(Bezier(points=((x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)),
                             width=max(layer.edge_width, 1e-6), color=color))
    if layer.node_radius > 0:
        for i, (x, y) in enumerate(layer.xy):
            color = layer.node_colors[i] if layer.node_colors is not None else layer.node_color
            shapes.append(Circle(cx=x, cy=y, r=layer.node_radius, color=color))
    return shapes


def still(layers: Sequence[Layer]) -> Packed:
    """Still layers as packed drawables (shapes and graphs; a mosaic cannot be exported)."""
    shapes: list[Shape] = []
    for layer in layers:
        if isinstance(layer, ShapesLayer):
            shapes += layer.shapes
        elif isinstance(layer, GraphLayer):
            shapes += graph_shapes(layer)
        else:
            raise ExportError(f"a {layer.type} layer cannot be exported yet (shapes and graph layers can)")
    return pack(shapes)


def parts(clip: Playable) -> list[Part]:
    """What the writers draw for a clip, back to front."""
    if isinstance(clip, FlyIn):
        return [part if isinstance(part, Flights) else still(part) for part in flights(clip)]
    if isinstance(clip, TimeLapse):
        try:
            return [appearances(clip)]
        except ValueError as exc:
            raise ExportError(str(exc)) from None
    raise ExportError("only flyin and timelapse motions can be exported yet (growth and mosaic_zoom cannot)")


def growing_of(clip: Playable) -> Growing:
    """The tracks of a growth clip (not looped)."""
    if not isinstance(clip, Growth):
        raise ExportError("a looped growth cannot be exported yet (export it without --loop)")
    return growing(clip)


def zooming_of(clip: Playable) -> Zooming:
    """The camera of a mosaic zoom clip (not looped)."""
    if not isinstance(clip, MosaicZoom):
        raise ExportError("a looped mosaic zoom cannot be exported yet (export it without --loop)")
    return zooming(clip)
