"""Matching tiles to cells: nearest, budgeted (each tile at most K times) or unique.

Costs are squared Euclidean distances between feature vectors. Budgeted and unique
matching are one problem, a rectangular assignment in which each tile offers K uses
(columns). Up to EXACT_PAIRS cell × use pairs it is solved exactly by
`scipy.optimize.linear_sum_assignment`; above, by an ε-scaling auction
(`genart.generative.mosaic.auction`) that stops with a proof of being within 1% of the optimum
(in practice within 0.1%). Either needs the dense cost matrix: 4 bytes a pair (float32)
for the auction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from genart.errors import GenartError
from genart.generative.mosaic.auction import auction_assign

MODES = ("nearest", "budget", "unique")


class MatchError(GenartError, ValueError):
    """A matching that cannot be made (too few tiles, for instance); one-line message."""


@dataclass(frozen=True)
class Assignment:
    """Tile per cell, the total cost (sum of squared feature distances) and, for budget and
    unique matching, a lower bound on the optimal cost (equal to it when solved exactly)."""

    tiles: np.ndarray
    cost: float
    bound: float | None = None


KD_TREE_DIMS = 12  # above this many feature dimensions a blocked BLAS search beats scipy's k-d tree


def nearest(cells: np.ndarray, tiles: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest tiles of every cell: (indices, squared distances), each (cells, k), nearest first.

    A scipy k-d tree for low-dimensional features (mean colour, 2×2); a blocked brute-force
    search with BLAS for longer feature vectors, where a k-d tree degenerates.
    """
    k = min(k, len(tiles))
    if cells.shape[1] <= KD_TREE_DIMS:
        dist, idx = cKDTree(tiles).query(cells, k=k, workers=-1)
        idx = idx.reshape(len(cells), k)
    else:
        idx = knn(cells, tiles, k)
    d = np.asarray(cells, np.float64)[:, None, :] - np.asarray(tiles, np.float64)[idx]
    dist = np.einsum("ijk,ijk->ij", d, d)
    order = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(idx, order, 1), np.take_along_axis(dist, order, 1)


@numba.njit(cache=True)
def _topk_rows(gram, an, bn, out):
    """Indices of the k (= out.shape[1]) smallest distances in every row (insertion into a sorted list)."""
    k = out.shape[1]
    best = np.empty(k)
    for i in range(gram.shape[0]):
        n = 0
        for j in range(gram.shape[1]):
            d = an[i] + bn[j] - 2.0 * gram[i, j]
            if n < k or d < best[n - 1]:
                p = n if n < k else k - 1
                while p > 0 and best[p - 1] > d:
                    if p < k:
                        best[p] = best[p - 1]
                        out[i, p] = out[i, p - 1]
                    p -= 1
                best[p] = d
                out[i, p] = j
                if n < k:
                    n += 1


def _grams(a: np.ndarray, b: np.ndarray, rows: int = 1024):
    """Blocks of float32 dot products: (start, |a_block|², a_block·bᵀ) with |b|² computed once."""
    a32, b32 = np.asarray(a, np.float32), np.ascontiguousarray(np.asarray(b, np.float32).T)
    for s in range(0, len(a), rows):
        block = a32[s : s + rows]
        yield s, np.einsum("ij,ij->i", block, block, dtype=np.float64), block @ b32


