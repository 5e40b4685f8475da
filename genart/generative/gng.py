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
ring search in a uniform grid of about one cell per node (`genart.generative.spatial_grid`,
rebuilt each time the node count doubles), never by a scan over all nodes; the edges live in
adjacency arrays that widen when a node needs more (`genart.generative.adjacency`); error
decay is lazy (one global factor, folded into the errors rarely); only an insertion scans all
nodes (for the largest error). The settings and their ranges are `genart.generative.gng_params`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
from scipy.spatial import cKDTree

from genart.generative.adjacency import add_edge, drop_half_edge, edge_index, new_adjacency, widen
from genart.generative.gng_params import GNGParams
from genart.generative.spatial_grid import (
    cell_of,
    grid_build,
    grid_link,
    grid_move,
    grid_shape,
    grid_unlink,
    two_nearest,
)

_RENORMALISE_BELOW = 1e-250  # the lazy error scale is folded into the errors below this
_CHUNK = 50_000  # signals per kernel call, so Ctrl-C is seen within milliseconds
_STOPPED = 0  # kernel status: reached the end of its range
_NEEDS_DEGREE = 1  # kernel status: a node needs more adjacency slots

# integer counters in GNGState.counts
_ALIVE, _SLOTS, _FREE, _NEXT_ID, _UPDATES = range(5)


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
    drop_half_edge(q, f, nbr, age, deg)
    drop_half_edge(f, q, nbr, age, deg)
    add_edge(q, r, nbr, age, deg)
    add_edge(f, r, nbr, age, deg)
    grid_link(r, cell_of(pos[r, 0], pos[r, 1], grid_f, grid_i), head, nxt, prv, cell)


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
        w, dw, s, _ = two_nearest(x, y, pos, ids, grid_f, grid_i, head, nxt)
        dist = math.sqrt(dw)
        if dist < skip_below:
            scale[1] += dist
            continue
        if edge_index(nbr, deg, w, s) < 0 and (deg[w] >= width or deg[s] >= width):
            return _NEEDS_DEGREE, i
        scale[1] += dist
        counts[_UPDATES] += 1
        err[w] += dist / scale[0]
        grid_move(w, x, y, step, pos, grid_f, grid_i, head, nxt, prv, cell)
        j = edge_index(nbr, deg, w, s)
        if j < 0:
            add_edge(w, s, nbr, age, deg)
        else:
            age[w, j] = 0
            age[s, edge_index(nbr, deg, s, w)] = 0
        j = 0
        while j < deg[w]:
            v = nbr[w, j]
            if age[w, j] >= max_edge_age:
                drop_half_edge(w, v, nbr, age, deg)  # the last edge moves into slot j
                drop_half_edge(v, w, nbr, age, deg)
                if deg[v] == 0:
                    grid_unlink(v, head, nxt, prv, cell)
                    ids[v] = -1
                    free[counts[_FREE]] = v
                    counts[_FREE] += 1
                    counts[_ALIVE] -= 1
            else:
                age[w, j] += 1
                age[v, edge_index(nbr, deg, v, w)] = age[w, j]
                grid_move(v, x, y, neighbour_step, pos, grid_f, grid_i, head, nxt, prv, cell)
                j += 1
        if counts[_UPDATES] % n_iter == 0 and counts[_ALIVE] < max_nodes:
            _insert_node(pos, err, ids, deg, nbr, age, free, counts, after_split, grid_f, grid_i, head, nxt, prv, cell)
            if counts[_ALIVE] >= 2 * grid_i[2]:
                grid_build(pos, ids, counts[_SLOTS], grid_f, grid_i, head, nxt, prv, cell)
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
    _, cols, rows = grid_shape(span[0], span[1], cap)
    nbr, age = new_adjacency(cap)
    state = GNGState(
        pos=np.zeros((cap, 2)), err=np.zeros(cap), ids=np.full(cap, -1, dtype=np.int64),
        deg=np.zeros(cap, dtype=np.int64), nbr=nbr, age=age, free=np.zeros(cap, dtype=np.int64),
        counts=np.zeros(5, dtype=np.int64), scale=np.array([1.0, 0.0]), grid_f=grid_f, grid_i=grid_i,
        head=np.full(cols * rows, -1, dtype=np.int64), nxt=np.full(cap, -1, dtype=np.int64),
        prv=np.full(cap, -1, dtype=np.int64), cell=np.zeros(cap, dtype=np.int64),
    )
    k = params.n_start_nodes
    state.pos[:k] = points[start]
    state.ids[:k] = np.arange(k)
    state.counts[:] = (k, k, 0, k, 0)
    grid_build(state.pos, state.ids, k, grid_f, grid_i, state.head, state.nxt, state.prv, state.cell)
    return state


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
            state.nbr, state.age = widen(state.nbr, state.age)


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


