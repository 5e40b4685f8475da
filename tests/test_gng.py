"""Growing Neural Gas: graph invariants, stable ids, snapshots, components, image → points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skimage

from genart.generative import gng
from genart.generative import points as pts
from genart.generative.components import component_labels, count_components
from genart.generative.spatial_grid import cell_of

ROOT = Path(__file__).resolve().parent.parent


def face_points(size: int = 60) -> np.ndarray:
    """Dark pixels of the article's astronaut crop, shrunk to `size` pixels for speed."""
    rgb = skimage.data.astronaut()[30:180, 150:300]
    small = (skimage.transform.resize(rgb, (size, size), anti_aliasing=True) * 255).astype(np.uint8)
    return pts.mask_points(pts.binarize(pts.blurred_grey(small, 0.6), "otsu", 0.1))


PARAMS = gng.GNGParams(max_nodes=150, n_iter_before_neuron_added=20, max_edge_age=20, epochs=6,
                       neighbour_step=0.005, min_distance_for_update=0.01, shuffle=True, seed=3)


def test_graph_invariants_hold_after_training() -> None:
    points = face_points()
    rng = np.random.default_rng(PARAMS.seed)
    state = gng.new_state(points, PARAMS, rng)
    for _ in range(PARAMS.epochs):
        gng.present(state, points, rng.permutation(len(points)), 0, len(points), PARAMS)
    alive = np.flatnonzero(state.ids >= 0)
    assert len(alive) == state.counts[0] and 100 < len(alive) <= PARAMS.max_nodes
    assert len(set(state.ids[alive].tolist())) == len(alive)
    for s in alive:
        assert state.deg[s] >= 1, "isolated node"
        for j in range(state.deg[s]):
            v = state.nbr[s, j]
            assert state.ids[v] >= 0, "edge to a deleted node"
            assert 0 <= state.age[s, j] <= PARAMS.max_edge_age
            back = list(state.nbr[v, : state.deg[v]]).index(s)
            assert state.age[v, back] == state.age[s, j], "edge ages differ by direction"
        assert s not in state.nbr[s, : state.deg[s]], "self loop"
        assert len(set(state.nbr[s, : state.deg[s]].tolist())) == state.deg[s], "double edge"
        # the node is listed in the grid cell it lies in
        cell = cell_of(state.pos[s, 0], state.pos[s, 1], state.grid_f, state.grid_i)
        members, t = [], state.head[cell]
        while t >= 0:
            members.append(t)
            t = state.nxt[t]
        assert s in members
    graph = gng.graph_of(state)
    assert np.all(np.diff(graph.ids) > 0) and np.all(graph.edges[:, 0] < graph.edges[:, 1])
    assert set(np.unique(graph.edges)) == set(graph.ids.tolist())  # no isolated node in the output either


def test_ids_are_stable_and_never_reused_across_snapshots() -> None:
    points = face_points()
    params = gng.GNGParams(**{**vars(PARAMS), "max_edge_age": 6})  # short-lived edges: many deletions
    result = gng.train(points, params, snapshot_every=500)
    steps = [step for step, _ in result.snapshots]
    assert steps[0] == 0 and steps == sorted(steps) and all(s % 500 == 0 for s in steps)
    assert len(steps) == 1 + result.signals // 500
    gone: set[int] = set()
    highest = -1
    deleted = 0
    for (_, before), (_, after) in zip(result.snapshots, result.snapshots[1:]):
        b, a = set(before.ids.tolist()), set(after.ids.tolist())
        assert not (a & gone), "an id came back"
        new = a - b
        assert all(i > highest for i in new), "a new node got an old id"
        gone |= b - a
        deleted += len(b - a)
        highest = max(highest, max(a))
    assert deleted > 0  # the test did exercise deletions
    assert len(result.graph.ids) <= params.max_nodes


def test_same_seed_same_graph_other_seed_differs() -> None:
    points = face_points(40)
    params = gng.GNGParams(max_nodes=60, n_iter_before_neuron_added=30, epochs=3, shuffle=True, seed=1)
    one, two = gng.train(points, params).graph, gng.train(points, params).graph
    np.testing.assert_array_equal(one.xy, two.xy)
    np.testing.assert_array_equal(one.edges, two.edges)
    other = gng.train(points, gng.GNGParams(**{**vars(params), "seed": 2})).graph
    assert other.xy.shape != one.xy.shape or not np.array_equal(other.xy, one.xy)


def test_article_graph_covers_the_points() -> None:
    """The nodes spread over the points better than as many points drawn at random."""
    points = face_points()
    result = gng.train(points, PARAMS)
    n = len(result.graph.ids)
    picked = np.random.default_rng(0).choice(len(points), n, replace=False)
    at_random = gng.Graph(ids=np.arange(n), xy=points[picked], edges=np.zeros((0, 2), int))
    assert gng.mean_distance(points, result.graph) < 0.85 * gng.mean_distance(points, at_random)
    assert len(result.epoch_errors) == PARAMS.epochs and result.epoch_errors[-1] < result.epoch_errors[0]


