"""The run as the preview sees it: the latest progress event, the error curve, a YAML run's stages.

`Live` is the optimizer's reporter (throttled to a few events a second) and what the
preview server reads: the optimizer only stores the event and calls the watchers (the
server, which wakes its event streams); the pictures (canvas, target, difference heat-map)
are drawn and encoded to PNG on request, in the server's drawing thread, once per event.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from genart.runtime.progress import Progress, Throttle

SHOWN_SIDE = 1024  # pixels on the longer side of the pictures the page shows, at most
RATE_WINDOW = 10.0  # seconds of recent progress the rate (and so the ETA) is measured over
# the heat-map's colours from no difference to the largest: black, purple, orange, pale yellow
HEAT = np.array([[0, 0, 0], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]], np.float64)


def as_rgb8(picture: np.ndarray) -> np.ndarray:
    """An H×W×3 picture (float in [0, 1] or uint8) as uint8."""
    if picture.dtype == np.uint8:
        return np.ascontiguousarray(picture[..., :3])
    return (np.clip(picture[..., :3], 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def shown(picture: np.ndarray) -> np.ndarray:
    """An H×W×3 uint8 picture brought down to SHOWN_SIDE pixels on its longer side, at most."""
    h, w = picture.shape[:2]
    if max(h, w) <= SHOWN_SIDE:
        return picture
    scale = SHOWN_SIDE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(picture).resize(size, Image.Resampling.BOX))


def png(picture: np.ndarray) -> bytes:
    """PNG bytes of an H×W×3 uint8 picture (fast compression: it is sent over loopback)."""
    out = io.BytesIO()
    Image.fromarray(picture).save(out, "PNG", compress_level=1)
    return out.getvalue()


def heat_map(canvas: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The per-pixel RGB distance of two uint8 pictures, coloured on `HEAT` (brighter: further apart);
    the canvas is resized to the target first where their sizes differ."""
    if canvas.shape != target.shape:
        canvas = np.asarray(Image.fromarray(canvas).resize((target.shape[1], target.shape[0]), Image.Resampling.BOX))
    distance = np.sqrt(((canvas.astype(np.float64) - target) ** 2).mean(axis=2)) / 255.0
    scaled = np.clip(distance * 2.0, 0.0, 1.0) * (len(HEAT) - 1)  # half the range is already the brightest
    low = np.minimum(scaled.astype(np.int64), len(HEAT) - 2)
    frac = (scaled - low)[..., None]
    return (HEAT[low] * (1.0 - frac) + HEAT[low + 1] * frac + 0.5).astype(np.uint8)


@dataclass
class Stage:
    """One stage of a YAML run as the page lists it."""

    label: str
    state: str  # "waiting", "cached", "running", "done"
    seconds: float | None = None


@dataclass
class Pictures:
    """The PNGs of one event, drawn once."""

    version: int
    canvas: bytes
    difference: bytes


@dataclass
class Point:
    """One point of the error curve."""

    seconds: float
    done: int
    error: float


@dataclass
class Live(Throttle):
    """The shared state of a previewed run (see the module docstring)."""

    title: str = "genart"
    per_second: float = 4.0
    version: int = 0
    latest: Progress | None = None
    points: list[Point] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    finished: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _watchers: list[Callable[[], None]] = field(default_factory=list)
    _drawing: threading.Lock = field(default_factory=threading.Lock)
    _pictures: Pictures | None = None
    _target: tuple[int, bytes] | None = None  # (id of the target array, its PNG)

    def __post_init__(self) -> None:
        Throttle.__init__(self, self.per_second)

    def report(self, progress: Progress) -> None:
        """Keep the event (and its point of the curve) and wake the page's streams."""
        with self._lock:
            if self.latest is not None and progress.seconds < self.latest.seconds:
                self.points.clear()  # a new run (a refinement, a YAML run's next scene) starts its own curve
            self.latest = progress
            if progress.error is not None:
                self.points.append(Point(progress.seconds, progress.done, progress.error))
            self._changed()

    def finish(self, progress: Progress | None = None) -> None:
        """The run ended: show its last state (if given) as final."""
        if progress is not None:
            self.report(progress)
        with self._lock:
            self.finished = True
            self._changed()

    def set_stages(self, stages: list[Stage]) -> None:
        """A YAML run's stages and their states."""
        with self._lock:
            self.stages = [Stage(s.label, s.state, s.seconds) for s in stages]
            self.finished = False
            self._changed()

    def watch(self, watcher: Callable[[], None]) -> None:
        """Call `watcher` (in the reporting thread, so it must only hand the news on) after each change."""
        with self._lock:
            self._watchers.append(watcher)

    def unwatch(self, watcher: Callable[[], None]) -> None:
        """Stop calling `watcher`; once this returns, it is not called again."""
        with self._lock:
            self._watchers.remove(watcher)

    def _changed(self) -> None:
        """A new version (called with the lock held): tell the watchers."""
        self.version += 1
        for watcher in self._watchers:
            watcher()

    def curve(self) -> list[Point]:
        """The error curve so far."""
        with self._lock:
            return list(self.points)

    def state(self) -> dict[str, Any]:
        """What the page shows, as JSON-able values: counts, rate, ETA, tiles, stages, the curve's length."""
        with self._lock:
            p, points, version = self.latest, list(self.points), self.version
            stages = [vars(s).copy() for s in self.stages]
            finished = self.finished
        out: dict[str, Any] = {"title": self.title, "version": version, "finished": finished, "stages": stages,
                               "points": len(points)}
        if p is not None:
            rate = _rate(points, p)
            out.update(phase=p.phase, done=p.done, total=p.total, unit=p.unit, seconds=round(p.seconds, 2),
                       error=p.error, error_name=p.error_name, rate=rate, eta=_eta(p, rate), grid=list(p.grid),
                       tiles=[round(t, 3) for t in p.tiles], target=id(p.target))
        return out

    def pictures(self) -> Pictures | None:
        """The latest event's canvas and heat-map as PNG, drawn here (the caller's thread) once per event."""
        with self._drawing:
            with self._lock:
                p, version = self.latest, self.version
            if p is None:
                return None
            if self._pictures is None or self._pictures.version != version:
                canvas = shown(as_rgb8(p.picture()))
                self._pictures = Pictures(version, png(canvas), png(heat_map(canvas, shown(as_rgb8(p.target)))))
            return self._pictures

    def target_png(self) -> bytes | None:
        """The latest event's target as PNG (drawn once per target)."""
        with self._drawing:
            p = self.latest
            if p is None:
                return None
            if self._target is None or self._target[0] != id(p.target):
                self._target = (id(p.target), png(shown(as_rgb8(p.target))))
            return self._target[1]


def _rate(points: list[Point], p: Progress) -> float | None:
    """Units a second over the last RATE_WINDOW seconds of the curve (or since the start)."""
    recent = [q for q in points if q.seconds >= p.seconds - RATE_WINDOW]
    first = recent[0] if recent else None
    if first is None or p.seconds - first.seconds <= 0:
        return p.done / p.seconds if p.seconds > 0 and p.done else None
    return max(0.0, (p.done - first.done) / (p.seconds - first.seconds))


def _eta(p: Progress, rate: float | None) -> float | None:
    """Seconds left: by the rate for the units left, or the time budget's rest, whichever is sooner."""
    guesses = []
    if rate and p.total > p.done:
        guesses.append((p.total - p.done) / rate)
    if p.budget is not None:
        guesses.append(max(0.0, p.budget - p.seconds))
    if p.total and p.done >= p.total:
        guesses.append(0.0)
    return round(min(guesses), 1) if guesses else None
