"""Timing shared by every motion: clips, easing, lag-ratio stagger, loops and cross-fades.

A clip is a function of time to a `Frame`. It waits `start` seconds (showing its first
state), moves for `duration` seconds with its easing, then holds its last state for
`hold` seconds. `Loop` plays one forward then backwards as a periodic movie (its frame at
`length` is its frame at 0, so that frame is left out). Shots play one after another only in
a script's movie, which joins each shot's cached segment (`genart.script.stages`), dissolving
between them with `crossfade`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from genart.animate.easing import get_easing
from genart.animate.frame import Frame, Overlay


class Playable(Protocol):
    """Anything with a length in seconds and a frame for every time in [0, length]."""

    @property
    def length(self) -> float: ...

    def frame_at(self, t: float) -> Frame: ...

    @property
    def periodic(self) -> bool:
        """Whether the frame at `length` is the frame at 0 (a loop: it is not shown twice)."""
        ...


@dataclass(eq=False, kw_only=True)
class Clip(ABC):
    """A motion over time: `start` s still, `duration` s moving (eased), `hold` s on the end state."""

    duration: float = 1.0
    start: float = 0.0
    hold: float = 0.0
    easing: str = "smooth"

    def __post_init__(self) -> None:
        if self.duration < 0 or self.start < 0 or self.hold < 0:
            raise ValueError("duration, start and hold must not be negative")
        get_easing(self.easing)  # unknown names fail early

    @property
    def length(self) -> float:
        return self.start + self.duration + self.hold

    @property
    def periodic(self) -> bool:
        return False

    def progress(self, t: float) -> float:
        """Linear progress in [0, 1] of the moving part at clip time `t`."""
        if self.duration <= 0:
            return 1.0 if t >= self.start else 0.0
        return float(np.clip((t - self.start) / self.duration, 0.0, 1.0))

    def ease(self, u: np.ndarray | float) -> np.ndarray:
        """The clip's easing applied to linear progress `u`."""
        return get_easing(self.easing)(np.asarray(u, np.float64))

    def frame_at(self, t: float) -> Frame:
        return self.at(self.progress(t))

    @abstractmethod
    def at(self, u: float) -> Frame:
        """The frame at linear progress `u` in [0, 1] (u = 1 is the end state)."""


def stagger(u: float, n: int, lag_ratio: float) -> np.ndarray:
    """Per-item linear progress for items 0..n-1 started one after another (manim's `lag_ratio`).

    Item k starts when item k-1 is `lag_ratio` of the way through its own run; all runs
    have the same length and the last one ends at u = 1. Returns an (n,) array in [0, 1].
    """
    if n == 0:
        return np.zeros(0)
    if u >= 1.0:
        return np.ones(n)
    span = 1.0 / (1.0 + (n - 1) * lag_ratio)
    starts = np.arange(n) * lag_ratio * span
    return np.clip((u - starts) / span, 0.0, 1.0)


def frame_times(length: float, fps: float, periodic: bool = False) -> np.ndarray:
    """Times of the frames of a `length`-second movie at `fps`: the one clock of every output.

    Frame k shows t = k / fps, in the movie, a PNG sequence, `--at`, the .blend, Lottie, SMIL
    and glTF alike. The movie runs from t = 0 to one frame at or past `length`, which shows
    the end exactly (a clip holds its last state past its length): ceil(length · fps) + 1
    frames, so a 5 s clip at 30 fps has 151, the last at t = 5. A `periodic` movie (a loop)
    leaves out t = length, which would repeat t = 0 when it starts again: round(length · fps)
    frames length / n apart, which is k / fps whenever length · fps is a whole number (at
    another rate the loop stays seamless and its frames drift from k / fps by under half a frame).

    Examples
    --------
    >>> frame_times(0.1, 30).tolist()
    [0.0, 0.03333333333333333, 0.06666666666666667, 0.1]
    >>> frame_times(0.1, 30, periodic=True).tolist()
    [0.0, 0.03333333333333333, 0.06666666666666667]
    """
    if periodic:
        n = max(1, round(length * fps))
        return np.arange(n) * (length / n)
    last = max(0, math.ceil(length * fps - 1e-9))
    return np.minimum(np.arange(last + 1) / fps, length)


@dataclass(eq=False)
class Loop:
    """A seamless loop: `clip` forward, then backwards (a fly-in flies back out, a time-lapse
    plays ping-pong), twice as long; periodic, as it ends where it began."""

    clip: Playable

    @property
    def length(self) -> float:
        return 2 * self.clip.length

    @property
    def periodic(self) -> bool:
        return True

    def frame_at(self, t: float) -> Frame:
        there = self.clip.length
        return self.clip.frame_at(t if t <= there else max(2 * there - t, 0.0))


def crossfade(a: Frame, b: Frame, weight: float) -> Frame:
    """Frame `a` with frame `b` painted over it at opacity `weight` (0 → a, 1 → b).

    Both are drawn in `a`'s canvas over the whole canvas (their own views are not applied).
    """
    return Frame(canvas=a.canvas, items=(Overlay(a, 1.0), Overlay(b, float(np.clip(weight, 0.0, 1.0)))), view=None)
