"""The command line as an artist meets it: Ctrl-C keeps the work, options agree, big pictures, composing."""

from __future__ import annotations

import os
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
from renderers import scene as S

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
    """Run genart, wait until its progress bar shows `marker`, send `signum`; exit status and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while marker not in seen:
        assert time.monotonic() < deadline and proc.poll() is None, seen.decode(errors="replace")
        if select.select([proc.stderr], [], [], 0.5)[0]:
            seen += os.read(proc.stderr.fileno(), 65536)
    time.sleep(0.5)  # some work done
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, (seen + err).decode(errors="replace")


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_gng_interrupted_writes_its_graph_so_far(tmp_path: Path, signum: int, status: int) -> None:
    src = shapes_picture(tmp_path / "s.png", 200)
    outs = [tmp_path / "g.scene.json", tmp_path / "g.png"]
    code, err = _stop_once_running(["gng", str(src), "--epochs", "100000", "--max-nodes", "300", "--snapshots", "none",
                                    *sum((["-o", str(o)] for o in outs), [])], b"epoch", signum)
    assert code == status, err
    assert err.strip().splitlines()[-1] == f"genart gng: interrupted; best result so far written to {outs[0]}, {outs[1]}"
    drawing = S.load(outs[0])
    assert drawing.meta["interrupted"] is True and 0 < drawing.meta["gng_epochs_run"] < 100000
    layer = drawing.layers[0]
    assert isinstance(layer, S.GraphLayer) and len(layer.edges) > 50
    assert np.asarray(Image.open(outs[1]).convert("L")).min() < 128


def test_gradient_interrupted_writes_its_best_circles(tmp_path: Path) -> None:
    src = shapes_picture(tmp_path / "s.png", 120)
    out = tmp_path / "c.scene.json"
    code, err = _stop_once_running(["evolve", str(src), "--method", "gradient", "-n", "8", "--resize", "64",
                                    "--steps", "100000000", "-o", str(out)], b"step", signal.SIGINT)
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
