"""Keyframes of flights, baked within a stated error bound, in each format's own interpolation.

A flight's tracks (`tracks.Flights`) are functions of its linear progress u in [0, 1]:
eased progress s(u) (scale and turn are affine in it, so they share its keyframes) and the
anchor's x(u), y(u) on its Bézier path. Formats interpolate keyframes in one of three ways:

- "cubic": a cubic Hermite span between keyframes with the track's exact slope at both
  ends: Lottie's bezier easing with x handles 1/3 and 2/3 (the curve's parameter is then
  the time, and its y handles set the slopes);
- "monotone": the same with the timing handles kept in [0, 1], as SMIL's `keySplines` must be;
- "linear": straight spans (glTF LINEAR, which every viewer and Blender's importer read
  alike; Blender's glTF importer drops CUBICSPLINE tangents, so cubic glTF keys would stray there).

Keys are found by halving every span whose curve strays from genart's track by more than
its share of the tolerance at any of 7 points inside it, until none does (or a span is
2⁻¹⁴ of the flight): eased progress once for all flights of a part, each anchor on its own
knots. Each anchor coordinate stays within tolerance / 4, and the scale and the turn each move
a shape's farthest point by at most tolerance / 4, so every point of every shape stays within
the tolerance of genart's at every time (`TOLERANCE` of the canvas's longer side: a quarter
of a pixel in a 1280-px movie). Knots also go where the easing is not smooth
(`easing.BREAKS`); an easing whose limit at landing is not 1 (`ease_out_expo` lands with a
jump of 2⁻¹⁰) gets a last span of 10⁻⁴ of the flight for the jump. A track that is a cubic
between knots (the path of a linear easing, or quadratic and cubic easings' scale and turn
in "cubic") is keyed exactly, on one span per piece.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from genart.animate.easing import BREAKS, get_easing
from genart.animate.export.tracks import Flights, Growing, Pieces, Zooming
from genart.render.drawables import reaches

Interpolation = Literal["cubic", "monotone", "linear"]
TOLERANCE = 2e-4  # of the canvas's longer side: how far an exported shape's points may stray from genart's
SAMPLES = np.arange(1, 8) / 8.0  # where inside a span the error is measured
MAX_HALVINGS = 14  # no span shorter than 2⁻¹⁴ of a flight
JUMP = 1e-4  # the last span (of a flight), that carries a jump at landing
_STEP = 1e-7  # for slopes by finite differences, from inside the span


@dataclass(frozen=True)
class Track:
    """Keyframes of a track (D values) at progress knots `u`, with what each format needs between them."""

    u: np.ndarray  # (K+1,) linear progress, 0 … 1
    values: np.ndarray  # (K+1, D)
    leaving: np.ndarray  # (K, D) slope (per unit of u) at each span's start
    reaching: np.ndarray  # (K, D) slope at each span's end
    handles: np.ndarray  # (K, D, 2) y1, y2 of each span's timing curve (x1 = 1/3, x2 = 2/3); linear: 0, 1

    @property
    def spans(self) -> int:
        return len(self.u) - 1


@dataclass(frozen=True)
class FlightKeys:
    """The keyframes of every flight of a part: eased progress shared by all, each anchor its own."""

    eased: Track  # D = 1: s (1 at landing)
    anchors: list[Track]  # per shape, D = 2: the anchor in canvas units

    def times(self, flights: Flights, shape: int, track: Track) -> np.ndarray:
        """The seconds of a track's keyframes for one shape's flight."""
        takeoff, landing = float(flights.takeoff[shape]), float(flights.landing[shape])
        return takeoff + (landing - takeoff) * track.u

    @property
    def count(self) -> int:
        """Keyframes in all: eased progress (per shape, for its scale and its turn) and the anchors."""
        return sum(len(a.u) + 2 * len(self.eased.u) for a in self.anchors)


def timing_handles(v0: np.ndarray, v1: np.ndarray, leaving: np.ndarray, reaching: np.ndarray, du: np.ndarray,
                   interpolation: Interpolation) -> np.ndarray:
    """y1, y2 (..., 2) of the timing curves (x1 = 1/3, x2 = 2/3) that draw cubic Hermite spans from v0 to v1
    with slopes `leaving` and `reaching` (per unit of u) over spans `du` long; "monotone" keeps them in [0, 1],
    "linear" is y1 = 0, y2 = 1 (not a timing curve: a straight span).

    Examples
    --------
    A span of s = u² from u = 0 to 1 (slopes 0 and 2) is the timing curve (1/3, 0), (2/3, 1/3): exact.

    >>> timing_handles(np.array(0.0), np.array(1.0), np.array(0.0), np.array(2.0), np.array(1.0), "cubic").tolist()
    [0.0, 0.33333333333333337]
    """
    if interpolation == "linear":
        zeros = np.zeros(np.broadcast_shapes(v0.shape, np.shape(du)))
        return np.stack([zeros, zeros + 1.0], axis=-1)
    rise = v1 - v0
    flat = np.abs(rise) < 1e-12
    safe = np.where(flat, 1.0, rise)
    y1 = np.where(flat, 1.0 / 3.0, leaving * du / (3.0 * safe))
    y2 = np.where(flat, 2.0 / 3.0, 1.0 - reaching * du / (3.0 * safe))
    if interpolation == "monotone":
        y1, y2 = np.clip(y1, 0.0, 1.0), np.clip(y2, 0.0, 1.0)
    return np.stack([y1, y2], axis=-1)


def span_values(v0: np.ndarray, v1: np.ndarray, handles: np.ndarray, tau: np.ndarray,
                interpolation: Interpolation) -> np.ndarray:
    """What a player shows inside spans from v0 to v1 (...) at span fractions τ (M,): (..., M)."""
    if interpolation == "linear":
        shape = np.broadcast_to(tau, (*v0.shape, len(tau)))
    else:
        y1, y2 = handles[..., 0, None], handles[..., 1, None]
        shape = 3 * tau * (1 - tau) ** 2 * y1 + 3 * tau**2 * (1 - tau) * y2 + tau**3
    return v0[..., None] + (v1 - v0)[..., None] * shape


Values = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (shape, u) (P,) each → (P, D)
Slopes = Callable[[np.ndarray, np.ndarray, int], np.ndarray]  # (shape, u, side: +1 leaving, −1 reaching) → (P, D)


def _fit(values: Values, slopes: Slopes, shapes: int, first: np.ndarray, tolerance: float,
         interpolation: Interpolation) -> list[Track]:
    """Per shape, the knots (from `first` on, halved where needed) within `tolerance` of `values` in
    `interpolation`, and their keyframes; spans of all shapes are measured together."""
    owner = np.repeat(np.arange(shapes), len(first) - 1)
    a, b = np.tile(first[:-1], shapes), np.tile(first[1:], shapes)
    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    while len(owner):
        v0, v1 = values(owner, a), values(owner, b)
        leaving, reaching = slopes(owner, a, 1), slopes(owner, b, -1)
        du = (b - a)[:, None]
        handles = timing_handles(v0, v1, leaving, reaching, du, interpolation)
        inside = a[:, None] + (b - a)[:, None] * SAMPLES[None, :]
        exact = values(np.repeat(owner, len(SAMPLES)), inside.ravel()).reshape(len(owner), len(SAMPLES), -1)
        keyed = span_values(v0, v1, handles, SAMPLES, interpolation)  # (P, D, M)
        error = np.abs(keyed - np.moveaxis(exact, 1, 2)).max(axis=(1, 2))
        bad = (error > tolerance) & (b - a > 2.0**-MAX_HALVINGS) & (b - a > 1.5 * JUMP)
        done.append((owner[~bad], a[~bad], b[~bad]))
        middle = (a[bad] + b[bad]) / 2
        owner = np.concatenate([owner[bad], owner[bad]])
        a, b = np.concatenate([a[bad], middle]), np.concatenate([middle, b[bad]])
    owner = np.concatenate([d[0] for d in done])
    starts = np.concatenate([d[1] for d in done])
    order = np.lexsort((starts, owner))
    bounds = np.searchsorted(owner[order], np.arange(shapes + 1))
    tracks = []
    for shape in range(shapes):
        u = np.append(starts[order[bounds[shape]:bounds[shape + 1]]], 1.0)
        who = np.full(len(u), shape)
        v = values(who, u)
        leaving, reaching = slopes(who[:-1], u[:-1], 1), slopes(who[1:], u[1:], -1)
        handles = timing_handles(v[:-1], v[1:], leaving, reaching, np.diff(u)[:, None], interpolation)
        tracks.append(Track(u, v, leaving, reaching, handles))
    return tracks


def _first_knots(easing: str) -> np.ndarray:
    """Knots every keying starts from: the ends, the easing's breaks, and the jump at landing if it has one."""
    knots = [0.0, *BREAKS.get(easing, ()), 1.0]
    if abs(float(get_easing(easing)(np.array(1.0 - 1e-12))) - 1.0) > 1e-9:
        knots.append(1.0 - JUMP)
    return np.unique(np.array(knots))


