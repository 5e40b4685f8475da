"""The hill-climb over a whole picture: tiles, rounds, stopping rules, checkpoints, the scene.

The picture is resized to a working resolution and cut into a grid of tiles. Each tile is
an independent greedy evolution (`genart.generative.hillclimb`) with its own stream of random
numbers; tiles advance in rounds of a few shapes, in parallel processes, and after each
round the state is checkpointed, so an interrupted run resumes where it stopped and ends
exactly as an uninterrupted one. Tiles keep their shapes inside their own rectangle.

Tiles fitted independently meet badly at their borders: no shape may straddle one, so
colours jump there. A tiled run therefore ends with a **seam pass**: a share of the `-n`
shapes (`SEAM_SHARE`) is evolved untiled over the whole picture, on the canvas the tiles
drew, each shape kept inside a band `SEAM_HALF_WIDTH` working pixels either side of one
tile border (each search's repeats climb in the bands in turn, the best wins). A tile is
still a pure job, (picture, tile box, settings, derived seed) → shapes, and the seam pass
is one more, (picture, tiles' shapes, bands, settings, derived seed) → shapes; both are
checkpointed, so a resumed run still ends exactly as an uninterrupted one. On Ctrl-C the
checkpoint is saved and the shapes so far come back, marked interrupted.

Tile jobs run on an `Execution` (`genart.generative.execution`): local processes, or a Dask
cluster (`scheduler`), where a job carries its tile's target pixels, so workers need no
files. Within a round each finished tile is taken as it comes (the checkpoint is saved at
most every 2 s and after the round), so a lost worker or Ctrl-C loses at most the tiles in
flight; a tile's shapes do not depend on how its rounds were cut, so a resumed run still
ends exactly as an uninterrupted one. The seam pass runs here, on this machine's cores.

A checkpoint is genart's only when it carries the format tag and this run's settings
fingerprint: anything else at the checkpoint path (another file, a folder, a FIFO, a link)
is refused before the run and left untouched, and a resumed checkpoint is validated in
full (counts, lengths, families, finite numbers) before any of it reaches the compiled code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from tqdm.auto import tqdm

from genart.errors import GenartError
from genart.generative import shapes
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.images import MAX_WORKING, Picture, working, working_scale
from genart.generative.palette import hex_colors
from genart.generative.shapes.layout import ALPHA, BEZIER, KIND, POLYGON, SIDES, SIZE, TRIANGLE
from genart.render import scene as S
from genart.render.atomic import atomic_write_bytes
from genart.render.scanlines import blend_scanlines
from genart.runtime.execution import Execution, ExecutionError, open_execution
from genart.runtime.progress import SILENT, Progress, Reporter

MAX_WORKING_PIXELS = 4096 * 4096
MAX_SHAPES = 1_000_000
CHECKPOINT_FORMAT: Final = "genart.checkpoint"
CHECKPOINT_VERSION: Final = 1
MAX_CHECKPOINT_BYTES = 256 * 2**20  # a larger file is no checkpoint of ours and is not read
CHECKPOINT_BYTES_PER_SHAPE = 4096  # a resumed checkpoint holds at most this (and 1 MiB) per shape the run asks for
MAX_REACH = 1_000_000.0  # no shape parameter (working pixels, radians) lies further from 0
SEAM_SHARE = 0.1  # of a tiled run's shapes (and of its --seconds), spent on the seam pass
SEAM_HALF_WIDTH = 8.0  # working pixels at 256 px either side of a tile border that seam shapes may cover


class EvolveError(GenartError, ValueError):
    """Settings or a checkpoint that cannot be used; the message is one line."""


class EvolveInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM turned into KeyboardInterrupt) stopped `evolve`; `result` holds the
    shapes so far (`interrupted` set) and the checkpoint, if any, is saved and kept."""

    def __init__(self, result: Result) -> None:
        super().__init__()
        self.result = result


