"""Motions as tracks: what an exporter needs to replay a clip in another tool.

A fly-in becomes, per shape, its *flight*: when it takes off and lands, the cubic Bézier
its anchor follows, how far it is turned at take-off, and the clip's start scale, fade
and easing. At time t a shape with linear progress `lin` (0 before take-off, 1 after
landing) and eased progress s = ease(lin) is drawn as

    point' = path(s) + scale(s) · R(turn(s)) · (point − rest anchor)
    scale(s) = start_scale + (1 − start_scale) · s,  turn(s) = spin · (1 − s)
    opacity factor = clip(lin / fade, 0, 1)

which is exactly how `genart.animate.motions.flyin` draws its frames (`Flights.pose_at`
evaluates it; the tests hold the two equal). A time-lapse becomes, per shape, the time
from which it is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.animate.easing import get_easing
from genart.animate.frame import SceneLayers
from genart.animate.motions.flyin import FlyIn, bernstein_points
from genart.animate.motions.growth import Growth, Transition, edge_keys, transition
from genart.animate.motions.mosaic_zoom import MosaicZoom
from genart.animate.motions.timelapse import TimeLapse
from genart.render.cairo import TileSource
from genart.render.drawables import Packed
from genart.render.drawables.base import CX, CY
from genart.render.scene import Canvas, Layer, MosaicLayer


@dataclass(frozen=True)
class Pose:
    """Where shapes are: every shape of a flight at one time, or one shape at many times."""

    anchor: np.ndarray  # (N, 2) canvas units
    scale: np.ndarray  # (N,)
    turn: np.ndarray  # (N,) degrees
    opacity: np.ndarray  # (N,) factor on the alpha


@dataclass(frozen=True)
class Flights:
    """One shapes layer's fly-in, shape by shape (in draw order)."""

    rest: Packed  # the landed shapes
    takeoff: np.ndarray  # (N,) seconds
    landing: np.ndarray  # (N,) seconds
    path: np.ndarray  # (N, 4, 2) the anchor's cubic Bézier, from the start point to the rest anchor
    spin: np.ndarray  # (N,) degrees turned at take-off
    start_scale: float
    fade: float  # share of the flight over which the shape fades in (linear in time)
    easing: str

    def progress(self, t: float | np.ndarray, shapes: slice | int = slice(None)) -> np.ndarray:
        """Linear progress in [0, 1] of the flights of `shapes` at time t (or of one shape at times t)."""
        takeoff, span = self.takeoff[shapes], self.landing[shapes] - self.takeoff[shapes]
        with np.errstate(divide="ignore", invalid="ignore"):
            lin = np.where(span > 0, (t - takeoff) / np.where(span > 0, span, 1.0), t >= takeoff)
        return np.clip(lin, 0.0, 1.0)

    def _pose(self, lin: np.ndarray, path: np.ndarray, spin: np.ndarray | float) -> Pose:
        s = np.where(lin >= 1.0, 1.0, get_easing(self.easing)(lin))
        opacity = np.clip(lin / self.fade, 0.0, 1.0) if self.fade > 0 else (lin > 0).astype(np.float64)
        return Pose(bernstein_points(path, s), self.start_scale + (1.0 - self.start_scale) * s,
                    spin * (1.0 - s), opacity)

    def pose_at(self, t: float) -> Pose:
        """Every shape's anchor, scale, turn and opacity factor at time t."""
        return self._pose(self.progress(t), self.path, self.spin)

    def pose_of(self, shape: int, times: np.ndarray) -> Pose:
        """One shape's anchor, scale, turn and opacity factor at each of `times`."""
        lin = self.progress(np.asarray(times, np.float64), shape)
        return self._pose(lin, np.broadcast_to(self.path[shape], (len(lin), 4, 2)), float(self.spin[shape]))


@dataclass(frozen=True)
class Appearances:
    """A time-lapse of one shapes layer: each shape is visible from `visible_from` on."""

    shapes: Packed
    visible_from: np.ndarray  # (N,) seconds