def knn(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Indices (len(a), k) of the k nearest rows of `b` for every row of `a` (blocked brute force)."""
    k = min(k, len(b))
    bn = np.einsum("ij,ij->i", b, b, dtype=np.float64)
    out = np.empty((len(a), k), np.int64)
    for s, an, gram in _grams(a, b):
        _topk_rows(gram, an, bn, out[s : s + len(gram)])
    return out


MAX_COSTS = 150_000_000  # cells × tile uses in the dense cost matrix (600 MB as float32)
EXACT_PAIRS = 4_000_000  # above this many pairs the certified auction replaces the exact solver
GAP = 0.01  # the auction's proven bound on how far above the optimum it may end


def cost_matrix(cells: np.ndarray, tiles: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Dense squared distances, cells × tiles (features centred first, for float32 accuracy)."""
    centre = np.asarray(tiles, np.float64).mean(axis=0)
    cells = (np.asarray(cells, np.float64) - centre).astype(dtype)
    tiles = (np.asarray(tiles, np.float64) - centre).astype(dtype)
    out = cells @ tiles.T
    out *= -2.0
    out += np.einsum("ij,ij->i", cells, cells)[:, None]
    out += np.einsum("ij,ij->i", tiles, tiles)[None, :]
    return np.maximum(out, 0.0, out=out)


def useful_tiles(cells: np.ndarray, tiles: np.ndarray, capacity: int) -> np.ndarray:
    """Tiles some optimal assignment may use: those among a cell's ⌊(n−1)/K⌋+1 nearest.

    If a cell's tile were farther than that many others, the other n−1 cells could not fill
    them all, so moving the cell to a free one would cost no more.
    """
    n, m = len(cells), len(tiles)
    r = (n - 1) // capacity + 1
    if 4 * m < 5 * r:  # it could drop under a fifth of the tiles: not worth a pass over all pairs
        return np.arange(m)
    keep = np.zeros(m, bool)
    tn = np.einsum("ij,ij->i", tiles, tiles, dtype=np.float64).astype(np.float32)
    for _, _an, gram in _grams(cells, tiles):
        dist = tn[None, :] - 2.0 * gram  # the row's own |a|² does not change its order
        keep[np.argpartition(dist, r - 1, axis=1)[:, :r]] = True
    return np.flatnonzero(keep)


def assign(cells: np.ndarray, tiles: np.ndarray, capacity: int = 1) -> Assignment:
    """Minimum-cost assignment of a tile to every cell, no tile used more than `capacity` times:
    exact up to EXACT_PAIRS pairs, certified within GAP of the optimum above."""
    n, m = len(cells), len(tiles)
    if n > m * capacity:
        raise MatchError(f"{n} cells need {n} tile uses but {m} tiles × {capacity} use{'s' if capacity > 1 else ''} allow only {m * capacity}")
    useful = useful_tiles(np.asarray(cells, np.float32), np.asarray(tiles, np.float32), capacity)
    if n * len(useful) * capacity > MAX_COSTS:
        raise MatchError(f"{n} cells × {len(useful) * capacity} tile uses is too large for an exact assignment "
                         f"(at most {MAX_COSTS:,} pairs): use fewer cells, tiles or uses")
    pairs = n * len(useful) * capacity
    cost = cost_matrix(cells, np.asarray(tiles)[useful], np.float64 if pairs <= EXACT_PAIRS else np.float32)
    if capacity > 1:
        cost = np.repeat(cost, capacity, axis=1)
    if pairs <= EXACT_PAIRS:
        rows, slots = linear_sum_assignment(cost)
        bound = None
    else:
        rows = np.arange(n)
        slots, _, bound = auction_assign(cost, GAP)
    chosen = np.empty(n, np.int64)
    chosen[rows] = useful[slots // capacity]
    diff = np.asarray(cells, np.float64) - np.asarray(tiles, np.float64)[chosen]
    total = float(np.einsum("ij,ij->", diff, diff))
    return Assignment(chosen, total, total if bound is None else bound)


def _neighbours(cell: int, columns: int, rows: int) -> list[int]:
    r, c = divmod(cell, columns)
    out = []
    if c > 0:
        out.append(cell - 1)
    if c + 1 < columns:
        out.append(cell + 1)
    if r > 0:
        out.append(cell - columns)
    if r + 1 < rows:
        out.append(cell + columns)
    return out


def adjacent_repeats(tiles: np.ndarray, columns: int, rows: int) -> int:
    """How many side-by-side (4-neighbour) cell pairs show the same tile."""
    grid = np.asarray(tiles).reshape(rows, columns)
    return int(np.sum(grid[:, 1:] == grid[:, :-1]) + np.sum(grid[1:, :] == grid[:-1, :]))


def separate_repeats(
    tiles: np.ndarray, cells: np.ndarray, features: np.ndarray, columns: int, rows: int, capacity: int | None = None
) -> np.ndarray:
    """Replace tiles equal to a 4-neighbour's by the nearest tile that differs from all four.

    A raster pass: each changed cell takes its best tile that none of its neighbours shows
    and (with `capacity`) that is used fewer than `capacity` times.
    """
    out = np.array(tiles, np.int64)
    m = len(features)
    limit = capacity if capacity is not None else len(out) + 1  # None: any number of uses
    uses = np.bincount(out, minlength=m)
    k = min(m, 16)
    near, _ = nearest(cells, features, k)
    for cell in range(len(out)):
        nbrs = _neighbours(cell, columns, rows)
        if out[cell] not in out[nbrs]:
            continue
        banned = set(out[nbrs].tolist())
        choice = next((t for t in near[cell] if t not in banned and uses[t] < limit), None)
        if choice is None:  # rare: every nearby tile is banned or used up; look at all of them
            d = np.sum((features - cells[cell]) ** 2, axis=1)
            ok = np.ones(m, bool)
            ok[list(banned)] = False
            ok &= uses < limit
            if not ok.any():
                raise MatchError("no tile is left to keep equal tiles apart: allow more uses (--reuse) or add photos")
            choice = int(np.flatnonzero(ok)[np.argmin(d[ok])])
        uses[out[cell]] -= 1
        uses[choice] += 1
        out[cell] = choice
    return out


def match(
    cells: np.ndarray,
    features: np.ndarray,
    mode: str = "nearest",
    reuse: int = 2,
    columns: int | None = None,
    rows: int | None = None,
    no_adjacent_repeats: bool = False,
) -> Assignment:
    """Choose a tile for every cell (row-major cells on a columns × rows grid).

    `nearest`: each cell's closest tile; `budget`: the least total cost with each tile at
    most `reuse` times; `unique`: each tile at most once. With `no_adjacent_repeats` no two
    side-by-side cells show the same tile (nearest/budget only change the cells in conflict).
    """
    if mode not in MODES:
        raise MatchError(f"unknown match mode {mode!r} (use {', '.join(MODES)})")
    if len(features) == 0:
        raise MatchError("the collection holds no tiles")
    if mode == "budget" and reuse < 1:
        raise MatchError(f"--reuse must be at least 1, got {reuse}")
    if mode == "nearest":
        idx, dist = nearest(cells, features)
        result = Assignment(idx[:, 0], float(dist.sum()))
    else:
        result = assign(cells, features, 1 if mode == "unique" else reuse)
    if no_adjacent_repeats and mode != "unique":
        if columns is None or rows is None:
            raise MatchError("no_adjacent_repeats needs the grid's columns and rows")
        if len(features) < 2:
            raise MatchError("no-adjacent-repeats needs at least 2 tiles")
        tiles = separate_repeats(result.tiles, cells, features, columns, rows, None if mode == "nearest" else reuse)
        chosen = np.asarray(cells, np.float64) - np.asarray(features, np.float64)[tiles]
        result = Assignment(tiles, float(np.einsum("ij,ij->", chosen, chosen)))
    return result