NEUPY = GNGParams()  # neupy's defaults


def train(
    points: np.ndarray,
    params: GNGParams = NEUPY,
    snapshot_every: int | None = None,
    snapshot_epochs: bool = False,
    on_epoch: Callable[[int, Graph], None] | None = None,
    seconds: float | None = None,
) -> GNGResult:
    """Fit a Growing Neural Gas to (N, 2) `points`.

    Parameters
    ----------
    points : (N, 2) float array, N >= 1.
    params : the GNG settings (valid by construction: `GNGParams` checks them when made).
    snapshot_every : record the graph every this many signals, at least 1 (and at the start).
    snapshot_epochs : record the graph at the start and after every epoch.
    on_epoch : called with (epochs done, graph) after each epoch, e.g. to report progress.
    seconds : time budget (positive), checked after each whole epoch: training stops after the
        first epoch that ends past it, so the graph is the one `params.epochs = result.epochs`
        would give (same seed).

    Returns
    -------
    GNGResult; the same points, params and seed give the same result.

    Raises
    ------
    TrainingInterrupted on Ctrl-C (or SIGTERM turned into KeyboardInterrupt), holding the
    graph as it stood.

    Examples
    --------
    >>> ring = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 6.28, 200)])
    >>> result = train(ring, GNGParams(max_nodes=12, n_iter_before_neuron_added=20, epochs=5))
    >>> len(result.graph.ids), result.epochs
    (12, 5)
    """
    started = time.perf_counter()
    run = _Training(_checked_points(points), params, snapshot_every, snapshot_epochs)
    try:
        for epoch in range(1, params.epochs + 1):
            updated = run.epoch(epoch)
            if on_epoch is not None:
                on_epoch(epoch, graph_of(run.state))
            if not updated and len(run.points) > 1:
                break  # neupy: no winner farther than the min distance in a whole epoch
            if seconds is not None and time.perf_counter() - started >= seconds:
                break
    except KeyboardInterrupt:
        raise TrainingInterrupted(run.result(interrupted=True)) from None
    return run.result()


def _checked_points(points: np.ndarray) -> np.ndarray:
    """`points` as a contiguous float64 (N, 2) array; ValueError unless non-empty and finite."""
    points = np.ascontiguousarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError("points must be a non-empty (N, 2) array")
    if not np.isfinite(points).all():
        raise ValueError("points must be finite")
    return points


class _Training:
    """One `train` run: the growing state, the signals seen, the snapshots and the epochs' errors."""

    def __init__(self, points: np.ndarray, params: GNGParams, snapshot_every: int | None,
                 snapshot_epochs: bool) -> None:
        self.points, self.params = points, params
        self.snapshot_every, self.snapshot_epochs = snapshot_every, snapshot_epochs
        self.rng = np.random.default_rng(params.seed)
        self.state = new_state(points, params, self.rng)
        self.snapshots: list[tuple[int, Graph]] = []
        if snapshot_every or snapshot_epochs:
            self.snapshots.append((0, graph_of(self.state)))
        self.seen = 0
        self.errors: list[float] = []
        self.epochs = 0

    def epoch(self, epoch: int) -> bool:
        """Present every point once (in a fresh random order with `shuffle`); whether any node moved."""
        self.epochs = epoch
        n, state, every = len(self.points), self.state, self.snapshot_every
        order = self.rng.permutation(n) if self.params.shuffle else np.arange(n)
        updates_before = int(state.counts[_UPDATES])
        state.scale[1] = 0.0
        lo = 0
        while lo < n:
            hi = min(n, lo + _CHUNK)
            if every is not None:
                hi = min(hi, lo + every - self.seen % every)
            present(state, self.points, order, lo, hi, self.params)
            self.seen += hi - lo
            lo = hi
            if every and self.seen % every == 0:
                self.snapshots.append((self.seen, graph_of(state)))
        self.errors.append(float(state.scale[1]) / n)
        if self.snapshot_epochs and (not self.snapshots or self.snapshots[-1][0] != self.seen):
            self.snapshots.append((self.seen, graph_of(state)))
        return int(state.counts[_UPDATES]) != updates_before

    def result(self, interrupted: bool = False) -> GNGResult:
        """The graph as it stands, with the run's snapshots and counts."""
        return GNGResult(graph=graph_of(self.state), snapshots=self.snapshots, signals=self.seen,
                         updates=int(self.state.counts[_UPDATES]), epochs=self.epochs, epoch_errors=self.errors,
                         interrupted=interrupted)


def mean_distance(points: np.ndarray, graph: Graph) -> float:
    """Mean distance from each point to its nearest node (the drawing's fidelity)."""
    if len(graph.ids) == 0:
        return math.inf
    return float(cKDTree(graph.xy).query(points)[0].mean())
