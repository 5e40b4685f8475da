"""The hill-climb over a whole picture: tiles, rounds, stopping rules, checkpoints, the scene.

The picture is resized to a working resolution and cut into a grid of tiles. Each tile is
an independent greedy evolution (`generative.hillclimb`) with its own stream of random
numbers; tiles advance in rounds of a few shapes, in parallel processes, and after each
round the state is checkpointed, so an interrupted run resumes where it stopped and ends
exactly as an uninterrupted one. Tiles keep their shapes inside their own rectangle, so
they merge into one scene without seams.
"""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from generative import shapes
from generative.hillclimb import ClimbSettings, Evolution
from generative.images import Picture, working, working_scale
from renderers import scene as S
from renderers.atomic import atomic_write_bytes

MAX_WORKING_PIXELS = 4096 * 4096
MAX_SHAPES = 1_000_000


class EvolveError(ValueError):
    """Settings or a checkpoint that cannot be used; the message is one line."""


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


def tile_boxes(width: int, height: int, cols: int, rows: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of a cols × rows grid, row-major."""
    xs = np.linspace(0, width, cols + 1).round().astype(int)
    ys = np.linspace(0, height, rows + 1).round().astype(int)
    return [(int(xs[c]), int(ys[r]), int(xs[c + 1]), int(ys[r + 1])) for r in range(rows) for c in range(cols)]


def _bounds(width: int, height: int, tiled: bool) -> np.ndarray:
    scale = max(width, height) / 256.0
    return np.array([0.0, 0.0, width, height, 0.0 if tiled else 16.0 * scale, scale])


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


class Checkpoint:
    """The run's tile states, saved atomically as JSON after every round."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path, self.fingerprint = path, fingerprint

    def save(self, tiles: list[TileState]) -> None:
        doc = {"format": "genart.checkpoint", "version": 1, "fingerprint": self.fingerprint,
               "tiles": [asdict(t) for t in tiles]}
        atomic_write_bytes(self.path, json.dumps(doc).encode())

    def load(self, count: int) -> list[TileState]:
        try:
            doc = json.loads(self.path.read_text())
            if doc.get("format") != "genart.checkpoint" or doc.get("version") != 1:
                raise EvolveError(f"checkpoint {self.path}: not a genart checkpoint")
            if doc.get("fingerprint") != self.fingerprint:
                raise EvolveError(f"checkpoint {self.path}: made from another picture or other settings")
            tiles = [TileState(t["params"], t["colors"], t["errors"]) for t in doc["tiles"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if isinstance(exc, EvolveError):
                raise
            raise EvolveError(f"checkpoint {self.path}: unreadable ({exc})") from None
        if len(tiles) != count:
            raise EvolveError(f"checkpoint {self.path}: has {len(tiles)} tiles, expected {count}")
        return tiles

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass
class Result:
    """The working-resolution target and the evolved tiles."""

    target: np.ndarray
    background: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    tiles: list[TileState]
    seconds: float

    @property
    def rmse(self) -> float:
        errors = sum(t.errors[-1] if t.errors else _blank_error(self, i) for i, t in enumerate(self.tiles))
        return float(np.sqrt(errors / self.target.size) * 255.0)


def _blank_error(result: Result, i: int) -> float:
    x0, y0, x1, y1 = result.boxes[i]
    return float(((result.target[y0:y1, x0:x1] - result.background) ** 2).sum())


def _quotas(n: int, count: int) -> list[int]:
    return [n // count + (1 if i < n % count else 0) for i in range(count)]


def evolve(
    picture: Picture,
    settings: EvolveSettings,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> Result:
    """Evolve shapes for a picture; see the module docstring."""
    settings.check()
    if settings.resize is None and picture.width * picture.height > MAX_WORKING_PIXELS:
        raise EvolveError(f"picture {picture.width}x{picture.height} is too large to work on at full size")
    target = working(picture, settings.resize).target
    h, w = target.shape[:2]
    background = (np.asarray(settings.background, np.float64) if settings.background is not None
                  else target.reshape(-1, 3).mean(axis=0))
    boxes = tile_boxes(w, h, *settings.tiles)
    if any(x1 - x0 < 2 or y1 - y0 < 2 for x0, y0, x1, y1 in boxes):
        raise EvolveError(f"tiles {settings.tiles[0]}x{settings.tiles[1]} are too small for a {w}x{h} working size")
    quotas = _quotas(settings.n, len(boxes))
    store = Checkpoint(checkpoint, settings.fingerprint(picture.sha256)) if checkpoint else None
    tiles = store.load(len(boxes)) if (store and resume and checkpoint.exists()) else [TileState() for _ in boxes]
    result = Result(target, background, boxes, tiles, 0.0)
    targets = [np.ascontiguousarray(target[y0:y1, x0:x1]) for x0, y0, x1, y1 in boxes]
    started = time.perf_counter()
    done = sum(len(t.params) for t in tiles)
    bar = tqdm(total=settings.n, initial=done, desc="evolve", unit="shape", disable=not progress, dynamic_ncols=True)
    workers = min(settings.climb.workers, len(boxes))
    pool = ProcessPoolExecutor(workers) if len(boxes) > 1 and workers > 1 else None
    try:
        if len(boxes) == 1:
            _run_single(result, targets[0], settings, store, bar, started)
        else:
            _run_tiles(result, targets, quotas, settings, store, bar, started, pool)
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result.seconds = time.perf_counter() - started
    if store:
        store.remove()
    return result


def _stop(result: Result, settings: EvolveSettings, started: float) -> bool:
    if settings.seconds is not None and time.perf_counter() - started >= settings.seconds:
        return True
    return settings.target_rmse is not None and result.rmse <= settings.target_rmse


def _run_single(result: Result, target: np.ndarray, settings: EvolveSettings, store: Checkpoint | None,
                bar: tqdm, started: float) -> None:
    state = result.tiles[0]
    evo = _restore(target, result.background, settings, 0, state)
    pool = ThreadPoolExecutor(settings.climb.workers) if settings.climb.workers > 1 else None
    last_save = time.perf_counter()
    try:
        while len(evo.params) < settings.n and not _stop(result, settings, started):
            p, delta = evo.search(pool)
            if delta >= 0.0:
                break
            evo.add(p)
            state.params.append(p.tolist())
            state.colors.append(evo.colors[-1].tolist())
            state.errors.append(evo.error)
            bar.update(1)
            bar.set_postfix(rmse=f"{evo.rmse:.2f}", refresh=False)
            if store and time.perf_counter() - last_save > 2.0:
                store.save(result.tiles)
                last_save = time.perf_counter()
    except KeyboardInterrupt:
        if store:
            store.save(result.tiles)
        raise
    finally:
        if pool is not None:
            pool.shutdown()


def _run_tiles(result: Result, targets: list[np.ndarray], quotas: list[int], settings: EvolveSettings,
               store: Checkpoint | None, bar: tqdm, started: float, pool: Executor | None) -> None:
    chunk = 4
    stuck = [False] * len(targets)
    try:
        while not _stop(result, settings, started):
            todo = [i for i, t in enumerate(result.tiles) if len(t.params) < quotas[i] and not stuck[i]]
            if not todo:
                break
            wanted = {i: min(chunk, quotas[i] - len(result.tiles[i].params)) for i in todo}
            jobs = {i: (targets[i], result.background, settings, i, result.tiles[i], wanted[i]) for i in todo}
            if pool is None:
                grown = {i: _grow_tile(*job) for i, job in jobs.items()}
            else:
                futures = {i: pool.submit(_grow_tile, *job) for i, job in jobs.items()}
                grown = {i: future.result() for i, future in futures.items()}
            for i in todo:
                added = len(grown[i].params) - len(result.tiles[i].params)
                stuck[i] = added < wanted[i]
                result.tiles[i] = grown[i]
                bar.update(added)
            bar.set_postfix(rmse=f"{result.rmse:.2f}", refresh=False)
            if store:
                store.save(result.tiles)
    except KeyboardInterrupt:
        if store:
            store.save(result.tiles)
        raise


def tiles_scene(result: Result, picture: Picture, settings: EvolveSettings) -> S.Scene:
    """The evolved tiles' shapes as one scene in source-picture units, with a snapshot per round."""
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
        rmse = float(np.sqrt(sse / result.target.size) * 255.0)
        snapshots.append(S.Snapshot(step=k + 1, loss=round(rmse, 4), prefix=len(order)))
    drawables = []
    for i, k in order:
        x0, y0 = result.boxes[i][:2]
        tile = result.tiles[i]
        drawables.append(shapes.to_drawable(np.asarray(tile.params[k]), np.asarray(tile.colors[k]), scale, x0, y0))
    bg = tuple(float(v) for v in result.background)
    c = settings.climb
    meta = {"generator": "genart evolve", "method": "hillclimb", "shape": c.shape, "alpha": c.alpha,
            "tiles": f"{settings.tiles[0]}x{settings.tiles[1]}", "working_width": w, "working_height": h,
            "seed": settings.seed, "rmse": round(result.rmse, 4), "seconds": round(result.seconds, 3),
            "candidates": c.candidates, "max_age": c.max_age, "repeats": c.repeats}
    return S.Scene(
        canvas=S.Canvas(width=w * scale, height=h * scale, background=(*bg, 1.0)),
        source=S.Source(name=picture.name, sha256=picture.sha256),
        meta=meta,
        layers=[S.ShapesLayer(name="shapes", shapes=drawables)],
        snapshots=snapshots,
    )
