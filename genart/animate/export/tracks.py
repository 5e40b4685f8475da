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
from genart.animate.motions.timelapse import TimeLapse
from genart.render.drawables import Packed
from genart.render.drawables.base import CX, CY
from genart.render.scene import Layer


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
