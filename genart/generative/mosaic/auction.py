"""Large assignments within a proven gap of the optimum: an ε-scaling auction (Bertsekas).

Cells bid for tile slots (a tile used at most K times offers K slots) on the dense cost
matrix; when slots outnumber cells, dummy bidders of cost 0 make the problem square so
ε-scaling is sound. Any prices p give a lower bound on the optimum,

    LB(p) = Σ_bidders min_slots (cost + p) − Σ_slots p,

so the run stops with a certificate: total cost ≤ (1 + gap) · LB, not a hope.
"""

from __future__ import annotations

import numba
import numpy as np

KEEP = 8  # slots remembered per bidder between full scans of its row


@numba.njit(cache=True, nogil=True)
def _scan(cost, prices, i, keep, limit) -> None:
    """Full scan of bidder i's row: its KEEP best slots into `keep[i]`, the next value into `limit[i]`."""
    cells, slots = cost.shape
    vals = np.full(KEEP + 1, np.inf)
    idx = np.full(KEEP + 1, -1, np.int64)
    for j in range(slots):
        v = prices[j] + (cost[i, j] if i < cells else 0.0)
        if v < vals[KEEP]:
            k = KEEP
            while k > 0 and vals[k - 1] > v:
                vals[k], idx[k] = vals[k - 1], idx[k - 1]
                k -= 1
            vals[k], idx[k] = v, j
    keep[i] = idx[:KEEP]
    limit[i] = vals[KEEP]


@numba.njit(cache=True, nogil=True)
def _auction(cost, prices, owner, assigned, keep, limit, eps) -> None:
    """Gauss–Seidel forward auction until every bidder holds a slot (rows ≥ len(cost) are dummies).

    Prices only rise, so a slot not remembered by a bidder still costs it at least
    `limit[i]`: when its best two remembered slots are below that, no scan is needed.
    """
    cells, slots = cost.shape
    people = assigned.shape[0]
    queue = np.empty(people, np.int64)
    size = 0
    for i in range(people):
        if assigned[i] < 0:
            queue[size] = i
            size += 1
    head = 0
    while size > 0:
        i = queue[head]
        head = (head + 1) % people
        size -= 1
        for attempt in range(2):
            b1, b2, j1 = np.inf, np.inf, -1
            for k in range(KEEP):
                j = keep[i, k]
                if j < 0:
                    continue
                v = prices[j] + (cost[i, j] if i < cells else 0.0)
                if v < b2:
                    if v < b1:
                        b2, b1, j1 = b1, v, j
                    else:
                        b2 = v
            if b2 <= limit[i] or attempt == 1:
                break
            _scan(cost, prices, i, keep, limit)
        b2 = min(b2, limit[i])
        if b2 == np.inf:
            b2 = b1
        prices[j1] += (b2 - b1) + eps
        old = owner[j1]
        owner[j1] = i
        assigned[i] = j1
        if old >= 0:
            assigned[old] = -1
            queue[(head + size) % people] = old
            size += 1


@numba.njit(cache=True, nogil=True)
def _bound(cost: np.ndarray, prices: np.ndarray, people: int) -> float:
    """LB(p) for the square problem (dummy rows cost 0)."""
    cells, slots = cost.shape
    total = 0.0
    for i in range(cells):
        best = np.inf
        for j in range(slots):
            best = min(best, cost[i, j] + prices[j])
        total += best
    total += (people - cells) * prices.min()
    return total - prices.sum()


def auction_assign(cost: np.ndarray, gap: float = 0.01, max_phases: int = 40) -> tuple[np.ndarray, float, float]:
    """Slot per row of `cost` (rows ≤ columns) with total ≤ (1 + gap) × optimum.

    Returns (slot of every row, total cost, lower bound on the optimum). Costs ≥ 0.
    """
    cells, slots = cost.shape
    people = slots  # cells plus dummies: square
    prices = np.zeros(slots)
    owner = np.full(slots, -1, np.int64)
    assigned = np.full(people, -1, np.int64)
    keep = np.full((people, KEEP), -1, np.int64)
    limit = np.full(people, -np.inf)  # forces a first scan
    top = float(cost.max()) or 1.0
    floor = float(cost.min(axis=1).sum())  # Σ row minima: a first lower bound, the scale of ε
    eps_final = max(gap * floor / people, 1e-9 * top)
    eps = max(top / 8.0, eps_final)
    rows = np.arange(cells)
    for _ in range(max_phases):
        owner[:] = -1
        assigned[:] = -1
        _auction(cost, prices, owner, assigned, keep, limit, eps)
        if eps <= eps_final:
            chosen = assigned[:cells]
            total = float(cost[rows, chosen].sum(dtype=np.float64))
            bound = _bound(cost, prices, people)
            if total <= (1.0 + gap) * bound:
                return chosen, total, bound
            eps_final /= 4.0
        eps = max(eps / 5.0, eps_final)
    raise RuntimeError(f"no {100 * gap:g}% certificate after {max_phases} phases")
