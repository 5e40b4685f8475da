"""The compiled GNG against a plain-numpy reference written straight from neupy's loop."""

from __future__ import annotations

import numpy as np
import pytest

from genart.generative import adjacency
from genart.generative.gng import GNGParams, train


def reference_gng(points: np.ndarray, p: GNGParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """neupy's GrowingNeuralGas.train_epoch in plain numpy: (ids, xy, edges) sorted by id.

    Nodes live in dicts keyed by id; the edge set is a dict {(a, b): age} with a < b; every
    error is decayed explicitly after every update. Randomness is drawn in the same order
    as `genart.generative.gng.train` (start points, then one permutation per epoch).
    """
    rng = np.random.default_rng(p.seed)
    n = len(points)
    start = rng.choice(n, p.n_start_nodes, replace=n < p.n_start_nodes)
    pos = {i: points[s].astype(np.float64).copy() for i, s in enumerate(start)}
    err = {i: 0.0 for i in pos}
    edges: dict[tuple[int, int], int] = {}
    next_id = len(pos)
    updates = 0

    def key(a: int, b: int) -> tuple[int, int]:
        return (a, b) if a < b else (b, a)

    def neighbours(a: int) -> list[int]:
        return [v if u == a else u for (u, v) in edges if a in (u, v)]

    def worst(candidates: list[int]) -> int:
        return max(candidates, key=lambda i: (err[i], -i))

    for _ in range(p.epochs):
        order = rng.permutation(n) if p.shuffle else np.arange(n)
        updated = False
        for k in order:
            x = points[k]
            ids = np.array(sorted(pos))
            d = ((np.array([pos[i] for i in ids]) - x) ** 2).sum(axis=1)
            w, s = ids[np.lexsort((ids, d))[:2]]
            dist = float(np.sqrt(d[ids == w][0]))
            if dist < p.min_distance_for_update ** 2:
                continue
            updates += 1
            updated = True
            err[w] += dist
            pos[w] += p.step * (x - pos[w])
            edges[key(w, s)] = 0
            for v in neighbours(w):
                if edges[key(w, v)] >= p.max_edge_age:
                    del edges[key(w, v)]
                    if not neighbours(v):
                        del pos[v], err[v]
                else:
                    edges[key(w, v)] += 1
                    pos[v] += p.neighbour_step * (x - pos[v])
            if updates % p.n_iter_before_neuron_added == 0 and len(pos) < p.max_nodes:
                q = worst(list(pos))
                if neighbours(q):
                    f = worst(neighbours(q))
                    err[q] *= p.after_split_error_decay_rate
                    err[f] *= p.after_split_error_decay_rate
                    r = next_id
                    next_id += 1
                    pos[r] = 0.5 * (pos[q] + pos[f])
                    err[r] = 0.0
                    del edges[key(q, f)]
                    edges[(q, r)] = 0
                    edges[(f, r)] = 0
            for i in err:
                err[i] *= p.error_decay_rate
        if not updated and n > 1:
            break
    ids = np.array(sorted(pos), dtype=np.int64)
    xy = np.array([pos[i] for i in ids])
    pairs = np.array(sorted(edges), dtype=np.int64).reshape(-1, 2)
    return ids, xy, pairs


def _blobs(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 40, size=(3, 2))
    return (centres[rng.integers(0, 3, n)] + rng.normal(0, 3, size=(n, 2))).astype(np.float64)


CASES = [
    dict(max_nodes=30, n_iter_before_neuron_added=20, max_edge_age=10, epochs=4, shuffle=True, seed=1),
    dict(max_nodes=50, n_iter_before_neuron_added=5, max_edge_age=2, epochs=3, shuffle=True, seed=2,
         n_start_nodes=5, step=0.3, neighbour_step=0.02),
    dict(max_nodes=40, n_iter_before_neuron_added=10, max_edge_age=50, epochs=3, shuffle=False, seed=3,
         min_distance_for_update=0.5, error_decay_rate=0.99, after_split_error_decay_rate=0.3),
    # fast decay: the lazy error scale falls below 1e-250 and is folded back several times
    dict(max_nodes=40, n_iter_before_neuron_added=10, max_edge_age=20, epochs=10, shuffle=True, seed=4,
         error_decay_rate=0.4),
]


@pytest.mark.parametrize("case", CASES)
def test_compiled_matches_reference(case: dict) -> None:
    points = _blobs(300, case["seed"])
    params = GNGParams(**case)
    ids, xy, edges = reference_gng(points, params)
    got = train(points, params).graph
    assert len(ids) > 10  # the graph really grew
    np.testing.assert_array_equal(got.ids, ids)
    np.testing.assert_array_equal(got.edges, edges)
    np.testing.assert_allclose(got.xy, xy, rtol=0, atol=1e-9)


def test_reference_matches_on_pixel_grid_ties() -> None:
    """Integer pixel points make equal distances common: tie-breaking must agree too."""
    yy, xx = np.mgrid[0:12, 0:12]
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float64) + 0.5
    params = GNGParams(max_nodes=25, n_iter_before_neuron_added=15, max_edge_age=8, epochs=3, shuffle=True, seed=5)
    ids, xy, edges = reference_gng(points, params)
    got = train(points, params).graph
    np.testing.assert_array_equal(got.ids, ids)
    np.testing.assert_array_equal(got.edges, edges)
    np.testing.assert_allclose(got.xy, xy, rtol=0, atol=1e-9)


def test_adjacency_widening_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start with 2 edge slots per node so nodes outgrow them; the result must not change."""
    points = _blobs(300, 6)
    params = GNGParams(max_nodes=60, n_iter_before_neuron_added=5, max_edge_age=40, epochs=3, shuffle=True, seed=6)
    wide = train(points, params).graph
    monkeypatch.setattr(adjacency, "START_DEGREE", 2)
    narrow = train(points, params).graph
    degrees = np.bincount(np.searchsorted(narrow.ids, narrow.edges.ravel()))
    assert degrees.max() > 2  # the narrow run did have to widen
    np.testing.assert_array_equal(narrow.edges, wide.edges)
    np.testing.assert_array_equal(narrow.xy, wide.xy)
