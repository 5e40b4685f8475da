"""Tiles without seams (issue 27): the tiled poster has no more edge at its tile borders than an untiled fit.

Measured as the issue does (`genart.generative.seams`): on the render at the picture's size (the
written PNG), excess edge (|Δ poster| − |Δ picture|) over the 3 pixel lines at the tile borders
minus the same over lines a quarter tile inside them. Done: the tiled gap is at most the untiled
gap (same -n and seed, same lines) + 0.5 level, for 2x2, 3x3 and 4x4, on two pictures no other test
uses (skimage's hubble_deep_field and colorwheel), with 1 and with 2 workers, which give the same scene.
"""

from __future__ import annotations

import doctest
from functools import cache

import numpy as np
import pytest
from skimage import data

from genart.generative import hillclimb_tiles as E
from genart.generative import seams
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_schedule import Plan
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result, TileState
from genart.generative.images import Picture
from genart.generative.tiling import reach_boxes, tile_boxes, tile_classes
from genart.render import scene as S
from genart.render.cairo import render_array

PICTURES = {"hubble": data.hubble_deep_field, "colorwheel": data.colorwheel}
LEVELS = 0.5  # how much more gap a tiled poster may have than an untiled one


@cache
def _picture(name: str) -> Picture:
    return Picture(np.ascontiguousarray(PICTURES[name]()[..., :3]), name, "0" * 64)


@cache
def _poster(name: str, n: int, tiles: tuple[int, int], workers: int, effort: tuple[int, int, int],
            resize: int) -> tuple[np.ndarray, str, tuple[int, int]]:
    """The fit's render at the picture's size, its scene (as text, without the timings) and its working size."""
    pic = _picture(name)
    candidates, max_age, repeats = effort
    climb = ClimbSettings(candidates=candidates, max_age=max_age, repeats=repeats, workers=workers)
    settings = EvolveSettings(shapes=n, climb=climb, tiles=tiles, resize=resize)
    result = E.evolve(pic, settings)
    drawing = tiles_scene(result, pic, settings)
    text = S.dumps(drawing.model_copy(update={"meta": {}}))
    return render_array(drawing, pic.width, pic.height), text, (result.target.shape[1], result.target.shape[0])


def _check(name: str, n: int, tiles: tuple[int, int], effort: tuple[int, int, int], resize: int) -> None:
    pic = _picture(name)
    untiled, _, work = _poster(name, n, (1, 1), 1, effort, resize)
    reference = seams.seam_gap(untiled, pic.rgb, tiles, work)
    one, scene_one, _ = _poster(name, n, tiles, 1, effort, resize)
    two, scene_two, _ = _poster(name, n, tiles, 2, effort, resize)
    assert scene_one == scene_two  # same seed, same scene on any number of workers
    tiled = seams.seam_gap(one, pic.rgb, tiles, work)
    assert tiled.gap <= reference.gap + LEVELS, (
        f"{name} {tiles[0]}x{tiles[1]}: tiled border {tiled.border:+.2f} inside {tiled.inside:+.2f} "
        f"(gap {tiled.gap:+.2f}); untiled {reference.border:+.2f} {reference.inside:+.2f} (gap {reference.gap:+.2f})")


def test_a_seam_is_an_edge_the_picture_has_not() -> None:
    picture = np.tile(np.linspace(0, 255, 96).astype(np.uint8)[None, :, None], (64, 1, 3))  # a smooth ramp
    assert abs(seams.seam_gap(picture, picture, (2, 2), (96, 64)).gap) < 1e-9
    stepped = picture.astype(int)
    stepped[:, 48:] += 12  # two tiles that disagree by 12 levels
    figures = seams.seam_gap(np.clip(stepped, 0, 255).astype(np.uint8), picture, (2, 1), (96, 64))
    assert figures.border == pytest.approx(4.0, abs=0.3) and abs(figures.inside) < 1e-9  # 12 levels over 3 lines
    assert seams.border_positions(256, 3, 1.5) == [127.5, 256.5]  # 85 and 171 working pixels
    assert doctest.testmod(seams).failed == 0


