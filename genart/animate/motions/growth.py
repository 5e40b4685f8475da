"""Growth: a Growing Neural Gas played back from its snapshots.

Between consecutive snapshots, nodes present in both glide from the old to the new
position (matched by node id); new nodes spring from a neighbour that already existed
(or appear in place) while growing and fading in; removed nodes fade out where they
were. New edges grow out from one end, removed edges fade out.

The clip is paced by growth, not by snapshot: GNG reaches its node budget early and then
only moves and rewires, so equal time per snapshot shows the whole graph in the first
seconds. Instead GROWTH_SHARE (90%) of the time goes to the transitions in proportion to
the nodes each adds or removes, and the rest is shared equally by all transitions (the
graph still settles visibly). A run without node changes falls back to equal shares. The
easing shapes the pace over the whole clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.animate.frame import Dots, Frame, Segments
from genart.animate.motions.timelapse import NoSnapshotsError
from genart.animate.timeline import Clip
from genart.render.scene import Canvas, GraphLayer, Scene


@dataclass(frozen=True, eq=False)
class GraphState:
    """One snapshot as arrays: ids sorted, their positions and colours; edges as sorted id pairs."""

    ids: np.ndarray  # (N,) int64, sorted
    xy: np.ndarray  # (N, 2)
    node_colors: np.ndarray  # (N, 4)
    edges: np.ndarray  # (M, 2) int64, each pair (low, high), rows sorted by key
    edge_colors: np.ndarray  # (M, 4)
    edge_width: float
    node_radius: float

    @classmethod
    def of(cls, layer: GraphLayer) -> GraphState:
        ids = np.asarray(layer.ids, np.int64)
        order = np.argsort(ids)
        xy = np.asarray(layer.xy, np.float64).reshape(-1, 2)[order]
        ncol = np.asarray(layer.node_colors if layer.node_colors is not None else [layer.node_color] * len(ids), np.float64)
        edges = np.sort(np.asarray(layer.edges, np.int64).reshape(-1, 2), axis=1)
        ecol = np.asarray(layer.edge_colors if layer.edge_colors is not None else [layer.edge_color] * len(edges), np.float64)
        _, first = np.unique(edge_keys(edges), return_index=True)
        return cls(ids[order], xy, ncol.reshape(-1, 4)[order], edges[first], ecol.reshape(-1, 4)[first],
                   layer.edge_width, layer.node_radius)


def edge_keys(edges: np.ndarray) -> np.ndarray:
    """One int64 per edge (low, high): low · 2³² + high, sorted as the edges are."""
    return edges[:, 0] * (1 << 32) + edges[:, 1]


def lookup(ids: np.ndarray, table: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values[row of each id in the sorted `table`]."""
    return values[np.searchsorted(table, ids)]


GROWTH_SHARE = 0.9  # of the clip's time, shared by the transitions in proportion to their node changes


def growth_pace(states: list[GraphState]) -> np.ndarray:
    """Where each state falls in [0, 1] of the clip: (len(states),) increasing from 0 to 1 (see module doc)."""
    if len(states) < 2:
        return np.zeros(len(states))
    changes = np.array([np.setxor1d(a.ids, b.ids).size for a, b in zip(states, states[1:])], np.float64)
    even = np.full(len(changes), 1.0 / len(changes))
    shares = even if changes.sum() == 0 else GROWTH_SHARE * changes / changes.sum() + (1 - GROWTH_SHARE) * even
    return np.concatenate([[0.0], np.minimum(np.cumsum(shares), 1.0)])


@dataclass(eq=False, kw_only=True)
class Growth(Clip):
    """The growth clip; build it with `growth(scene, ...)`."""

    canvas: Canvas
    states: list[GraphState]
    knots: np.ndarray  # growth_pace(states)

    def at(self, u: float) -> Frame:
        if len(self.states) == 1:
            return self._still(self.states[0])
        x = float(np.clip(self.ease(u), 0.0, 1.0))
        j = int(np.clip(np.searchsorted(self.knots, x, side="right") - 1, 0, len(self.states) - 2))
        f = (x - self.knots[j]) / (self.knots[j + 1] - self.knots[j])
        return self._between(self.states[j], self.states[j + 1], float(np.clip(f, 0.0, 1.0)))

    def _still(self, s: GraphState) -> Frame:
        pos = s.xy
        ends = np.searchsorted(s.ids, s.edges)
        return Frame(canvas=self.canvas, items=(
            Segments(pos[ends[:, 0]], pos[ends[:, 1]], s.edge_colors, s.edge_width),
            Dots(pos, np.full(len(pos), s.node_radius), s.node_colors),
        ))

    def _between(self, a: GraphState, b: GraphState, f: float) -> Frame:
        return Frame(canvas=self.canvas, items=transition(a, b).at(f))


