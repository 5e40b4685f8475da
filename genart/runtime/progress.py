"""Progress events: what a running optimizer tells a watcher (the live preview) about its state.

An optimizer takes a `Reporter` and, where it already updates its progress bar, asks
`reporter.due()` (a clock comparison) and only then builds a `Progress` and hands it to
`reporter.report`. The event carries the current picture as a function (`picture`), which the
watcher calls in its own thread, so drawing a preview never runs in the optimizer's loop.
Reporting draws no random numbers and changes no state: results stay the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Progress:
    """One report from a running optimizer."""

    phase: str  # what runs now: "shapes", "tiles", "seams", "steps", "epochs", "match"
    done: int  # units done so far (shapes, steps, epochs, cells)
    total: int  # units asked for
    unit: str  # "shape", "step", "epoch", "cell"
    seconds: float  # since the run started
    error: float | None  # RGB RMSE 0–255 at the working size (GNG: the epoch's mean distance); None: not known
    target: np.ndarray  # the working picture, H×W×3 (float in [0, 1] or uint8): read, never changed
    picture: Callable[[], np.ndarray]  # draws the current canvas like `target`; called by the watcher's thread
    budget: float | None = None  # --seconds, where the run has a time budget
    grid: tuple[int, int] = (1, 1)  # tiles (columns, rows) of a tiled run
    tiles: tuple[float, ...] = ()  # each tile's share of its shapes done, row-major (tiled runs)
    error_name: str = "RMSE"  # what `error` measures


class Reporter(Protocol):
    """Receives progress events; `due` says whether one is wanted now (cheap, called often)."""

    def due(self) -> bool: ...

    def report(self, progress: Progress) -> None: ...


class Silent:
    """The default reporter: wants nothing."""

    def due(self) -> bool:
        return False

    def report(self, progress: Progress) -> None:
        """Ignore the event."""


SILENT = Silent()


class Throttle:
    """`due` at most `per_second` times a second (for a reporter to build on)."""

    def __init__(self, per_second: float = 4.0) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True