def flights(clip: FlyIn) -> list[Flights | tuple[Layer, ...]]:
    """The clip's parts in draw order: a `Flights` per shapes layer, the still layers as they are."""
    span = 1.0 / (1.0 + (clip.total - 1) * clip.lag_ratio)
    out: list[Flights | tuple[Layer, ...]] = []
    k = 0
    for part in clip.parts:
        if isinstance(part, SceneLayers):
            out.append(part.layers)
            continue
        takeoff = clip.start + clip.ranks[k] * clip.lag_ratio * span * clip.duration
        out.append(Flights(part, takeoff, takeoff + span * clip.duration, clip.nodes[k],
                           np.degrees(clip.spins[k]), clip.start_scale, clip.fade, clip.easing))
        k += 1
    return out


def placed(rest: Packed, pose: Pose) -> np.ndarray:
    """The rest shapes' points moved to a pose: (N, K, 2)."""
    turn = np.radians(pose.turn)
    cos, sin = np.cos(turn)[:, None], np.sin(turn)[:, None]
    rel = rest.points - rest.params[:, None, [CX, CY]]
    x = cos * rel[..., 0] - sin * rel[..., 1]
    y = sin * rel[..., 0] + cos * rel[..., 1]
    return pose.anchor[:, None, :] + pose.scale[:, None, None] * np.stack([x, y], axis=-1)


def appearances(clip: TimeLapse) -> Appearances:
    """When each shape of a prefix time-lapse (a greedy run's) first shows."""
    if clip.poster is None or clip.prefixes is None:
        raise ValueError("only time-lapses of a greedy run (prefix snapshots of one shapes layer) can be exported")
    n = len(clip.poster)
    visible_from = np.full(n, np.inf)
    shown = 0
    for index, prefix in enumerate(clip.prefixes):
        if prefix > shown:
            visible_from[shown:prefix] = clip.start + _first_progress(clip, index) * clip.duration
            shown = prefix
    return Appearances(clip.poster, visible_from)


def _first_progress(clip: TimeLapse, index: int) -> float:
    """The least linear progress u at which state `index` shows (`index_at(u) == index`), by
    bisection (time-lapse easings are monotone)."""
    lo, hi = 0.0, 1.0
    if index == 0 or clip.index_at(lo) >= index:
        return 0.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if clip.index_at(mid) >= index else (mid, hi)
    return hi


NODE_VALUES = ("x", "y", "r", "red", "green", "blue", "alpha")  # a node's tracks, in canvas units and 0–1
EDGE_VALUES = ("x0", "y0", "x1", "y1", "width", "red", "green", "blue", "alpha")  # an edge's, from its lower id


@dataclass(frozen=True)
class Pieces:
    """Tracks of elements (graph nodes or edges) that are quadratics in a transition's progress f:
    in transition j, element e's values are a[j, e] + b[j, e]·f + c[j, e]·f² (D values each)."""

    a: np.ndarray  # (T, E, D)
    b: np.ndarray
    c: np.ndarray

    def at(self, j: np.ndarray, element: np.ndarray, f: np.ndarray) -> np.ndarray:
        """The values (P, D) of elements `element` (P,) in transitions `j` (P,) at progress `f` (P,)."""
        f = f[:, None]
        return self.a[j, element] + (self.b[j, element] + self.c[j, element] * f) * f


