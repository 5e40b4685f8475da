"""The graph layer: nodes with stable ids and straight edges between them (Growing Neural Gas)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import cairocffi
import numpy as np
from pydantic import Field, model_validator

from genart.render.fields import Color, Length, Model, Point
from genart.render.layers.base import (
    LayerType,
    TileSource,
    hex_color,
    set_rgba,
    svg_number,
    svg_paint,
)

if TYPE_CHECKING:
    from genart.render.scene import Canvas


class GraphLayer(Model):
    """A graph (e.g. a Growing Neural Gas): nodes with stable ids, edges between ids."""

    type: Literal["graph"] = "graph"
    name: str = Field(default="", max_length=200)
    ids: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list)
    xy: list[Point] = Field(default_factory=list)
    edges: list[tuple[int, int]] = Field(default_factory=list)
    edge_width: Length = 1.0
    edge_color: Color = (0.0, 0.0, 0.0, 1.0)
    edge_colors: list[Color] | None = None
    node_radius: Length = 0.0
    node_color: Color = (0.0, 0.0, 0.0, 1.0)
    node_colors: list[Color] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GraphLayer:
        if len(self.ids) != len(self.xy):
            raise ValueError(f"ids has {len(self.ids)} entries but xy has {len(self.xy)}")
        known = set(self.ids)
        if len(known) != len(self.ids):
            raise ValueError("node ids are not unique")
        for a, b in self.edges:
            if a not in known or b not in known:
                raise ValueError(f"edge ({a}, {b}) names a node id that is not in ids")
        if self.edge_colors is not None and len(self.edge_colors) != len(self.edges):
            raise ValueError("edge_colors must have one colour per edge")
        if self.node_colors is not None and len(self.node_colors) != len(self.ids):
            raise ValueError("node_colors must have one colour per node")
        return self


def segment_quad(p: Sequence[float], q: Sequence[float], half: float) -> np.ndarray:
    """The rectangle a straight stroke `half` wide each side covers from p to q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / norm * half, dx / norm * half
    return np.array([[p[0] + nx, p[1] + ny], [q[0] + nx, q[1] + ny], [q[0] - nx, q[1] - ny], [p[0] - nx, p[1] - ny]])


class GraphType(LayerType):
    model = GraphLayer
    tag = "graph"

    def draw_cairo(self, ctx: cairocffi.Context, layer: GraphLayer, canvas: Canvas, tiles: TileSource | None) -> None:
        pos = dict(zip(layer.ids, layer.xy))
        ctx.set_line_width(layer.edge_width)
        ctx.set_line_cap(cairocffi.LINE_CAP_ROUND)
        if layer.edge_colors is None:
            for a, b in layer.edges:
                ctx.move_to(*pos[a])
                ctx.line_to(*pos[b])
            set_rgba(ctx, layer.edge_color)
            ctx.stroke()
        else:
            for (a, b), color in zip(layer.edges, layer.edge_colors):
                ctx.move_to(*pos[a])
                ctx.line_to(*pos[b])
                set_rgba(ctx, color)
                ctx.stroke()
        if layer.node_radius > 0:
            colors = layer.node_colors or [layer.node_color] * len(layer.ids)
            for (x, y), color in zip(layer.xy, colors):
                ctx.new_sub_path()
                ctx.arc(x, y, layer.node_radius, 0.0, 2 * math.pi)
                set_rgba(ctx, color)
                ctx.fill()

    def svg_group(self, dwg: Any, layer: GraphLayer, canvas: Canvas, tiles: TileSource | None, tile_px: int) -> Any:
        pos = dict(zip(layer.ids, layer.xy))
        c = layer.edge_color
        group = dwg.g(stroke=hex_color(c), stroke_width=svg_number(layer.edge_width), stroke_linecap="round")
        if c[3] < 1.0:
            group["stroke-opacity"] = svg_number(c[3])
        for i, (a, b) in enumerate(layer.edges):
            (x1, y1), (x2, y2) = pos[a], pos[b]
            line = dwg.line(start=(svg_number(x1), svg_number(y1)), end=(svg_number(x2), svg_number(y2)))
            if layer.edge_colors is not None:
                line["stroke"] = hex_color(layer.edge_colors[i])
            group.add(line)
        if layer.node_radius > 0:
            colors = layer.node_colors or [layer.node_color] * len(layer.ids)
            for (x, y), color in zip(layer.xy, colors):
                group.add(dwg.circle(center=(svg_number(x), svg_number(y)), r=svg_number(layer.node_radius), stroke="none", **svg_paint(color)))
        return group

    def rasterize(self, image: np.ndarray, layer: GraphLayer, sx: float, sy: float, canvas: Canvas) -> None:
        from genart.render.scanlines import blend_scanlines
        from genart.render.scanlines.ellipse import ellipse_scanlines
        from genart.render.scanlines.polygon import polygon_scanlines

        h, w = image.shape[:2]
        scale = np.array([sx, sy])
        pos = dict(zip(layer.ids, layer.xy))
        half = layer.edge_width / 2
        for i, (a, b) in enumerate(layer.edges):
            color = layer.edge_colors[i] if layer.edge_colors is not None else layer.edge_color
            blend_scanlines(image, polygon_scanlines(segment_quad(pos[a], pos[b], half) * scale, h, w), *color)
        if layer.node_radius > 0:
            for i, (x, y) in enumerate(layer.xy):
                color = layer.node_colors[i] if layer.node_colors is not None else layer.node_color
                r = layer.node_radius
                blend_scanlines(image, ellipse_scanlines(x * sx, y * sy, r * sx, r * sy, 0.0, h, w), *color)