def test_many_nodes_use_wide_adjacency_and_grid() -> None:
    """Dense uniform cloud, thousands of nodes: the grid search must match a brute-force check."""
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 100, size=(4000, 2))
    params = gng.GNGParams(max_nodes=1500, n_iter_before_neuron_added=3, epochs=3, max_edge_age=30, shuffle=True)
    graph = gng.train(points, params).graph
    assert 1000 < len(graph.ids) <= 1500
    degrees = np.bincount(np.searchsorted(graph.ids, graph.edges.ravel()), minlength=len(graph.ids))
    assert degrees.min() >= 1
    assert gng.mean_distance(points, graph) < 2.0


def test_min_distance_skip_stops_training_early() -> None:
    """Points on top of the start nodes: no winner is ever far enough, so one epoch ends it."""
    points = np.array([[1.0, 1.0], [5.0, 5.0]] * 50)
    result = gng.train(points, gng.GNGParams(min_distance_for_update=0.5, epochs=10, max_nodes=10))
    assert result.epochs == 1 and result.updates == 0 and result.signals == 100


@pytest.mark.parametrize(
    ("change", "message"),
    [({"max_nodes": 1}, "max_nodes"), ({"step": 0.0}, "step"), ({"error_decay_rate": 0.0}, "error_decay_rate"),
     ({"epochs": 0}, "epochs"), ({"n_start_nodes": 1}, "n_start_nodes")],
)
def test_bad_parameters_are_refused(change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gng.train(np.zeros((5, 2)), gng.GNGParams(**change))


def test_empty_points_are_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        gng.train(np.zeros((0, 2)), gng.GNGParams())


def test_components_count_separate_subgraphs() -> None:
    ids = np.array([3, 7, 9, 12, 20])
    edges = np.array([[3, 7], [9, 12]])
    assert count_components(ids, edges) == 3
    labels = component_labels(ids, edges)
    assert labels[0] == labels[1] and labels[2] == labels[3] and len(set(labels.tolist())) == 3
    assert count_components(np.zeros(0, dtype=int), np.zeros((0, 2), dtype=int)) == 0


def blobs_picture(k: int, size: int = 90) -> np.ndarray:
    """White picture with `k` separate black discs."""
    yy, xx = np.mgrid[0:size, 0:size]
    rgb = np.full((size, size, 3), 255, np.uint8)
    centres = [(20 + 50 * (i % 2), 20 + 25 * (i // 2)) for i in range(k)]
    for cx, cy in centres:
        rgb[(xx - cx) ** 2 + (yy - cy) ** 2 < 8**2] = 0
    return rgb


@pytest.mark.parametrize("k", [2, 5])
def test_gng_counts_blobs(k: int) -> None:
    points = pts.mask_points(pts.binarize(pts.blurred_grey(blobs_picture(k), 1.0)))
    params = gng.GNGParams(max_nodes=20 * k, n_iter_before_neuron_added=50, max_edge_age=30, epochs=8,
                           shuffle=True, seed=0)
    graph = gng.train(points, params).graph
    assert count_components(graph.ids, graph.edges) == k


def test_threshold_methods() -> None:
    grey = np.tile(np.linspace(0.95, 0.35, 80), (40, 1))  # background shading from light to dark
    objects = np.zeros_like(grey, bool)
    objects[15:25, 10:20] = objects[15:25, 55:65] = True
    grey[objects] -= 0.3  # one faint object on the light side, one dark on the dark side
    otsu = pts.binarize(grey, "otsu", 0.0)
    assert otsu[objects].all() and otsu[~objects].mean() > 0.2  # one level: background too
    local = pts.binarize(grey, "local", block_size=25)  # default offset -0.05
    assert np.array_equal(local, objects)  # a level per neighbourhood: just the objects
    assert np.array_equal(pts.binarize(grey, 0.5), grey < 0.5)
    assert np.array_equal(pts.binarize(grey, 0.5, invert=True), grey > 0.5)
    for bad in ("fancy", 1.5):
        with pytest.raises(ValueError):
            pts.binarize(grey, bad)
    with pytest.raises(ValueError, match="odd"):
        pts.binarize(grey, "local", block_size=10)
    assert pts.binarize(grey, "otsu").sum() > otsu.sum()  # default offset +0.1 keeps more


def test_points_are_pixel_centres_with_colours() -> None:
    mask = np.zeros((3, 4), bool)
    mask[1, 2] = mask[2, 0] = True
    xy = pts.mask_points(mask)
    np.testing.assert_array_equal(xy, [[2.5, 1.5], [0.5, 2.5]])
    rgb = np.zeros((3, 4, 3), np.uint8)
    rgb[1, 2] = (255, 0, 51)
    np.testing.assert_allclose(pts.sample_colors(rgb, xy), [[1.0, 0.0, 0.2], [0.0, 0.0, 0.0]])


def test_article_points_and_readme_crop() -> None:
    """The article's crop gives about 11,900 points; the README's source PNG is that exact crop."""
    rgb = skimage.data.astronaut()
    face = pts.crop(rgb, *pts.parse_crop("30:180,150:300"))
    assert np.array_equal(face, rgb[30:180, 150:300])
    assert abs(len(pts.mask_points(pts.binarize(pts.blurred_grey(face, 0.6)))) - 11_900) < 100
    committed = skimage.io.imread(ROOT / "assets" / "readme" / "gng_astronaut_face.png")
    assert np.array_equal(committed, face)
    for bad in ("30:180", "a:b,1:2", "5:5,0:10"):
        with pytest.raises(ValueError):
            pts.crop(rgb, *pts.parse_crop(bad))
