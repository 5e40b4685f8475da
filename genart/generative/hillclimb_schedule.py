"""How a hill-climb run's work is scheduled: an untiled fit in this process, or the tiles in rounds, the parity
classes taking turns, each class's tiles fitted at once on an `Execution` (see `genart.generative.hillclimb_tiles`).

A tile's job (`_grow_tile`) is pure, (its target and canvas over its reach box, settings, derived
seed, index of its next shape) → shapes, so the result does not depend on how many workers
share the work or where they run. The run is checkpointed after every class's turn and at most
every 2 s within one.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from genart.generative.figures import FIT
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.hillclimb_checkpoint import Checkpoint
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result, TileState, paint_shapes, shown
from genart.generative.tiling import CLASSES, tile_bounds
from genart.runtime.execution import Execution
from genart.runtime.progress import Progress, Reporter, Tally

LABEL = "evolve"  # the progress bar's title
SAVE_EVERY = 2.0  # seconds between checkpoints within a turn (or an untiled run)


@dataclass
class Run:
    """A run under way: its result so far, the canvas every shape so far is drawn on, where it reports and saves."""

    result: Result
    canvas: np.ndarray
    settings: EvolveSettings
    store: Checkpoint | None
    counter: Tally  # its shapes, for the bar
    started: float  # perf_counter when the run (with a resumed checkpoint's seconds) started
    reporter: Reporter

    def save(self) -> None:
        """Checkpoint the tiles (when the run keeps a checkpoint)."""
        if self.store:
            self.store.save(self.result.states, time.perf_counter() - self.started, self.result.chunk)

    def stopped(self) -> bool:
        """Whether a stopping rule holds: the time budget spent, or the target RMSE reached."""
        s = self.settings
        if s.seconds is not None and time.perf_counter() - self.started >= s.seconds:
            return True
        return s.target_rmse is not None and self.result.rmse <= s.target_rmse

    def report(self, canvas: np.ndarray) -> None:
        """Note the fit's RMSE for the bar, and tell the reporter of `canvas` if it asks."""
        self.counter.note = f"{FIT}={self.result.rmse:.2f}"
        if self.reporter.due():
            self.reporter.report(self.progress(canvas.copy()))

    def progress(self, canvas: np.ndarray) -> Progress:
        """The run's state for a reporter, with a copy of the canvas it shows."""
        result, settings = self.result, self.settings
        tiled = len(result.boxes) > 1
        shares = tuple(len(t.params) / q for t, q in zip(result.tiles, settings.quotas)) if tiled else ()
        picture = shown(canvas)
        return Progress("tiles" if tiled else "shapes", result.count, settings.shapes, "shape",
                        time.perf_counter() - self.started, result.rmse, shown(result.target), lambda: picture,
                        settings.seconds, settings.tiles, shares)


def _grow_tile(target: np.ndarray, canvas: np.ndarray, climb: ClimbSettings, bounds: np.ndarray, seed: int,
               tile: int, first: int, count: int, threads: int) -> TileState:
    """Up to `count` more shapes for a tile, from its shape `first`, against its reach box's target and canvas
    (runs in a worker; `threads` threads share each search). Fewer only where no shape lowers the error."""
    evo = Evolution(target, canvas, climb, bounds, seed, tile, first)
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    try:
        for _ in range(count):
            p, delta = evo.search(pool)
            if delta >= 0.0:
                break  # no shape lowers the error any more
            evo.add(p)
    finally:
        if pool is not None:
            pool.shutdown()
    return TileState([p.tolist() for p in evo.params], [c.tolist() for c in evo.colors], list(evo.deltas),
                     len(evo.params) < count)


def run_one(run: Run) -> None:
    """Grow an untiled evolution in this process (threads share each search), checkpointing every 2 s."""
    result, settings = run.result, run.settings
    state = result.tiles[0]
    h, w = result.target.shape[:2]
    bounds = tile_bounds(result.boxes[0], result.reaches[0], max(w, h) / 256.0, w, h)
    evo = Evolution(result.target, run.canvas, settings.climb, bounds, settings.seed, 0, len(state.params))
    pool = ThreadPoolExecutor(settings.climb.workers) if settings.climb.workers > 1 else None
    last_save = time.perf_counter()
    try:
        while len(state.params) < settings.shapes and not state.stuck and not run.stopped():
            p, delta = evo.search(pool)
            if delta >= 0.0:
                state.stuck = True
                break
            evo.add(p)
            state.params.append(p.tolist())
            state.colors.append(evo.colors[-1].tolist())
            state.deltas.append(evo.deltas[-1])
            run.counter.add(1)
            run.report(evo.canvas)
            if run.store and time.perf_counter() - last_save > SAVE_EVERY:
                run.save()
                last_save = time.perf_counter()
    finally:
        if pool is not None:
            pool.shutdown()


def run_tiles(run: Run, execution: Execution) -> None:
    """Grow the tiles in rounds of `chunk` shapes a tile, the classes in turn (see the module docstring),
    drawing each finished job on the run's canvas."""
    result = run.result
    h, w = result.target.shape[:2]
    scale = max(w, h) / 256.0
    quotas, chunk = run.settings.quotas, result.chunk
    bounds = [tile_bounds(box, reach, scale, w, h) for box, reach in zip(result.boxes, result.reaches)]
    targets = [np.ascontiguousarray(result.target[y0:y1, x0:x1]) for x0, y0, x1, y1 in result.reaches]
    while True:
        active = [i for i, t in enumerate(result.tiles) if len(t.params) < quotas[i] and not t.stuck]
        if not active or run.stopped():
            return
        round_ = min(len(result.tiles[i].params) // chunk for i in active)
        for cls in range(CLASSES):
            todo = [i for i in active if result.classes[i] == cls
                    and len(result.tiles[i].params) < min(quotas[i], (round_ + 1) * chunk)]
            if not todo:
                continue
            if run.stopped():
                return
            _turn(run, execution, {i: (targets[i], bounds[i], min(quotas[i], (round_ + 1) * chunk)) for i in todo})
            run.report(run.canvas)
            run.save()


def _turn(run: Run, execution: Execution, todo: dict[int, tuple[np.ndarray, np.ndarray, int]]) -> None:
    """One class's turn in a round: its tiles `todo` (each with its target, bounds and the shape count it is to
    reach) fitted at once, each drawn on the run's canvas as it comes."""
    result, settings, canvas = run.result, run.settings, run.canvas
    threads = 1 if execution.distributed else max(1, settings.climb.workers // len(todo))
    jobs = []
    for i, (target, bounds, upto) in todo.items():
        x0, y0, x1, y1 = result.reaches[i]
        first = len(result.tiles[i].params)
        jobs.append((target, np.ascontiguousarray(canvas[y0:y1, x0:x1]), settings.climb, bounds, settings.seed, i,
                     first, upto - first, threads))
    tiles = list(todo)
    last_save = time.perf_counter()
    with contextlib.closing(execution.stream(_grow_tile, jobs, len(jobs))) as finished:
        for k, grown in finished:
            i = tiles[k]
            tile = result.tiles[i]
            first = len(tile.params)
            tile.params += grown.params
            tile.colors += grown.colors
            tile.deltas += grown.deltas
            tile.stuck = grown.stuck
            paint_shapes(canvas, result.reaches[i], tile, first)
            run.counter.add(len(grown.params))
            if run.store and time.perf_counter() - last_save > SAVE_EVERY:
                run.save()
                last_save = time.perf_counter()
