"""The four renderers agree on the same scene, and each writes a valid file."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import cairosvg
import numpy as np
import pytest
from PIL import Image

from genart.generative.images import rmse_255
from genart.render import cairo, pdf, raster, svg
from genart.render import scene as S
from tests.conftest import random_scene


def _svg_pixels(drawing: S.Scene, width: int) -> np.ndarray:
    png = cairosvg.svg2png(bytestring=svg.to_svg(drawing).encode(), output_width=width)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("seed", [0, 1])
def test_cairo_raster_and_svg_agree(tmp_path: Path, seed: int) -> None:
    drawing = random_scene(seed=seed)
    png_path = tmp_path / "a.png"
    cairo.render_png(drawing, png_path, 256)
    from_png = np.asarray(Image.open(png_path).convert("RGB"))
    assert from_png.shape == (256, 256, 3)
    hard = raster.render(drawing, 256)
    from_svg = _svg_pixels(drawing, 256)
    assert rmse_255(from_png, hard) < 6.0
    assert rmse_255(from_png, from_svg) < 1.5
    assert rmse_255(hard, from_svg) < 6.0


def test_example_scene_all_kinds_agree(example_scene: S.Scene) -> None:
    aa = cairo.render_array(example_scene, 400)
    assert aa.shape == (300, 400, 3)
    assert rmse_255(aa, raster.render(example_scene, 400)) < 6.0
    assert rmse_255(aa, _svg_pixels(example_scene, 400)) < 1.5


def test_banded_threads_match_single_thread(shapes_scene: S.Scene) -> None:
    one = cairo.render_array(shapes_scene, 600, threads=1)
    four = cairo.render_array(shapes_scene, 600, threads=4)
    assert rmse_255(one, four) < 0.5


def test_scene_renders_at_any_size(example_scene: S.Scene) -> None:
    small = cairo.render_array(example_scene, 100)
    big = cairo.render_array(example_scene, 800)
    assert small.shape == (75, 100, 3) and big.shape == (600, 800, 3)
    down = np.asarray(Image.fromarray(big).resize((100, 75), Image.Resampling.BOX))
    assert rmse_255(small, down) < 6.0


def test_transparent_background_keeps_alpha(tmp_path: Path) -> None:
    drawing = S.Scene(canvas=S.Canvas(width=10, height=10, background=(0, 0, 0, 0)),
                      layers=[S.ShapesLayer(shapes=[S.Circle(cx=5, cy=5, r=3, color=(1, 0, 0, 0.5))])])
    cairo.render_png(drawing, tmp_path / "t.png")
    rgba = np.asarray(Image.open(tmp_path / "t.png"))
    assert rgba.shape == (10, 10, 4)
    assert rgba[0, 0, 3] == 0
    assert abs(int(rgba[5, 5, 3]) - 128) <= 1 and rgba[5, 5, 0] >= 254


def test_svg_is_small_and_clean(example_scene: S.Scene) -> None:
    text = svg.to_svg(example_scene, width=400)
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("viewBox") == "0 0 200 150" and root.get("width") == "400"
    assert len(root.findall(f".//{ns}polygon")) == 2
    assert len(root.findall(f".//{ns}ellipse")) == 1
    assert len(root.findall(f".//{ns}path")) == 1  # the Bézier curve
    assert len(root.findall(f".//{ns}line")) == 4
    numbers = re.findall(r"\d+\.(\d+)", text)
    assert numbers and max(len(n) for n in numbers) <= 3


def test_pdf_has_one_page_of_the_right_size(tmp_path: Path, example_scene: S.Scene) -> None:
    path = tmp_path / "p.pdf"
    assert pdf.render_pdf(example_scene, path, width=400) == (400.0, 300.0)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert {tuple(map(float, b)) for b in boxes} == {(400.0, 300.0)}
    assert re.search(rb"/Type /Pages\s.*?/Count 1\b", data, re.S)


def test_mosaic_layer_draws_cells_and_tiles() -> None:
    layer = S.MosaicLayer(collection="none", columns=2, rows=1, tiles=[0, 1],
                          cell_colors=[(1, 0, 0), (0, 0, 1)])
    drawing = S.Scene(canvas=S.Canvas(width=20, height=10), layers=[layer])
    cells = cairo.render_array(drawing)
    assert tuple(cells[5, 2]) == (255, 0, 0) and tuple(cells[5, 17]) == (0, 0, 255)
    green = np.zeros((8, 8, 3), np.uint8)
    green[..., 1] = 255
    tiles = cairo.render_array(drawing, tiles=lambda tile_id, px: green)
    assert tuple(tiles[5, 2]) == (0, 255, 0)
    assert rmse_255(tiles, raster.render(drawing)) > 100  # raster draws cell colours only


def test_absurd_output_size_is_refused(example_scene: S.Scene) -> None:
    with pytest.raises(S.SceneError, match="too large"):
        cairo.render_array(example_scene, 100_000)
