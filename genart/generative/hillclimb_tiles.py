"""The hill-climb over a whole picture: tiles, rounds, stopping rules, checkpoints, the scene.

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
from genart.generative.figures import ALPHA_AUTO, FIT
from genart.generative.hillclimb import ClimbSettings, Evolution, paint
from genart.generative.images import MAX_WORKING, Picture, composites, working, working_scale
from genart.generative.palette import hex_colors
from genart.generative.shapes.layout import ALPHA, KIND, SIDES, SIZE
from genart.generative.shapes.registry import FAMILIES, kinds_for
from genart.render import scene as S
from genart.render.atomic import atomic_write_bytes
from genart.runtime.execution import Execution, ExecutionError, open_execution
from genart.runtime.progress import SILENT, Progress, Reporter

MAX_WORKING_PIXELS = 4096 * 4096
MAX_SHAPES = 1_000_000
CHECKPOINT_FORMAT: Final = "genart.checkpoint"
CHECKPOINT_VERSION: Final = 2
MAX_CHECKPOINT_BYTES = 256 * 2**20  # a larger file is no checkpoint of ours and is not read
CHECKPOINT_BYTES_PER_SHAPE = 4096  # a resumed checkpoint holds at most this (and 1 MiB) per shape the run asks for
MAX_REACH = 1_000_000.0  # no shape parameter (working pixels, radians) lies further from 0
REACH = 0.45  # of a neighbouring tile's width (height): how far a tile's shapes may reach into it; under a half
MARGINS = 64  # margins between half and all of a tile's reach, its shapes taking them in turn
CLASSES = 4  # tiles of one class (column and row parity) are never neighbours
ROUNDS = 16  # a tile's quota is fitted in about this many rounds (at least 4 shapes each)

Box = tuple[int, int, int, int]


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
        if self.n < cols * rows:
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
    def quotas(self) -> list[int]:
        """Shapes of each tile (row-major): n shared out, the first tiles one more."""
        count = self.tiles[0] * self.tiles[1]
        return [self.n // count + (1 if i < self.n % count else 0) for i in range(count)]

    @property
    def chunk(self) -> int:
        """Shapes a tile adds in a round."""
        return max(4, -(-max(self.quotas) // ROUNDS))

    def fingerprint(self, source_sha: str, with_alpha: bool = False) -> str:
        """Identifies what a checkpoint continues: the picture (and whether its alpha is fitted) and every
        setting but the stops."""
        keep = asdict(self)
        for stop in ("n", "target_rmse", "seconds"):
            keep.pop(stop)
        keep["climb"].pop("workers")
        keep["with_alpha"] = with_alpha
        return hashlib.sha256(json.dumps([source_sha, keep], sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class TileState:
    """Shapes of one tile so far: parameter vectors (reach-box pixels), colours, the change in the
    picture's squared error each made, and whether its search ran out (found no shape that lowers it)."""

    params: list[list[float]] = field(default_factory=list)
    colors: list[list[float]] = field(default_factory=list)
    deltas: list[float] = field(default_factory=list)
    stuck: bool = False

    def trim(self) -> None:
        """Cut the lists to their common length (after an interrupt between appends)."""
        keep = min(len(self.params), len(self.colors), len(self.deltas))
        del self.params[keep:], self.colors[keep:], self.deltas[keep:]


def tile_boxes(width: int, height: int, cols: int, rows: int) -> list[Box]:
    """Pixel boxes (x0, y0, x1, y1) of a cols × rows grid, row-major."""
    xs = np.linspace(0, width, cols + 1).round().astype(int)
    ys = np.linspace(0, height, rows + 1).round().astype(int)
    return [(int(xs[c]), int(ys[r]), int(xs[c + 1]), int(ys[r + 1])) for r in range(rows) for c in range(cols)]


