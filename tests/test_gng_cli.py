"""`genart gng`: scene, renders, snapshots, component counting and its errors."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import skimage
from PIL import Image

from genart.cli import main
from genart.render import scene as S
from tests.test_gng import blobs_picture

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--max-nodes", "120", "--epochs", "4", "--n-iter-before-neuron-added", "30", "-q"]


@pytest.fixture(scope="module")
def face(tmp_path_factory) -> Path:
    """The astronaut picture (full size) as a PNG file."""
    path = tmp_path_factory.mktemp("gng") / "astronaut.png"
    Image.fromarray(skimage.data.astronaut()).save(path)
    return path


def test_scene_png_svg_and_snapshots(face: Path, tmp_path: Path) -> None:
    out = [tmp_path / "f.scene.json", tmp_path / "f.png", tmp_path / "f.svg"]
    args = ["gng", str(face), "--crop", "30:180,150:300", "--sigma", "1", *FAST, "--width", "300"]
    assert main([*args, *sum((["-o", str(o)] for o in out), [])]) == 0
    drawing = S.load(out[0])
    assert (drawing.canvas.width, drawing.canvas.height) == (150, 150)
    assert drawing.canvas.background == (1.0, 1.0, 1.0, 1.0)
    layer = drawing.layers[0]
    assert isinstance(layer, S.GraphLayer) and layer.edge_color == (0.0, 0.0, 0.0, 1.0)
    meta = drawing.meta
    assert meta["gng_nodes"] == len(layer.ids) <= 120 and meta["gng_edges"] == len(layer.edges)
    assert meta["gng_max_nodes"] == 120 and meta["gng_step"] == 0.2 and meta["crop"] == "30:180,150:300"
    assert meta["gng_components"] >= 1 and 0 < meta["gng_mean_distance"] < 5
    assert all(0 <= x <= 150 and 0 <= y <= 150 for x, y in layer.xy)
    # one snapshot at the start and one per epoch, each a graph layer
    steps = [snap.step for snap in drawing.snapshots]
    assert steps == [meta["gng_points"] * e for e in range(5)]
    assert len(drawing.snapshots[0].layers[0].ids) == 2
    assert drawing.snapshots[-1].layers[0].ids == layer.ids
    # the PNG: black lines on white, where the dark pixels (hair) are
    png = np.asarray(Image.open(out[1]).convert("L"))
    assert png.shape == (300, 300)
    assert png.max() == 255 and png.min() < 100
    hair, cheek = png[20:100, 200:280], png[160:200, 60:120]
    assert hair.mean() < cheek.mean() - 20
    lines = ET.parse(out[2]).getroot().findall(".//{http://www.w3.org/2000/svg}line")
    assert len(lines) == meta["gng_edges"]


def test_edge_colours_from_the_picture_and_node_dots(tmp_path: Path) -> None:
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[:, :30] = (200, 0, 0)  # dark enough to be kept
    rgb[:, 30:] = (0, 0, 200)
    src = tmp_path / "two.png"
    Image.fromarray(rgb).save(src)
    out = tmp_path / "two.scene.json"
    assert main(["gng", str(src), "--threshold", "0.9", "--edge-color", "source", "--node-radius", "0.5",
                 "--snapshots", "none", *FAST, "-o", str(out)]) == 0
    drawing = S.load(out)
    layer = drawing.layers[0]
    assert drawing.snapshots == [] and layer.node_radius == 0.5
    index = {i: k for k, i in enumerate(layer.ids)}
    for (a, b), color in zip(layer.edges, layer.edge_colors):
        mid_x = (layer.xy[index[a]][0] + layer.xy[index[b]][0]) / 2
        expected = (200 / 255, 0.0, 0.0, 1.0) if mid_x < 30 else (0.0, 0.0, 200 / 255, 1.0)
        assert color == pytest.approx(expected, abs=1e-3)
    assert len(layer.node_colors) == len(layer.ids)


def test_snapshots_every_k_signals(tmp_path: Path) -> None:
    src = tmp_path / "blobs.png"
    Image.fromarray(blobs_picture(2, 50)).save(src)
    out = tmp_path / "b.scene.json.gz"
    assert main(["gng", str(src), *FAST, "--epochs", "2", "--snapshots", "100", "-o", str(out)]) == 0
    drawing = S.load(out)
    steps = [snap.step for snap in drawing.snapshots]
    assert steps == list(range(0, 2 * drawing.meta["gng_points"] + 1, 100))


def test_count_components_on_blobs(tmp_path: Path, capsys) -> None:
    src = tmp_path / "blobs.png"
    Image.fromarray(blobs_picture(4)).save(src)
    out = tmp_path / "b.scene.json"
    assert main(["gng", str(src), "--sigma", "1", "--max-nodes", "80", "--epochs", "8",
                 "--n-iter-before-neuron-added", "50", "--max-edge-age", "30", "-q",
                 "--count-components", "-o", str(out)]) == 0
    assert "components: 4" in capsys.readouterr().out
    assert S.load(out).meta["gng_components"] == 4


def test_same_seed_same_scene(tmp_path: Path) -> None:
    src = tmp_path / "blobs.png"
    Image.fromarray(blobs_picture(3, 60)).save(src)
    a, b = tmp_path / "a.scene.json", tmp_path / "b.scene.json"
    for out in (a, b):
        assert main(["gng", str(src), *FAST, "--seed", "7", "-o", str(out)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_progress_bar_on_stderr(tmp_path: Path) -> None:
    src = tmp_path / "blobs.png"
    Image.fromarray(blobs_picture(2, 50)).save(src)
    done = subprocess.run([sys.executable, "-m", "genart", "gng", str(src), "--max-nodes", "40", "--epochs", "3",
                           "-o", str(tmp_path / "p.scene.json")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "3/3" in done.stderr and "epoch" in done.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--max-nodes", "1"], "--max-nodes must be between 2 and 50000"),
        (["--epochs", "0"], "--epochs"),
        (["--crop", "10:10,0:5"], "crop leaves no pixels"),
        (["--crop", "nonsense"], "expected Y0:Y1,X0:X1"),
        (["--threshold", "local", "--block-size", "4"], "odd"),
        (["--threshold", "2"], "[0, 1]"),
        (["--snapshots", "0"], "--snapshots"),
        (["--snapshots", "1", "--epochs", "100"], "more than 10000 snapshots"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path: Path, capsys, extra: list[str], needle: str) -> None:
    src = tmp_path / "blobs.png"
    Image.fromarray(blobs_picture(2, 50)).save(src)
    out = tmp_path / "x.scene.json"
    assert main(["gng", str(src), "-q", *extra, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("genart gng: error:") and needle in err and "\n" not in err
    assert not out.exists()


@pytest.mark.parametrize("threshold", ["otsu", "local", "0.5"])
def test_all_white_picture_is_a_clear_error(tmp_path: Path, capsys, threshold: str) -> None:
    src = tmp_path / "white.png"
    Image.fromarray(np.full((30, 40, 3), 255, np.uint8)).save(src)
    out = tmp_path / "w.png"
    assert main(["gng", str(src), "-q", "--threshold", threshold, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "no pixels pass the threshold" in err and "\n" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_missing_picture_and_bad_output(tmp_path: Path, capsys) -> None:
    assert main(["gng", str(tmp_path / "nope.png"), "-o", str(tmp_path / "x.png")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["gng", str(ROOT / "assets" / "astronaut.jpg"), "-o", str(tmp_path / "x.bmp")]) == 2
    assert "unknown output format" in capsys.readouterr().err
