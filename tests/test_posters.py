"""Posters as an artist expects them: seamless mosaics, exact sizes, JPEG/TIFF, print sizes, alpha, outlines."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import cairosvg
import numpy as np
import pytest
from PIL import Image
from skimage import data

from genart.cli import main
from genart.generative.mosaic.index import index_folder
from genart.render import scene as S
from tests.test_mosaic import _photos


def _media_box(path: Path) -> tuple[float, float]:
    """The first page's /MediaBox width and height in points."""
    found = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", path.read_bytes())
    assert found is not None
    x0, y0, x1, y1 = (float(v) for v in found.groups())
    return x1 - x0, y1 - y0


def _pdf_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image XObject in a PDF (objects may sit in compressed object streams)."""
    raw = path.read_bytes()
    texts = [raw]
    for stream in re.finditer(rb"/FlateDecode.*?stream\r?\n", raw, re.S):
        try:
            texts.append(zlib.decompressobj().decompress(raw[stream.end():]))
        except zlib.error:
            continue
    sizes = []
    for text in texts:
        for obj in re.finditer(rb"/Subtype\s*/Image(.{0,400})", text, re.S):
            head = text[max(0, obj.start() - 400): obj.end()]
            w, h = re.search(rb"/Width\s+(\d+)", head), re.search(rb"/Height\s+(\d+)", head)
            if w and h:
                sizes.append((int(w.group(1)), int(h.group(1))))
    return sizes


def _svg_size(path: Path) -> tuple[str, str]:
    root = ET.fromstring(path.read_text())
    return root.get("width", ""), root.get("height", "")


# --- mosaics: square cells, no seam -----------------------------------------------------------


@pytest.fixture(scope="module")
def mosaic_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 7x5 mosaic built from a tiny indexed collection by `genart mosaic build`."""
    root = tmp_path_factory.mktemp("mosaic")
    _photos(root / "photos", count=24)
    index_folder(root / "photos", root / "c.npz", (8, 16), jobs=1)
    target = root / "target.png"
    Image.fromarray(data.astronaut()[::4, ::4]).save(target)
    out = root / "m.scene.json"
    assert main(["mosaic", "build", str(root / "c.npz"), str(target), "--grid", "7x5", "--tile-px", "8", "-o", str(out)]) == 0
    return out


def test_mosaic_canvas_is_whole_square_cells(mosaic_scene: Path) -> None:
    drawing = S.load(mosaic_scene)
    layer = drawing.layers[0]
    assert isinstance(layer, S.MosaicLayer)
    assert drawing.canvas.width / layer.columns == pytest.approx(drawing.canvas.height / layer.rows, rel=1e-6)


def _render_both(scene_path: Path, folder: Path, width: int) -> tuple[np.ndarray, np.ndarray]:
    png, svg = folder / f"{scene_path.stem}{width}.png", folder / f"{scene_path.stem}{width}.svg"
    assert main(["render", str(scene_path), "--width", str(width), "-o", str(png), "-o", str(svg)]) == 0
    from_svg = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(svg)))).convert("RGB"))
    return np.asarray(Image.open(png).convert("RGB")).astype(int), from_svg.astype(int)


def test_mosaic_renders_without_seams_at_any_width(mosaic_scene: Path, tmp_path: Path) -> None:
    """The canvas background must not show anywhere: renders over white and over black are the same pixels."""
    drawing = S.load(mosaic_scene)
    paths = []
    for level in (0.0, 1.0):
        path = tmp_path / f"bg{int(level)}.scene.json"
        canvas = drawing.canvas.model_copy(update={"background": (level, level, level, 1.0)})
        S.save(drawing.model_copy(update={"canvas": canvas}), path)
        paths.append(path)
    shutil.copy(mosaic_scene.parent / "c.npz", tmp_path / "c.npz")  # a link out of the folder is refused
    for width in (101, 157, 230, 333, 419):
        (black_png, black_svg), (white_png, white_svg) = (_render_both(p, tmp_path, width) for p in paths)
        assert black_png.shape[:2] == (round(width * 5 / 7), width)
        assert np.abs(white_png - black_png).max() <= 1, width
        assert np.abs(white_svg - black_svg).max() <= 1, width


# --- exact poster sizes ------------------------------------------------------------------------


def _picture(path: Path, width: int, height: int) -> Path:
    rng = np.random.default_rng(width * 7 + height)
    small = rng.integers(0, 255, (4, 4, 3), dtype=np.uint8)
    Image.fromarray(small).resize((width, height), Image.Resampling.BILINEAR).save(path)
    return path