def reach_boxes(width: int, height: int, cols: int, rows: int) -> list[Box]:
    """Where each tile's shapes may reach: its box grown into each neighbour by REACH of the neighbour's size
    (whole pixels, rounded down), row-major; a 1x1 grid's is the picture. Two tiles of a class are two
    tiles apart, so theirs never overlap."""
    boxes = tile_boxes(width, height, cols, rows)
    xs = [boxes[c][0] for c in range(cols)] + [width]
    ys = [boxes[r * cols][1] for r in range(rows)] + [height]
    grown = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        c, r = i % cols, i // cols
        left = int(REACH * (xs[c] - xs[c - 1])) if c > 0 else 0
        right = int(REACH * (xs[c + 2] - xs[c + 1])) if c + 1 < cols else 0
        up = int(REACH * (ys[r] - ys[r - 1])) if r > 0 else 0
        down = int(REACH * (ys[r + 2] - ys[r + 1])) if r + 1 < rows else 0
        grown.append((x0 - left, y0 - up, x1 + right, y1 + down))
    return grown


def tile_classes(cols: int, rows: int) -> list[int]:
    """Each tile's class, 0..3, by the parity of its column and row (row-major)."""
    return [(c % 2) + 2 * (r % 2) for r in range(rows) for c in range(cols)]


def tile_bounds(box: Box, reach: Box, scale: float, width: int, height: int) -> np.ndarray:
    """A tile's search bounds in its reach box's pixels: its box, with MARGINS margins from half to all of the
    smallest reach it has into a neighbour (one row per margin, its shapes taking them in turn). A 1x1 grid's shapes may reach 16 px (at
    256 px) past the picture, as an untiled fit's always could."""
    x0, y0, x1, y1 = box
    rx0, ry0, rx1, ry1 = reach
    inner = [x0 - rx0, y0 - ry0, rx1 - x1, ry1 - y1]
    sides = [m for m, edge in zip(inner, (x0 > 0, y0 > 0, x1 < width, y1 < height)) if edge]
    local = [x0 - rx0, y0 - ry0, x1 - rx0, y1 - ry0]
    if not sides:
        return np.array([[*local, 16.0 * scale, scale]])
    reach_px = float(min(sides))
    return np.array([[*local, reach_px * (MARGINS + k + 1) / (2 * MARGINS), scale] for k in range(MARGINS)])