def flight_keys(flights: Flights, tolerance: float, interpolation: Interpolation) -> FlightKeys:
    """The keyframes of every flight in `flights`, every point within `tolerance` canvas units of genart's."""
    ease = get_easing(flights.easing)

    def eased(u: np.ndarray) -> np.ndarray:  # the flight's s(u); at u = 0 (no shape shows yet) its limit from inside
        return np.where(u >= 1.0, 1.0, ease(np.clip(u, 1e-12, 1.0)))

    def eased_slope(u: np.ndarray, side: int) -> np.ndarray:
        return side * (ease(u + side * 2 * _STEP) - ease(u + side * _STEP)) / _STEP

    first = _first_knots(flights.easing)
    reach = float(reaches(flights.rest).max(initial=0.0))
    spin = float(np.radians(np.abs(flights.spin)).max(initial=0.0))
    weight = max(reach * max(1.0 - flights.start_scale, spin), 1e-12)  # a point's move per unit of s
    shared = _fit(lambda shape, u: eased(u)[:, None], lambda shape, u, side: eased_slope(u, side)[:, None], 1, first,
                  tolerance / 4 / weight, interpolation)[0]
    path = flights.path

    def anchor(shape: np.ndarray, u: np.ndarray) -> np.ndarray:
        s = eased(u)[:, None, None]
        r = 1.0 - s
        nodes = path[shape]
        return (r**3 * nodes[:, 0:1] + 3 * s * r**2 * nodes[:, 1:2] + 3 * s**2 * r * nodes[:, 2:3]
                + s**3 * nodes[:, 3:4])[:, 0]

    def anchor_slope(shape: np.ndarray, u: np.ndarray, side: int) -> np.ndarray:
        s = eased(u)[:, None]
        r = 1.0 - s
        p0, p1, p2, p3 = (path[shape, k] for k in range(4))
        tangent = 3 * r**2 * (p1 - p0) + 6 * s * r * (p2 - p1) + 3 * s**2 * (p3 - p2)
        return tangent * eased_slope(u, side)[:, None]

    anchors = _fit(anchor, anchor_slope, len(path), first, tolerance / 4, interpolation)
    return FlightKeys(shared, anchors)


