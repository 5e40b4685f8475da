"""Greedy shape-by-shape evolution in the style of primitive, compiled with numba.

For each new shape: score many random candidates, hill-climb the best by small mutations
until `max_age` mutations in a row fail to improve it, repeat that `repeats` times and keep
the best. Each candidate's colour is solved in closed form and scored from row prefix sums
(`genart.generative.energy`), so a score costs O(rows) of the shape. Repeats draw from streams
keyed by (seed, tile, shape index, repeat), so results do not depend on how many threads
share the work.

A fit **with alpha** (a picture with transparency, fitted for a transparent poster) has two
layers: its target is the picture composited over black and over white, its canvas starts
black and white (nothing drawn), and every shape is drawn on both with one colour; the error
is the sum over both composites, so the poster looks right over any background (compositing
is linear). Coverage only grows (no later shape can take a spill back), so no shape may cover
a pixel the picture leaves fully transparent: shapes go only where it is opaque, at least in part.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from genart.generative import shapes
from genart.generative.energy import new_prefix, shape_delta, total_error, update_prefix
from genart.generative.fastrng import stream
from genart.generative.shapes.layout import ALPHA, SIZE
from genart.generative.shapes.registry import kinds_for, side_counts


@dataclass(frozen=True)
class ClimbSettings:
    """Search effort and shape options (alpha ≤ 0 means alpha is optimized per shape; an
    empty palette means any colour)."""

    shape: str = "triangle"
    sides: int = 4
    alpha: float = 0.0
    candidates: int = 500
    max_age: int = 100
    repeats: int = 8
    workers: int = 1
    palette: tuple[tuple[float, float, float], ...] = ()  # colours shapes may take (empty: any)


@numba.njit(cache=True, nogil=True)
def paint(canvas: np.ndarray, lines: np.ndarray, rgb: np.ndarray, alpha: float) -> None:
    """Blend colour `rgb` at `alpha` over every layer of `canvas` (H×W×3k) on the given scanlines, in place."""
    keep = 1.0 - alpha
    for i in range(lines.shape[0]):
        y = lines[i, 0]
        for x in range(lines[i, 1], lines[i, 2]):
            for ch in range(canvas.shape[2]):
                canvas[y, x, ch] = canvas[y, x, ch] * keep + rgb[ch % 3] * alpha


def clear_prefix(target: np.ndarray) -> np.ndarray:
    """Row prefix counts of the pixels no shape may cover: those a fit with alpha's picture leaves fully
    transparent (over white exactly 1 above over black in every channel); (0, 1) for an opaque fit."""
    if target.shape[2] == 3:
        return np.zeros((0, 1), np.int32)
    clear = ((target[..., 3:] - target[..., :3]) >= 1.0 - 1e-9).all(axis=2)
    counts = np.zeros((target.shape[0], target.shape[1] + 1), np.int32)
    np.cumsum(clear, axis=1, out=counts[:, 1:])
    return counts


@numba.njit(cache=True, nogil=True)
def _score(prefix, clear, p, height, width, palette, lines, pts, xs, sums, rgb) -> float:
    """A shape's error change; infinite where it covers a pixel of `clear` (a fit with alpha's transparent ones)."""
    n = shapes.scanlines(p, height, width, lines, pts, xs)
    if clear.shape[0] > 0:
        for i in range(n):
            if clear[lines[i, 0], lines[i, 2]] > clear[lines[i, 0], lines[i, 1]]:
                return np.inf
    return shape_delta(prefix, lines, n, p[ALPHA], palette, sums, rgb)


@numba.njit(cache=True, nogil=True)
def climb(
    prefix: np.ndarray,
    clear: np.ndarray,
    kinds: np.ndarray,
    sides: np.ndarray,
    alpha: float,
    bounds: np.ndarray,
    candidates: int,
    max_age: int,
    palette: np.ndarray,
    rng: np.ndarray,
    best: np.ndarray,
) -> float:
    """One repeat: best of `candidates` random shapes of `kinds` (`sides[i]` vertices for `kinds[i]`), then
    hill-climbed; returns its error change (infinite where every shape tried covers a pixel of `clear`,
    `clear_prefix`)."""
    height, width = prefix.shape[0], prefix.shape[1] - 1
    lines, pts, xs = shapes.buffers(height)
    sums = np.empty(prefix.shape[2])
    rgb = np.empty(3)
    p = np.zeros(SIZE)
    best_delta = np.inf
    for _ in range(candidates):
        shapes.random_shape(p, kinds, sides, alpha, bounds, rng)
        d = _score(prefix, clear, p, height, width, palette, lines, pts, xs, sums, rgb)
        if d < best_delta:
            best_delta = d
            best[:] = p
    p[:] = best
    age = 0
    while age < max_age:
        shapes.mutate(p, alpha <= 0.0, bounds, rng)
        d = _score(prefix, clear, p, height, width, palette, lines, pts, xs, sums, rgb)
        if d < best_delta:
            best_delta = d
            best[:] = p
            age = 0
        else:
            p[:] = best
            age += 1
    return best_delta


@numba.njit(cache=True, nogil=True)
def _climb_many(prefix, clear, kinds, sides, alpha, bounds, candidates, max_age, palette, states, out, deltas) -> None:
    for r in range(states.shape[0]):
        deltas[r] = climb(prefix, clear, kinds, sides, alpha, bounds[r], candidates, max_age, palette, states[r],
                          out[r])


class Evolution:
    """One greedy evolution (a picture's or a tile's): a target, the canvas so far, and the shapes added.

    `target` is H×W×3 (opaque) or H×W×6 (with alpha: over black, then over white); `background`
    is a pixel of as many channels or a whole starting canvas. `bounds` is one bounds vector
    (`genart.generative.shapes.layout`) or several, one row per area: every climb for shape i of
    tile t stays in area (41·i + 23·t) mod their count, so the areas take turns in an order of
    their own in each tile (the big first shapes of neighbouring tiles get different areas). `first` is the index of the
    first shape it adds (shapes drawn before it are in `background`), which keys its random
    streams, so an evolution continued from a canvas draws what an unbroken one would.
    """

    def __init__(self, target: np.ndarray, background: np.ndarray, settings: ClimbSettings,
                 bounds: np.ndarray, seed: int = 0, tile: int = 0, first: int = 0) -> None:
        self.target = np.ascontiguousarray(target, dtype=np.float64)
        self.height, self.width = self.target.shape[:2]
        self.canvas = np.empty_like(self.target)
        self.canvas[:] = background
        self.prefix = new_prefix(self.target, self.canvas)
        self.clear = clear_prefix(self.target)
        self.settings = settings
        self.kinds = kinds_for(settings.shape)
        self.sides = side_counts(self.kinds, settings.sides)
        self.bounds = np.atleast_2d(np.asarray(bounds, np.float64))
        self.palette = np.asarray(settings.palette, np.float64).reshape(-1, 3)
        self.seed, self.tile, self.first = seed, tile, first
        self.params: list[np.ndarray] = []
        self.colors: list[np.ndarray] = []
        self.deltas: list[float] = []  # change in squared error each shape made
        self.error = total_error(self.prefix)
        self._lines, self._pts, self._xs = shapes.buffers(self.height)

    @property
    def rmse(self) -> float:
        """RMSE on the 0–255 scale over every channel (with alpha: over both composites)."""
        return float(np.sqrt(max(self.error, 0.0) / self.target.size) * 255.0)

    def add(self, p: np.ndarray) -> float:
        """Draw shape `p` with its best colour; returns the change in squared error."""
        n = shapes.scanlines(p, self.height, self.width, self._lines, self._pts, self._xs)
        rgb = np.empty(3)
        delta = shape_delta(self.prefix, self._lines, n, p[ALPHA], self.palette, np.empty(self.prefix.shape[2]), rgb)
        lines = self._lines[:n]
        paint(self.canvas, lines, rgb, p[ALPHA])
        if n:
            update_prefix(self.target, self.canvas, self.prefix, int(lines[0, 0]), int(lines[:, 0].max()) + 1)
        self.error = total_error(self.prefix)
        self.params.append(p.copy())
        self.colors.append(rgb)
        self.deltas.append(delta)
        return delta

    def search(self, pool: ThreadPoolExecutor | None = None) -> tuple[np.ndarray, float]:
        """The best next shape and its error change (not yet added)."""
        s = self.settings
        index = self.first + len(self.params)
        states = np.stack([stream(self.seed, self.tile, index, r) for r in range(s.repeats)])
        out = np.zeros((s.repeats, SIZE))
        deltas = np.empty(s.repeats)
        area = self.bounds[(41 * index + 23 * self.tile) % len(self.bounds)]
        areas = np.repeat(area[None], s.repeats, axis=0)
        args = (self.prefix, self.clear, self.kinds, self.sides, s.alpha)
        if pool is None or s.workers <= 1:
            _climb_many(*args, areas, s.candidates, s.max_age, self.palette, states, out, deltas)
        else:
            cuts = np.linspace(0, s.repeats, min(s.workers, s.repeats) + 1).astype(int)
            jobs = [pool.submit(_climb_many, *args, areas[a:b], s.candidates, s.max_age, self.palette, states[a:b],
                                out[a:b], deltas[a:b])
                    for a, b in zip(cuts[:-1], cuts[1:])]
            for job in jobs:
                job.result()
        best = int(np.argmin(deltas))
        return out[best], float(deltas[best])


def kernels_cached() -> bool:
    """Whether numba's cache holds the fit's compiled kernels (else the first fit compiles them, about 20 s).
    Where numba keeps its cache otherwise than this knows, it answers True (and nothing is said)."""
    for kernel in (_climb_many, paint, update_prefix):
        index = getattr(getattr(getattr(kernel, "_cache", None), "_cache_file", None), "_index_path", None)
        if isinstance(index, str) and not os.path.exists(index):
            return False
    return True
