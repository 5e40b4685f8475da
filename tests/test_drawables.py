"""Every registered drawable kind through every renderer and the fly-in; the Bézier curve kind end to end."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import cairosvg
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image
from skimage import data

from genart.animate.frame import render_rgb
from genart.animate.motions.flyin import flyin
from genart.generative.images import rmse_255
from genart.generative.shapes.families.bezier import ID as BEZIER
from genart.generative.shapes.registry import DRAWS, NAMES, kinds_for
from genart.render import cairo, drawables, pdf, raster, svg
from genart.render import scene as S
from genart.render.scanlines.bezier import bezier_scanlines

ROOT = Path(__file__).resolve().parent.parent
COLOR = (0.8, 0.2, 0.1, 0.7)
EXAMPLES: dict[str, S.Shape] = {
    "polygon": S.Polygon(points=[(8, 6), (56, 12), (40, 42), (12, 30)], color=COLOR),
    "ellipse": S.Ellipse(cx=32, cy=24, rx=22, ry=10, angle=30, color=COLOR),
    "circle": S.Circle(cx=30, cy=22, r=15, color=COLOR),
    "bezier": S.Bezier(points=((6, 40), (30, -10), (58, 38)), width=5, color=COLOR),
    "line": S.Line(points=((6, 40), (58, 10)), width=6, color=COLOR),
}


def _scene(*shapes: S.Shape, size: tuple[float, float] = (64, 48)) -> S.Scene:
    return S.Scene(canvas=S.Canvas(width=size[0], height=size[1], background=(1, 1, 1, 1)),
                   layers=[S.ShapesLayer(shapes=list(shapes))])


def test_every_kind_has_an_example_and_one_id() -> None:
    assert set(EXAMPLES) == set(drawables.BY_TAG)
    assert sorted(int(k) for k in drawables.REGISTRY) == list(range(len(drawables.REGISTRY)))
    assert {DRAWS[f] for f in NAMES.values()} == set(drawables.REGISTRY)  # the hill-climb searches every kind


def test_unknown_kind_fails_in_one_place() -> None:
    with pytest.raises(drawables.UnknownKindError, match="unknown drawable kind 99"):
        drawables.drawable(99)
    with pytest.raises(S.SceneError, match=r"layers\[0\]\.shapes\[0\]"):
        S.parse('{"format": "genart.scene", "version": 1, "canvas": {"width": 4, "height": 4}, '
                '"layers": [{"type": "shapes", "shapes": [{"kind": "spline", "color": [0, 0, 0, 1]}]}]}')


@pytest.mark.parametrize("tag", sorted(EXAMPLES))
def test_kind_walks_every_renderer(tag: str, tmp_path: Path) -> None:
    shape = EXAMPLES[tag]
    drawing = _scene(shape)
    assert drawables.unpack(drawables.pack([shape])) == [shape]
    assert S.parse(S.dumps(drawing)) == drawing

    cairo.render_png(drawing, tmp_path / "a.png", 128)
    png = np.asarray(Image.open(tmp_path / "a.png").convert("RGB"))
    assert png.shape == (96, 128, 3)
    assert (png < 250).any(axis=2).mean() > 0.05  # the shape is there
    hard = raster.render(drawing, 128)
    assert rmse_255(png, hard) < 12.0

    svg.render_svg(drawing, tmp_path / "a.svg", 128)
    tree = ET.parse(tmp_path / "a.svg")
    assert len(list(tree.getroot().iter())) >= 4
    from_svg = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(tmp_path / "a.svg")))).convert("RGB"))
    assert rmse_255(png, from_svg) < 2.0

    pdf.render_pdf(drawing, tmp_path / "a.pdf", 128)
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")

    twice = _scene(drawables.scaled(shape, 2.0), size=(128, 96))
    assert rmse_255(cairo.render_array(twice, 128), png) < 0.5

    clip = flyin(drawing, duration=1.0, hold=0.0)
    assert rmse_255(render_rgb(clip.frame_at(1.0), 128, 96), png) < 1.0
    assert rmse_255(render_rgb(clip.frame_at(0.5), 128, 96), png) > 1.0


@pytest.mark.parametrize("seed", range(4))
def test_bezier_scanlines_cover_the_stroke(seed: int) -> None:
    rng = np.random.default_rng(seed)
    curve = rng.uniform(2, 46, (3, 2))
    half = float(rng.uniform(0.8, 4))
    got = np.zeros((48, 48), bool)
    for y, x0, x1 in bezier_scanlines(curve, half, 48, 48):
        assert not got[y, x0:x1].any()  # no pixel twice
        got[y, x0:x1] = True
    t = np.linspace(0, 1, 4000)[:, None]
    dense = (1 - t) ** 2 * curve[0] + 2 * t * (1 - t) * curve[1] + t**2 * curve[2]
    yy, xx = np.mgrid[0:48, 0:48] + 0.5
    dist = np.min(np.hypot(xx[..., None] - dense[:, 0], yy[..., None] - dense[:, 1]), axis=2)
    assert (got == (dist <= half))[np.abs(dist - half) > 0.25].all()  # exact away from the edge itself


def _genart(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)


def test_bezier_from_evolve_to_animate(tmp_path: Path) -> None:
    source = tmp_path / "face.png"
    Image.fromarray(data.astronaut()[30:180, 150:300]).resize((48, 48), Image.Resampling.BOX).save(source)
    outs = [tmp_path / name for name in ("c.scene.json", "c.svg", "c.png", "c.pdf")]
    run = _genart("evolve", str(source), "--shape", "bezier", "-n", "12", "--candidates", "60", "--max-age", "20",
                  "--repeats", "2", "--resize", "48", "--workers", "1", "--quiet", *sum((["-o", str(o)] for o in outs), []))
    assert run.returncode == 0, run.stderr
    drawing = S.load(outs[0])
    curves = drawing.layers[0].shapes
    assert len(curves) == 12 and all(isinstance(c, S.Bezier) for c in curves)
    losses = [snap.loss for snap in drawing.snapshots]
    assert all(b <= a for a, b in zip(losses, losses[1:])) and losses[-1] < losses[0] - 3.0
    text = outs[1].read_text()
    assert len(re.findall(r'<path d="M[-\d. ]+ Q[-\d. ]+"', text)) == 12
    assert np.asarray(Image.open(outs[2])).shape[:2] == (48, 48)
    movie = tmp_path / "c.mp4"
    run = _genart("animate", str(outs[0]), "--motion", "flyin", "--duration", "1", "--hold", "0", "--fps", "10",
                  "--size", "64", "--workers", "1", "--no-progress", "-o", str(movie))
    assert run.returncode == 0, run.stderr
    assert imageio_ffmpeg.count_frames_and_secs(str(movie))[0] == 11  # t = 0 … 1 s at 10 fps


def test_combo_includes_curves() -> None:
    assert BEZIER in kinds_for("combo")
