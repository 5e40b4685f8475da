"""Greedy shape evolution: rasterizer, closed-form colour, monotone error, determinism,
resume, tiles, and the `genart evolve` command."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from skimage import data

from genart.generative import hillclimb_tiles as E
from genart.generative import shapes
from genart.generative.energy import STATS, new_prefix, shape_delta, total_error
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.hillclimb_checkpoint import Checkpoint
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveError, EvolveSettings
from genart.generative.hillclimb_state import TileState
from genart.generative.images import Picture, rmse_255
from genart.generative.shapes.layout import ALPHA, SIZE
from genart.generative.shapes.registry import NAMES
from genart.generative.tiling import paint_order, tile_classes
from genart.render import cairo, raster
from genart.render import scene as S
from genart.render.scanlines import blend_scanlines
from genart.render.scanlines.ellipse import ellipse_scanlines
from genart.render.scanlines.polygon import polygon_scanlines

ROOT = Path(__file__).resolve().parent.parent
FAST = ClimbSettings(candidates=40, max_age=15, repeats=2)


def picture(size: int = 48) -> Picture:
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.BOX))
    return Picture(rgb=rgb, name="astronaut", sha256="0" * 64)


def _inside_polygon(points: np.ndarray, h: int, w: int) -> np.ndarray:
    """Reference: pixel centres inside the polygon by the even-odd crossing rule."""
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    inside = np.zeros((h, w), bool)
    k = len(points)
    for i in range(k):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % k]
        spans = ((y0 <= yy) & (yy < y1)) | ((y1 <= yy) & (yy < y0))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # level or near-level edges: no span
            cross = x0 + (yy - y0) * (x1 - x0) / (y1 - y0)
        inside ^= spans & (xx < cross)
    return inside


def _mask(lines: np.ndarray, h: int, w: int) -> np.ndarray:
    mask = np.zeros((h, w), bool)
    for y, a, b in lines:
        mask[y, a:b] = True
    return mask


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 40), st.floats(-10, 40)), min_size=3, max_size=8))
def test_polygon_scanlines_match_reference(points) -> None:
    pts = np.array(points, np.float64)
    got = _mask(polygon_scanlines(pts, 30, 32), 30, 32)
    want = _inside_polygon(pts, 30, 32)
    assert (got != want).sum() <= 1  # a centre exactly on an edge may go either way


@settings(max_examples=60, deadline=None)
@given(st.floats(-5, 35), st.floats(-5, 35), st.floats(0.3, 20), st.floats(0.3, 20), st.floats(-3.2, 3.2))
def test_ellipse_scanlines_match_reference(cx, cy, rx, ry, angle) -> None:
    yy, xx = np.mgrid[0:30, 0:32] + 0.5
    c, s = np.cos(angle), np.sin(angle)
    u, v = (xx - cx) * c + (yy - cy) * s, -(xx - cx) * s + (yy - cy) * c
    q = (u / rx) ** 2 + (v / ry) ** 2
    want = q <= 1.0
    got = _mask(ellipse_scanlines(cx, cy, rx, ry, angle, 30, 32), 30, 32)
    on_the_edge = np.abs(q - 1.0) < 1e-9  # a centre exactly on the ellipse may go either way (several can)
    assert ((got != want) & ~on_the_edge).sum() <= 1


@pytest.mark.parametrize("name", [*NAMES])
def test_every_kind_rasterizes_like_its_scene_drawable(name: str) -> None:
    """The optimizer's canvas equals the reference raster render and is close to cairo's."""
    pic = picture(40)
    target = pic.rgb / 255.0
    evo = Evolution(target, target.reshape(-1, 3).mean(0), ClimbSettings(shape=name, **_fast()),
                    np.array([0, 0, 40, 40, 6.0, 40 / 256]), seed=3)
    for _ in range(6):
        p, _ = evo.search()
        evo.add(p)
    drawing = S.Scene(canvas=S.Canvas(width=40, height=40, background=(*target.reshape(-1, 3).mean(0), 1.0)),
                      layers=[S.ShapesLayer(shapes=[shapes.to_drawable(p, c) for p, c in zip(evo.params, evo.colors)])])
    reference = raster.render(drawing)
    assert np.abs(reference - evo.canvas).max() < 1e-4
    assert rmse_255(cairo.render_array(drawing), reference) < 12.0


def _fast() -> dict:
    return {"candidates": FAST.candidates, "max_age": FAST.max_age, "repeats": FAST.repeats}


def test_closed_form_colour_is_optimal() -> None:
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 1, (24, 24, 3))
    canvas = rng.uniform(0, 1, (24, 24, 3))
    prefix = new_prefix(target, canvas)
    p = np.zeros(SIZE)
    p[:6] = [2, 3, 20, 6, 9, 21]
    p[ALPHA], p[17], p[18] = 0.6, NAMES["triangle"], 3
    lines, pts, xs = shapes.buffers(24)
    n = shapes.scanlines(p, 24, 24, lines, pts, xs)
    rgb = np.empty(3)
    delta = shape_delta(prefix, lines, n, 0.6, np.empty((0, 3)), np.empty(STATS), rgb)
    base = total_error(prefix)

    def error_with(color: np.ndarray) -> float:
        out = canvas.copy()
        blend_scanlines(out, lines[:n], *color, 0.6)
        return float(((out - target) ** 2).sum())

    best = error_with(rgb)
    assert best == pytest.approx(base + delta, rel=1e-9)
    for _ in range(200):
        trial = np.clip(rgb + rng.normal(0, 0.05, 3), 0, 1)
        assert error_with(trial) >= best - 1e-9


def test_every_added_shape_lowers_the_error() -> None:
    result = E.evolve(picture(), EvolveSettings(shapes=25, climb=FAST, resize=None))
    deltas = result.tiles[0].deltas
    assert len(deltas) == 25 and all(d < 0 for d in deltas)
    assert result.blank == pytest.approx(float(((result.target - result.background) ** 2).sum()))


def test_same_seed_same_scene_any_worker_count() -> None:
    pic = picture()
    runs = [tiles_scene(E.evolve(pic, EvolveSettings(shapes=12, climb=ClimbSettings(**_fast(), workers=w),
                                                      resize=None, seed=7)), pic,
                       EvolveSettings()) for w in (1, 2, 1)]
    dumps = [S.dumps(r.model_copy(update={"meta": {}})) for r in runs]
    assert dumps[0] == dumps[1] == dumps[2]
    other = E.evolve(pic, EvolveSettings(shapes=12, climb=FAST, resize=None, seed=8))
    assert other.tiles[0].params != E.evolve(pic, EvolveSettings(shapes=12, climb=FAST, resize=None, seed=7)).tiles[0].params


@pytest.mark.parametrize(("tiles", "stop_at"), [((1, 1), 21), ((2, 2), 6), ((2, 2), 21)])  # 6: within a round
def test_resumed_run_equals_uninterrupted(tmp_path: Path, monkeypatch, tiles, stop_at) -> None:
    pic = picture()
    cfg = EvolveSettings(shapes=32, climb=FAST, resize=None, tiles=tiles, seed=2)
    whole = E.evolve(pic, cfg)
    ckpt = tmp_path / "run.ckpt"
    calls = {"n": 0}
    original = Evolution.search

    def interrupt(self, pool=None):
        calls["n"] += 1
        if calls["n"] == stop_at:
            raise KeyboardInterrupt
        return original(self, pool)

    monkeypatch.setattr(Evolution, "search", interrupt)
    with pytest.raises(E.EvolveInterrupted) as stopped:
        E.evolve(pic, cfg, checkpoint=ckpt)
    partial = stopped.value.result
    monkeypatch.setattr(Evolution, "search", original)
    assert partial.interrupted and ckpt.exists()
    saved = Checkpoint(ckpt, cfg.fingerprint(pic.sha256)).load(len(whole.states))[0]
    assert 0 < sum(len(t.params) for t in saved) == partial.count < 32
    assert [t.params for t in saved] == [t.params for t in partial.states]
    assert tiles_scene(partial, pic, cfg).meta["interrupted"] is True
    resumed = E.evolve(pic, cfg, checkpoint=ckpt, resume=True)
    assert not resumed.interrupted and resumed.count == whole.count == 32
    assert [t.params for t in resumed.states] == [t.params for t in whole.states]
    assert not ckpt.exists()


def test_checkpoint_from_other_settings_is_refused(tmp_path: Path) -> None:
    pic = picture()
    ckpt = tmp_path / "c.ckpt"
    Checkpoint(ckpt, EvolveSettings(seed=1).fingerprint(pic.sha256)).save([TileState()], 0.0, 4)
    with pytest.raises(EvolveError, match="other settings"):
        E.evolve(pic, EvolveSettings(shapes=2, climb=FAST, resize=None, seed=2), checkpoint=ckpt, resume=True)


def test_tiles_keep_to_their_reach_and_the_scene_draws_the_fit_order() -> None:
    pic = picture(64)
    cfg = EvolveSettings(shapes=48, climb=ClimbSettings(shape="combo", **_fast()), resize=None, tiles=(2, 2))
    result = E.evolve(pic, cfg)
    drawing = tiles_scene(result, pic, cfg)
    assert len(drawing.layers[0].shapes) == 48 and [len(t.params) for t in result.tiles] == [12] * 4
    assert result.reaches == [(0, 0, 46, 46), (18, 0, 64, 46), (0, 18, 46, 64), (18, 18, 64, 64)]  # 0.45 of 32 px
    rendered = raster.render(drawing, 64)
    assert abs(rmse_255(rendered, result.target) - result.rmse) < 0.1  # the scene is the canvas the fit saw
    assert np.abs(rendered - result.canvas()).max() < 1e-6
    crossing = 0
    for (x0, y0, x1, y1), reach, tile in zip(result.boxes, result.reaches, result.tiles):
        for p in tile.params:  # every tile shape stays in its reach box, and some cross their tile's border
            shape = shapes.to_drawable(np.asarray(p), np.zeros(3), 1.0, *reach[:2])
            assert _inside(shape, reach[0] - 1e-6, reach[1] - 1e-6, reach[2], reach[3]) or shape.kind != "polygon"
            crossing += not _inside(shape, x0, y0, x1, y1)
    assert crossing > 4
    assert [s.prefix for s in drawing.snapshots] == list(range(1, 49))
    assert all(a.loss > b.loss for a, b in zip(drawing.snapshots, drawing.snapshots[1:]))


def test_paint_order_is_round_then_class_then_tile() -> None:
    assert tile_classes(3, 2) == [0, 1, 0, 2, 3, 2]
    assert paint_order([3, 2, 3], 2, [0, 1, 0]) == [(0, 0), (0, 1), (2, 0), (2, 1), (1, 0), (1, 1), (0, 2), (2, 2)]


def _inside(drawable: S.Shape, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether a drawable lies in the box (round shapes by their largest radius, but axis-aligned ellipses exactly)."""
    if isinstance(drawable, S.Polygon):
        xy = np.asarray(drawable.points)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
    elif isinstance(drawable, S.Bezier):
        xy = np.asarray(drawable.points)
        lo, hi = xy.min(axis=0) - drawable.width / 2, xy.max(axis=0) + drawable.width / 2
    else:
        rx = drawable.r if isinstance(drawable, S.Circle) else drawable.rx
        ry = drawable.r if isinstance(drawable, S.Circle) else drawable.ry
        if isinstance(drawable, S.Ellipse) and drawable.angle != 0:
            rx = ry = max(rx, ry)
        lo, hi = np.array([drawable.cx - rx, drawable.cy - ry]), np.array([drawable.cx + rx, drawable.cy + ry])
    return bool(lo[0] >= x0 - 1e-6 and lo[1] >= y0 - 1e-6 and hi[0] <= x1 + 1e-6 and hi[1] <= y1 + 1e-6)