@dataclass(frozen=True)
class EvolveSettings:
    """Everything that decides the result of an evolution (and so names its checkpoint)."""

    n: int = 200
    climb: ClimbSettings = field(default_factory=ClimbSettings)
    tiles: tuple[int, int] = (1, 1)
    resize: int | None = 256
    seed: int = 0
    background: tuple[float, float, float] | None = None
    target_rmse: float | None = None
    seconds: float | None = None

    def check(self) -> None:
        """Raise EvolveError for settings that cannot run."""
        if not 1 <= self.n <= MAX_SHAPES:
            raise EvolveError(f"shape count must be between 1 and {MAX_SHAPES}, got {self.n}")
        cols, rows = self.tiles
        if cols < 1 or rows < 1 or cols * rows > 1024:
            raise EvolveError(f"tiles must be at least 1x1 and at most 1024 in all, got {cols}x{rows}")
        if self.n - self.seam_shapes < cols * rows:
            raise EvolveError(f"{self.n} shapes cannot cover {cols * rows} tiles (at least one each)")
        if self.climb.sides < 3 or self.climb.sides > 8:
            raise EvolveError(f"polygon sides must be between 3 and 8, got {self.climb.sides}")
        if self.climb.alpha > 1.0:
            raise EvolveError(f"alpha must be in (0, 1], or 0 to optimize it, got {self.climb.alpha}")
        if min(self.climb.candidates, self.climb.repeats, self.climb.workers) < 1 or self.climb.max_age < 0:
            raise EvolveError("candidates, repeats and workers must be at least 1")
        if self.seconds is not None and self.seconds <= 0:
            raise EvolveError(f"--seconds must be positive, got {self.seconds}")

    @property
    def seam_shapes(self) -> int:
        """Shapes of the seam pass: none untiled, else SEAM_SHARE of n (leaving one per tile)."""
        cols, rows = self.tiles
        return 0 if cols * rows == 1 else max(0, min(round(self.n * SEAM_SHARE), self.n - cols * rows))

    def fingerprint(self, source_sha: str) -> str:
        """Identifies what a checkpoint continues: the picture and every setting but the stops."""
        keep = asdict(self)
        for stop in ("n", "target_rmse", "seconds"):
            keep.pop(stop)
        keep["climb"].pop("workers")
        return hashlib.sha256(json.dumps([source_sha, keep], sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class TileState:
    """Shapes of one tile so far: parameter vectors, colours, squared error after each."""

    params: list[list[float]] = field(default_factory=list)
    colors: list[list[float]] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)

    def trim(self) -> None:
        """Cut the lists to their common length (after an interrupt between appends)."""
        keep = min(len(self.params), len(self.colors), len(self.errors))
        del self.params[keep:], self.colors[keep:], self.errors[keep:]


def tile_boxes(width: int, height: int, cols: int, rows: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of a cols × rows grid, row-major."""
    xs = np.linspace(0, width, cols + 1).round().astype(int)
    ys = np.linspace(0, height, rows + 1).round().astype(int)
    return [(int(xs[c]), int(ys[r]), int(xs[c + 1]), int(ys[r + 1])) for r in range(rows) for c in range(cols)]


def _bounds(width: int, height: int, tiled: bool) -> np.ndarray:
    scale = max(width, height) / 256.0
    return np.array([0.0, 0.0, width, height, 0.0 if tiled else 16.0 * scale, scale])


def seam_bands(width: int, height: int, cols: int, rows: int) -> np.ndarray:
    """Bounds of the seam pass: one band along each interior tile border, across the picture."""
    scale = max(width, height) / 256.0
    half = SEAM_HALF_WIDTH * scale
    boxes = tile_boxes(width, height, cols, rows)
    xs = [boxes[c][0] for c in range(1, cols)]
    ys = [boxes[r * cols][1] for r in range(1, rows)]
    bands = [(max(x - half, 0.0), 0.0, min(x + half, width), float(height)) for x in xs]
    bands += [(0.0, max(y - half, 0.0), float(width), min(y + half, height)) for y in ys]
    return np.array([(*band, 0.0, scale) for band in bands])


def _restore(target: np.ndarray, background: np.ndarray, settings: EvolveSettings, tile: int,
             state: TileState) -> Evolution:
    tiled = settings.tiles != (1, 1)
    h, w = target.shape[:2]
    evo = Evolution(target, background, settings.climb, _bounds(w, h, tiled), settings.seed, tile)
    for p in state.params:
        evo.add(np.asarray(p))
    return evo


def _grow_tile(target: np.ndarray, background: np.ndarray, settings: EvolveSettings, tile: int,
               state: TileState, count: int) -> TileState:
    """Add `count` shapes to a tile (runs in a worker process)."""
    evo = _restore(target, background, settings, tile, state)
    for _ in range(count):
        p, delta = evo.search()
        if delta >= 0.0:
            break  # no shape lowers the error any more
        evo.add(p)
    return TileState([p.tolist() for p in evo.params], [c.tolist() for c in evo.colors], list(evo.errors))


Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class TileDocument(BaseModel):
    """One tile in a checkpoint file: as many parameter vectors, colours and errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    params: list[Annotated[list[Annotated[float, Field(ge=-MAX_REACH, le=MAX_REACH, allow_inf_nan=False)]],
                           Field(min_length=SIZE, max_length=SIZE)]]
    colors: list[Annotated[list[Unit], Field(min_length=3, max_length=3)]]
    errors: list[Finite]

    @model_validator(mode="after")
    def _same_lengths(self) -> TileDocument:
        if not len(self.params) == len(self.colors) == len(self.errors):
            raise ValueError(f"{len(self.params)} shapes, {len(self.colors)} colours and {len(self.errors)} errors "
                             "(they must agree)")
        return self


class CheckpointDocument(BaseModel):
    """A checkpoint file: format tag, settings fingerprint, seconds spent so far, the tiles."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["genart.checkpoint"]
    version: Literal[1]
    fingerprint: str
    seconds: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    tiles: list[TileDocument]


def _location(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "document"


class Checkpoint:
    """The run's tile states, saved atomically as JSON after every round.

    genart writes, resumes from or deletes only a file that is its own: a regular file
    holding a genart checkpoint with this run's fingerprint (see `claim`).
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path, self.fingerprint = path, fingerprint

    def _refuse(self, reason: str) -> EvolveError:
        return EvolveError(f"checkpoint {self.path}: {reason}")

    def _read(self, shapes: int | None = None) -> dict[str, Any] | None:
        """The checkpoint's JSON object, None where there is no file; anything else at the path
        that is not this run's checkpoint, or (given) larger than one of `shapes` shapes could be
        (not read), raises EvolveError."""
        if not self.path.parent.is_dir():
            raise self._refuse(f"folder {self.path.parent} does not exist")
        try:
            mode = os.lstat(self.path).st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._refuse(exc.strerror or str(exc)) from None
        if stat.S_ISDIR(mode):
            raise self._refuse("is a directory")
        if stat.S_ISLNK(mode):
            raise self._refuse("is a symbolic link; give the file itself or another name")
        if not stat.S_ISREG(mode):
            raise self._refuse("is not a regular file")
        not_ours = "not a genart checkpoint, so genart will not overwrite or delete it; choose another --checkpoint"
        most = MAX_CHECKPOINT_BYTES if shapes is None else min(MAX_CHECKPOINT_BYTES,
                                                               2**20 + CHECKPOINT_BYTES_PER_SHAPE * shapes)
        try:
            with open(self.path, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                data = file.read(most + 1) if size <= most else b""
        except OSError as exc:
            raise self._refuse(f"cannot read it: {exc.strerror or exc}") from None
        size = max(size, len(data))  # a file may grow while it is read
        if size > MAX_CHECKPOINT_BYTES:
            raise self._refuse(f"larger than {MAX_CHECKPOINT_BYTES // 2**20} MiB: {not_ours}")
        if size > most:
            raise self._refuse(f"{size / 2**20:.1f} MiB, more than a checkpoint of {shapes} shapes holds; "
                               "resume with the shape count (-n) it was made with")
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            doc = None
        if not isinstance(doc, dict) or doc.get("format") != CHECKPOINT_FORMAT:
            raise self._refuse(not_ours)
        if doc.get("fingerprint") != self.fingerprint:
            raise self._refuse("made from another picture or other settings; remove it or choose another --checkpoint")
        return doc

    def claim(self) -> None:
        """EvolveError (one line) unless the path is free or holds this run's checkpoint."""
        self._read()

    def save(self, tiles: list[TileState], seconds: float) -> None:
        doc = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "fingerprint": self.fingerprint,
               "seconds": seconds, "tiles": [asdict(t) for t in tiles]}
        atomic_write_bytes(self.path, json.dumps(doc).encode())

    def load(self, count: int, shapes: int | None = None) -> tuple[list[TileState], float]:
        """The `count` saved tiles and the seconds spent on them, validated field by field; a file
        larger than a checkpoint of `shapes` shapes could be is refused unread."""
        doc = self._read(shapes)
        if doc is None:
            raise self._refuse("none to resume from (run without --resume to start afresh)")
        if doc.get("version") != CHECKPOINT_VERSION:
            raise self._refuse(f"version: this genart reads version {CHECKPOINT_VERSION}, got {doc.get('version')!r}")
        try:
            checked = CheckpointDocument.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise self._refuse(f"{_location(first['loc'])}: {first['msg']}") from None
        if len(checked.tiles) != count:
            raise self._refuse(f"has {len(checked.tiles)} tiles, expected {count}")
        return [TileState(t.params, t.colors, t.errors) for t in checked.tiles], checked.seconds

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _sides(family: int, polygon_sides: int) -> int:
    """The vertex count `shapes.random_shape` gives a family."""
    return polygon_sides if family == POLYGON else (3 if family in (TRIANGLE, BEZIER) else 4)


def _check_resumed(path: Path, tiles: list[TileState], quotas: list[int], settings: EvolveSettings) -> None:
    """EvolveError unless every resumed shape is one this run could have made, within its tile's quota."""
    families = set(shapes.kinds_for(settings.climb.shape).tolist())
    for i, (tile, quota) in enumerate(zip(tiles, quotas)):
        if len(tile.params) > quota:
            raise EvolveError(f"checkpoint {path}: tiles[{i}] holds {len(tile.params)} shapes, more than the {quota} "
                              f"that {settings.n} shapes give it")
        for k, p in enumerate(tile.params):
            where = f"checkpoint {path}: tiles[{i}].params[{k}]"
            if p[KIND] not in families:
                raise EvolveError(f"{where}: shape family {p[KIND]:g} is not one this run draws")
            if p[SIDES] != _sides(int(p[KIND]), settings.climb.sides):
                raise EvolveError(f"{where}: {p[SIDES]:g} sides, expected {_sides(int(p[KIND]), settings.climb.sides)}")
            if not 0.0 < p[ALPHA] <= 1.0:
                raise EvolveError(f"{where}: alpha {p[ALPHA]:g} is not in (0, 1]")


@dataclass
class Result:
    """The working-resolution target, the evolved tiles and the seam pass (tiled runs)."""

    target: np.ndarray
    background: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    tiles: list[TileState]
    seconds: float
    seams: TileState = field(default_factory=TileState)  # shapes in whole-picture working pixels
    interrupted: bool = False

    @property
    def states(self) -> list[TileState]:
        """What a checkpoint holds: the tiles, then (tiled runs) the seam pass."""
        return self.tiles + ([self.seams] if len(self.tiles) > 1 else [])

    @property
    def count(self) -> int:
        """Shapes evolved so far."""
        return sum(len(t.params) for t in self.states)

    @property
    def rmse(self) -> float:
        if self.seams.errors:
            errors = self.seams.errors[-1]
        else:
            errors = sum(t.errors[-1] if t.errors else _blank_error(self, i) for i, t in enumerate(self.tiles))
        return rmse_of(errors, self.target.size)


def rmse_of(sse: float, size: int) -> float:
    """RMSE on 0–255 of a squared error over `size` values in [0, 1] (prefix sums can dip a hair below 0)."""
    return float(np.sqrt(max(sse, 0.0) / size) * 255.0)


def _blank_error(result: Result, i: int) -> float:
    x0, y0, x1, y1 = result.boxes[i]
    return float(((result.target[y0:y1, x0:x1] - result.background) ** 2).sum())


def _quotas(n: int, count: int) -> list[int]:
    return [n // count + (1 if i < n % count else 0) for i in range(count)]


def _tiles_too_small(picture: Picture, tiles: tuple[int, int], w: int, h: int) -> str:
    """Why tiles of at least 2 x 2 pixels do not fit a w x h working size: a picture too thin for any (under 2
    working pixels across or high) is said as such, with its size; else the tiles are too many."""
    if min(w, h) >= 2:
        return f"tiles {tiles[0]}x{tiles[1]} are too small for a {w}x{h} working size"
    larger = min(picture.width, picture.height) * MAX_WORKING / max(picture.width, picture.height) >= 1.5
    return (f"{picture.name}: a {picture.width}x{picture.height} picture is too thin to fit shapes to: its aspect "
            f"gives a working size of {w}x{h}, under 2 pixels {'wide' if w < 2 else 'high'}; crop or pad it to a "
            f"less extreme aspect{f', or raise --resize (up to {MAX_WORKING})' if larger else ''}")


def evolve(
    picture: Picture,
    settings: EvolveSettings,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
    reporter: Reporter = SILENT,
    scheduler: str | None = None,
) -> Result:
    """Evolve shapes for a picture; see the module docstring. KeyboardInterrupt saves the
    checkpoint (if any), keeps it, and raises EvolveInterrupted with the result so far.
    `reporter` is told of the canvas every round (tiles) or shape, as it asks. Tiles run on
    the Dask scheduler `scheduler` (or $GENART_SCHEDULER), else on local processes; a job
    the cluster lost for good, or a local worker that died, saves the checkpoint and raises
    ExecutionError."""
    settings.check()
    if settings.resize is None and picture.width * picture.height > MAX_WORKING_PIXELS:
        raise EvolveError(f"picture {picture.width}x{picture.height} is too large to work on at full size")
    target = working(picture, settings.resize).target
    h, w = target.shape[:2]
    background = (np.asarray(settings.background, np.float64) if settings.background is not None
                  else _background(target, settings.climb.palette))
    boxes = tile_boxes(w, h, *settings.tiles)
    if any(x1 - x0 < 2 or y1 - y0 < 2 for x0, y0, x1, y1 in boxes):
        raise EvolveError(_tiles_too_small(picture, settings.tiles, w, h))
    quotas = _quotas(settings.n - settings.seam_shapes, len(boxes))
    result = Result(target, background, boxes, [TileState() for _ in boxes], 0.0)
    store = Checkpoint(checkpoint, settings.fingerprint(picture.sha256)) if checkpoint is not None else None
    earlier = 0.0
    if store is not None and resume:
        states, earlier = store.load(len(result.states), settings.n)
        _check_resumed(store.path, states, quotas + [settings.seam_shapes] * (len(boxes) > 1), settings)
        result.tiles = states[:len(boxes)]
        result.seams = states[len(boxes)] if len(boxes) > 1 else TileState()
    elif store is not None:
        store.claim()
    elif resume:
        raise EvolveError("--resume needs a checkpoint")
    started = time.perf_counter() - earlier  # a resumed run counts the seconds its checkpoint spent
    workers = min(settings.climb.workers, len(boxes))  # the cluster is reached (or not) before the bar shows
    execution = open_execution(workers if workers > 1 else 0, scheduler) if len(boxes) > 1 else None
    bar = tqdm(total=settings.n, initial=result.count, desc="evolve", unit="shape", disable=not progress,
               dynamic_ncols=True)
    try:
        if len(boxes) == 1:
            evo = _restore(target, background, settings, 0, result.tiles[0])
            _run_one(result, evo, result.tiles[0], settings.n, settings, store, bar, started, reporter)
        else:
            assert execution is not None
            _run_tiles(result, quotas, settings, store, bar, started, execution, reporter)
            execution.close()
            _run_one(result, _seam_evolution(result, settings), result.seams, settings.seam_shapes, settings, store,
                     bar, started, reporter)
    except KeyboardInterrupt as stop:
        result.interrupted = True
        for state in result.states:
            state.trim()
        if store:
            store.save(result.states, time.perf_counter() - started)
        result.seconds = time.perf_counter() - started
        raise EvolveInterrupted(result) from stop
    except ExecutionError as exc:
        if not store:
            raise
        store.save(result.states, time.perf_counter() - started)
        raise ExecutionError(f"{exc}; progress kept in {store.path}: run the same command with --resume to "
                             "continue") from None
    finally:
        bar.close()
        if execution is not None:
            execution.close(cancel=True)
    result.seconds = time.perf_counter() - started
    if store:
        store.remove()
    return result


def _background(target: np.ndarray, palette: tuple[tuple[float, float, float], ...]) -> np.ndarray:
    """The mean colour, or with a palette the palette colour nearest it (which fits best)."""
    mean = target.reshape(-1, 3).mean(axis=0)
    if not palette:
        return mean
    colors = np.asarray(palette, np.float64)
    return colors[int(np.argmin(((colors - mean) ** 2).sum(axis=1)))].copy()


def _stop(result: Result, settings: EvolveSettings, started: float, share: float = 1.0) -> bool:
    """Whether a stopping rule holds; `share` of --seconds is the time this phase may run until."""
    if settings.seconds is not None and time.perf_counter() - started >= settings.seconds * share:
        return True
    return settings.target_rmse is not None and result.rmse <= settings.target_rmse


def _run_one(result: Result, evo: Evolution, state: TileState, quota: int, settings: EvolveSettings,
             store: Checkpoint | None, bar: tqdm, started: float, reporter: Reporter = SILENT) -> None:
    """Grow one evolution in this process (threads share each search), checkpointing every 2 s."""
    pool = ThreadPoolExecutor(settings.climb.workers) if settings.climb.workers > 1 else None
    last_save = time.perf_counter()
    try:
        while len(evo.params) < quota and not _stop(result, settings, started):
            p, delta = evo.search(pool)
            if delta >= 0.0:
                break
            evo.add(p)
            state.params.append(p.tolist())
            state.colors.append(evo.colors[-1].tolist())
            state.errors.append(evo.error)
            bar.update(1)
            bar.set_postfix(rmse=f"{evo.rmse:.2f}", refresh=False)
            if reporter.due():
                reporter.report(_progress(result, settings, started, evo.rmse, evo.canvas.copy()))
            if store and time.perf_counter() - last_save > 2.0:
                store.save(result.states, time.perf_counter() - started)
                last_save = time.perf_counter()
    finally:
        if pool is not None:
            pool.shutdown()


def _run_tiles(result: Result, quotas: list[int], settings: EvolveSettings, store: Checkpoint | None, bar: tqdm,
               started: float, execution: Execution, reporter: Reporter = SILENT) -> None:
    """Grow the tiles in rounds of `chunk` shapes each (more for big quotas: fewer rounds to restore)."""
    chunk = max(4, -(-max(quotas) // 32))
    stuck = [False] * len(result.boxes)
    targets = [np.ascontiguousarray(result.target[y0:y1, x0:x1]) for x0, y0, x1, y1 in result.boxes]
    while not _stop(result, settings, started, 1.0 - SEAM_SHARE):
        todo = [i for i, t in enumerate(result.tiles) if len(t.params) < quotas[i] and not stuck[i]]
        if not todo:
            break
        wanted = {i: min(chunk, quotas[i] - len(result.tiles[i].params)) for i in todo}
        jobs = [(targets[i], result.background, settings, i, result.tiles[i], wanted[i]) for i in todo]
        last_save = time.perf_counter()
        with contextlib.closing(execution.stream(_grow_tile, jobs, len(jobs))) as finished:
            for k, grown in finished:
                i = todo[k]
                added = len(grown.params) - len(result.tiles[i].params)
                stuck[i] = added < wanted[i]
                result.tiles[i] = grown
                bar.update(added)
                if store and time.perf_counter() - last_save > 2.0:
                    store.save(result.states, time.perf_counter() - started)
                    last_save = time.perf_counter()
        bar.set_postfix(rmse=f"{result.rmse:.2f}", refresh=False)
        if reporter.due():
            reporter.report(_progress(result, settings, started, result.rmse, None))
        if store:
            store.save(result.states, time.perf_counter() - started)


def _progress(result: Result, settings: EvolveSettings, started: float, rmse: float,
              canvas: np.ndarray | None) -> Progress:
    """The run's state for a reporter: `canvas` (a copy) or, for tile rounds, the tiles drawn when asked."""
    tiled = len(result.boxes) > 1
    phase = "seams" if tiled and canvas is not None else "tiles" if tiled else "shapes"
    quotas = _quotas(settings.n - settings.seam_shapes, len(result.boxes))
    shares = tuple(len(t.params) / q for t, q in zip(result.tiles, quotas)) if tiled else ()
    drawn = list(result.tiles)  # rounds replace a tile's state, never change it
    picture = (lambda: canvas) if canvas is not None else (
        lambda: tiles_canvas(result.target, result.background, result.boxes, drawn))
    return Progress(phase, result.count, settings.n, "shape", time.perf_counter() - started, rmse, result.target,
                    picture, settings.seconds, settings.tiles, shares)


def tiles_canvas(target: np.ndarray, background: np.ndarray, boxes: list[tuple[int, int, int, int]],
                 tiles: list[TileState]) -> np.ndarray:
    """The tiles' shapes drawn on one canvas like `target`, each with its own colours."""
    canvas = np.empty_like(target)
    canvas[:] = background
    for (x0, y0, x1, y1), tile in zip(boxes, tiles):
        lines, pts, xs = shapes.buffers(y1 - y0)
        for p, rgb in zip(tile.params, tile.colors):
            n = shapes.scanlines(np.asarray(p), y1 - y0, x1 - x0, lines, pts, xs)
            shifted = lines[:n] + np.array([y0, x0, x0], np.int32)
            blend_scanlines(canvas, shifted, rgb[0], rgb[1], rgb[2], p[ALPHA])
    return canvas


def _seam_evolution(result: Result, settings: EvolveSettings) -> Evolution:
    """The seam pass's evolution: the tiles' shapes drawn on one canvas (with their own
    colours, so every pixel is as its tile drew it), then the seam shapes so far."""
    canvas = tiles_canvas(result.target, result.background, result.boxes, result.tiles)
    h, w = result.target.shape[:2]
    evo = Evolution(result.target, canvas, settings.climb, seam_bands(w, h, *settings.tiles), settings.seed,
                    len(result.boxes))
    for p in result.seams.params:
        evo.add(np.asarray(p))
    return evo


def tiles_scene(result: Result, picture: Picture, settings: EvolveSettings) -> S.Scene:
    """The evolved shapes as one scene in source-picture units: a snapshot per round of the
    tiles, then one per seam shape."""
    h, w = result.target.shape[:2]
    scale = working_scale(picture, w, h)
    order: list[tuple[int, int]] = []
    snapshots: list[S.Snapshot] = []
    longest = max((len(t.params) for t in result.tiles), default=0)
    for k in range(longest):
        sse = 0.0
        for i, tile in enumerate(result.tiles):
            if k < len(tile.params):
                order.append((i, k))
            sse += tile.errors[min(k, len(tile.errors) - 1)] if tile.errors else _blank_error(result, i)
        rmse = rmse_of(sse, result.target.size)
        snapshots.append(S.Snapshot(step=k + 1, loss=round(rmse, 4), prefix=len(order)))
    drawables = []
    for i, k in order:
        x0, y0 = result.boxes[i][:2]
        tile = result.tiles[i]
        drawables.append(shapes.to_drawable(np.asarray(tile.params[k]), np.asarray(tile.colors[k]), scale, x0, y0))
    for k, (p, rgb, sse) in enumerate(zip(result.seams.params, result.seams.colors, result.seams.errors)):
        drawables.append(shapes.to_drawable(np.asarray(p), np.asarray(rgb), scale))
        rmse = rmse_of(sse, result.target.size)
        snapshots.append(S.Snapshot(step=longest + k + 1, loss=round(rmse, 4), prefix=len(drawables)))
    red, green, blue = (float(v) for v in result.background)
    c = settings.climb
    meta = {"generator": "genart evolve", "method": "hillclimb", "shape": c.shape, "alpha": c.alpha,
            "tiles": f"{settings.tiles[0]}x{settings.tiles[1]}", "working_width": w, "working_height": h,
            "seed": settings.seed, "rmse": round(result.rmse, 4), "seconds": round(result.seconds, 3),
            "candidates": c.candidates, "max_age": c.max_age, "repeats": c.repeats}
    if len(result.tiles) > 1:
        meta["seam_shapes"] = len(result.seams.params)
    if c.palette:
        meta["palette"] = ",".join(hex_colors(c.palette))
    if result.interrupted:
        meta.update(interrupted=True, shapes=result.count, shapes_asked=settings.n)
    return S.Scene(
        canvas=S.Canvas(width=picture.width, height=picture.height, background=(red, green, blue, 1.0)),
        source=S.Source(name=picture.name, sha256=picture.sha256),
        meta=meta,
        layers=[S.ShapesLayer(name="shapes", shapes=drawables)],
        snapshots=snapshots,
    )