def part_keys(parts: Sequence[object], canvas_side: float, interpolation: Interpolation) -> list[FlightKeys | None]:
    """The keyframes of each part that flies (None for the others), within `TOLERANCE` of `canvas_side`."""
    tolerance = TOLERANCE * canvas_side
    return [flight_keys(part, tolerance, interpolation) if isinstance(part, Flights) else None for part in parts]


COLOR_TOLERANCE = 1.0 / 1024  # how far an exported colour or alpha (0–1) may stray from genart's
GAP = 1e-3  # seconds over which a key pair carries a step (a snapshot's new colours), linearly
Form = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (elements, u (P,), values (P, D)) → (P, D')


def tolerances(names: Sequence[str], canvas_side: float) -> np.ndarray:
    """Per value of a graph element (`tracks.NODE_VALUES`, `EDGE_VALUES`): colours and alpha within
    COLOR_TOLERANCE, the rest (canvas units) within `TOLERANCE` of `canvas_side`."""
    colors = ("red", "green", "blue", "alpha")
    return np.array([COLOR_TOLERANCE if name in colors else TOLERANCE * canvas_side for name in names])


def in_tolerances(scale: np.ndarray) -> Form:
    """The form that keys values as they are, each within its tolerance `scale` (D,)."""
    return lambda elements, u, values: values / scale


@dataclass(frozen=True)
class GraphKnots:
    """Where the keys of a growth's elements fall: each node's and each edge's own linear progress knots."""

    nodes: list[np.ndarray]
    edges: list[np.ndarray]

    @property
    def count(self) -> int:
        return sum(len(u) for u in self.nodes) + sum(len(u) for u in self.edges)


def _steps(growing: Growing) -> np.ndarray:
    """Linear progresses where the eased progress passes a snapshot (where colours may step): (S,)."""
    u = np.linspace(0.0, 1.0, 4097)
    j, _ = growing.where(u)
    lo, hi = u[:-1][np.diff(j) != 0], u[1:][np.diff(j) != 0]
    target = j[1:][np.diff(j) != 0]
    for _ in range(60):
        mid = (lo + hi) / 2
        there = growing.where(mid)[0] == target
        lo, hi = np.where(there, lo, mid), np.where(there, mid, hi)
    return hi


def growth_knots(growing: Growing, node_form: Form, edge_form: Form) -> GraphKnots:
    """Knots of every node and edge of `growing` whose linear keys ("linear") draw its values, in the `form` it
    is keyed in, within 1 (the forms give values in their tolerances) at every time: the ends, the easing's
    breaks and its jump at the end, and a key pair `GAP` seconds apart at each snapshot (a step between them);
    knots where an element's values run on a straight line are left out."""
    steps = _steps(growing)
    gap = min(JUMP, GAP / growing.duration)
    first = np.unique(np.concatenate([_first_knots(growing.easing), steps, np.clip(steps - gap, 0.0, 1.0)]))

    def fit(pieces: Pieces, form: Form) -> list[np.ndarray]:
        def values(element: np.ndarray, u: np.ndarray) -> np.ndarray:
            return form(element, u, growing.values(pieces, element, u))

        width = values(np.zeros(1, np.int64), np.zeros(1)).shape[1]

        def flat(element: np.ndarray, u: np.ndarray, side: int) -> np.ndarray:  # linear keys need no slopes
            return np.zeros((len(u), width))
        count = pieces.a.shape[1]
        return [track.u[bends(track.u, track.values)] for track in _fit(values, flat, count, first, 1.0, "linear")]

    return GraphKnots(fit(growing.nodes, node_form), fit(growing.edges, edge_form))


def bends(u: np.ndarray, values: np.ndarray, within: float = 1e-6) -> np.ndarray:
    """Which of the keys at `u` (K,) with `values` (K, D) a linear keying needs: the ends, and those not on the
    line of their neighbours (within `within`).

    Examples
    --------
    >>> bends(np.array([0.0, 0.5, 1.0, 2.0]), np.array([[0.0], [1.0], [2.0], [2.0]])).tolist()
    [True, False, True, True]
    """
    keep = np.ones(len(u), bool)
    if len(u) > 2:
        share = ((u[1:-1] - u[:-2]) / (u[2:] - u[:-2]))[:, None]
        line = values[:-2] + (values[2:] - values[:-2]) * share
        keep[1:-1] = np.abs(values[1:-1] - line).max(axis=1) > within
    return keep


def zoom_keys(zooming: Zooming, canvas_width: float, canvas_height: float, interpolation: Interpolation) -> Track:
    """The keys of a zoom's camera scale in `interpolation`: every visible point within `TOLERANCE` of the
    canvas's longer side of genart's (a point of the view moves by at most δs · the canvas's diagonal)."""
    tolerance = TOLERANCE * max(canvas_width, canvas_height) / float(np.hypot(canvas_width, canvas_height))

    def scale(shape: np.ndarray, u: np.ndarray) -> np.ndarray:
        return zooming.scale(u)[:, None]

    def slope(shape: np.ndarray, u: np.ndarray, side: int) -> np.ndarray:
        return (side * (zooming.scale(u + side * 2 * _STEP) - zooming.scale(u + side * _STEP)) / _STEP)[:, None]

    return _fit(scale, slope, 1, _first_knots(zooming.easing), tolerance, interpolation)[0]
