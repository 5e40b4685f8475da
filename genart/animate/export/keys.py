"""Keyframes of a flight with easing handles, for tools that interpolate with cubic timing curves.

Lottie keyframes, SMIL `keySplines` and CSS easing all ease a segment between two
keyframes with a cubic Bézier timing curve from (0, 0) to (1, 1) through (x1, y1) and
(x2, y2). A flight is cut into `segments` equal spans of linear progress; the keyframes
hold the exact eased progress at their ends, and each span's curve has x1 = 1/3,
x2 = 2/3 (so the curve's parameter is the time) and y1, y2 set from the easing's slope at
both ends: a cubic Hermite interpolation of the easing, exact at every keyframe and within
O(span⁴) between them. Values affine in the eased progress (scale, turn) are eased
exactly so; a position along the Bézier path is keyed at the same points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.animate.easing import get_easing
from genart.animate.export.tracks import Flights

SEGMENTS = 8
_STEP = 1e-6  # for the easing's slope by finite differences


@dataclass(frozen=True)
class FlightKeys:
    """Keyframes of every flight: times, eased progress, and each span's timing curve."""

    times: np.ndarray  # (N, K+1) seconds
    eased: np.ndarray  # (N, K+1) eased progress s at each keyframe (exactly 1 at landing)
    handles: np.ndarray  # (K, 2) y1, y2 of each span's timing curve (the same for every flight)


def slope(ease_name: str, u: np.ndarray) -> np.ndarray:
    """d ease / du at u (one-sided at 0 and 1)."""
    ease = get_easing(ease_name)
    lo, hi = np.clip(u - _STEP, 0.0, 1.0), np.clip(u + _STEP, 0.0, 1.0)
    return (ease(hi) - ease(lo)) / (hi - lo)


def timing_handles(ease_name: str, segments: int = SEGMENTS) -> tuple[np.ndarray, np.ndarray]:
    """Linear progress at the keyframes (K+1,) and each span's (y1, y2) (K, 2)."""
    u = np.linspace(0.0, 1.0, segments + 1)
    s = get_easing(ease_name)(u)
    s[-1] = 1.0
    rise = np.diff(s)
    du = np.diff(u)
    d = slope(ease_name, u)
    flat = np.abs(rise) < 1e-12
    safe = np.where(flat, 1.0, rise)
    y1 = np.where(flat, 1.0 / 3.0, d[:-1] * du / safe / 3.0)
    y2 = np.where(flat, 2.0 / 3.0, 1.0 - d[1:] * du / safe / 3.0)
    return u, np.stack([y1, y2], axis=1)


def flight_keys(flights: Flights, segments: int = SEGMENTS) -> FlightKeys:
    """The keyframes of every flight in `flights`."""
    u, handles = timing_handles(flights.easing, segments)
    s = get_easing(flights.easing)(u)
    s[-1] = 1.0
    times = flights.takeoff[:, None] + (flights.landing - flights.takeoff)[:, None] * u[None, :]
    return FlightKeys(times, np.broadcast_to(s, times.shape).copy(), handles)


def split_cubic(nodes: np.ndarray, a: float, b: float) -> np.ndarray:
    """Control points (4, 2) of the cubic Bézier `nodes` (4, 2) restricted to parameters [a, b]
    (a polynomial reparametrization: valid outside [0, 1] too)."""
    def point(t: float) -> np.ndarray:
        w = np.array([(1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t**2 * (1 - t), t**3])
        return w @ nodes

    def derivative(t: float) -> np.ndarray:
        w = np.array([-3 * (1 - t) ** 2, 3 * (1 - t) ** 2 - 6 * t * (1 - t), 6 * t * (1 - t) - 3 * t**2, 3 * t**2])
        return w @ nodes

    p0, p3 = point(a), point(b)
    span = b - a
    return np.stack([p0, p0 + derivative(a) * span / 3.0, p3 - derivative(b) * span / 3.0, p3])
