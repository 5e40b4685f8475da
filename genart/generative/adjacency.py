"""An undirected graph with aged edges in fixed-width adjacency arrays that widen when a node needs more.

Node `u` has `deg[u]` neighbours `nbr[u, :deg[u]]` with edge ages `age[u, :deg[u]]` (the same age
is kept in both directions). The arrays have `width` slots per node; a caller that finds a node full
widens them (`widen`, doubling the slots) and carries on, so no node's degree is capped. The kernels
are numba-compiled for the GNG update loop.
"""

from __future__ import annotations

import numba
import numpy as np

START_DEGREE = 16  # adjacency slots per node at first; doubled when a node needs more


def new_adjacency(nodes: int, width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Empty neighbour and age arrays for `nodes` nodes of `width` slots each (default START_DEGREE)."""
    width = START_DEGREE if width is None else width
    return np.full((nodes, width), -1, dtype=np.int64), np.zeros((nodes, width), dtype=np.int64)


def widen(nbr: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The neighbour and age arrays with twice the slots per node, the edges kept."""
    nodes, width = nbr.shape
    wider_nbr, wider_age = new_adjacency(nodes, 2 * width)
    wider_nbr[:, :width] = nbr
    wider_age[:, :width] = age
    return wider_nbr, wider_age


@numba.njit(cache=True)
def edge_index(nbr, deg, u, v):
    """The slot of `v` among `u`'s neighbours, or -1."""
    for j in range(deg[u]):
        if nbr[u, j] == v:
            return j
    return -1


@numba.njit(cache=True)
def add_edge(u, v, nbr, age, deg):
    """Link `u` and `v` with a new edge of age 0 (both must have a free slot)."""
    nbr[u, deg[u]] = v
    age[u, deg[u]] = 0
    deg[u] += 1
    nbr[v, deg[v]] = u
    age[v, deg[v]] = 0
    deg[v] += 1


@numba.njit(cache=True)
def drop_half_edge(u, v, nbr, age, deg):
    """Remove `v` from `u`'s neighbours (the last neighbour moves into its slot); call twice for an edge."""
    j = edge_index(nbr, deg, u, v)
    last = deg[u] - 1
    nbr[u, j] = nbr[u, last]
    age[u, j] = age[u, last]
    deg[u] = last
