"""A uniform grid over a rectangle for nearest-neighbour queries among moving points (numba kernels).

Points live in numbered slots (`pos[s]`, `ids[s]`; a free slot has id -1). Each grid cell keeps a
doubly linked list of the slots inside it: `head[c]` is its first slot, `nxt`/`prv` link the rest,
`cell[s]` is the cell of slot `s`. `grid_f` = [x0, y0, cell size, width, height] (float) and
`grid_i` = [columns, rows, point count the grid was sized for] (int). A query searches rings of
cells around its own, so it costs about the points in a few cells, never a scan over all points.
"""

from __future__ import annotations

import math

import numba
import numpy as np

MAX_GRID_SIDE = 2048  # cells per side of the grid, at most


@numba.njit(cache=True, inline="always")
def cell_of(x, y, grid_f, grid_i):
    """The cell holding (x, y); points outside the rectangle go to the nearest border cell."""
    cx = min(max(int((x - grid_f[0]) / grid_f[2]), 0), grid_i[0] - 1)
    cy = min(max(int((y - grid_f[1]) / grid_f[2]), 0), grid_i[1] - 1)
    return cy * grid_i[0] + cx


@numba.njit(cache=True)
def grid_link(s, c, head, nxt, prv, cell):
    """File slot `s` in cell `c`."""
    cell[s] = c
    prv[s] = -1
    nxt[s] = head[c]
    if head[c] >= 0:
        prv[head[c]] = s
    head[c] = s


@numba.njit(cache=True)
def grid_unlink(s, head, nxt, prv, cell):
    """Take slot `s` out of its cell."""
    if prv[s] >= 0:
        nxt[prv[s]] = nxt[s]
    else:
        head[cell[s]] = nxt[s]
    if nxt[s] >= 0:
        prv[nxt[s]] = prv[s]


@numba.njit(cache=True)
def grid_shape(width, height, nodes):
    """Cell size, columns and rows of a grid with about one cell per node over width x height."""
    h = max(math.sqrt(width * height / max(nodes, 1)), max(width, height) / MAX_GRID_SIDE, 1e-9)
    return h, min(int(width / h) + 1, MAX_GRID_SIDE), min(int(height / h) + 1, MAX_GRID_SIDE)


@numba.njit(cache=True)
def grid_build(pos, ids, slots, grid_f, grid_i, head, nxt, prv, cell):
    """Resize the grid to about one cell per live point and file every point in it.

    Called whenever the point count has doubled, so a sparse early graph is searched in a
    coarse grid and a dense late one in a fine grid; `head` is sized for the finest.
    """
    alive = 0
    for s in range(slots):
        if ids[s] >= 0:
            alive += 1
    grid_f[2], grid_i[0], grid_i[1] = grid_shape(grid_f[3], grid_f[4], alive)
    grid_i[2] = alive
    head[: grid_i[0] * grid_i[1]] = -1
    for s in range(slots):
        if ids[s] >= 0:
            grid_link(s, cell_of(pos[s, 0], pos[s, 1], grid_f, grid_i), head, nxt, prv, cell)


@numba.njit(cache=True)
def grid_move(s, x, y, rate, pos, grid_f, grid_i, head, nxt, prv, cell):
    """Move slot `s` the share `rate` of the way towards (x, y), re-filing it if it changed cell."""
    pos[s, 0] += rate * (x - pos[s, 0])
    pos[s, 1] += rate * (y - pos[s, 1])
    c = cell_of(pos[s, 0], pos[s, 1], grid_f, grid_i)
    if c != cell[s]:
        grid_unlink(s, head, nxt, prv, cell)
        grid_link(s, c, head, nxt, prv, cell)


@numba.njit(cache=True, inline="always")
def _scan_cell(c, x, y, pos, ids, head, nxt, s1, d1, s2, d2):
    """Fold the points of cell `c` into the best two (ties go to the smaller id)."""
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
def two_nearest(x, y, pos, ids, grid_f, grid_i, head, nxt):
    """Slots of the nearest and second-nearest points and their squared distances.

    Searches rings of cells around the query's cell; points r + 1 rings away are at least
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