def _assert_sizes(folder: Path, stem: str, width: int, height: int) -> None:
    assert Image.open(folder / f"{stem}.png").size == (width, height)
    assert _svg_size(folder / f"{stem}.svg") == (str(width), str(height))
    assert _media_box(folder / f"{stem}.pdf") == pytest.approx((width, height), abs=1e-3)


@pytest.mark.parametrize(("width", "height", "resize"), [
    (451, 300, "64"), (600, 400, "64"), (3000, 2000, "8"), (17, 999, "300"), (999, 17, "300"),
    (333, 101, "16"), (101, 333, "40"), (1234, 567, "24"), (50, 49, "9"), (777, 555, "100"),
])
def test_evolve_posters_have_the_pictures_exact_size(tmp_path: Path, width: int, height: int, resize: str) -> None:
    picture = _picture(tmp_path / "p.png", width, height)
    outs = [str(tmp_path / f"e.{kind}") for kind in ("png", "svg", "pdf")]
    assert main(["evolve", str(picture), "-n", "2", "--resize", resize, "--candidates", "5", "--max-age", "3",
                 "--repeats", "1", "--workers", "1", "--quiet", *sum((["-o", o] for o in outs), [])]) == 0
    _assert_sizes(tmp_path, "e", width, height)


def test_other_methods_posters_have_the_pictures_exact_size(tmp_path: Path) -> None:
    picture = _picture(tmp_path / "p.png", 451, 300)
    for method, extra in (("anneal", ["--evaluations", "50", "--tiles", "1x1", "--workers", "1"]),
                          ("gradient", ["--steps", "3"])):
        outs = [str(tmp_path / f"{method}.{kind}") for kind in ("png", "svg", "pdf")]
        assert main(["evolve", str(picture), "--method", method, "-n", "2", "--resize", "50",
                     "--quiet", *extra, *sum((["-o", o] for o in outs), [])]) == 0
        _assert_sizes(tmp_path, method, 451, 300)
    outs = [str(tmp_path / f"gng.{kind}") for kind in ("png", "svg", "pdf")]
    assert main(["gng", str(picture), "-q", "--max-nodes", "20", "--epochs", "1", *sum((["-o", o] for o in outs), [])]) == 0
    _assert_sizes(tmp_path, "gng", 451, 300)


# --- JPEG and TIFF, print sizes, transparency, outlines ----------------------------------------


def _square_scene(path: Path) -> Path:
    """A 100x50 canvas, white, with one opaque red square (20..40, 10..30) and nothing else."""
    square = S.Polygon(points=[(20, 10), (40, 10), (40, 30), (20, 30)], color=(1, 0, 0, 1))
    S.save(S.Scene(canvas=S.Canvas(width=100, height=50), layers=[S.ShapesLayer(shapes=[square])]), path)
    return path


def test_jpeg_and_tiff_posters_from_every_poster_command(tmp_path: Path) -> None:
    drawing = _square_scene(tmp_path / "s.scene.json")
    assert main(["render", str(drawing), "--width", "200", "--dpi", "150", "--quality", "70",
                 "-o", str(tmp_path / "r.jpg"), "-o", str(tmp_path / "r.tiff")]) == 0
    jpeg, tiff = Image.open(tmp_path / "r.jpg"), Image.open(tmp_path / "r.tiff")
    assert (jpeg.format, jpeg.size, round(jpeg.info["dpi"][0])) == ("JPEG", (200, 100), 150)
    assert (tiff.format, tiff.size, round(float(tiff.info["dpi"][0]))) == ("TIFF", (200, 100), 150)
    assert np.asarray(tiff.convert("RGB"))[40, 60].tolist() == [255, 0, 0]
    picture = _picture(tmp_path / "p.png", 60, 40)
    assert main(["evolve", str(picture), "-n", "2", "--resize", "30", "--workers", "1", "--quiet",
                 "-o", str(tmp_path / "e.jpeg"), "-o", str(tmp_path / "e.tif")]) == 0
    assert main(["gng", str(picture), "-q", "--max-nodes", "10", "--epochs", "1", "-o", str(tmp_path / "g.jpg")]) == 0
    assert Image.open(tmp_path / "e.jpeg").size == Image.open(tmp_path / "e.tif").size == Image.open(tmp_path / "g.jpg").size


