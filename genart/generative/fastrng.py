"""A tiny deterministic random generator for compiled code (xorshift64*).

Each stream is a one-element uint64 array, seeded from (seed, *keys) by splitmix64, so a
search step draws the same numbers whichever thread or process runs it.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_MASK = (1 << 64) - 1


def _splitmix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def stream(seed: int, *keys: int) -> np.ndarray:
    """A generator state derived from `seed` and any number of integer keys."""
    x = _splitmix(seed & _MASK)
    for key in keys:
        x = _splitmix(x ^ (key & _MASK))
    return np.array([x or 1], np.uint64)


@numba.njit(cache=True, nogil=True)
def next_u64(state: np.ndarray) -> np.uint64:
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@numba.njit(cache=True, nogil=True)
def uniform(state: np.ndarray) -> float:
    """Uniform float in [0, 1)."""
    return float(next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True, nogil=True)
def randint(state: np.ndarray, n: int) -> int:
    """Uniform integer in [0, n)."""
    return min(int(uniform(state) * n), n - 1)


@numba.njit(cache=True, nogil=True)
def normal(state: np.ndarray) -> float:
    """Standard normal (Box–Muller)."""
    u1 = 1.0 - uniform(state)
    u2 = uniform(state)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
