"""How a hill-climb run's work is scheduled: an untiled fit in this process, or the tiles in rounds, the parity
classes taking turns, each class's tiles fitted at once on an `Execution` (see `genart.generative.hillclimb_tiles`).

A tile's job (`_grow_tile`) is pure, (its target and canvas over its reach box, settings, derived
seed, index of its next shape) → shapes, so the result does not depend on how many workers
share the work or where they run. The run is checkpointed after every class's turn and at most
every 2 s within one.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from genart.generative.figures import FIT
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.hillclimb_checkpoint import Checkpoint
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result, TileState, paint_shapes, rmse_of, shown
from genart.generative.tiling import tile_bounds
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
    sums: list[float] = field(default_factory=list)  # each tile's error change so far, where `run_tiles` keeps them

    @property
    def rmse(self) -> float:
        """The fit's RMSE now, `Result.rmse` (from the tiles' sums where kept: the same sums, not redone per job)."""
        result = self.result
        if len(self.sums) != len(result.tiles):
            return result.rmse
        return rmse_of(result.blank + sum(self.sums), result.target.size)

    def save(self) -> None:
        """Checkpoint the tiles (when the run keeps a checkpoint)."""
        if self.store:
            self.store.save(self.result.states, time.perf_counter() - self.started, self.result.chunk)

    def stopped(self) -> bool:
        """Whether a stopping rule holds: the time budget spent, or the target RMSE reached."""
        s = self.settings
        if s.seconds is not None and time.perf_counter() - self.started >= s.seconds:
            return True
        return s.target_rmse is not None and self.rmse <= s.target_rmse

    def report(self, canvas: np.ndarray) -> None:
        """Note the fit's RMSE for the bar, and tell the reporter of `canvas` if it asks."""
        self.counter.note = f"{FIT}={self.rmse:.2f}"
        if self.reporter.due():
            self.reporter.report(self.progress(canvas.copy()))

    def progress(self, canvas: np.ndarray) -> Progress:
        """The run's state for a reporter, with a copy of the canvas it shows."""
        result, settings = self.result, self.settings
        tiled = len(result.boxes) > 1
        shares = tuple(len(t.params) / q for t, q in zip(result.tiles, settings.quotas)) if tiled else ()
        picture = shown(canvas)
        return Progress("tiles" if tiled else "shapes", result.count, settings.shapes, "shape",
                        time.perf_counter() - self.started, self.rmse, shown(result.target), lambda: picture,
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
    drawing each finished job on the run's canvas.

    The turns are kept job by job, not as a barrier: a tile's job starts once every earlier job (by round,
    class, tile) whose reach box overlaps its own is drawn, so it sees the canvas the turns taken in order
    would show it, and the result is the same; tiles that do not touch run at once across turns and rounds
    (waves), and no turn waits for the slowest tile of the one before it. Ready jobs start earliest first; on
    a cluster no more are in flight than two per thread (`Execution.window`)."""
    result, settings = run.result, run.settings
    h, w = result.target.shape[:2]
    scale = max(w, h) / 256.0
    plan = Plan(result, settings.quotas)
    bounds = [tile_bounds(box, reach, scale, w, h) for box, reach in zip(result.boxes, result.reaches)]
    targets = execution.share([np.ascontiguousarray(result.target[y0:y1, x0:x1]) for x0, y0, x1, y1 in result.reaches])
    run.sums = [sum(tile.deltas) for tile in result.tiles]
    running: dict[Future[TileState], int] = {}
    last_save = time.perf_counter()
    try:
        while True:
            if not run.stopped():
                for i in plan.ready()[: max(execution.window - len(running), 0)]:
                    running[_start_job(run, execution, plan, i, targets[i], bounds[i])] = i
                    plan.start(i)
            if not running:
                return
            done = next(iter(wait(running, return_when=FIRST_COMPLETED).done))
            i = running.pop(done)
            _draw(run, i, execution.result(done))
            plan.drawn(i)
            run.report(run.canvas)
            if run.store and time.perf_counter() - last_save > SAVE_EVERY:
                run.save()
                last_save = time.perf_counter()
    finally:
        for future in running:
            future.cancel()


class Plan:
    """Which tile jobs may start: the order of the turns (round, class, tile) and which reach boxes overlap.

    Kept as jobs start (`start`) and are drawn (`drawn`): a tile's readiness hangs only on its own shapes and
    those of the tiles touching it, so a draw re-judges just those, and a run of many tiles costs the machine
    that schedules it little per job.

    Examples
    --------
    >>> from genart.generative.tiling import reach_boxes, tile_boxes, tile_classes
    >>> boxes = tile_boxes(64, 64, 2, 2)
    >>> result = Result(np.zeros((64, 64, 3)), np.zeros(3), boxes, reach_boxes(64, 64, 2, 2),
    ...                 [TileState() for _ in boxes], 4, tile_classes(2, 2), 0.0)
    >>> plan = Plan(result, [8, 8, 8, 8])
    >>> plan.ready()  # the first round: class 0 first, the others touch it
    [0]
    >>> plan.start(0); result.tiles[0].params += [[0.0]] * 4; plan.drawn(0); plan.ready()
    [1]
    """

    def __init__(self, result: Result, quotas: list[int]) -> None:
        self.result, self.quotas, self.chunk = result, quotas, result.chunk
        a0, b0, a1, b1 = np.asarray(result.reaches).reshape(-1, 4).T
        self.touching = [[j for j in np.flatnonzero((a0 < x1) & (x0 < a1) & (b0 < y1) & (y0 < b1)).tolist() if j != i]
                         for i, (x0, y0, x1, y1) in enumerate(result.reaches)]
        self.busy: set[int] = set()
        self.keys: dict[int, tuple[int, int, int]] = {}  # the ready tiles' places in the turns' order
        self.growing = [0] * (max(result.classes, default=0) + 1)  # tiles still growing, by class
        for i, cls in enumerate(result.classes):
            self.growing[cls] += not self.finished(i)
            self._judge(i)

    def finished(self, i: int) -> bool:
        """Whether tile i has its quota or is stuck (no shape lowered its error)."""
        tile = self.result.tiles[i]
        return tile.stuck or len(tile.params) >= self.quotas[i]

    def upto(self, i: int) -> int:
        """The shape count tile i's next job is to reach: the end of its current round, or its quota."""
        return min(self.quotas[i], (len(self.result.tiles[i].params) // self.chunk + 1) * self.chunk)

    def ready(self) -> list[int]:
        """Tiles whose next job may start now, earliest in the turns' order first: neither finished nor
        running, and every tile touching it has drawn all its jobs that come before (those of earlier
        rounds, and of this round where its class goes first)."""
        return [i for _, _, i in sorted(self.keys.values())]

    def start(self, i: int) -> None:
        """Tile i's next job has started."""
        self.busy.add(i)
        self.keys.pop(i, None)

    def drawn(self, i: int) -> None:
        """Tile i's job (started while it was growing) is drawn, its shapes added: judge it and the tiles
        touching it again."""
        self.busy.discard(i)
        if self.finished(i):
            self.growing[self.result.classes[i]] -= 1
        for j in (i, *self.touching[i]):
            self._judge(j)

    def sharing(self, i: int) -> int:
        """How many tiles of tile i's class are still growing (they share the workers in its turn)."""
        return self.growing[self.result.classes[i]]

    def _judge(self, i: int) -> None:
        """Put tile i among the ready ones, or take it out (see `ready`)."""
        self.keys.pop(i, None)
        if i in self.busy or self.finished(i):
            return
        classes, tiles = self.result.classes, self.result.tiles
        round_ = len(tiles[i].params) // self.chunk
        if all(self.finished(j) or len(tiles[j].params) >= min(self.quotas[j], self.chunk * (
                round_ + (classes[j] < classes[i]))) for j in self.touching[i]):
            self.keys[i] = (round_, classes[i], i)


def _start_job(run: Run, execution: Execution, plan: Plan, i: int, target: Any,
               bounds: np.ndarray) -> Future[TileState]:
    """Submit tile i's next job, with its canvas as it is now over its reach box."""
    settings = run.settings
    x0, y0, x1, y1 = run.result.reaches[i]
    first = len(run.result.tiles[i].params)
    threads = 1 if execution.distributed else max(1, settings.climb.workers // plan.sharing(i))
    return execution.submit(_grow_tile, target, np.ascontiguousarray(run.canvas[y0:y1, x0:x1]), settings.climb,
                            bounds, settings.seed, i, first, plan.upto(i) - first, threads)


def _draw(run: Run, i: int, grown: TileState) -> None:
    """Add a finished job's shapes to tile i and draw them on the run's canvas."""
    tile = run.result.tiles[i]
    first = len(tile.params)
    tile.params += grown.params
    tile.colors += grown.colors
    tile.deltas += grown.deltas
    tile.stuck = grown.stuck
    paint_shapes(run.canvas, run.result.reaches[i], tile, first)
    run.sums[i] = sum(tile.deltas)
    run.counter.add(len(grown.params))
