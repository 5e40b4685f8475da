"""The hill-climb over a whole picture: `evolve` and its stopping rules.

The picture is resized to a working resolution and cut into a grid of tiles; each tile is a
greedy evolution (`genart.generative.hillclimb`) with its own stream of random numbers.

**Tiles without seams.** Tiles fitted independently, each keeping its shapes inside its own
rectangle, meet badly: every shape that reaches a border ends there, so the borders carry an
edge the picture does not have (`genart.generative.seams` measures it). Here a tile's shapes
may instead **reach into its neighbours** by up to REACH of their size, and each tile is fitted
against the canvas as every tile has drawn it so far, over its reach box (the tile grown by
those reaches), so shapes cross the borders and are fitted against the neighbours' result.
Tiles fall into four classes by the parity of their column and row; two tiles of a class are
never neighbours, and since REACH is under a half their reach boxes never overlap, so the
tiles of a class are fitted at once, in parallel, and what one draws cannot change another's
search. A run goes in rounds of `chunk` shapes a tile: in each round the classes take their
turn, 0 to 3, every tile of the class fitted against the canvas the earlier turns left. A
shape may reach between half and all of its tile's reach: MARGINS margins, taken shape by
shape in an order of each tile's own, so the shapes that stop where their reach ends do not
stop on one line (were every search free to reach all of it, the farthest-reaching shapes
would win and leave a line there, and were the margins taken in one order, the big first
shapes of every tile would stop on the same line). The scene draws the
shapes in the order they were fitted (round, class, tile, shape), which is the canvas they
were fitted on, so the render is the canvas the optimizer saw.

A tile's job is pure, (its target and canvas over its reach box, settings, derived seed, index
of its next shape) → shapes, so the result does not depend on how many workers share the
work or where they run. Each round is checkpointed (and at most every 2 s within it), so an
interrupted run resumes where it stopped and ends exactly as an uninterrupted one; on Ctrl-C
the checkpoint is saved and the shapes so far come back, marked interrupted.

Tile jobs run on an `Execution` (`genart.runtime.execution`): local processes, or a Dask
cluster (`scheduler`), where a job carries its pixels, so workers need no files. A class with
fewer tiles than workers shares the workers' threads among its tiles' searches (numba's
kernels release the GIL), so a 2x2 grid keeps every core busy too.

A fit with alpha (a picture with transparency, `Picture.alpha`) evolves two layers, the
poster over black and over white (see `genart.generative.hillclimb`); its scene has a
transparent background.

The run is spread over modules by concern: `genart.generative.tiling` (the tile geometry and
parity classes), `hillclimb_schedule` (the rounds and turns, the tile jobs), `hillclimb_state`
(the tiles so far, the result), `hillclimb_checkpoint` (its checkpoint, in a fingerprinted
`genart.generative.checkpoint` file: anything else at the path is refused before the run and left
untouched), `hillclimb_scene` (the scene). The run counts its shapes to the `reporter`; the command line draws the bar.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_checkpoint import Checkpoint, check_resumed
from genart.generative.hillclimb_schedule import LABEL, Run, run_one, run_tiles
from genart.generative.hillclimb_settings import EvolveError, EvolveSettings
from genart.generative.hillclimb_state import Result, TileState
from genart.generative.images import MAX_WORKING, Picture, composites, working
from genart.generative.start_from import Start, start_canvas
from genart.generative.tiling import reach_boxes, tile_boxes, tile_classes
from genart.render.scene import Canvas
from genart.runtime.execution import Execution, ExecutionError, open_execution
from genart.runtime.progress import SILENT, Reporter, Tally

MAX_WORKING_PIXELS = 4096 * 4096


class EvolveInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM turned into KeyboardInterrupt) stopped `evolve`; `result` holds the
    shapes so far (`interrupted` set) and the checkpoint, if any, is saved and kept."""

    def __init__(self, result: Result) -> None:
        super().__init__()
        self.result = result


def _tiles_too_small(picture: Picture, tiles: tuple[int, int], w: int, h: int) -> str:
    """Why tiles of at least 2 x 2 pixels do not fit a w x h working size: a picture too thin for any (under 2
    working pixels across or high) is said as such, with its size; else the tiles are too many."""
    if min(w, h) >= 2:
        return f"tiles {tiles[0]}x{tiles[1]} are too small for a {w}x{h} working size"
    larger = min(picture.width, picture.height) * MAX_WORKING / max(picture.width, picture.height) >= 1.5
    return (f"{picture.name}: a {picture.width}x{picture.height} picture is too thin to fit shapes to: its aspect "
            f"gives a working size of {w}x{h}, under 2 pixels {'wide' if w < 2 else 'high'}; crop or pad it to a "
            f"less extreme aspect{f', or raise --resize (up to {MAX_WORKING})' if larger else ''}")


def _background(target: np.ndarray, palette: tuple[tuple[float, float, float], ...]) -> np.ndarray:
    """The mean colour, or with a palette the palette colour nearest it (which fits best)."""
    mean = target.reshape(-1, 3).mean(axis=0)
    if not palette:
        return mean
    colors = np.asarray(palette, np.float64)
    return colors[int(np.argmin(((colors - mean) ** 2).sum(axis=1)))].copy()