def test_reach_boxes_of_a_class_never_overlap() -> None:
    for cols, rows, width, height in ((2, 2, 64, 64), (5, 3, 101, 37), (8, 8, 256, 170), (16, 1, 48, 9)):
        reaches, classes = reach_boxes(width, height, cols, rows), tile_classes(cols, rows)
        for i, a in enumerate(reaches):
            for j, b in enumerate(reaches[:i]):
                if classes[i] == classes[j]:
                    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (cols, rows, a, b)


def test_a_2x2_poster_has_no_seam_on_1_or_2_workers() -> None:
    """The quick case: 2x2, 160 shapes at a low effort and a 128-px working size."""
    _check("colorwheel", 160, (2, 2), (150, 40, 4), 128)


@pytest.mark.slow
@pytest.mark.parametrize("tiles", [(2, 2), (3, 3), (4, 4)], ids=lambda t: f"{t[0]}x{t[1]}")
@pytest.mark.parametrize("name", list(PICTURES))
def test_tiled_posters_have_no_seams(name: str, tiles: tuple[int, int]) -> None:
    """The issue's case: 400 triangles at the default effort and working size (256 px)."""
    _check(name, 400, tiles, (500, 100, 8), 256)


def _judged_afresh(plan: Plan, result: Result, busy: set[int]) -> list[int]:
    """The tiles whose next job may start, judged from nothing: growing, not running, and every tile whose
    reach box overlaps its own has drawn the jobs before it (earlier rounds; this round, for a class before it)."""
    keys = []
    for i, tile in enumerate(result.tiles):
        if i in busy or plan.finished(i):
            continue
        round_ = len(tile.params) // result.chunk
        if all(plan.finished(j) or len(result.tiles[j].params) >= min(
                plan.quotas[j], result.chunk * (round_ + (result.classes[j] < result.classes[i])))
               for j in range(len(result.tiles)) if j != i and _overlap(result.reaches[i], result.reaches[j])):
            keys.append((round_, result.classes[i], i))
    return [i for _, _, i in sorted(keys)]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_plan_kept_job_by_job_is_the_plan_judged_afresh() -> None:
    """The waves: jobs drawn in a random order (as workers finish them), some tiles stuck early; after every
    start and draw the plan names the tiles a fresh judgement does, and every tile ends at its quota or stuck."""
    rng = np.random.default_rng(5)
    for cols, rows in ((5, 3), (4, 4), (1, 6)):
        boxes = tile_boxes(100, 90, cols, rows)
        result = Result(np.zeros((90, 100, 3)), np.zeros(3), boxes, reach_boxes(100, 90, cols, rows),
                        [TileState() for _ in boxes], 4, tile_classes(cols, rows), 0.0)
        quotas = [int(q) for q in rng.integers(9, 19, len(boxes))]
        plan, running = Plan(result, quotas), set()
        while True:
            assert plan.ready() == _judged_afresh(plan, result, running)
            for i in plan.ready()[: int(rng.integers(1, 4))]:
                plan.start(i)
                running.add(i)
            if not running:
                break
            i = sorted(running)[int(rng.integers(len(running)))]
            running.discard(i)
            grown = plan.upto(i) - len(result.tiles[i].params)
            result.tiles[i].params += [[0.0]] * grown
            result.tiles[i].stuck = bool(rng.random() < 0.05)
            plan.drawn(i)
        assert all(t.stuck or len(t.params) == q for t, q in zip(result.tiles, quotas))
        assert plan.sharing(0) == 0


def test_a_4x4_poster_in_waves_is_the_same_on_1_or_2_workers() -> None:
    """Sixteen tiles, whose jobs run in waves across turns and rounds: one scene, however many workers."""
    scenes = {_poster("hubble", 96, (4, 4), workers, (40, 10, 2), 64)[1] for workers in (1, 2)}
    assert len(scenes) == 1
