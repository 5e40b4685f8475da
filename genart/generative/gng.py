"""Growing Neural Gas (Fritzke 1995), compiled with numba, with neupy's parameters.

The graph learns the shape of a 2-D point cloud: each signal (a point) pulls its
nearest node (`step`) and that node's graph neighbours (`neighbour_step`) towards it,
links the two nearest nodes, ages the winner's other edges and drops those older than
`max_edge_age` (and any node left without edges); every `n_iter_before_neuron_added`
updates a node is inserted half-way between the node with the largest accumulated
error and its worst neighbour.

Parameter names and defaults are neupy's (`neupy.algorithms.GrowingNeuralGas`, 0.8.2),
so settings written for neupy carry over, and so does neupy's behaviour where it
departs from the paper (we follow neupy throughout):

- Error is the *unsquared* distance to the winner (the paper accumulates its square).
- A signal whose winner is closer than ``min_distance_for_update ** 2`` is skipped (no
  update, no edge ageing, no error decay): neupy squares the threshold but compares it
  with an unsquared distance. Its default 0 disables the check; an epoch without a
  single update ends training early, as in neupy.
- The winner-runner-up edge is set to age 0 *before* the winner's edges are aged, so it
  ends the step at age 1; an edge is dropped when it is met at an age of at least
  `max_edge_age` (so no edge is ever older than `max_edge_age`); only neighbours whose
  edge survives are moved (the paper ages, then moves all neighbours, then prunes).
- A new node starts with zero error (the paper gives it the decayed error of the
  largest-error node); the two nodes it splits are multiplied by
  `after_split_error_decay_rate`.
- Every node's error is multiplied by `error_decay_rate` after every update, the
  inserted node included. `n_start_nodes` start nodes are data points (drawn here
  without replacement), with no edges.

Ties (equal distances or errors) go to the node with the smaller id, i.e. the older one
(neupy's largest-error pick is first in insertion order too). Every node gets an id when it is made; ids survive
other nodes' deletion and are never reused, so playback can follow a node.

Speed: the state lives in preallocated arrays; the winner and runner-up are found by a
ring search in a uniform grid of about one cell per node (rebuilt each time the node
count doubles), never by a scan over all nodes; error decay is lazy (one global factor,
folded into the errors rarely); only an insertion scans all nodes (for the largest error).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
from scipy.spatial import cKDTree

_START_DEGREE = 16  # adjacency slots per node; doubled when a node needs more
_MAX_GRID_SIDE = 2048  # cells per side of the search grid, at most
_RENORMALISE_BELOW = 1e-250  # the lazy error scale is folded into the errors below this
_CHUNK = 50_000  # signals per kernel call, so Ctrl-C is seen within milliseconds
_STOPPED = 0  # kernel status: reached the end of its range
_NEEDS_DEGREE = 1  # kernel status: a node needs more adjacency slots

# integer counters in GNGState.counts
_ALIVE, _SLOTS, _FREE, _NEXT_ID, _UPDATES = range(5)


@dataclass(frozen=True)
class GNGParams:
    """Growing Neural Gas settings; names and defaults follow neupy's GrowingNeuralGas."""

    n_start_nodes: int = 2
    step: float = 0.2
    neighbour_step: float = 0.05
    max_edge_age: int = 100
    max_nodes: int = 1000
    n_iter_before_neuron_added: int = 1000
    after_split_error_decay_rate: float = 0.5
    error_decay_rate: float = 0.995
    min_distance_for_update: float = 0.0
    epochs: int = 100
    shuffle: bool = False
    seed: int = 0

    def check(self) -> None:
        """Raise ValueError (one line) for a setting outside its range."""
        rules = [
            (self.n_start_nodes >= 2, "n_start_nodes must be at least 2"),
            (0.0 < self.step <= 1.0, "step must be in (0, 1]"),
            (0.0 <= self.neighbour_step <= 1.0, "neighbour_step must be in [0, 1]"),
            (self.max_edge_age >= 1, "max_edge_age must be at least 1"),
            (self.max_nodes >= 2, "max_nodes must be at least 2"),
            (self.n_iter_before_neuron_added >= 1, "n_iter_before_neuron_added must be at least 1"),
            (0.0 <= self.after_split_error_decay_rate <= 1.0, "after_split_error_decay_rate must be in [0, 1]"),
            (0.0 < self.error_decay_rate <= 1.0, "error_decay_rate must be in (0, 1]"),
            (0.0 <= self.min_distance_for_update < math.inf, "min_distance_for_update must be at least 0"),
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.seed >= 0, "seed must be at least 0"),
        ]
        for ok, message in rules:
            if not ok:
                raise ValueError(message)


