"""A trained Growing Neural Gas as a scene: a graph layer, growth snapshots and run figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.generative.components import count_components
from genart.generative.gng import GNGParams, GNGResult, Graph, mean_distance
from genart.generative.points import sample_colors
from genart.render.scene import Canvas, GraphLayer, Scene, Snapshot, Source

RGBA = tuple[float, float, float, float]
BLACK: RGBA = (0.0, 0.0, 0.0, 1.0)
WHITE: RGBA = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class GraphStyle:
    """How the graph is drawn: black lines on white by default, like the article."""

    edge_width: float = 0.3
    edge_color: RGBA = BLACK
    colors_from_image: bool = False  # edges (and node dots) take the source picture's colour
    node_radius: float = 0.0
    node_color: RGBA = BLACK
    background: RGBA = WHITE


def _with_alpha(rgb: np.ndarray) -> list[RGBA]:
    return [(float(r), float(g), float(b), 1.0) for r, g, b in np.round(rgb, 4)]


def graph_layer(graph: Graph, style: GraphStyle, picture: np.ndarray | None = None,
                scale: tuple[float, float] = (1.0, 1.0)) -> GraphLayer:
    """The graph as a scene layer; with `style.colors_from_image`, each edge takes the colour
    of the `picture` pixel under its midpoint and each node the one under it.

    `scale` (x, y) takes the graph's (and the picture's) pixels to canvas units; line width and
    dot radius grow by their geometric mean, so they keep their size relative to the drawing.
    """
    ids = graph.ids.tolist()
    xy = [(float(x), float(y)) for x, y in np.round(graph.xy * np.asarray(scale), 4)]
    size = float(np.sqrt(scale[0] * scale[1]))
    edge_colors = node_colors = None
    if style.colors_from_image and picture is not None:
        index = np.searchsorted(graph.ids, graph.edges)
        mids = 0.5 * (graph.xy[index[:, 0]] + graph.xy[index[:, 1]]) if len(graph.edges) else np.zeros((0, 2))
        edge_colors = _with_alpha(sample_colors(picture, mids))
        if style.node_radius > 0:
            node_colors = _with_alpha(sample_colors(picture, graph.xy))
    return GraphLayer(
        name="gng", ids=ids, xy=xy, edges=[(int(a), int(b)) for a, b in graph.edges],
        edge_width=style.edge_width * size, edge_color=style.edge_color, edge_colors=edge_colors,
        node_radius=style.node_radius * size, node_color=style.node_color, node_colors=node_colors,
    )


def run_figures(result: GNGResult, points: np.ndarray) -> dict[str, int | float]:
    """Node, edge and component counts and the mean point-to-nearest-node distance."""
    graph = result.graph
    return {
        "gng_nodes": len(graph.ids),
        "gng_edges": len(graph.edges),
        "gng_components": count_components(graph.ids, graph.edges),
        "gng_mean_distance": round(mean_distance(points, graph), 4),
        "gng_points": len(points),
        "gng_signals": result.signals,
        "gng_updates": result.updates,
        "gng_epochs_run": result.epochs,
    }


def gng_scene(
    result: GNGResult,
    points: np.ndarray,
    picture: np.ndarray,
    params: GNGParams,
    style: GraphStyle = GraphStyle(),
    source: Source | None = None,
    meta: dict[str, str | int | float | bool | None] | None = None,
    canvas_size: tuple[int, int] | None = None,
) -> Scene:
    """A scene of the graph and its snapshots, on a canvas of `canvas_size` (width, height; default
    the size of `picture`, the working picture the points came from, whose pixels are then canvas units).

    `meta` gets the GNG parameters (``gng_<name>``), the run figures (in working pixels) and any
    extra entries.
    """
    height, width = picture.shape[:2]
    canvas_w, canvas_h = canvas_size or (width, height)
    scale = (canvas_w / width, canvas_h / height)
    params_meta = {f"gng_{k}": v for k, v in params.model_dump().items()}
    return Scene(
        canvas=Canvas(width=canvas_w, height=canvas_h, background=style.background),
        source=source,
        meta={"generator": "gng", **params_meta, **run_figures(result, points), **(meta or {})},
        layers=[graph_layer(result.graph, style, picture, scale)],
        snapshots=[Snapshot(step=step, layers=[graph_layer(g, style, picture, scale)])
                   for step, g in result.snapshots],
    )
