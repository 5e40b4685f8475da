"""What a running engine tells the world: counts for a progress bar, events for a watcher.

An engine (an optimizer, the photo indexer, the frame renderer) takes a `Reporter` and talks
only to it; it never draws a bar or prints. It sends two kinds of news:

- a `Count` (cheap: a few numbers) when its run starts, after every unit of work (a step, an
  epoch, a chunk of photos, a frame) and, marked `final`, when the run ends in any way
  (finished, budget spent, interrupted). The command line turns counts into progress bars
  (`genart.bars.BarReporter`); with `-q`, or for a Python caller who wants none, nobody listens.
- a `Progress` event, only when `reporter.due()` says one is wanted now (a clock comparison;
  the live preview wants a few a second). It carries the current picture as a function
  (`picture`), which the watcher calls in its own thread, so drawing a preview never runs in
  the engine's loop; building an event may cost a distance query, hence `due` first.

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


@dataclass(frozen=True)
class Count:
    """How far a run has come, as a progress bar shows it: sent at the start, after every unit and at the end.

    Examples
    --------
    >>> Count("gng", 3, 20, "epoch", note="edges=410, nodes=300")
    Count(label='gng', done=3, total=20, unit='epoch', note='edges=410, nodes=300', final=False)
    """

    label: str  # what runs, as the bar's title: "gng", "200 circles", "indexing", "flyin mp4"
    done: float  # units done so far (at the start: 0, or where a resumed run starts)
    total: float  # units asked for (a run with a time budget only counts seconds: unit "s")
    unit: str  # "epoch", "step", "s", "photo", "frame"
    note: str = ""  # a short state after the counts, e.g. "rmse 12.34"
    final: bool = False  # the run has ended (done may fall short of total, e.g. a time budget or Ctrl-C)


class Reporter(Protocol):
    """Receives counts after every unit (`count`) and progress events when it asks (`due`, then `report`)."""

    def due(self) -> bool: ...

    def report(self, progress: Progress) -> None: ...

    def count(self, count: Count) -> None: ...


class Silent:
    """The default reporter: wants nothing."""

    def due(self) -> bool:
        return False

    def report(self, progress: Progress) -> None:
        """Ignore the event."""

    def count(self, count: Count) -> None:
        """Ignore the count."""


SILENT = Silent()


@dataclass
class Tally:
    """A run's count of `unit`s, told to `reporter` as `Count`s: `count()` at the start, `add` per unit, and
    `count(final=True)` when the run ends in any way.

    Examples
    --------
    >>> tally = Tally(SILENT, "plot", 3, "shape")
    >>> tally.add(2)
    >>> tally.done
    2
    """

    reporter: Reporter
    label: str
    total: float
    unit: str
    done: float = 0
    note: str = ""  # the bar's postfix, sent with the next count

    def count(self, final: bool = False) -> None:
        """Tell the reporter how far the run has come."""
        self.reporter.count(Count(self.label, self.done, self.total, self.unit, self.note, final))

    def add(self, units: float = 1) -> None:
        """`units` more are done."""
        self.done += units
        self.count()


class Throttle:
    """`due` at most `per_second` times a second, counts ignored (for a watcher's reporter to build on)."""

    def __init__(self, per_second: float = 4.0) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True

    def count(self, count: Count) -> None:
        """Ignore the count: a watcher follows the events."""