@dataclass(frozen=True)
class Graph:
    """A GNG graph: node `ids` (ascending), their positions `xy` and `edges` as id pairs (a < b)."""

    ids: np.ndarray
    xy: np.ndarray
    edges: np.ndarray


@dataclass(frozen=True)
class GNGResult:
    """The trained graph, the snapshots `(signals seen, graph)` and training counts."""

    graph: Graph
    snapshots: list[tuple[int, Graph]]
    signals: int
    updates: int
    epochs: int
    epoch_errors: list[float]  # mean winner distance per epoch (neupy's training error)
    interrupted: bool = False  # stopped by Ctrl-C or SIGTERM part-way through `signals`


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during `train`; `result` is the graph as it stood (`interrupted` set)."""

    def __init__(self, result: GNGResult) -> None:
        super().__init__()
        self.result = result


@dataclass
class GNGState:
    """Preallocated arrays of a growing graph; a slot is free when its id is -1."""

    pos: np.ndarray  # (cap, 2) float64 node positions
    err: np.ndarray  # (cap,) float64 errors divided by the global scale
    ids: np.ndarray  # (cap,) int64
    deg: np.ndarray  # (cap,) int64 edge count
    nbr: np.ndarray  # (cap, D) int64 neighbour slots
    age: np.ndarray  # (cap, D) int64 edge ages (same in both directions)
    free: np.ndarray  # (cap,) int64 stack of free slots
    counts: np.ndarray  # alive, slots used, free, next id, updates
    scale: np.ndarray  # [global error factor, running sum of winner distances]
    grid_f: np.ndarray  # [x0, y0, cell size, width, height] of the grid over the points
    grid_i: np.ndarray  # [columns, rows, node count the grid was sized for]
    head: np.ndarray  # (most cells,) first slot in each cell, -1 if none
    nxt: np.ndarray  # (cap,) next slot in the same cell
    prv: np.ndarray  # (cap,) previous slot in the same cell
    cell: np.ndarray  # (cap,) cell of each slot


# ---------------------------------------------------------------- compiled kernel


@numba.njit(cache=True, inline="always")
def _cell_of(x, y, grid_f, grid_i):
    cx = min(max(int((x - grid_f[0]) / grid_f[2]), 0), grid_i[0] - 1)
    cy = min(max(int((y - grid_f[1]) / grid_f[2]), 0), grid_i[1] - 1)
    return cy * grid_i[0] + cx


@numba.njit(cache=True)
def _grid_link(s, c, head, nxt, prv, cell):
    cell[s] = c
    prv[s] = -1
    nxt[s] = head[c]
    if head[c] >= 0:
        prv[head[c]] = s
    head[c] = s


@numba.njit(cache=True)
def _grid_unlink(s, head, nxt, prv, cell):
    if prv[s] >= 0:
        nxt[prv[s]] = nxt[s]
    else:
        head[cell[s]] = nxt[s]
    if nxt[s] >= 0:
        prv[nxt[s]] = prv[s]


@numba.njit(cache=True)
def _grid_shape(width, height, nodes):
    """Cell size, columns and rows of a grid with about one cell per node over width x height."""
    h = max(math.sqrt(width * height / max(nodes, 1)), max(width, height) / _MAX_GRID_SIDE, 1e-9)
    return h, min(int(width / h) + 1, _MAX_GRID_SIDE), min(int(height / h) + 1, _MAX_GRID_SIDE)


@numba.njit(cache=True)
def _grid_build(pos, ids, slots, grid_f, grid_i, head, nxt, prv, cell):
    """Resize the grid to about one cell per live node and file every node in it.

    Called whenever the node count has doubled, so a sparse early graph is searched in a
    coarse grid and a dense late one in a fine grid; `head` is sized for the finest.
    """
    alive = 0
    for s in range(slots):
        if ids[s] >= 0:
            alive += 1
    grid_f[2], grid_i[0], grid_i[1] = _grid_shape(grid_f[3], grid_f[4], alive)
    grid_i[2] = alive
    head[: grid_i[0] * grid_i[1]] = -1
    for s in range(slots):
        if ids[s] >= 0:
            _grid_link(s, _cell_of(pos[s, 0], pos[s, 1], grid_f, grid_i), head, nxt, prv, cell)


@numba.njit(cache=True)
def _move(s, x, y, rate, pos, grid_f, grid_i, head, nxt, prv, cell):
    pos[s, 0] += rate * (x - pos[s, 0])
    pos[s, 1] += rate * (y - pos[s, 1])
    c = _cell_of(pos[s, 0], pos[s, 1], grid_f, grid_i)
    if c != cell[s]:
        _grid_unlink(s, head, nxt, prv, cell)
        _grid_link(s, c, head, nxt, prv, cell)


@numba.njit(cache=True, inline="always")
def _scan_cell(c, x, y, pos, ids, head, nxt, s1, d1, s2, d2):
    """Fold the nodes of cell `c` into the best two (ties go to the smaller id)."""
    s = head[c]
    while s >= 0:
        dx = pos[s, 0] - x
        dy = pos[s, 1] - y
        d = dx * dx + dy * dy
        if d < d2 or (d == d2 and ids[s] < ids[s2]):
            if d < d1 or (d == d1 and ids[s] < ids[s1]):
                s2, d2 = s1, d1
                s1, d1 = s, d
            else:
                s2, d2 = s, d
        s = nxt[s]
    return s1, d1, s2, d2


@numba.njit(cache=True)
def _two_nearest(x, y, pos, ids, grid_f, grid_i, head, nxt):
    """Slots of the nearest and second-nearest nodes and their squared distances.

    Searches rings of cells around the query's cell; nodes r + 1 rings away are at least
    r * cell + margin away (margin: how deep the query sits inside its own cell).
    """
    x0, y0, h = grid_f[0], grid_f[1], grid_f[2]
    cols, rows = grid_i[0], grid_i[1]
    cx = min(max(int((x - x0) / h), 0), cols - 1)
    cy = min(max(int((y - y0) / h), 0), rows - 1)
    margin = min(max(x - (x0 + cx * h), 0.0), max(x0 + (cx + 1) * h - x, 0.0),
                 max(y - (y0 + cy * h), 0.0), max(y0 + (cy + 1) * h - y, 0.0))
    s1, s2 = -1, -1
    d1, d2 = np.inf, np.inf
    r = 0
    r_max = max(cols, rows)
    while True:
        for gy in range(max(cy - r, 0), min(cy + r, rows - 1) + 1):
            row = gy * cols
            if gy == cy - r or gy == cy + r:
                for gx in range(max(cx - r, 0), min(cx + r, cols - 1) + 1):
                    s1, d1, s2, d2 = _scan_cell(row + gx, x, y, pos, ids, head, nxt, s1, d1, s2, d2)
            else:
                if cx - r >= 0:
                    s1, d1, s2, d2 = _scan_cell(row + cx - r, x, y, pos, ids, head, nxt, s1, d1, s2, d2)
                if cx + r < cols:
                    s1, d1, s2, d2 = _scan_cell(row + cx + r, x, y, pos, ids, head, nxt, s1, d1, s2, d2)
        if s2 >= 0:
            bound = r * h + margin
            if d2 < bound * bound:
                break
        if r >= r_max:
            break
        r += 1
    return s1, d1, s2, d2


@numba.njit(cache=True)
def _edge_index(nbr, deg, u, v):
    for j in range(deg[u]):
        if nbr[u, j] == v:
            return j
    return -1


@numba.njit(cache=True)
def _add_edge(u, v, nbr, age, deg):
    nbr[u, deg[u]] = v
    age[u, deg[u]] = 0
    deg[u] += 1
    nbr[v, deg[v]] = u
    age[v, deg[v]] = 0
    deg[v] += 1


@numba.njit(cache=True)
def _drop_half_edge(u, v, nbr, age, deg):
    j = _edge_index(nbr, deg, u, v)
    last = deg[u] - 1
    nbr[u, j] = nbr[u, last]
    age[u, j] = age[u, last]
    deg[u] = last


@numba.njit(cache=True)
def _new_slot(counts, free):
    if counts[_FREE] > 0:
        counts[_FREE] -= 1
        return free[counts[_FREE]]
    counts[_SLOTS] += 1
    return counts[_SLOTS] - 1


@numba.njit(cache=True)
def _insert_node(pos, err, ids, deg, nbr, age, free, counts, after_split, grid_f, grid_i, head, nxt, prv, cell):
    """Split the edge between the largest-error node and its largest-error neighbour."""
    q = -1
    for s in range(counts[_SLOTS]):
        if ids[s] >= 0 and (q < 0 or err[s] > err[q] or (err[s] == err[q] and ids[s] < ids[q])):
            q = s
    if deg[q] == 0:
        return  # no node has won yet: nothing to split
    f = nbr[q, 0]
    for j in range(1, deg[q]):
        s = nbr[q, j]
        if err[s] > err[f] or (err[s] == err[f] and ids[s] < ids[f]):
            f = s
    err[q] *= after_split
    err[f] *= after_split
    r = _new_slot(counts, free)
    pos[r, 0] = 0.5 * (pos[q, 0] + pos[f, 0])
    pos[r, 1] = 0.5 * (pos[q, 1] + pos[f, 1])
    err[r] = 0.0
    ids[r] = counts[_NEXT_ID]
    counts[_NEXT_ID] += 1
    counts[_ALIVE] += 1
    deg[r] = 0
    _drop_half_edge(q, f, nbr, age, deg)
    _drop_half_edge(f, q, nbr, age, deg)
    _add_edge(q, r, nbr, age, deg)
    _add_edge(f, r, nbr, age, deg)
    _grid_link(r, _cell_of(pos[r, 0], pos[r, 1], grid_f, grid_i), head, nxt, prv, cell)


@numba.njit(cache=True)
def _train_range(data, order, lo, hi, pos, err, ids, deg, nbr, age, free, counts, scale,
                 grid_f, grid_i, head, nxt, prv, cell, rates, limits):
    """Present signals data[order[lo:hi]]; return (status, index reached).

    rates = [step, neighbour_step, after_split_error_decay_rate, error_decay_rate,
    min_distance_for_update ** 2]; limits = [max_edge_age, max_nodes, n_iter_before_neuron_added].
    Stops early with _NEEDS_DEGREE, before changing anything for that signal, when a new
    edge does not fit in the adjacency arrays.
    """
    step, neighbour_step, after_split, decay, skip_below = rates[0], rates[1], rates[2], rates[3], rates[4]
    max_edge_age, max_nodes, n_iter = limits[0], limits[1], limits[2]
    width = nbr.shape[1]
    for i in range(lo, hi):
        x = data[order[i], 0]
        y = data[order[i], 1]
        w, dw, s, _ = _two_nearest(x, y, pos, ids, grid_f, grid_i, head, nxt)
        dist = math.sqrt(dw)
        if dist < skip_below:
            scale[1] += dist
            continue
        if _edge_index(nbr, deg, w, s) < 0 and (deg[w] >= width or deg[s] >= width):
            return _NEEDS_DEGREE, i
        scale[1] += dist
        counts[_UPDATES] += 1
        err[w] += dist / scale[0]
        _move(w, x, y, step, pos, grid_f, grid_i, head, nxt, prv, cell)
        j = _edge_index(nbr, deg, w, s)
        if j < 0:
            _add_edge(w, s, nbr, age, deg)
        else:
            age[w, j] = 0
            age[s, _edge_index(nbr, deg, s, w)] = 0
        j = 0
        while j < deg[w]:
            v = nbr[w, j]
            if age[w, j] >= max_edge_age:
                _drop_half_edge(w, v, nbr, age, deg)  # the last edge moves into slot j
                _drop_half_edge(v, w, nbr, age, deg)
                if deg[v] == 0:
                    _grid_unlink(v, head, nxt, prv, cell)
                    ids[v] = -1
                    free[counts[_FREE]] = v
                    counts[_FREE] += 1
                    counts[_ALIVE] -= 1
            else:
                age[w, j] += 1
                age[v, _edge_index(nbr, deg, v, w)] = age[w, j]
                _move(v, x, y, neighbour_step, pos, grid_f, grid_i, head, nxt, prv, cell)
                j += 1
        if counts[_UPDATES] % n_iter == 0 and counts[_ALIVE] < max_nodes:
            _insert_node(pos, err, ids, deg, nbr, age, free, counts, after_split, grid_f, grid_i, head, nxt, prv, cell)
            if counts[_ALIVE] >= 2 * grid_i[2]:
                _grid_build(pos, ids, counts[_SLOTS], grid_f, grid_i, head, nxt, prv, cell)
        scale[0] *= decay
        if scale[0] < _RENORMALISE_BELOW:
            for t in range(counts[_SLOTS]):
                err[t] *= scale[0]
            scale[0] = 1.0
    return _STOPPED, hi


# ---------------------------------------------------------------- Python driver


def new_state(points: np.ndarray, params: GNGParams, rng: np.random.Generator) -> GNGState:
    """Arrays for up to max(max_nodes, n_start_nodes) nodes, started at random data points."""
    cap = max(params.max_nodes, params.n_start_nodes)
    n = len(points)
    start = rng.choice(n, params.n_start_nodes, replace=n < params.n_start_nodes)
    lo = points.min(axis=0)
    span = np.maximum(points.max(axis=0) - lo, 1e-9)
    grid_f = np.array([lo[0], lo[1], 1.0, span[0], span[1]])
    grid_i = np.zeros(3, dtype=np.int64)
    _, cols, rows = _grid_shape(span[0], span[1], cap)
    state = GNGState(
        pos=np.zeros((cap, 2)), err=np.zeros(cap), ids=np.full(cap, -1, dtype=np.int64),
        deg=np.zeros(cap, dtype=np.int64), nbr=np.full((cap, _START_DEGREE), -1, dtype=np.int64),
        age=np.zeros((cap, _START_DEGREE), dtype=np.int64), free=np.zeros(cap, dtype=np.int64),
        counts=np.zeros(5, dtype=np.int64), scale=np.array([1.0, 0.0]), grid_f=grid_f, grid_i=grid_i,
        head=np.full(cols * rows, -1, dtype=np.int64), nxt=np.full(cap, -1, dtype=np.int64),
        prv=np.full(cap, -1, dtype=np.int64), cell=np.zeros(cap, dtype=np.int64),
    )
    k = params.n_start_nodes
    state.pos[:k] = points[start]
    state.ids[:k] = np.arange(k)
    state.counts[:] = (k, k, 0, k, 0)
    _grid_build(state.pos, state.ids, k, grid_f, grid_i, state.head, state.nxt, state.prv, state.cell)
    return state


def _widen(state: GNGState) -> None:
    """Double the adjacency slots per node."""
    cap, width = state.nbr.shape
    nbr = np.full((cap, 2 * width), -1, dtype=np.int64)
    age = np.zeros((cap, 2 * width), dtype=np.int64)
    nbr[:, :width] = state.nbr
    age[:, :width] = state.age
    state.nbr, state.age = nbr, age


def present(state: GNGState, points: np.ndarray, order: np.ndarray, lo: int, hi: int, params: GNGParams) -> None:
    """Present signals points[order[lo:hi]] to the graph, in that order."""
    rates = np.array([params.step, params.neighbour_step, params.after_split_error_decay_rate,
                      params.error_decay_rate, params.min_distance_for_update ** 2])
    limits = np.array([params.max_edge_age, params.max_nodes, params.n_iter_before_neuron_added], dtype=np.int64)
    while lo < hi:
        status, lo = _train_range(points, order, lo, hi, state.pos, state.err, state.ids, state.deg, state.nbr,
                                  state.age, state.free, state.counts, state.scale, state.grid_f, state.grid_i,
                                  state.head, state.nxt, state.prv, state.cell, rates, limits)
        if status == _NEEDS_DEGREE:
            _widen(state)


def graph_of(state: GNGState) -> Graph:
    """The current graph, nodes sorted by id, each edge once as (smaller id, larger id)."""
    slots = np.flatnonzero(state.ids >= 0)
    slots = slots[np.argsort(state.ids[slots])]
    ids = state.ids[slots]
    width = state.nbr.shape[1]
    has = np.arange(width)[None, :] < state.deg[slots, None]
    a = np.repeat(ids, has.sum(axis=1))
    b = state.ids[state.nbr[slots][has]]
    keep = a < b
    edges = np.column_stack([a[keep], b[keep]]).astype(np.int64)
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))] if len(edges) else edges.reshape(0, 2)
    return Graph(ids=ids.copy(), xy=state.pos[slots].copy(), edges=edges)


def train(
    points: np.ndarray,
    params: GNGParams = GNGParams(),
    snapshot_every: int | None = None,
    snapshot_epochs: bool = False,
    on_epoch: Callable[[int, Graph], None] | None = None,
    seconds: float | None = None,
) -> GNGResult:
    """Fit a Growing Neural Gas to (N, 2) `points`.

    Parameters
    ----------
    points : (N, 2) float array, N >= 1.
    params : the GNG settings (checked; a bad one raises ValueError).
    snapshot_every : record the graph every this many signals (and at the start).
    snapshot_epochs : record the graph at the start and after every epoch.
    on_epoch : called with (epochs done, graph) after each epoch, e.g. for a progress bar.
    seconds : time budget, checked after each whole epoch: training stops after the first
        epoch that ends past it, so the graph is the one `params.epochs = result.epochs`
        would give (same seed).

    Returns
    -------
    GNGResult; the same points, params and seed give the same result.

    Raises
    ------
    TrainingInterrupted on Ctrl-C (or SIGTERM turned into KeyboardInterrupt), holding the
    graph as it stood.
    """
    started = time.perf_counter()
    params.check()
    points = np.ascontiguousarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError("points must be a non-empty (N, 2) array")
    if not np.isfinite(points).all():
        raise ValueError("points must be finite")
    if snapshot_every is not None and snapshot_every < 1:
        raise ValueError("snapshot_every must be at least 1")
    if seconds is not None and not seconds > 0:
        raise ValueError("seconds must be positive")
    rng = np.random.default_rng(params.seed)
    state = new_state(points, params, rng)
    n = len(points)
    snapshots: list[tuple[int, Graph]] = []
    if snapshot_every or snapshot_epochs:
        snapshots.append((0, graph_of(state)))
    seen = 0
    errors: list[float] = []
    epoch = 0

    def result(interrupted: bool = False) -> GNGResult:
        return GNGResult(graph=graph_of(state), snapshots=snapshots, signals=seen,
                         updates=int(state.counts[_UPDATES]), epochs=epoch, epoch_errors=errors,
                         interrupted=interrupted)

    try:
        for epoch in range(1, params.epochs + 1):
            order = rng.permutation(n) if params.shuffle else np.arange(n)
            updates_before = int(state.counts[_UPDATES])
            state.scale[1] = 0.0
            lo = 0
            while lo < n:
                hi = min(n, lo + _CHUNK)
                if snapshot_every is not None:
                    hi = min(hi, lo + snapshot_every - seen % snapshot_every)
                present(state, points, order, lo, hi, params)
                seen += hi - lo
                lo = hi
                if snapshot_every and seen % snapshot_every == 0:
                    snapshots.append((seen, graph_of(state)))
            errors.append(float(state.scale[1]) / n)
            if snapshot_epochs and (not snapshots or snapshots[-1][0] != seen):
                snapshots.append((seen, graph_of(state)))
            if on_epoch is not None:
                on_epoch(epoch, graph_of(state))
            if state.counts[_UPDATES] == updates_before and n > 1:
                break  # neupy: no winner farther than the min distance in a whole epoch
            if seconds is not None and time.perf_counter() - started >= seconds:
                break
    except KeyboardInterrupt:
        raise TrainingInterrupted(result(interrupted=True)) from None
    return result()


def mean_distance(points: np.ndarray, graph: Graph) -> float:
    """Mean distance from each point to its nearest node (the drawing's fidelity)."""
    if len(graph.ids) == 0:
        return math.inf
    return float(cKDTree(graph.xy).query(points)[0].mean())