@dataclass(frozen=True)
class Growing:
    """A growth clip (`genart.animate.motions.growth`) as tracks: every node and edge that ever shows, its values
    in each transition between snapshots as `Pieces`, and the clip's clock.

    At clip time t, linear progress u = clip((t − start) / duration, 0, 1) is eased to x = clip(ease(u), 0, 1);
    transition j holds x in [knots[j], knots[j+1]) with progress f = (x − knots[j]) / (knots[j+1] − knots[j]).
    A node glides between positions, a new one grows from its birthplace and fades in, a removed one fades out;
    a new edge grows from its lower id's end (its far end quadratic in f), a removed one fades out; colours
    are the later snapshot's; an element absent from a transition keeps its values with alpha 0. This is how
    `Growth.at` draws its frames (the tests hold the two equal)."""

    start: float
    duration: float
    easing: str
    knots: np.ndarray  # (T+1,)
    nodes: Pieces  # NODE_VALUES
    edges: Pieces  # EDGE_VALUES
    edge_nodes: np.ndarray  # (M, 2) each edge's nodes (rows of `nodes`), lower id first

    def where(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The transition (P,) and its progress f (P,) at linear progresses `u` (P,)."""
        x = np.clip(get_easing(self.easing)(np.asarray(u, np.float64)), 0.0, 1.0)
        j = np.clip(np.searchsorted(self.knots, x, side="right") - 1, 0, len(self.knots) - 2)
        f = np.clip((x - self.knots[j]) / (self.knots[j + 1] - self.knots[j]), 0.0, 1.0)
        return j, f

    def seconds(self, u: np.ndarray) -> np.ndarray:
        """Clip times of linear progresses `u`."""
        return self.start + self.duration * np.asarray(u, np.float64)

    def values(self, pieces: Pieces, element: np.ndarray | int, u: np.ndarray) -> np.ndarray:
        """The values (P, D) of `pieces`' elements `element` (one, or P) at linear progresses `u` (P,)."""
        u = np.asarray(u, np.float64)
        j, f = self.where(u)
        return pieces.at(j, np.broadcast_to(element, u.shape), f)


def _held(a: np.ndarray, b: np.ndarray, c: np.ndarray, present: np.ndarray, alpha: int) -> None:
    """Fill absent elements' pieces in place: the values they last had (else the first they will have), constant,
    with alpha 0."""
    ends = a + b + c
    held = np.zeros(a.shape[1:])
    for j in reversed(range(len(a))):
        held[present[j]] = a[j, present[j]]
    for j in range(len(a)):
        gap = ~present[j]
        a[j, gap], b[j, gap], c[j, gap] = held[gap], 0.0, 0.0
        a[j, gap, alpha] = 0.0
        held[present[j]] = ends[j, present[j]]


def growing(clip: Growth) -> Growing:
    """The tracks of a growth clip (a clip of one snapshot is a transition from it to itself)."""
    states = clip.states if len(clip.states) > 1 else [clip.states[0]] * 2
    knots = clip.knots if len(clip.states) > 1 else np.array([0.0, 1.0])
    ids = np.unique(np.concatenate([s.ids for s in states]))
    keys = np.unique(np.concatenate([edge_keys(s.edges) for s in states]))
    edge_ids = np.stack([keys >> 32, keys & 0xFFFFFFFF], axis=1)
    shape = (len(states) - 1,)
    na, nb, nc = (np.zeros((*shape, len(ids), len(NODE_VALUES))) for _ in range(3))
    ea, eb, ec = (np.zeros((*shape, len(keys), len(EDGE_VALUES))) for _ in range(3))
    node_present = np.zeros((*shape, len(ids)), bool)
    edge_present = np.zeros((*shape, len(keys)), bool)
    for j, (a, b) in enumerate(zip(states, states[1:])):
        step = transition(a, b)
        node_present[j] = _node_pieces(ids, step, na[j], nb[j])
        edge_present[j] = _edge_pieces(keys, step, (ea[j], eb[j], ec[j]))
    _held(na, nb, nc, node_present, NODE_VALUES.index("alpha"))
    _held(ea, eb, ec, edge_present, EDGE_VALUES.index("alpha"))
    return Growing(clip.start, clip.duration, clip.easing, np.asarray(knots, np.float64), Pieces(na, nb, nc),
                   Pieces(ea, eb, ec), np.searchsorted(ids, edge_ids))


def _node_pieces(ids: np.ndarray, step: Transition, at0: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Nodes' pieces of a transition (linear in f) into `at0` and `slope` (rows of `ids`); which nodes show."""
    rows = np.searchsorted(ids, step.node_ids)
    at0[rows, 0:2], slope[rows, 0:2] = step.nodes[:, 0], step.nodes[:, 1] - step.nodes[:, 0]
    at0[rows, 2], slope[rows, 2] = step.radii[:, 0], step.radii[:, 1] - step.radii[:, 0]
    _colour_pieces(at0, slope, rows, step.node_colors, step.node_opacity, 3)
    shown = np.zeros(len(ids), bool)
    shown[rows] = True
    return shown


def _colour_pieces(at0: np.ndarray, slope: np.ndarray, rows: np.ndarray, colors: np.ndarray, opacity: np.ndarray,
                   first: int) -> None:
    """Colours from column `first` on: red, green and blue held, alpha × the opacity's line."""
    at0[rows, first:first + 4] = colors
    alpha = colors[:, 3]
    at0[rows, first + 3], slope[rows, first + 3] = alpha * opacity[:, 0], alpha * (opacity[:, 1] - opacity[:, 0])


def _edge_pieces(keys: np.ndarray, step: Transition, pieces: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Edges' pieces of a transition into `pieces` (a, b, c; rows of `keys`); which edges show."""
    at0, slope, curve = pieces
    rows = np.searchsorted(keys, edge_keys(step.edge_ids))
    s0, s1 = step.starts[:, 0], step.starts[:, 1] - step.starts[:, 0]
    e0, e1 = step.ends[:, 0], step.ends[:, 1] - step.ends[:, 0]
    at0[rows, 0:2], slope[rows, 0:2] = s0, s1
    at0[rows, 2:4], slope[rows, 2:4] = e0, e1
    # a new edge's far end: s + (e − s)·f, with s and e linear in f
    born = rows[step.grows]
    at0[born, 2:4], slope[born, 2:4] = s0[step.grows], (s1 + e0 - s0)[step.grows]
    curve[born, 2:4] = (e1 - s1)[step.grows]
    at0[rows, 4], slope[rows, 4] = step.widths[0], step.widths[1] - step.widths[0]
    _colour_pieces(at0, slope, rows, step.edge_colors, step.edge_opacity, 5)
    shown = np.zeros(len(keys), bool)
    shown[rows] = True
    return shown


@dataclass(frozen=True)
class Zooming:
    """A mosaic zoom (`genart.animate.motions.mosaic_zoom`) as its camera: the mosaic drawn at rest, scaled
    by s about the canvas point `fixed`, which stays put on screen. At linear progress u with eased progress
    a = ease(u) (1 − a when `reverse`), s = first_scale^(1 − a): the view `MosaicZoom.view_at` shows."""

    start: float
    duration: float
    easing: str
    fixed: tuple[float, float]
    first_scale: float  # the canvas's width over the first view's
    reverse: bool
    layer: MosaicLayer
    tiles: TileSource | None

    def scale(self, u: np.ndarray) -> np.ndarray:
        """The camera's scale s at linear progresses `u`."""
        a = get_easing(self.easing)(np.asarray(u, np.float64))
        return self.first_scale ** (a if self.reverse else 1.0 - a)

    def seconds(self, u: np.ndarray) -> np.ndarray:
        """Clip times of linear progresses `u`."""
        return self.start + self.duration * np.asarray(u, np.float64)


def zooming(clip: MosaicZoom) -> Zooming:
    """The camera of a mosaic zoom."""
    return Zooming(clip.start, clip.duration, clip.easing, clip.fixed, clip.canvas.width / clip.first[2],
                   clip.reverse, clip.layer, clip.tiles)


GROUT = 1.5  # pixels by which a zoom's grout reaches past its cell, where a cell is shown smallest


def grout(zooming: Zooming, canvas: Canvas, cell_px: float) -> list[tuple[tuple[float, float, float, float],
                                                                          tuple[float, float, float]]]:
    """Under a zoom's tiles (each exactly over its cell, at every zoom), a rectangle per cell in its tile's mean
    colour (its cell colour without tiles), reaching `GROUT` pixels past the cell where cells are shown
    `cell_px` wide: what shows through the antialiased seams between tiles instead of the background."""
    layer = zooming.layer
    cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
    over = GROUT * max(cw, ch) / cell_px
    rects = []
    for index, tile in enumerate(layer.tiles):
        row, col = divmod(index, layer.columns)
        if zooming.tiles is not None:
            mean = np.asarray(zooming.tiles(tile, 1), np.float64).reshape(-1, 3).mean(axis=0) / 255.0
            color = (float(mean[0]), float(mean[1]), float(mean[2]))
        else:
            color = layer.cell_colors[index] if layer.cell_colors is not None else (0.5, 0.5, 0.5)
        rects.append(((col * cw - over, row * ch - over, cw + 2 * over, ch + 2 * over), color))
    return rects
