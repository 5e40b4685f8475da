"""The command line as an artist meets it: Ctrl-C keeps the work, options agree, big pictures, composing."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from genart.cli import main
from genart.render import scene as S

ROOT = Path(__file__).resolve().parent.parent


def shapes_picture(path: Path, width: int) -> Path:
    """Three dark shapes on white, `width` px wide (4:3), drawn to scale at any width."""
    k = width / 200
    img = Image.new("RGB", (width, round(150 * k)), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse([20 * k, 20 * k, 90 * k, 90 * k], fill=(30, 30, 30))
    draw.rectangle([110 * k, 30 * k, 180 * k, 120 * k], fill=(60, 40, 40))
    draw.polygon([(30 * k, 140 * k), (100 * k, 100 * k), (150 * k, 145 * k)], fill=(20, 20, 60))
    img.save(path)
    return path


def _stop_once_running(args: list[str], marker: bytes, signum: int) -> tuple[int, str]:
    """Run genart, wait until its progress bar matches the regular expression `marker`, send `signum`;
    the exit status and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while not re.search(marker, seen):
        assert time.monotonic() < deadline and proc.poll() is None, seen.decode(errors="replace")
        if select.select([proc.stderr], [], [], 0.5)[0]:
            seen += os.read(proc.stderr.fileno(), 65536)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, (seen + err).decode(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_gng_interrupted_writes_its_graph_so_far(tmp_path: Path, signum: int, status: int) -> None:
    src = shapes_picture(tmp_path / "s.png", 200)
    outs = [tmp_path / "g.scene.json", tmp_path / "g.png"]
    code, err = _stop_once_running(["gng", str(src), "--epochs", "10000", "--max-nodes", "300", "--snapshots", "none",
                                    *sum((["-o", str(o)] for o in outs), [])], rb" [1-9]\d*/10000 ", signum)
    assert code == status, err
    assert err.strip().splitlines()[-1] == f"genart gng: interrupted; best result so far written to {outs[0]}, {outs[1]}"
    drawing = S.load(outs[0])
    assert drawing.meta["interrupted"] is True and 0 < drawing.meta["gng_epochs_run"] < 10000
    layer = drawing.layers[0]
    assert isinstance(layer, S.GraphLayer) and len(layer.edges) > 50
    assert np.asarray(Image.open(outs[1]).convert("L")).min() < 128


@pytest.mark.slow
def test_gradient_interrupted_writes_its_best_circles(tmp_path: Path) -> None:
    src = shapes_picture(tmp_path / "s.png", 120)
    out = tmp_path / "c.scene.json"
    code, err = _stop_once_running(["evolve", str(src), "--method", "gradient", "-n", "8", "--resize", "64",
                                    "--steps", "100000", "-o", str(out)], rb" [1-9]\d*/100000 ", signal.SIGINT)
    assert code == 130, err
    assert err.strip().splitlines()[-1] == f"genart evolve: interrupted; best result so far written to {out}"
    drawing = S.load(out)
    assert drawing.meta["interrupted"] is True and 0 < drawing.meta["steps_run"] < 100000000
    layer = drawing.layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == 8


def test_compose_draws_gng_lines_over_shapes(tmp_path: Path) -> None:
    src = shapes_picture(tmp_path / "s.png", 200)
    shapes, lines = tmp_path / "shapes.scene.json", tmp_path / "lines.scene.json"
    assert main(["evolve", str(src), "-n", "3", "--shape", "rectangle", "--resize", "64", "--alpha", "1",
                 "--background", "#ffffff", "--candidates", "50", "--quiet", "-o", str(shapes)]) == 0
    assert main(["gng", str(src), "--max-nodes", "80", "--epochs", "2", "--n-iter-before-neuron-added", "30",
                 "--edge-color", "#ff0000", "--edge-width", "1.5", "-q", "-o", str(lines)]) == 0
    out, png = tmp_path / "both.scene.json", tmp_path / "both.png"
    assert main(["compose", str(shapes), str(lines), "-o", str(out), "-o", str(png)]) == 0
    both = S.load(out)
    assert both.canvas == S.load(shapes).canvas
    assert [type(layer) for layer in both.layers] == [S.ShapesLayer, S.GraphLayer]
    assert both.meta["parts"] == 2 and both.meta["part_1"] == "lines.scene.json"
    assert both.meta["part_1_generator"] == "gng"
    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)  # the GNG's lines
    painted = (np.abs(rgb - 255).sum(2) > 60) & ~red & (np.abs(rgb[..., 0] - rgb[..., 1]) < 40)  # the dark shapes
    assert red.sum() > 200 and painted.sum() > 2000