@dataclass(frozen=True)
class Transition:
    """One step of a growth, from a snapshot's graph to the next, as straight lines from its start (f = 0) to
    its end (f = 1): at local progress f every edge runs from start(f) to start(f) + grown(f) · (end(f) −
    start(f)), each a linear blend of its two keys (grown is f for a new edge, else 1); every node is a
    disc of radius lerp(radius0, radius1, f); opacity factors are lerp(opacity0, opacity1, f). `Growth`
    draws its frames from it (`at`); the exports key it (`genart.animate.export`)."""

    node_ids: np.ndarray  # (N,) the nodes of either snapshot, sorted
    edge_ids: np.ndarray  # (M, 2) each edge's node ids: the later snapshot's edges, then those it removed
    starts: np.ndarray  # (M, 2, 2) an edge's first end at f = 0 and f = 1, canvas units
    ends: np.ndarray  # (M, 2, 2) its other end
    grows: np.ndarray  # (M,) bool
    edge_colors: np.ndarray  # (M, 4)
    edge_opacity: np.ndarray  # (M, 2)
    widths: tuple[float, float]
    nodes: np.ndarray  # (N, 2, 2)
    radii: np.ndarray  # (N, 2)
    node_colors: np.ndarray  # (N, 4)
    node_opacity: np.ndarray  # (N, 2)

    def at(self, f: float) -> tuple[Segments, Dots]:
        """The edges and nodes at local progress `f` in [0, 1]."""
        pos = _lerp(self.nodes, f)
        starts, stops = _lerp(self.starts, f), _lerp(self.ends, f)
        stops[self.grows] = starts[self.grows] + (stops[self.grows] - starts[self.grows]) * f
        edge_colors = self.edge_colors.copy()
        edge_colors[:, 3] *= _lerp(self.edge_opacity, f)
        node_colors = self.node_colors.copy()
        node_colors[:, 3] *= _lerp(self.node_opacity, f)
        width = _lerp(np.array(self.widths), f)
        return Segments(starts, stops, edge_colors, float(width)), Dots(pos, _lerp(self.radii, f), node_colors)


def _lerp(keys: np.ndarray, f: float) -> np.ndarray:
    """Values keyed at f = 0 and f = 1 (axis 1 of `keys`, or its only axis) at `f`."""
    first, last = (keys[0], keys[1]) if keys.ndim == 1 else (keys[:, 0], keys[:, 1])
    return first + (last - first) * f


def transition(a: GraphState, b: GraphState) -> Transition:
    """The transition `Growth` plays from `a` to `b`."""
    ids = np.union1d(a.ids, b.ids)
    in_a, in_b = np.isin(ids, a.ids), np.isin(ids, b.ids)
    born, gone = in_b & ~in_a, in_a & ~in_b
    full_a, full_b = np.zeros((len(ids), 2)), np.zeros((len(ids), 2))
    full_a[in_a], full_b[in_b] = lookup(ids[in_a], a.ids, a.xy), lookup(ids[in_b], b.ids, b.xy)
    full_a[born] = birthplaces(ids[born], full_b[born], a, b)
    full_b[gone] = full_a[gone]
    colors = np.zeros((len(ids), 4))
    colors[in_b] = lookup(ids[in_b], b.ids, b.node_colors)
    colors[gone] = lookup(ids[gone], a.ids, a.node_colors)
    radii = np.full((len(ids), 2), b.node_radius)
    radii[born, 0] = 0.0
    radii[gone] = a.node_radius
    opacity = np.ones((len(ids), 2))
    opacity[born, 0], opacity[gone, 1] = 0.0, 0.0
    keys_a, keys_b = edge_keys(a.edges), edge_keys(b.edges)
    kept_b, gone_a = np.isin(keys_b, keys_a), ~np.isin(keys_a, keys_b)
    edge_ids = np.concatenate([b.edges, a.edges[gone_a]]).reshape(-1, 2)
    ends = np.searchsorted(ids, edge_ids)
    keyed = np.stack([full_a, full_b], axis=1)  # (N, 2, 2)
    m_gone = int(gone_a.sum())
    edge_opacity = np.column_stack([np.concatenate([kept_b.astype(np.float64), np.ones(m_gone)]),
                                    np.concatenate([np.ones(len(kept_b)), np.zeros(m_gone)])])
    return Transition(ids, edge_ids, keyed[ends[:, 0]], keyed[ends[:, 1]], np.concatenate([~kept_b, np.zeros(m_gone, bool)]),
                      np.concatenate([b.edge_colors, a.edge_colors[gone_a]]).reshape(-1, 4), edge_opacity,
                      (a.edge_width, b.edge_width), keyed, radii, colors, opacity)



def birthplaces(born: np.ndarray, own: np.ndarray, a: GraphState, b: GraphState) -> np.ndarray:
    """Where each new node starts: an old neighbour's old position (GNG inserts between nodes), else its own."""
    out = own.copy()
    if len(born) == 0 or len(b.edges) == 0:
        return out
    row = {int(i): k for k, i in enumerate(born)}
    old = set(a.ids.tolist())
    for p, q in b.edges.tolist():
        for new, other in ((p, q), (q, p)):
            k = row.get(new)
            if k is not None and other in old:
                out[k] = a.xy[np.searchsorted(a.ids, other)]
                del row[new]
    return out


def growth(scene: Scene, *, duration: float = 8.0, start: float = 0.0, hold: float = 1.0, easing: str = "linear") -> Growth:
    """Play back the graph snapshots of `scene` (then its final graph)."""
    if not scene.snapshots:
        raise NoSnapshotsError("this scene has no snapshots to play back (growth needs a GNG run that saves snapshots)")
    layers = []
    for snap in scene.snapshots:
        graph = next((layer for layer in scene.snapshot_layers(snap) if isinstance(layer, GraphLayer)), None)
        if graph is None:
            raise ValueError(f"snapshot at step {snap.step} has no graph layer (growth plays back GNG scenes)")
        layers.append(graph)
    final = next((layer for layer in scene.layers if isinstance(layer, GraphLayer)), None)
    if final is not None and final != layers[-1]:
        layers.append(final)
    states = [GraphState.of(layer) for layer in layers]
    return Growth(duration=duration, start=start, hold=hold, easing=easing, canvas=scene.canvas, states=states,
                  knots=growth_pace(states))
