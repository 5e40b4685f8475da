"""Photo mosaic: indexing, matching constraints and optimality, image and scene outputs, CLI errors."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pytest
import skimage.data as data
from PIL import Image
from scipy.optimize import linear_sum_assignment

from genart.cli import main
from genart.generative.mosaic.collection import Collection, open_tiles, write_collection
from genart.generative.mosaic.duplicates import find_duplicates
from genart.generative.mosaic.index import index_folder
from genart.generative.mosaic.match import MatchError, adjacent_repeats, assign, match
from genart.render import scene
from genart.render.scene import MosaicLayer, SceneError

SIZES = (8, 16)


def _photos(folder: Path, count: int = 40, seed: int = 0) -> None:
    """Small random crops of skimage pictures, some PNG, one in a sub-folder."""
    rng = np.random.default_rng(seed)
    pictures = [data.coffee(), data.chelsea(), data.rocket(), data.immunohistochemistry()]
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        pic = pictures[i % len(pictures)]
        side = int(rng.integers(12, 80))
        y, x = rng.integers(0, pic.shape[0] - side), rng.integers(0, pic.shape[1] - side)
        name = folder / ("sub" if i == 3 else "") / (f"p{i:03d}.png" if i % 4 == 0 else f"p{i:03d}.jpg")
        Image.fromarray(pic[y : y + side, x : x + side]).resize((40, 32)).save(name)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    photos = tmp_path / "photos"
    _photos(photos)
    return photos


def _index(folder: Path, out: Path, jobs: int = 1):
    return index_folder(folder, out, SIZES, jobs=jobs)


def test_index_skips_corrupt_and_other_files_and_finds_duplicates(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.txt").write_text("not a picture")
    Image.open(folder / "p001.jpg").resize((80, 64)).save(folder / "p001_copy.jpg", quality=85)  # near duplicate
    out = tmp_path / "c.npz"
    report = index_folder(folder, out, SIZES, jobs=2)
    assert (report.unreadable, report.ignored, report.duplicates) == (2, 1, 1)
    c = Collection.load(out)
    assert len(c) == report.tiles == 40
    assert "p001_copy.jpg" not in c.names and "sub/p003.jpg" in c.names
    dup = next(f for f in c.meta["files"] if f["path"] == "p001_copy.jpg")
    assert dup["duplicate_of"] == "p001.jpg"
    assert c.tile(0, 8).shape == (8, 8, 3) and c.tile(0, 9).shape == (16, 16, 3)
    assert c.tile(5, 40).shape == (40, 40, 3) and c.tile(5, 40).dtype == np.uint8
    assert c.lab_grid.shape == (40, 4, 4, 3) and c.lab_mean.shape == (40, 3)


def test_duplicate_search_equals_comparing_every_pair() -> None:
    rng = np.random.default_rng(4)
    base = rng.integers(0, 2**63, 60, dtype=np.uint64)
    flips = [np.uint64(sum(1 << int(b) for b in rng.choice(64, k, replace=False))) for k in rng.integers(0, 9, 60)]
    hashes = np.concatenate([base, base ^ np.array(flips, np.uint64), np.zeros(5, np.uint64)])  # 0-8 bits apart
    grids = rng.normal(50, 3, (len(hashes), 4, 4, 3))
    grids[60:120] = grids[:60] + rng.normal(0, 1, (60, 4, 4, 3)) * rng.uniform(0.5, 4, (60, 1, 1, 1))  # some within 4 ΔE
    order = rng.permutation(len(hashes))
    hashes, grids = hashes[order], grids[order]
    expected = np.full(len(hashes), -1)
    for i in range(len(hashes)):
        for j in range(i + 1, len(hashes)):
            near = bin(int(hashes[i] ^ hashes[j])).count("1") <= 6
            close = np.sqrt(np.mean(np.sum((grids[i] - grids[j]) ** 2, axis=2))) <= 4.0
            if near and close and expected[i] < 0 and expected[j] < 0:
                expected[j] = i
    found = find_duplicates(hashes, grids)
    assert 10 < (found >= 0).sum() < 60
    np.testing.assert_array_equal(found, expected)


def test_parallel_and_serial_index_agree(folder: Path, tmp_path: Path) -> None:
    _index(folder, tmp_path / "a.npz", jobs=1)
    _index(folder, tmp_path / "b.npz", jobs=2)
    one, two = Collection.load(tmp_path / "a.npz"), Collection.load(tmp_path / "b.npz")
    assert one.names == two.names
    np.testing.assert_array_equal(one.thumbs[16], two.thumbs[16])
    np.testing.assert_array_equal(one.rgb_grid, two.rgb_grid)


def test_reindex_reuses_unchanged_and_refreshes_changed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.npz"
    first = _index(folder, out)
    assert (first.processed, first.reused) == (40, 0)
    before = Collection.load(out)
    thumb5 = np.array(before.thumbs[16][before.names.index("p005.jpg")])
    again = _index(folder, out)
    assert (again.processed, again.reused, again.tiles) == (0, 40, 40)
    # change one file, add one, remove one
    Image.new("RGB", (30, 30), (250, 0, 0)).save(folder / "p002.jpg")
    os.utime(folder / "p002.jpg", ns=(1, 1))
    Image.new("RGB", (30, 30), (0, 0, 250)).save(folder / "new.png")
    (folder / "p010.jpg").unlink()
    third = _index(folder, out)
    assert (third.processed, third.reused, third.tiles) == (2, 38, 40)
    after = Collection.load(out)
    assert "p010.jpg" not in after.names and after.names[-1] == "new.png"
    red = after.tile(after.names.index("p002.jpg"), 16)
    assert red[..., 0].min() > 200 and red[..., 2].max() < 50
    np.testing.assert_array_equal(after.thumbs[16][after.names.index("p005.jpg")], thumb5)


def test_reindex_reads_again_files_whose_records_are_damaged(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.npz"
    _index(folder, out)
    with np.load(out) as z:
        arrays = {name: z[name] for name in z.files if name != "meta"}
        meta = json.loads(bytes(z["meta"]).decode())
    meta["files"][0]["tile"] = 10**6
    meta["files"][1]["phash"] = "not a hash"
    meta["files"][2] = "not a record"
    write_collection(out, meta, arrays)
    report = _index(folder, out)
    assert (report.processed, report.reused, report.tiles) == (3, 37, 40)
    fresh = tmp_path / "fresh.npz"
    _index(folder, fresh)
    np.testing.assert_array_equal(Collection.load(out).thumbs[16], Collection.load(fresh).thumbs[16])


@pytest.mark.parametrize(("n", "m", "k"), [(12, 20, 1), (20, 20, 1), (30, 12, 3), (25, 10, 3)])
def test_assign_is_optimal_and_respects_uses(n: int, m: int, k: int) -> None:
    rng = np.random.default_rng(n * 100 + m)
    cells, tiles = rng.normal(size=(n, 5)), rng.normal(size=(m, 5))
    result = assign(cells, tiles, k)
    assert np.bincount(result.tiles, minlength=m).max() <= k
    cost = np.repeat(((cells[:, None] - tiles[None]) ** 2).sum(-1), k, axis=1)
    rows, cols = linear_sum_assignment(cost)
    assert result.cost == pytest.approx(cost[rows, cols].sum(), rel=1e-9)
    own = ((cells - tiles[result.tiles]) ** 2).sum()
    assert own == pytest.approx(result.cost, rel=1e-9)


def test_match_modes_hold_their_constraints() -> None:
    rng = np.random.default_rng(3)
    cells = rng.normal(size=(12 * 10, 6)) * 0.2  # similar cells: nearest repeats tiles side by side
    tiles = rng.normal(size=(150, 6))
    near = match(cells, tiles, "nearest", columns=12, rows=10)
    assert adjacent_repeats(near.tiles, 12, 10) > 0
    assert adjacent_repeats(match(cells, tiles, "nearest", columns=12, rows=10, no_adjacent_repeats=True).tiles, 12, 10) == 0
    budget = match(cells, tiles, "budget", reuse=2, columns=12, rows=10, no_adjacent_repeats=True)
    assert np.bincount(budget.tiles).max() <= 2 and adjacent_repeats(budget.tiles, 12, 10) == 0
    unique = match(cells, tiles, "unique", columns=12, rows=10)
    assert len(set(unique.tiles.tolist())) == 120
    assert near.cost <= budget.cost and near.cost <= unique.cost


def test_unique_with_too_few_tiles_is_an_error() -> None:
    with pytest.raises(MatchError, match="allow only 5"):
        match(np.zeros((9, 3)), np.ones((5, 3)), "unique")


def _target(tmp_path: Path) -> Path:
    path = tmp_path / "target.png"
    Image.fromarray(data.astronaut()[::4, ::4]).save(path)
    return path


def test_build_writes_streamed_png_jpeg_and_scene_that_renders(folder: Path, tmp_path: Path, monkeypatch) -> None:
    coll = tmp_path / "c.npz"
    _index(folder, coll)
    target = _target(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    code = main(["mosaic", "build", str(coll), str(target), "--grid", "6", "--tile-px", "12", "--match", "budget",
                 "--reuse", "1", "--no-adjacent-repeats", "--blend", "0.25", "--features", "2x2",
                 "-o", str(out / "m.png"), "-o", str(out / "m.jpg"), "-o", str(out / "m.scene.json")])
    assert code == 0
    png = np.asarray(Image.open(out / "m.png"))
    assert png.shape == (72, 72, 3)
    assert Image.open(out / "m.jpg").size == (72, 72)
    drawing = scene.load(out / "m.scene.json")
    layer = drawing.layers[0]
    assert isinstance(layer, MosaicLayer) and (layer.columns, layer.rows, layer.blend) == (6, 6, 0.25)
    assert len(set(layer.tiles)) == 36 and (drawing.canvas.width, drawing.canvas.height) == (128, 128)
    # the streamed PNG holds exactly each cell's tile blended toward the cell colour
    c = Collection.load(coll)
    cell = 4 * 6 + 3
    expected = c.tile_exact(layer.tiles[cell], 12) * 0.75 + np.array(layer.cell_colors[cell]) * 255 * 0.25
    assert np.abs(png[48:60, 36:48].astype(float) - expected).max() <= 1.0
    # the scene names the collection relative to itself; outside its folder, `--collection` says where it is
    assert layer.collection == "../c.npz"
    monkeypatch.chdir(tmp_path / "photos")
    assert main(["render", str(out / "m.scene.json"), "-o", str(out / "r.png"), "--width", "72",
                 "--collection", str(coll)]) == 0
    rendered = np.asarray(Image.open(out / "r.png").convert("RGB")).astype(float)
    assert rendered.shape == (72, 72, 3) and np.sqrt(np.mean((rendered - png) ** 2)) < 12


def test_open_tiles_finds_collection_or_says_where_it_looked(folder: Path, tmp_path: Path) -> None:
    _index(folder, tmp_path / "c.npz")
    layer = MosaicLayer(collection="c.npz", columns=1, rows=1, tiles=[3])
    tiles = open_tiles(layer, tmp_path / "a.scene.json")
    assert tiles(3, 16).shape == (16, 16, 3)
    with pytest.raises(SceneError, match="not found"):
        open_tiles(layer.model_copy(update={"collection": "missing.npz"}), tmp_path / "a.scene.json")


def test_cli_errors_are_one_line_and_leave_no_output(folder: Path, tmp_path: Path, capsys) -> None:
    coll = tmp_path / "c.npz"
    assert main(["mosaic", "index", str(folder), "-o", str(coll), "--sizes", "8,16", "--no-progress"]) == 0
    target = _target(tmp_path)
    code = main(["mosaic", "build", str(coll), str(target), "--grid", "10x10", "--match", "unique", "-o", str(tmp_path / "u.png")])
    err = capsys.readouterr().err
    assert code == 2 and "unique needs at least as many tiles as cells" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "u.png").exists()
    assert main(["mosaic", "build", str(target), str(target), "--grid", "4", "-o", str(tmp_path / "x.png")]) == 2
    assert "not a genart collection" in capsys.readouterr().err
    assert main(["mosaic", "index", str(tmp_path / "nope"), "-o", str(tmp_path / "n.npz"), "--no-progress"]) == 2
    assert not list(tmp_path.glob("*.part*")) and not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("cells", "slots", "seed"), [(200, 200, 0), (150, 400, 1), (120, 240, 2)])
def test_auction_is_certified_and_near_the_exact_optimum(cells: int, slots: int, seed: int) -> None:
    from scipy.optimize import linear_sum_assignment

    from genart.generative.mosaic.auction import auction_assign

    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(cells, 12)), rng.normal(size=(slots, 12))
    if seed == 2:  # a tile used at most twice: every tile offers two identical slots
        b = np.repeat(b[: slots // 2], 2, axis=0)
    cost = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(cost)
    optimum = cost[rows, cols].sum()
    chosen, total, bound = auction_assign(cost, gap=0.01)
    assert len(set(chosen.tolist())) == cells  # every slot at most once
    assert total == pytest.approx(cost[np.arange(cells), chosen].sum())
    assert bound <= optimum + 1e-6 <= total + 2e-6
    assert total <= 1.01 * bound


def test_build_takes_a_width_as_the_other_commands_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--width sets the output's width (whole pixels a cell, said when it cannot be exact); --match says its
    default in the help."""
    from genart.cli import build_parser, main

    photos = Path(__file__).resolve().parent.parent / "assets" / "scripts" / "photos"
    assert main(["mosaic", "index", str(photos), "-o", str(tmp_path / "c.npz"), "-q"]) == 0
    target = Path(__file__).resolve().parent.parent / "assets" / "astronaut.jpg"
    assert main(["mosaic", "build", str(tmp_path / "c.npz"), str(target), "--grid", "10", "--width", "200",
                 "-o", str(tmp_path / "exact.png")]) == 0
    assert Image.open(tmp_path / "exact.png").size[0] == 200
    capsys.readouterr()
    assert main(["mosaic", "build", str(tmp_path / "c.npz"), str(target), "--grid", "12", "--width", "200",
                 "-o", str(tmp_path / "near.png")]) == 0
    assert Image.open(tmp_path / "near.png").size[0] == 12 * 17
    assert "--width 200 over 12 columns gives cells of 17 px: 204 px across" in capsys.readouterr().err
    build = build_parser("mosaic")._subparsers._group_actions[0].choices["mosaic"]  # type: ignore[union-attr]
    verbs = next(a for a in build._actions if isinstance(a, argparse._SubParsersAction)).choices
    match = next(a for a in verbs["build"]._actions if "--match" in a.option_strings)
    assert "(default nearest)" in (match.help or "")