def test_compose_scales_a_scene_of_another_size_to_the_first(tmp_path: Path) -> None:
    small = S.Scene(canvas=S.Canvas(width=100, height=50),
                    layers=[S.ShapesLayer(shapes=[S.Circle(cx=50, cy=25, r=10, color=(0, 0, 0, 1))])])
    big = S.Scene(canvas=S.Canvas(width=400, height=400),
                  layers=[S.GraphLayer(ids=[0, 1], xy=[(0, 0), (400, 400)], edges=[(0, 1)], edge_width=4)])
    S.save(small, tmp_path / "a.scene.json")
    S.save(big, tmp_path / "b.scene.json")
    out = tmp_path / "c.scene.json"
    assert main(["compose", str(tmp_path / "a.scene.json"), str(tmp_path / "b.scene.json"), "-o", str(out)]) == 0
    graph = S.load(out).layers[1]
    assert isinstance(graph, S.GraphLayer)  # fitted into 100 x 50: scaled by 1/8, centred
    assert graph.xy == [(25.0, 0.0), (75.0, 50.0)] and graph.edge_width == 0.5


def test_q_is_one_option_on_every_command() -> None:
    from genart.cli import COMMANDS, build_parser

    words = {"mosaic": [["mosaic", "index", "d", "-o", "c.npz"], ["mosaic", "build", "c.npz", "t.png", "--grid", "4",
                                                                 "-o", "m.png"]],
             "export": [["export", "x.scene.json", "--motion", "flyin", "-o", "y.json"]],
             "animate": [["animate", "x.scene.json", "--motion", "flyin", "-o", "y.gif"]],
             "compose": [["compose", "x.scene.json", "-o", "y.png"]], "info": [["info", "x.scene.json"]],
             "render": [["render", "x.scene.json", "-o", "y.png"]], "run": [["run", "x.yaml"]],
             "blender": [["blender", "build-extension", "-o", "x.zip"], ["blender", "schema"]]}
    for command in COMMANDS:
        for argv in words.get(command, [[command, "x.png", "-o", "y.png"]]):
            for flag in ("-q", "--quiet", *(["--no-progress"] if command != "run" else [])):
                assert build_parser(command).parse_args([*argv, flag]).quiet is True, (argv, flag)