def test_tile_borders_are_no_worse_than_elsewhere() -> None:
    """Issue 14: tiles used to leave a cross along their borders (about 20% more error there)."""
    pic = Picture(rgb=data.chelsea(), name="chelsea", sha256="0" * 64)
    cfg = EvolveSettings(shapes=120, climb=ClimbSettings(candidates=100, max_age=30, repeats=4), tiles=(2, 2), resize=96)
    result = E.evolve(pic, cfg)
    h, w = result.target.shape[:2]
    error = np.abs(raster.render(tiles_scene(result, pic, cfg), w, h) - result.target).mean(axis=2)
    border = np.zeros((h, w), bool)
    border[:, w // 2 - 2:w // 2 + 2] = border[h // 2 - 2:h // 2 + 2, :] = True
    assert error[border].mean() <= 1.1 * error[~border].mean()


def test_scene_is_in_picture_units() -> None:
    pic = picture(96)
    cfg = EvolveSettings(shapes=5, climb=FAST, resize=48)
    drawing = tiles_scene(E.evolve(pic, cfg), pic, cfg)
    assert (drawing.canvas.width, drawing.canvas.height) == (96, 96)
    assert drawing.source.name == "astronaut" and drawing.meta["working_width"] == 48


def _huge_png(path: Path) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)