def _start(picture: Picture, settings: EvolveSettings, start: Start | None = None) -> Result:
    """The run's target (with alpha: over black and over white), its starting canvas colour and its tiles, none
    fitted yet; EvolveError where the picture cannot be fitted so. With a `start`, the canvas starts as its
    shapes drawn over its background (unless the settings name one)."""
    if settings.resize is None and picture.width * picture.height > MAX_WORKING_PIXELS:
        raise EvolveError(f"picture {picture.width}x{picture.height} is too large to work on at full size")
    with_alpha = picture.alpha is not None
    if with_alpha and settings.background is not None:
        raise EvolveError("a picture fitted with its alpha has no background to choose: the poster is "
                          "transparent where the picture is")
    target = composites(picture, settings.resize) if with_alpha else working(picture, settings.resize).target
    h, w = target.shape[:2]
    if with_alpha:
        background = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    elif settings.background is not None:
        background = np.asarray(settings.background, np.float64)
    elif start is not None and start.background is not None:
        background = np.asarray(start.background[:3], np.float64)
    else:
        background = _background(target, settings.climb.palette)
    boxes = tile_boxes(w, h, *settings.tiles)
    if any(x1 - x0 < 2 or y1 - y0 < 2 for x0, y0, x1, y1 in boxes):
        raise EvolveError(_tiles_too_small(picture, settings.tiles, w, h))
    base = None
    if start is not None:
        base = start_canvas(start, background, w, h, Canvas(width=picture.width, height=picture.height))
    blank = float(((target - (background if base is None else base)) ** 2).sum())
    return Result(target, background, boxes, reach_boxes(w, h, *settings.tiles), [TileState() for _ in boxes],
                  settings.chunk, tile_classes(*settings.tiles), 0.0, blank, base=base)


def _open_checkpoint(result: Result, picture: Picture, settings: EvolveSettings, checkpoint: Path | None,
                     resume: bool, start: Start | None = None) -> tuple[Checkpoint | None, float]:
    """The run's checkpoint (claimed, or resumed into `result`) and the seconds its resumed tiles took; a run
    from kept shapes resumes only from the same ones."""
    if checkpoint is None:
        if resume:
            raise EvolveError("--resume needs a checkpoint")
        return None, 0.0
    fingerprint = settings.fingerprint(picture.sha256, result.with_alpha)
    if start is not None:
        fingerprint = hashlib.sha256(f"{fingerprint} {start.digest()}".encode()).hexdigest()[:16]
    store = Checkpoint(checkpoint, fingerprint)
    if not resume:
        store.claim()
        return store, 0.0
    states, earlier, result.chunk = store.load(len(result.boxes), settings.shapes)
    check_resumed(store.path, states, settings.quotas, settings)
    result.tiles = states
    return store, earlier


def evolve(
    picture: Picture,
    settings: EvolveSettings,
    checkpoint: Path | None = None,
    resume: bool = False,
    reporter: Reporter = SILENT,
    scheduler: str | None = None,
    start: Start | None = None,
) -> Result:
    """Evolve shapes for a picture; see the module docstring. A picture with `alpha` is fitted with alpha
    (its background must then be left to the fit). KeyboardInterrupt saves the checkpoint (if any), keeps it,
    and raises EvolveInterrupted with the result so far. `reporter` is told of the canvas every class's turn
    (tiles) or shape, as it asks. Tiles run on the Dask scheduler `scheduler` (or $GENART_SCHEDULER), else on
    local processes; a job the cluster lost for good, or a local worker that died, saves the checkpoint and
    raises ExecutionError. With a `start`, its shapes are the canvas the new ones are fitted on."""
    result = _start(picture, settings, start)
    store, earlier = _open_checkpoint(result, picture, settings, checkpoint, resume, start)
    started = time.perf_counter() - earlier  # a resumed run counts the seconds its checkpoint spent
    tiled = len(result.boxes) > 1
    workers = min(settings.climb.workers, len(result.boxes))  # the cluster is reached (or not) before the bar shows
    execution = open_execution(workers if workers > 1 else 0, scheduler) if tiled else None
    counter = Tally(reporter, LABEL, settings.shapes, "shape", result.count)  # a resumed run starts where it was
    counter.count()
    run = Run(result, result.canvas(), settings, store, counter, started, reporter)
    try:
        _go(run, execution)
    finally:
        counter.count(final=True)
        if execution is not None:
            execution.close(cancel=True)
    result.seconds = time.perf_counter() - started
    if store:
        store.remove()
    return result


def _go(run: Run, execution: Execution | None) -> None:
    """Run the fit, untiled or on `execution`; on an interrupt or a lost job save the checkpoint and say so."""
    try:
        if execution is None:
            run_one(run)
        else:
            run_tiles(run, execution)
    except KeyboardInterrupt as stop:
        run.result.interrupted = True
        for state in run.result.states:
            state.trim()
        run.save()
        run.result.seconds = time.perf_counter() - run.started
        raise EvolveInterrupted(run.result) from stop
    except ExecutionError as exc:
        if not run.store:
            raise
        run.save()
        raise ExecutionError(f"{exc}; progress kept in {run.store.path}: run the same command with --resume to "
                             "continue") from None


def warm_up() -> None:
    """Compile every kernel a fit uses (a tiled, an untiled and a fit with alpha of a tiny picture), so numba's
    cache holds them; a first run does it once, about 20 s."""
    rgb = (np.arange(16 * 16 * 3).reshape(16, 16, 3) % 251).astype(np.uint8)
    cover = np.full((16, 16), 255, np.uint8)
    cover[:, :4] = 0
    quick = ClimbSettings(candidates=2, max_age=1, repeats=1)
    for tiles, alpha in (((1, 1), None), ((2, 2), None), ((2, 1), cover)):
        evolve(Picture(rgb, "warm-up", "0" * 64, alpha), EvolveSettings(shapes=4, climb=quick, tiles=tiles, resize=None))