def test_info_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    path = tmp_path / "a.scene.json"
    S.save(S.Scene(canvas=S.Canvas(width=10, height=10), meta={f"k{i}": "v" * 100 for i in range(2000)}), path)
    proc = subprocess.Popen([sys.executable, "-m", "genart", "info", str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # `| head` that has read enough
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1 and err == ""


def test_gng_on_a_large_picture_works_at_a_working_resolution(tmp_path: Path) -> None:
    settings = ["--max-nodes", "400", "--epochs", "3", "--snapshots", "none", "-q"]
    ink = {}
    for width in (2000, 400):
        src = shapes_picture(tmp_path / f"p{width}.png", width)
        out, png = tmp_path / f"g{width}.scene.json", tmp_path / f"g{width}.png"
        started = time.perf_counter()
        assert main(["gng", str(src), *settings, "-o", str(out), "-o", str(png)]) == 0
        seconds = time.perf_counter() - started
        drawing = S.load(out)
        assert (drawing.canvas.width, drawing.canvas.height) == (width, width * 3 / 4)
        grey = np.asarray(Image.open(png).convert("L"), np.float64) / 255
        ink[width] = (1 - grey).mean()  # share of the picture the lines darken
        if width == 2000:  # worked on at 600 px, 100,000 points at most, lines as thick as at 600 px
            assert (drawing.meta["working_width"], drawing.meta["working_height"]) == (600, 450)
            assert drawing.meta["gng_points"] == 100_000 and seconds < 20
            layer = drawing.layers[0]
            assert isinstance(layer, S.GraphLayer) and layer.edge_width == pytest.approx(0.3 * 2000 / 600)
            assert max(x for x, _ in layer.xy) > 1500
    assert 0.6 < ink[2000] / ink[400] < 1.6


def test_gng_time_budget_ends_at_a_whole_epoch(tmp_path: Path) -> None:
    src = shapes_picture(tmp_path / "s.png", 200)
    a, b = tmp_path / "a.scene.json", tmp_path / "b.scene.json"
    settings = ["--max-nodes", "200", "--snapshots", "none", "-q"]
    assert main(["gng", str(src), *settings, "--epochs", "10000", "--seconds", "0.5", "-o", str(a)]) == 0
    epochs = S.load(a).meta["gng_epochs_run"]
    assert isinstance(epochs, int) and 1 <= epochs < 100000
    assert main(["gng", str(src), *settings, "--epochs", str(epochs), "-o", str(b)]) == 0
    assert S.load(a).layers == S.load(b).layers


@pytest.fixture()
def mosaic_parts(tmp_path: Path) -> tuple[Path, Path]:
    """A collection in `tmp_path/lib` and a mosaic scene of it in `tmp_path/work`."""
    from genart.generative.mosaic.index import index_folder
    from tests.test_mosaic import _photos

    _photos(tmp_path / "photos", count=12)
    (tmp_path / "lib").mkdir()
    (tmp_path / "work").mkdir()
    collection = tmp_path / "lib" / "c.npz"
    index_folder(tmp_path / "photos", collection, (8, 16), jobs=1)
    target = shapes_picture(tmp_path / "t.png", 80)
    out = tmp_path / "work" / "m.scene.json"
    assert main(["mosaic", "build", str(collection), str(target), "--grid", "4", "--tile-px", "8", "-o", str(out)]) == 0
    return collection, out


def test_mosaic_build_prints_a_summary(mosaic_parts: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    collection, _ = mosaic_parts
    capsys.readouterr()
    assert main(["mosaic", "build", str(collection), str(tmp_path / "t.png"), "--grid", "4", "--tile-px", "8",
                 "-o", str(tmp_path / "m.png")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("4x3 grid, 12 cells, ") and "tiles used (" in lines[0]
    assert "of 12, mean cell colour error " in lines[0] and lines[0].endswith(" s")


def test_a_scene_names_only_a_collection_in_its_folder(mosaic_parts: tuple[Path, Path], tmp_path: Path,
                                                       capsys) -> None:
    collection, scene_path = mosaic_parts
    drawing = S.load(scene_path)
    layer = drawing.layers[0]
    assert isinstance(layer, S.MosaicLayer) and layer.collection == "../lib/c.npz"
    png = tmp_path / "work" / "m.png"
    capsys.readouterr()
    errors = []
    for name in ("../lib/c.npz", "../lib/missing.npz", str(collection), "/no/such/c.npz", "a/../../lib/c.npz"):
        moved = drawing.model_copy(update={"layers": [layer.model_copy(update={"collection": name})]})
        S.save(moved, scene_path)
        assert main(["render", str(scene_path), "-o", str(png)]) == 2 and not png.exists()
        errors.append(capsys.readouterr().err.replace(repr(name), "NAME"))
    assert len(set(errors)) == 1 and "--collection" in errors[0]  # the same words whether the file exists or not
    assert main(["render", str(scene_path), "--collection", str(collection), "-o", str(png)]) == 0
    assert png.exists()
    (tmp_path / "work" / "tiles").mkdir()
    collection.rename(tmp_path / "work" / "tiles" / "c.npz")
    inside = drawing.model_copy(update={"layers": [layer.model_copy(update={"collection": "tiles/c.npz"})]})
    S.save(inside, scene_path)
    assert main(["render", str(scene_path), "-o", str(png)]) == 0
