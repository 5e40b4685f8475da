"""Matching tiles to cells: nearest, budgeted (each tile at most K times) or unique, exactly.

Costs are squared Euclidean distances between feature vectors. `assign` solves the
capacitated assignment exactly without a dense cost matrix: it matches over a sparse set
of candidate pairs (each cell's nearest tiles and each tile's nearest cells) with
`scipy.sparse.csgraph.min_weight_full_bipartite_matching`, derives dual prices from the
result by shortest paths, and prices every (cell, tile) pair in chunks; any pair that could
lower the cost is added and the sparse problem solved again. When no pair is left the
dual bound equals the cost, which proves the answer optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

MODES = ("nearest", "budget", "unique")


class MatchError(ValueError):
    """A matching that cannot be made (too few tiles, for instance); one-line message."""


@dataclass(frozen=True)
class Assignment:
    """Tile per cell, the total cost, and the proven lower bound on the optimum (None for nearest)."""

    tiles: np.ndarray
    cost: float
    bound: float | None = None
    rounds: int = 0

    @property
    def gap(self) -> float:
        """Relative distance from the proven bound (0 = proven optimal)."""
        return 0.0 if self.bound is None else (self.cost - self.bound) / max(abs(self.bound), 1e-12)


def pair_costs(cells: np.ndarray, tiles: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Squared distances of the listed (cell, tile) pairs."""
    out = np.empty(len(rows))
    for s in range(0, len(rows), 1 << 18):
        d = cells[rows[s : s + (1 << 18)]] - tiles[cols[s : s + (1 << 18)]]
        out[s : s + (1 << 18)] = np.einsum("ij,ij->i", d, d)
    return out