def paint_order(counts: list[int], chunk: int, classes: list[int]) -> list[tuple[int, int]]:
    """(tile, shape) in the order the shapes were fitted: round by round (`chunk` shapes a tile), class by
    class, tile by tile; a tile's shapes in a round are those of indices round·chunk onwards."""
    rounds = max((-(-count // chunk) for count in counts), default=0)
    order = []
    for r in range(rounds):
        for cls in range(CLASSES):
            for i, count in enumerate(counts):
                if classes[i] == cls:
                    order += [(i, k) for k in range(r * chunk, min((r + 1) * chunk, count))]
    return order


def paint_shapes(canvas: np.ndarray, reach: Box, tile: TileState, first: int = 0, last: int | None = None) -> None:
    """Draw a tile's shapes `first` to `last` (default: all from `first` on) on the picture's canvas, in place,
    clipped to its reach box as its job's canvas clipped them."""
    x0, y0, x1, y1 = reach
    view = canvas[y0:y1, x0:x1]
    lines, pts, xs = shapes.buffers(y1 - y0)
    for p, rgb in zip(tile.params[first:last], tile.colors[first:last]):
        n = shapes.scanlines(np.asarray(p), y1 - y0, x1 - x0, lines, pts, xs)
        paint(view, lines[:n], np.asarray(rgb), p[ALPHA])


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


Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class TileDocument(BaseModel):
    """One tile in a checkpoint file: as many parameter vectors, colours and error changes, and whether its
    search ran out."""

    model_config = ConfigDict(extra="forbid", strict=True)

    params: list[Annotated[list[Annotated[float, Field(ge=-MAX_REACH, le=MAX_REACH, allow_inf_nan=False)]],
                           Field(min_length=SIZE, max_length=SIZE)]]
    colors: list[Annotated[list[Unit], Field(min_length=3, max_length=3)]]
    deltas: list[Finite]
    stuck: bool = False

    @model_validator(mode="after")
    def _same_lengths(self) -> TileDocument:
        if not len(self.params) == len(self.colors) == len(self.deltas):
            raise ValueError(f"{len(self.params)} shapes, {len(self.colors)} colours and {len(self.deltas)} error "
                             "changes (they must agree)")
        return self


class CheckpointDocument(BaseModel):
    """A checkpoint file: format tag, settings fingerprint, seconds spent so far, the round size, the tiles."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["genart.checkpoint"]
    version: Literal[2]
    fingerprint: str
    seconds: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    chunk: Annotated[int, Field(ge=1, le=MAX_SHAPES)]  # shapes a tile adds in a round: fixes the order shapes are drawn in
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

    def save(self, tiles: list[TileState], seconds: float, chunk: int) -> None:
        doc = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "fingerprint": self.fingerprint,
               "seconds": seconds, "chunk": chunk, "tiles": [asdict(t) for t in tiles]}
        atomic_write_bytes(self.path, json.dumps(doc).encode())

    def load(self, count: int, shapes: int | None = None) -> tuple[list[TileState], float, int]:
        """The `count` saved tiles, the seconds spent on them and the round size they were fitted in,
        validated field by field; a file larger than a checkpoint of `shapes` shapes could be is refused
        unread."""
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
        return [TileState(t.params, t.colors, t.deltas, t.stuck) for t in checked.tiles], checked.seconds, checked.chunk

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _check_resumed(path: Path, tiles: list[TileState], quotas: list[int], settings: EvolveSettings) -> None:
    """EvolveError unless every resumed shape is one this run could have made, within its tile's quota."""
    families = set(kinds_for(settings.climb.shape).tolist())
    for i, (tile, quota) in enumerate(zip(tiles, quotas)):
        if len(tile.params) > quota:
            raise EvolveError(f"checkpoint {path}: tiles[{i}] holds {len(tile.params)} shapes, more than the {quota} "
                              f"that {settings.n} shapes give it")
        for k, p in enumerate(tile.params):
            where = f"checkpoint {path}: tiles[{i}].params[{k}]"
            if p[KIND] not in families:
                raise EvolveError(f"{where}: shape family {p[KIND]:g} is not one this run draws")
            sides = FAMILIES[int(p[KIND])].sides_for(settings.climb.sides)
            if p[SIDES] != sides:
                raise EvolveError(f"{where}: {p[SIDES]:g} sides, expected {sides}")
            if not 0.0 < p[ALPHA] <= 1.0:
                raise EvolveError(f"{where}: alpha {p[ALPHA]:g} is not in (0, 1]")


@dataclass
class Result:
    """The working-resolution target (over black and over white, with alpha) and the evolved tiles."""

    target: np.ndarray
    background: np.ndarray  # the canvas's first pixel: a colour, or black then white (with alpha)
    boxes: list[Box]
    reaches: list[Box]
    tiles: list[TileState]
    chunk: int
    classes: list[int]
    seconds: float
    blank: float = 0.0  # squared error of the canvas before any shape
    interrupted: bool = False

    @property
    def states(self) -> list[TileState]:
        """What a checkpoint holds: the tiles."""
        return self.tiles

    @property
    def with_alpha(self) -> bool:
        """Whether this is a fit with alpha (two layers: over black, over white)."""
        return self.target.shape[2] == 6

    @property
    def count(self) -> int:
        """Shapes evolved so far."""
        return sum(len(t.params) for t in self.tiles)

    def order(self) -> list[tuple[int, int]]:
        """(tile, shape) in the order they were fitted and are drawn (`paint_order`)."""
        return paint_order([len(t.params) for t in self.tiles], self.chunk, self.classes)

    @property
    def rmse(self) -> float:
        """The fit's RMSE (0–255, over every channel, at pixel centres) with every shape so far."""
        return rmse_of(self.blank + sum(sum(t.deltas) for t in self.tiles), self.target.size)

    def canvas(self) -> np.ndarray:
        """The canvas every shape so far is drawn on, in their order."""
        canvas = np.empty_like(self.target)
        canvas[:] = self.background
        order = self.order()
        start = 0
        for end in range(1, len(order) + 1):  # each run of one tile's shapes drawn at once
            if end == len(order) or order[end][0] != order[start][0]:
                i = order[start][0]
                paint_shapes(canvas, self.reaches[i], self.tiles[i], order[start][1], order[end - 1][1] + 1)
                start = end
        return canvas


def rmse_of(sse: float, size: int) -> float:
    """RMSE on 0–255 of a squared error over `size` values in [0, 1] (sums of changes can dip a hair below 0)."""
    return float(np.sqrt(max(sse, 0.0) / size) * 255.0)


def shown(canvas: np.ndarray) -> np.ndarray:
    """The RGB a canvas shows: itself, or (with alpha) its layer over white."""
    return canvas[..., -3:]


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
    """Evolve shapes for a picture; see the module docstring. A picture with `alpha` is fitted with alpha
    (its background must then be left to the fit). KeyboardInterrupt saves the checkpoint (if any), keeps it,
    and raises EvolveInterrupted with the result so far. `reporter` is told of the canvas every class's turn
    (tiles) or shape, as it asks. Tiles run on the Dask scheduler `scheduler` (or $GENART_SCHEDULER), else on
    local processes; a job the cluster lost for good, or a local worker that died, saves the checkpoint and
    raises ExecutionError."""
    settings.check()
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
    else:
        background = _background(target, settings.climb.palette)
    boxes = tile_boxes(w, h, *settings.tiles)
    if any(x1 - x0 < 2 or y1 - y0 < 2 for x0, y0, x1, y1 in boxes):
        raise EvolveError(_tiles_too_small(picture, settings.tiles, w, h))
    quotas = settings.quotas
    result = Result(target, background, boxes, reach_boxes(w, h, *settings.tiles), [TileState() for _ in boxes],
                    settings.chunk, tile_classes(*settings.tiles), 0.0,
                    float(((target - background) ** 2).sum()))
    store = (Checkpoint(checkpoint, settings.fingerprint(picture.sha256, with_alpha)) if checkpoint is not None
             else None)
    earlier = 0.0
    if store is not None and resume:
        states, earlier, result.chunk = store.load(len(boxes), settings.n)
        _check_resumed(store.path, states, quotas, settings)
        result.tiles = states
    elif store is not None:
        store.claim()
    elif resume:
        raise EvolveError("--resume needs a checkpoint")
    started = time.perf_counter() - earlier  # a resumed run counts the seconds its checkpoint spent
    workers = min(settings.climb.workers, len(boxes))  # the cluster is reached (or not) before the bar shows
    execution = open_execution(workers if workers > 1 else 0, scheduler) if len(boxes) > 1 else None
    bar = tqdm(total=settings.n, initial=result.count, desc="evolve", unit="shape", disable=not progress,
               dynamic_ncols=True)
    canvas = result.canvas()
    try:
        if len(boxes) == 1:
            _run_one(result, canvas, settings, store, bar, started, reporter)
        else:
            assert execution is not None
            _run_tiles(result, canvas, settings, store, bar, started, execution, reporter)
    except KeyboardInterrupt as stop:
        result.interrupted = True
        for state in result.states:
            state.trim()
        if store:
            store.save(result.states, time.perf_counter() - started, result.chunk)
        result.seconds = time.perf_counter() - started
        raise EvolveInterrupted(result) from stop
    except ExecutionError as exc:
        if not store:
            raise
        store.save(result.states, time.perf_counter() - started, result.chunk)
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


def _stop(result: Result, settings: EvolveSettings, started: float) -> bool:
    """Whether a stopping rule holds."""
    if settings.seconds is not None and time.perf_counter() - started >= settings.seconds:
        return True
    return settings.target_rmse is not None and result.rmse <= settings.target_rmse


def _run_one(result: Result, canvas: np.ndarray, settings: EvolveSettings, store: Checkpoint | None, bar: tqdm,
             started: float, reporter: Reporter = SILENT) -> None:
    """Grow an untiled evolution in this process (threads share each search), checkpointing every 2 s."""
    state = result.tiles[0]
    h, w = result.target.shape[:2]
    bounds = tile_bounds(result.boxes[0], result.reaches[0], max(w, h) / 256.0, w, h)
    evo = Evolution(result.target, canvas, settings.climb, bounds, settings.seed, 0, len(state.params))
    pool = ThreadPoolExecutor(settings.climb.workers) if settings.climb.workers > 1 else None
    last_save = time.perf_counter()
    try:
        while len(state.params) < settings.n and not state.stuck and not _stop(result, settings, started):
            p, delta = evo.search(pool)
            if delta >= 0.0:
                state.stuck = True
                break
            evo.add(p)
            state.params.append(p.tolist())
            state.colors.append(evo.colors[-1].tolist())
            state.deltas.append(evo.deltas[-1])
            bar.update(1)
            bar.set_postfix({FIT: f"{result.rmse:.2f}"}, refresh=False)
            if reporter.due():
                reporter.report(_progress(result, settings, started, evo.canvas.copy()))
            if store and time.perf_counter() - last_save > 2.0:
                store.save(result.states, time.perf_counter() - started, result.chunk)
                last_save = time.perf_counter()
    finally:
        if pool is not None:
            pool.shutdown()


def _run_tiles(result: Result, canvas: np.ndarray, settings: EvolveSettings, store: Checkpoint | None, bar: tqdm,
               started: float, execution: Execution, reporter: Reporter = SILENT) -> None:
    """Grow the tiles in rounds of `chunk` shapes a tile, the classes in turn (see the module docstring),
    drawing each finished job on `canvas`."""
    h, w = result.target.shape[:2]
    scale = max(w, h) / 256.0
    quotas, chunk = settings.quotas, result.chunk
    bounds = [tile_bounds(box, reach, scale, w, h) for box, reach in zip(result.boxes, result.reaches)]
    targets = [np.ascontiguousarray(result.target[y0:y1, x0:x1]) for x0, y0, x1, y1 in result.reaches]
    while True:
        active = [i for i, t in enumerate(result.tiles) if len(t.params) < quotas[i] and not t.stuck]
        if not active or _stop(result, settings, started):
            return
        round_ = min(len(result.tiles[i].params) // chunk for i in active)
        for cls in range(CLASSES):
            todo = [i for i in active if result.classes[i] == cls
                    and len(result.tiles[i].params) < min(quotas[i], (round_ + 1) * chunk)]
            if not todo:
                continue
            if _stop(result, settings, started):
                return
            _turn(result, canvas, todo, targets, bounds, quotas, round_, settings, store, bar, started, execution)
            bar.set_postfix({FIT: f"{result.rmse:.2f}"}, refresh=False)
            if reporter.due():
                reporter.report(_progress(result, settings, started, canvas.copy()))
            if store:
                store.save(result.states, time.perf_counter() - started, result.chunk)


def _turn(result: Result, canvas: np.ndarray, todo: list[int], targets: list[np.ndarray], bounds: list[np.ndarray],
          quotas: list[int], round_: int, settings: EvolveSettings, store: Checkpoint | None, bar: tqdm,
          started: float, execution: Execution) -> None:
    """One class's turn in a round: its tiles `todo` fitted at once, each drawn on `canvas` as it comes."""
    threads = 1 if execution.distributed else max(1, settings.climb.workers // len(todo))
    jobs = []
    for i in todo:
        x0, y0, x1, y1 = result.reaches[i]
        first = len(result.tiles[i].params)
        wanted = min(quotas[i], (round_ + 1) * result.chunk) - first
        jobs.append((targets[i], np.ascontiguousarray(canvas[y0:y1, x0:x1]), settings.climb, bounds[i],
                     settings.seed, i, first, wanted, threads))
    last_save = time.perf_counter()
    with contextlib.closing(execution.stream(_grow_tile, jobs, len(jobs))) as finished:
        for k, grown in finished:
            i = todo[k]
            tile = result.tiles[i]
            first = len(tile.params)
            tile.params += grown.params
            tile.colors += grown.colors
            tile.deltas += grown.deltas
            tile.stuck = grown.stuck
            paint_shapes(canvas, result.reaches[i], tile, first)
            bar.update(len(grown.params))
            if store and time.perf_counter() - last_save > 2.0:
                store.save(result.states, time.perf_counter() - started, result.chunk)
                last_save = time.perf_counter()


def _progress(result: Result, settings: EvolveSettings, started: float, canvas: np.ndarray) -> Progress:
    """The run's state for a reporter, with a copy of the canvas it shows."""
    tiled = len(result.boxes) > 1
    shares = tuple(len(t.params) / q for t, q in zip(result.tiles, settings.quotas)) if tiled else ()
    picture = shown(canvas)
    return Progress("tiles" if tiled else "shapes", result.count, settings.n, "shape", time.perf_counter() - started,
                    result.rmse, shown(result.target), lambda: picture, settings.seconds, settings.tiles, shares)


def tiles_scene(result: Result, picture: Picture, settings: EvolveSettings) -> S.Scene:
    """The evolved shapes as one scene in source-picture units, in the order they were fitted, with a
    snapshot after each shape (its fit RMSE). A fit with alpha has a transparent background."""
    h, w = result.target.shape[:2]
    scale = working_scale(picture, w, h)
    drawables = []
    snapshots = []
    sse = result.blank
    for step, (i, k) in enumerate(result.order(), 1):
        x0, y0 = result.reaches[i][:2]
        tile = result.tiles[i]
        drawables.append(shapes.to_drawable(np.asarray(tile.params[k]), np.asarray(tile.colors[k]), scale, x0, y0))
        sse += tile.deltas[k]
        snapshots.append(S.Snapshot(step=step, loss=round(rmse_of(sse, result.target.size), 4), prefix=step))
    c = settings.climb
    meta: dict[str, Any] = {
        "generator": "genart evolve", "method": "hillclimb", "shape": c.shape, "alpha": c.alpha or ALPHA_AUTO,
        "tiles": f"{settings.tiles[0]}x{settings.tiles[1]}", "working_width": w, "working_height": h,
        "seed": settings.seed, "fit_rmse": round(result.rmse, 4), "seconds": round(result.seconds, 3),
        "candidates": c.candidates, "max_age": c.max_age, "repeats": c.repeats}
    if result.with_alpha:
        meta["fitted"] = "with alpha (over black and over white)"
    if c.palette:
        meta["palette"] = ",".join(hex_colors(c.palette))
    if result.interrupted:
        meta.update(interrupted=True, shapes=result.count, shapes_asked=settings.n)
    red, green, blue = (float(v) for v in result.background[:3])
    background = (0.0, 0.0, 0.0, 0.0) if result.with_alpha else (red, green, blue, 1.0)
    return S.Scene(
        canvas=S.Canvas(width=picture.width, height=picture.height, background=background),
        source=S.Source(name=picture.name, sha256=picture.sha256),
        meta=meta,
        layers=[S.ShapesLayer(name="shapes", shapes=drawables)],
        snapshots=snapshots,
    )


def warm_up() -> None:
    """Compile every kernel a fit uses (a tiled, an untiled and a fit with alpha of a tiny picture), so numba's
    cache holds them; a first run does it once, about 20 s."""
    rgb = (np.arange(16 * 16 * 3).reshape(16, 16, 3) % 251).astype(np.uint8)
    cover = np.full((16, 16), 255, np.uint8)
    cover[:, :4] = 0
    quick = ClimbSettings(candidates=2, max_age=1, repeats=1)
    for tiles, alpha in (((1, 1), None), ((2, 2), None), ((2, 1), cover)):
        evolve(Picture(rgb, "warm-up", "0" * 64, alpha), EvolveSettings(n=4, climb=quick, tiles=tiles, resize=None),
               progress=False)