def test_evolve_command_writes_every_format(tmp_path: Path) -> None:
    outs = [tmp_path / n for n in ("a.scene.json", "a.png", "a.svg", "a.pdf")]
    args = ["evolve", "assets/astronaut.jpg", "-n", "12", "--resize", "64", "--candidates", "40",
            "--max-age", "15", "--repeats", "2", "--quiet", "--width", "128"]
    for out in outs:
        args += ["-o", str(out)]
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    drawing = S.load(outs[0])
    assert len(drawing.layers[0].shapes) == 12 and len(drawing.snapshots) == 12
    png = np.asarray(Image.open(outs[1]).convert("RGB"))
    assert png.shape == (128, 128, 3)
    assert rmse_255(png, cairo.render_array(drawing, 128)) < 1.0
    assert outs[2].read_text().count("<polygon") == 12
    assert outs[3].read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.ckpt"))


@pytest.mark.parametrize(
    ("make", "args", "needle"),
    [
        (lambda d: (d / "x.jpg").write_bytes(b"not an image"), ["IMG"], "not a readable image"),
        (None, ["missing.png"], "no such file"),
        (lambda d: _huge_png(d / "x.jpg"), ["IMG"], "too large"),
        (None, ["assets/astronaut.jpg", "-n", "0"], "shape count"),
        (None, ["assets/astronaut.jpg", "--shape", "hexagon"], "invalid choice"),
        (None, ["assets/astronaut.jpg", "--tiles", "4by4"], "COLSxROWS"),
        (None, ["assets/astronaut.jpg", "--resize", "100000"], "between 8 and 4096"),
    ],
)
def test_evolve_bad_input(tmp_path: Path, make, args, needle: str) -> None:
    if make:
        make(tmp_path)
    args = [a.replace("IMG", str(tmp_path / "x.jpg")) for a in args]
    out = tmp_path / "out.png"
    done = run_cli("evolve", *args, "-o", str(out), "--quiet")
    assert done.returncode == 2
    assert needle in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not out.exists()


