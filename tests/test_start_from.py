"""`genart evolve --start-from`: a poster's SVG with half its shapes deleted (in its XML), fitted on.

The kept shapes come out exactly as the cut file holds them (their SVG elements attribute for
attribute, their ids), the new ones go on top up to -n, and the poster is closer to the picture
than the cut file's (both measured on cairosvg's render of the SVG, not on genart's own).
"""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import cairosvg
import numpy as np
import pytest
from PIL import Image
from skimage import data

import genart
from genart.cli import main
from genart.render import scene as S
from genart.render.svg_read import read_svg
from tests.players import inkscape

SVG = "http://www.w3.org/2000/svg"
FAST = ["--resize", "64", "--candidates", "40", "--max-age", "15", "--repeats", "2", "--seed", "3", "--quiet"]
SHAPES = 24
ET.register_namespace("", SVG)
ET.register_namespace("inkscape", "http://www.inkscape.org/namespaces/inkscape")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the picture (coffee, 96x64), its fitted poster (SVG and scene) and the SVG cut in half."""
    folder = tmp_path_factory.mktemp("start")
    Image.fromarray(data.coffee()).resize((96, 64), Image.LANCZOS).save(folder / "coffee.png")
    assert main(["evolve", str(folder / "coffee.png"), "-n", str(SHAPES), *FAST,
                 "-o", str(folder / "full.svg"), "-o", str(folder / "full.scene.json")]) == 0
    tree = ET.parse(folder / "full.svg")
    layer = next(g for g in tree.getroot().iter(f"{{{SVG}}}g") if g.get("id") == "layer-0")
    for element in list(layer):
        if int(element.get("id", "shape-0").removeprefix("shape-")) % 2:
            layer.remove(element)
    tree.write(folder / "cut.svg")
    return folder


def poster_rmse(svg: Path, picture: Path) -> float:
    """RMSE (0-255) of cairosvg's render of an SVG against the picture, at the picture's size."""
    target = np.asarray(Image.open(picture).convert("RGB"), np.float64)
    png = cairosvg.svg2png(url=str(svg), output_width=target.shape[1], output_height=target.shape[0])
    drawn = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.float64)
    return float(np.sqrt(((drawn - target) ** 2).mean()))


def elements(svg: Path) -> dict[str, dict[str, str]]:
    """The attributes of each shape element of an SVG, by id."""
    return {el.attrib["id"]: dict(el.attrib) for el in ET.parse(svg).getroot().iter()
            if el.attrib.get("id", "").startswith("shape-")}


def test_cut_half_keeps_the_rest_exactly_and_fits_better(made: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = elements(made / "cut.svg")
    assert len(cut) == SHAPES // 2
    capsys.readouterr()
    assert main(["evolve", str(made / "coffee.png"), "--start-from", str(made / "cut.svg"), "-n", str(SHAPES),
                 *FAST[:-1], "-o", str(made / "on.svg"), "-o", str(made / "on.scene.json")]) == 0
    assert f"{made / 'cut.svg'}: {SHAPES // 2} shapes read" in capsys.readouterr().err
    after = elements(made / "on.svg")
    assert {key: after[key] for key in cut} == cut  # every kept shape's element, attribute for attribute
    layer = S.load(made / "on.scene.json").layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == SHAPES
    kept_ids = [int(key.removeprefix("shape-")) for key in cut]
    assert layer.ids is not None and layer.ids[: len(cut)] == kept_ids
    assert min(layer.ids[len(cut):]) > max(kept_ids)  # the new shapes, on top, numbered after the kept
    before, now = poster_rmse(made / "cut.svg", made / "coffee.png"), poster_rmse(made / "on.svg", made / "coffee.png")
    assert now < before - 1.0, (before, now)


def test_an_inkscape_saved_file_maps_back(made: Path) -> None:
    saved = made / "saved.svg"
    subprocess.run([inkscape(), str(made / "cut.svg"), "--actions",
                    f"select-all:all;object-to-path;export-filename:{saved};export-plain-svg;export-do"],
                   capture_output=True, check=True, timeout=60)
    assert "<polygon" not in saved.read_text()  # Inkscape's paths, with style attributes
    kept = read_svg(made / "cut.svg")
    scene = genart.fit(made / "coffee.png", shapes=SHAPES, resize=64, candidates=40, max_age=15, repeats=2,
                       progress=False, start_from=saved)
    layer = scene.document.layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == SHAPES
    assert layer.ids is not None and layer.ids[: len(kept.ids)] == kept.ids
    assert layer.shapes[: len(kept.shapes)] == kept.shapes


def test_foreign_elements_are_counted_in_one_line(made: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (made / "cut.svg").read_text().replace(
        "</svg>", '<text x="3" y="9">note</text><rect x="1" y="1" width="5" height="5" fill="#123456"/></svg>')
    (made / "foreign.svg").write_text(text)
    capsys.readouterr()
    assert main(["evolve", str(made / "coffee.png"), "--start-from", str(made / "foreign.svg"), "-n", "16",
                 *FAST[:-1], "-o", str(made / "foreign.scene.json")]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if "foreign" in line]
    assert said == [f"genart evolve: {made / 'foreign.svg'}: {SHAPES // 2} shapes read; 2 foreign elements skipped "
                    "(1 text, 1 unnamed shapes)"]


def test_a_scene_file_start_and_refining_all(made: Path) -> None:
    full = S.load(made / "full.scene.json")
    scene = genart.fit(made / "coffee.png", shapes=SHAPES + 6, resize=64, candidates=40, max_age=15, repeats=2,
                       progress=False, start_from=made / "full.scene.json", refine_seconds=0.5)
    layer = scene.document.layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == SHAPES + 6
    assert layer.ids == [*full.layers[0].ids, *range(SHAPES, SHAPES + 6)]  # type: ignore[union-attr]
    assert scene.document.meta["refined"] is True


@pytest.mark.parametrize("content, extra, message", [
    ("<svg><g>", [], "not a readable SVG"),
    ("<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * 60 + "</svg>", [], "more than 50 elements"),
    (None, [], "no such file"),
    ("cut", ["--method", "anneal"], "--start-from applies to hillclimb"),
    ("cut", ["-n", "12"], "ask for at least 13"),
    ("cut", ["--resize", "64"], "another aspect"),
])
def test_bad_start_is_one_line_and_writes_nothing(made: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, content: str | None,
                                                  extra: list[str], message: str) -> None:
    start = tmp_path / "start.svg"
    picture = made / "coffee.png"
    if content == "cut":
        start.write_text((made / "cut.svg").read_text())
        if message == "another aspect":
            Image.open(picture).resize((64, 64)).save(tmp_path / "square.png")
            picture = tmp_path / "square.png"
    elif content is not None:
        start.write_text(content)
        monkeypatch.setenv("GENART_MAX_ELEMENTS", "50")
    capsys.readouterr()
    options = ["--quiet"] if "--method" in extra else FAST  # the hill-climb's options are its own
    status = main(["evolve", str(picture), "--start-from", str(start), *options, *extra, "-o", str(tmp_path / "out.svg")])
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "out.svg").exists()
