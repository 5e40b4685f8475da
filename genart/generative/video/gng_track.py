"""A Growing Neural Gas that lives through a chunk of frames: grown at its keyframe, then fed each next frame.

The keyframe's gas grows over its dark pixels for the method's `epochs`, as a picture's would; each next
frame's points are then presented to the same gas (`gng_epochs` passes): its nodes move towards them,
edges no signal refreshes age and die (and nodes left without edges with them), nodes are inserted where
the error gathers. A node keeps its id all along (the gas never reuses one), so playback follows it, as the
growth playback does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.generative.gng import GNGState, Graph, graph_of, new_state, present
from genart.generative.gng_params import GNGParams
from genart.generative.gng_scene import graph_layer
from genart.generative.images import Picture
from genart.generative.methods.gng import GNGSettings, graph_style, working_points
from genart.render import scene as S


@dataclass
class GraphTrack:
    """The gas of a chunk, its settings, and the random stream that orders its signals."""

    state: GNGState
    settings: GNGSettings
    params: GNGParams
    rng: np.random.Generator

    def layer(self, picture: np.ndarray, to_picture: float, first_id: int) -> tuple[S.GraphLayer, tuple[int, ...]]:
        """The graph as a layer in picture units (ids from `first_id` on) and its node ids."""
        graph = graph_of(self.state)
        ids = graph.ids + first_id
        shifted = Graph(ids=ids, xy=graph.xy, edges=graph.edges + first_id)
        return graph_layer(shifted, graph_style(self.settings), picture, (to_picture, to_picture)), tuple(ids.tolist())


def _points(frame: np.ndarray, settings: GNGSettings) -> np.ndarray:
    return working_points(Picture(frame, "frame", "0" * 64), settings)[2]


def _feed(track: GraphTrack, points: np.ndarray, epochs: int) -> None:
    for _ in range(epochs):
        present(track.state, points, track.rng.permutation(len(points)), 0, len(points), track.params)


def start_graph(frame: np.ndarray, settings: GNGSettings, seed: int) -> GraphTrack:
    """The gas grown over a keyframe (uint8 RGB at the working size) for the settings' epochs."""
    own = settings.model_copy(update={"seed": seed, "resize": 0})  # the frame is at the working size already
    params = own.gas()
    points = _points(frame, own)
    rng = np.random.default_rng(seed)
    track = GraphTrack(new_state(points, params, rng), own, params, rng)
    _feed(track, points, params.epochs)
    return track


def next_graph(track: GraphTrack, frame: np.ndarray, epochs: int) -> None:
    """Feed the gas the next frame's points for `epochs` passes, in place."""
    _feed(track, _points(frame, track.settings), epochs)