def test_anneal_method_fits_polygons_per_tile(tmp_path: Path) -> None:
    out = tmp_path / "a.scene.json"
    done = run_cli("evolve", "assets/astronaut.jpg", "--method", "anneal", "-n", "8", "--tiles", "2x2",
                   "--resize", "32", "--evaluations", "300", "--quiet", "-o", str(out))
    assert done.returncode == 0, done.stderr
    drawing = S.load(out)
    assert len(drawing.layers[0].shapes) == 8 and drawing.meta["method"] == "anneal"
    assert all(len(s.points) == 3 for s in drawing.layers[0].shapes)
    assert drawing.snapshots and drawing.snapshots[-1].layers is not None


@pytest.mark.slow
def test_gradient_method_and_refinement(tmp_path: Path) -> None:
    circles, refined = tmp_path / "c.scene.json", tmp_path / "r.scene.json"
    done = run_cli("evolve", "assets/astronaut.jpg", "--method", "gradient", "-n", "6", "--resize", "32",
                   "--steps", "40", "--quiet", "-o", str(circles))
    assert done.returncode == 0, done.stderr
    assert {s.kind for s in S.load(circles).layers[0].shapes} == {"circle"}
    done = run_cli("evolve", "assets/astronaut.jpg", "-n", "6", "--shape", "ellipse", "--resize", "32",
                   "--candidates", "40", "--max-age", "15", "--repeats", "2", "--refine-seconds", "1",
                   "--quiet", "-o", str(refined))
    assert done.returncode == 0, done.stderr
    drawing = S.load(refined)
    assert drawing.meta["refined"] is True and drawing.meta["rmse"] <= drawing.meta["unrefined_rmse"] + 1e-3
    done = run_cli("evolve", "assets/astronaut.jpg", "--method", "gradient", "--shape", "triangle",
                   "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "gradient fits circles" in done.stderr