def test_print_pdf_page_and_mosaic_tiles_at_the_resolution_asked(mosaic_scene: Path, tmp_path: Path) -> None:
    out = tmp_path / "a2.pdf"
    assert main(["render", str(mosaic_scene), "--paper", "A2", "--dpi", "300", "-o", str(out)]) == 0
    assert _media_box(out) == pytest.approx((420 / 25.4 * 72, 594 / 25.4 * 72), abs=0.01)
    drawing = S.load(mosaic_scene)
    cell_inches = 420 / 25.4 / 7  # fit: the canvas spans the paper's width, 7 cells across
    needed = cell_inches * 300
    images = _pdf_images(out)
    assert len(images) == 35 and drawing.canvas.width / 7 == pytest.approx(drawing.canvas.height / 5)
    assert all(w == h and needed <= w <= needed + 6 for w, h in images), (needed, images[:3])


def test_print_png_has_paper_pixels_and_dpi_and_bleed_fills(tmp_path: Path) -> None:
    drawing = _square_scene(tmp_path / "s.scene.json")
    out = tmp_path / "a6.png"
    assert main(["render", str(drawing), "--paper", "A6", "--dpi", "300", "--frame-color", "#00ff00", "-o", str(out)]) == 0
    png = Image.open(out)
    assert png.size == (1240, 1748) and round(png.info["dpi"][0]) == 300
    assert b"pHYs" in out.read_bytes()
    pixels = np.asarray(png.convert("RGB"))
    assert pixels[5, 620].tolist() == [0, 255, 0]  # fit: bars above and below the 2:1 picture
    assert pixels[874, 5].tolist() == [255, 255, 255]
    bled = tmp_path / "bleed.png"
    assert main(["render", str(drawing), "--paper", "A6", "--landscape", "--dpi", "100", "--bleed", "3",
                 "--framing", "fill", "--frame-color", "#00ff00", "-o", str(bled), "-o", str(tmp_path / "bleed.pdf")]) == 0
    page = np.asarray(Image.open(bled).convert("RGB"))
    assert page.shape[:2] == (round(111 / 25.4 * 100), round(154 / 25.4 * 100))
    assert not (page == [0, 255, 0]).all(axis=2).any()  # the picture reaches every edge of the bleed
    assert _media_box(tmp_path / "bleed.pdf") == pytest.approx((154 / 25.4 * 72, 111 / 25.4 * 72), abs=0.01)


def test_transparent_background_decodes_as_alpha(tmp_path: Path) -> None:
    drawing = _square_scene(tmp_path / "s.scene.json")
    outs = [tmp_path / f"t.{kind}" for kind in ("png", "svg", "pdf", "tif")]
    assert main(["render", str(drawing), "--background", "transparent", *sum((["-o", str(o)] for o in outs), [])]) == 0
    rgba = np.asarray(Image.open(outs[0]))
    assert rgba.shape == (50, 100, 4) and rgba[5, 5, 3] == 0 and rgba[20, 30].tolist() == [255, 0, 0, 255]
    assert np.asarray(Image.open(outs[3]))[5, 5, 3] == 0
    root = ET.fromstring(outs[1].read_text())
    assert not root.findall(".//{http://www.w3.org/2000/svg}rect")
    from_svg = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(outs[1])))))
    assert from_svg[5, 5, 3] == 0 and from_svg[20, 30, 3] == 255
    content = zlib.decompress(re.search(rb"stream\r?\n(.*?)endstream", outs[2].read_bytes(), re.S)[1])
    assert re.findall(rb"([\d. ]+) re f", content) == [b"20 10 20 20"]  # the square, no background
    assert main(["render", str(drawing), "--transparent", "--paper", "A6", "--dpi", "20", "-o", str(outs[0])]) == 0
    assert np.asarray(Image.open(outs[0]))[0, 0, 3] == 0  # no bars either


def test_outlines_stroke_every_shape(tmp_path: Path) -> None:
    drawing = _square_scene(tmp_path / "s.scene.json")
    plain, outlined, svg = tmp_path / "p.png", tmp_path / "o.png", tmp_path / "o.svg"
    assert main(["render", str(drawing), "-o", str(plain)]) == 0
    assert main(["render", str(drawing), "--outline", "4:#0000ff", "-o", str(outlined), "-o", str(svg)]) == 0
    before, after = np.asarray(Image.open(plain).convert("RGB")), np.asarray(Image.open(outlined).convert("RGB"))
    assert before[10, 30].tolist() == [255, 0, 0] and after[10, 30].tolist() == [0, 0, 255]  # on the top edge
    assert after[20, 30].tolist() == [255, 0, 0] and after[40, 70].tolist() == [255, 255, 255]
    from_svg = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(svg)))).convert("RGB"))
    assert from_svg[10, 30].tolist() == [0, 0, 255]
    assert main(["render", str(drawing), "--outline", "wide", "-o", str(plain)]) == 2
