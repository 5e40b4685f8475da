"""The classic baseline: N polygons per tile as one flat vector, fitted by dual annealing.

As in the "Oddly Satisfying Visuals" write-up: each tile's polygons are encoded as one
vector in [0, 1] (vertices relative to the tile, then RGBA), decoded, rendered, scored by
the squared error, and optimized jointly with `scipy.optimize.dual_annealing`; tiles run
in parallel processes with derived seeds, and each tile's best vector is recorded every
`snapshot_every` evaluations for the time-lapse.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numba
import numpy as np
from scipy.optimize import dual_annealing

from genart.generative.images import Picture, working, working_scale
from genart.generative.tiling import tile_boxes
from genart.render import scene as S
from genart.render.fields import rgba
from genart.render.scanlines import blend_scanlines
from genart.render.scanlines.polygon import polygon_scanlines_into
from genart.runtime.execution import open_execution


@dataclass(frozen=True)
class AnnealSettings:
    """Polygons per tile, their vertex count, the evaluation budget per tile, and the grid."""

    polygons: int = 12
    sides: int = 3
    evaluations: int = 20_000
    tiles: tuple[int, int] = (4, 4)
    resize: int = 256
    seed: int = 0
    seconds: float | None = None
    snapshot_every: int = 2_000
    workers: int = 1


@numba.njit(cache=True, nogil=True)
def draw_vector(vec: np.ndarray, n: int, k: int, canvas: np.ndarray) -> None:
    """Decode polygons from `vec` (per polygon: k (x, y) pairs in [0, 1], then RGBA) and draw them."""
    h, w = canvas.shape[:2]
    pts = np.empty((k, 2))
    xs = np.empty(k)
    lines = np.empty((h * (k // 2 + 1), 3), np.int32)
    per = 2 * k + 4
    for i in range(n):
        base = i * per
        for j in range(k):
            pts[j, 0] = vec[base + 2 * j] * w
            pts[j, 1] = vec[base + 2 * j + 1] * h
        m = polygon_scanlines_into(pts, h, w, lines, xs)
        c = base + 2 * k
        blend_scanlines(canvas, lines[:m], vec[c], vec[c + 1], vec[c + 2], vec[c + 3])


@numba.njit(cache=True, nogil=True)
def vector_error(vec: np.ndarray, n: int, k: int, target: np.ndarray, background: np.ndarray) -> float:
    """Squared error of the decoded polygons drawn over the background."""
    canvas = np.empty_like(target)
    canvas[:] = background
    draw_vector(vec, n, k, canvas)
    return float(((canvas - target) ** 2).sum())


def anneal_tile(target: np.ndarray, background: np.ndarray, settings: AnnealSettings, tile: int,
                started: float) -> tuple[np.ndarray, float, list[np.ndarray]]:
    """Fit one tile; returns the best vector, its squared error, and the recorded history."""
    n, k = settings.polygons, settings.sides
    history: list[np.ndarray] = []
    dims = n * (2 * k + 4)
    best_f, best_x, calls = np.inf, np.zeros(dims), 0

    def objective(vec: np.ndarray) -> float:
        nonlocal best_f, best_x, calls
        f = vector_error(vec, n, k, target, background)
        calls += 1
        if f < best_f:
            best_f, best_x = f, vec.copy()
        if calls % settings.snapshot_every == 0:
            history.append(best_x.copy())
        return f

    def out_of_time(*_args: object) -> bool:
        return settings.seconds is not None and time.perf_counter() - started > settings.seconds

    dual_annealing(objective, [(0.0, 1.0)] * dims, maxfun=settings.evaluations,
                   seed=np.random.default_rng([settings.seed, tile]), callback=out_of_time)
    history.append(best_x.copy())
    return best_x, float(best_f), history


@dataclass
class AnnealResult:
    target: np.ndarray
    background: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    vectors: list[np.ndarray]
    errors: list[float]
    histories: list[list[np.ndarray]]
    seconds: float

    @property
    def rmse(self) -> float:
        return float(np.sqrt(sum(self.errors) / self.target.size) * 255.0)


def anneal(picture: Picture, settings: AnnealSettings) -> AnnealResult:
    """Fit every tile of the picture (in parallel processes when workers > 1)."""
    target = working(picture, settings.resize).target
    background = target.reshape(-1, 3).mean(axis=0)
    boxes = tile_boxes(target.shape[1], target.shape[0], *settings.tiles)
    parts = [np.ascontiguousarray(target[y0:y1, x0:x1]) for x0, y0, x1, y1 in boxes]
    started = time.perf_counter()
    with open_execution(settings.workers if settings.workers > 1 else 0, scheduler="") as execution:
        results = execution.map(anneal_tile, [(part, background, settings, i, started) for i, part in enumerate(parts)])
    return AnnealResult(target, background, boxes, [r[0] for r in results], [r[1] for r in results],
                        [r[2] for r in results], time.perf_counter() - started)


def _polygons(vec: np.ndarray, box: tuple[int, int, int, int], settings: AnnealSettings, scale: float) -> list[S.Shape]:
    x0, y0, x1, y1 = box
    k, per = settings.sides, 2 * settings.sides + 4
    out: list[S.Shape] = []
    for i in range(settings.polygons):
        v = vec[i * per:(i + 1) * per]
        pts = [((x0 + v[2 * j] * (x1 - x0)) * scale, (y0 + v[2 * j + 1] * (y1 - y0)) * scale) for j in range(k)]
        out.append(S.Polygon(points=pts, color=rgba(v[2 * k:])))
    return out


def anneal_scene(result: AnnealResult, picture: Picture, settings: AnnealSettings) -> S.Scene:
    """The annealed polygons as a scene in picture units, with the recorded history as snapshots."""
    h, w = result.target.shape[:2]
    scale = working_scale(picture, w, h)
    shapes = [p for vec, box in zip(result.vectors, result.boxes) for p in _polygons(vec, box, settings, scale)]
    steps = max(len(hist) for hist in result.histories)
    snapshots = []
    for j in range(steps):
        vecs = [hist[min(j, len(hist) - 1)] for hist in result.histories]
        drawn = [p for vec, box in zip(vecs, result.boxes) for p in _polygons(vec, box, settings, scale)]
        snapshots.append(S.Snapshot(step=(j + 1) * settings.snapshot_every, layers=[S.ShapesLayer(shapes=drawn)]))
    bg = rgba([*result.background, 1.0])
    meta = {"generator": "genart evolve", "method": "anneal", "polygons_per_tile": settings.polygons,
            "tiles": f"{settings.tiles[0]}x{settings.tiles[1]}", "evaluations": settings.evaluations,
            "working_width": w, "working_height": h, "seed": settings.seed,
            "fit_rmse": round(result.rmse, 4), "seconds": round(result.seconds, 3)}
    return S.Scene(canvas=S.Canvas(width=picture.width, height=picture.height, background=bg),
                   source=S.Source(name=picture.name, sha256=picture.sha256), meta=meta,
                   layers=[S.ShapesLayer(name="shapes", shapes=shapes, ids=list(range(len(shapes))))],
                   snapshots=snapshots)