def nearest(cells: np.ndarray, tiles: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest tiles of every cell by a k-d tree: (indices, squared distances), each (cells, k)."""
    dist, idx = cKDTree(tiles).query(cells, k=k, workers=-1)
    return idx.reshape(len(cells), k), (dist**2).reshape(len(cells), k)


@numba.njit(cache=True)
def _slot_prices(n_slots: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Shortest-path prices (≤ 0) from a root joined to every slot by a zero edge (Bellman–Ford)."""
    dist = np.zeros(n_slots[0])
    for _ in range(n_slots[0] + 1):
        changed = False
        for e in range(len(src)):
            d = dist[src[e]] + weight[e]
            if d < dist[dst[e]] - 1e-12 * (1.0 + abs(d)):
                dist[dst[e]] = d
                changed = True
        if not changed:
            return dist
    raise ValueError("negative cycle: the sparse matching was not optimal")


def _solve_sparse(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, n: int, m: int, capacity: int):
    """Optimal matching over candidate pairs, each tile split into `capacity` slots; slot per cell."""
    k = capacity
    r = np.repeat(rows, k)
    c = (np.repeat(cols, k) * k + np.tile(np.arange(k), len(cols)))
    w = np.repeat(cost, k) + 1.0  # keep every weight non-zero: a zero is no edge to csgraph
    graph = csr_array((w, (r, c)), shape=(n, m * k))
    row_ind, slot = min_weight_full_bipartite_matching(graph)
    out = np.empty(n, np.int64)
    out[row_ind] = slot
    return out


@numba.njit(cache=True)
def _price_rows(dist: np.ndarray, best_price: np.ndarray, u: np.ndarray, found_rows: np.ndarray, found_cols: np.ndarray, start: int) -> tuple[float, int]:
    """Reduced costs of a block of cells against every tile: the bound's share and the improving pairs."""
    bound = 0.0
    count = 0
    per_row = 16
    for i in range(dist.shape[0]):
        low = 0.0
        kept = 0
        for j in range(dist.shape[1]):
            r = dist[i, j] - best_price[j] - u[start + i]
            if r < low:
                low = r
            if r < -1e-9 * (1.0 + abs(dist[i, j])) and kept < per_row and count < found_rows.shape[0]:
                found_rows[count] = start + i
                found_cols[count] = j
                count += 1
                kept += 1
        bound += u[start + i] + low
    return bound, count


def _blocks(a: np.ndarray, b: np.ndarray, rows: int = 512):
    """Squared distances from blocks of rows of `a` to all of `b`: (start, block) pairs."""
    bn = np.einsum("ij,ij->i", b, b)
    for s in range(0, len(a), rows):
        block = a[s : s + rows]
        d = np.einsum("ij,ij->i", block, block)[:, None] + bn[None, :] - 2.0 * (block @ b.T)
        yield s, np.maximum(d, 0.0, out=d)


def knn(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Indices (len(a), k) of the k nearest rows of `b` for every row of `a` (brute force, blocked)."""
    out = np.empty((len(a), k), np.int64)
    for s, d in _blocks(a, b):
        out[s : s + len(d)] = np.argpartition(d, k - 1, axis=1)[:, :k] if k < d.shape[1] else np.arange(k)
    return out


def assign(cells: np.ndarray, tiles: np.ndarray, capacity: int = 1, candidates: int = 8, max_rounds: int = 50) -> Assignment:
    """Exact minimum-cost assignment of a tile to every cell, no tile used more than `capacity` times."""
    cells = np.ascontiguousarray(cells, np.float64)
    tiles = np.ascontiguousarray(tiles, np.float64)
    n, m = len(cells), len(tiles)
    if n > m * capacity:
        raise MatchError(f"{n} cells need {n} tile uses but {m} tiles × {capacity} use{'s' if capacity > 1 else ''} allow only {m * capacity}")
    k = min(m, candidates)
    kc = min(n, max(1, candidates // 2) * capacity)  # every tile gets candidate cells too
    rows = np.concatenate([np.repeat(np.arange(n), k), knn(tiles, cells, kc).reshape(-1)])
    cols = np.concatenate([knn(cells, tiles, k).reshape(-1), np.repeat(np.arange(m), kc)])
    found_rows, found_cols = np.empty(16 * n, np.int64), np.empty(16 * n, np.int64)
    for rounds in range(1, max_rounds + 1):
        pairs = np.unique(rows * m + cols)
        rows, cols = pairs // m, pairs % m
        cost = pair_costs(cells, tiles, rows, cols)
        try:
            slot = _solve_sparse(rows, cols, cost, n, m, capacity)
        except ValueError:  # no full matching among the candidates: widen them
            k = min(m, 2 * k)
            rows = np.concatenate([rows, np.repeat(np.arange(n), k)])
            cols = np.concatenate([cols, knn(cells, tiles, k).reshape(-1)])
            continue
        chosen = slot // capacity
        own = pair_costs(cells, tiles, np.arange(n), chosen)
        total = float(own.sum())
        # slot prices: an edge slot(σ(i)) → s for every candidate pair (i, tile), every slot s of the tile
        src = np.repeat(slot[rows], capacity)
        dst = np.repeat(cols * capacity, capacity) + np.tile(np.arange(capacity), len(cols))
        weight = np.repeat(cost - own[rows], capacity)
        price = _slot_prices(np.array([m * capacity]), src, dst, weight)
        u = own - price[slot]
        best_price = price.reshape(m, capacity).max(axis=1)
        bound = float(price.sum())
        added = []
        for s, d in _blocks(cells, tiles):
            part, count = _price_rows(d, best_price, u, found_rows, found_cols, s)
            bound += part
            added.append((found_rows[:count].copy(), found_cols[:count].copy()))
        if not sum(len(a) for a, _ in added):
            return Assignment(chosen, total, min(bound, total), rounds)
        rows = np.concatenate([rows, *(a for a, _ in added)])
        cols = np.concatenate([cols, *(b for _, b in added)])
    return Assignment(chosen, total, bound, rounds)


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
    uses = np.bincount(out, minlength=m) if capacity is not None else None
    k = min(m, 16)
    near, _ = nearest(cells, features, k)
    for cell in range(len(out)):
        nbrs = _neighbours(cell, columns, rows)
        if out[cell] not in out[nbrs]:
            continue
        banned = set(out[nbrs].tolist())
        choice = next((t for t in near[cell] if t not in banned and (uses is None or uses[t] < capacity)), None)
        if choice is None:  # rare: every nearby tile is banned or used up; look at all of them
            d = np.sum((features - cells[cell]) ** 2, axis=1)
            ok = np.ones(m, bool)
            ok[list(banned)] = False
            if uses is not None:
                ok &= uses < capacity
            if not ok.any():
                raise MatchError("no tile is left to keep equal tiles apart: allow more uses (--reuse) or add photos")
            choice = int(np.flatnonzero(ok)[np.argmin(d[ok])])
        if uses is not None:
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
