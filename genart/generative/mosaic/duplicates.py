"""Near-duplicate photos: perceptual hashes a few bits apart whose colour grids agree too.

Only pairs that can be near are compared (hash bands, by the pigeonhole principle), so a
collection of a million photos is searched in seconds rather than in n² comparisons.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

DUPLICATE_BITS = 6  # phash Hamming distance (of 64 bits) at or below which photos may be duplicates
DUPLICATE_DELTA_E = 4.0  # ... and their 4×4 Lab grids must also differ by at most this RMS ΔE


def find_duplicates(phash: np.ndarray, lab_grid: np.ndarray, bits: int = DUPLICATE_BITS, delta_e: float = DUPLICATE_DELTA_E) -> np.ndarray:
    """For each photo, the index of the earlier photo it nearly duplicates, or -1 (the first of each group is kept).

    Near duplicates have perceptual hashes at most `bits` apart and 4×4 Lab grids at most
    `delta_e` apart (RMS ΔE), so flat patches of different colours are not merged.
    """
    n = len(phash)
    of = np.full(n, -1, np.int64)
    i, j = _near_pairs(np.asarray(phash, np.uint64), bits)
    grids = lab_grid.reshape(n, int(np.prod(lab_grid.shape[1:-1])), 3).astype(np.float64)
    close = np.zeros(len(i), bool)
    for k in range(0, len(i), 65536):  # in blocks: equal hashes can pair up by the million
        a, b = i[k : k + 65536], j[k : k + 65536]
        close[k : k + 65536] = np.sqrt(np.mean(np.sum((grids[a] - grids[b]) ** 2, axis=2), axis=1)) <= delta_e
    for a, b in zip(i[close].tolist(), j[close].tolist()):  # in order of (i, j): the first of a group wins
        if of[a] < 0 and of[b] < 0:
            of[b] = a
    return of


def _run_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (p, q), p < q, of every pair of equal entries of the sorted array `keys`."""
    n = len(keys)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    counts = ends - np.arange(n) - 1
    p = np.repeat(np.arange(n), counts)
    q = p + 1 + np.arange(len(p)) - np.repeat(np.cumsum(counts) - counts, counts)
    return p, q


def _near_pairs(hashes: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs i < j of hashes at most `bits` apart, sorted by (i, j).

    Two distinct such hashes agree exactly on at least one of `bits` + 1 bands of their
    64 bits (pigeonhole), so only distinct hashes sharing a band's value are compared
    (about n²/2^10 pairs instead of n²/2); photos with equal hashes pair up directly.
    """
    n = len(hashes)
    uniq, inv = np.unique(hashes, return_inverse=True)
    edges = np.linspace(0, 64, bits + 2).astype(np.uint64)
    keys = [(uniq >> lo) & np.uint64((1 << int(hi - lo)) - 1) for lo, hi in pairwise(edges)]
    near_a, near_b = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for k, key in enumerate(keys):
        order = np.argsort(key, kind="stable")
        p, q = _run_pairs(key[order])
        a, b = order[p], order[q]
        keep = np.bitwise_count(uniq[a] ^ uniq[b]) <= bits
        for earlier in keys[:k]:  # found once: in the first band the two agree on
            keep &= earlier[a] != earlier[b]
        near_a.append(a[keep])
        near_b.append(b[keep])
    ua, ub = np.concatenate(near_a), np.concatenate(near_b)
    members = np.argsort(inv, kind="stable")  # photos grouped by hash
    count = np.bincount(inv, minlength=len(uniq))
    start = np.cumsum(count) - count
    pairs = count[ua] * count[ub]  # every photo of one hash with every photo of the other
    which = np.repeat(np.arange(len(ua)), pairs)
    rank = np.arange(len(which)) - np.repeat(np.cumsum(pairs) - pairs, pairs)
    cross_i = members[start[ua][which] + rank // count[ub][which]]
    cross_j = members[start[ub][which] + rank % count[ub][which]]
    p, q = _run_pairs(inv[members])  # photos with equal hashes
    i = np.concatenate([members[p], np.minimum(cross_i, cross_j)])
    j = np.concatenate([members[q], np.maximum(cross_i, cross_j)])
    order = np.argsort(i * n + j, kind="stable")
    return i[order], j[order]
