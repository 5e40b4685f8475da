"""The editable SVG poster: one Inkscape layer per scene layer, stable shape ids, read back as edited.

Inkscape (Debian's, installed by .ci/run) opens the files (`--query-all`) and saves them as it would
after an edit (every object turned into a path, a plain SVG with style attributes); the shapes read
back from either are the scene's, to the SVG's two decimals.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from genart.render import scene as S
from genart.render.paper import Paper, paper_sheet
from genart.render.svg import INKSCAPE, render_svg
from genart.render.svg_read import SvgReadError, read_svg
from tests.conftest import ASSETS
from tests.players import inkscape

SVG = "{http://www.w3.org/2000/svg}"
GROUPMODE, LABEL = f"{{{INKSCAPE}}}groupmode", f"{{{INKSCAPE}}}label"
SVG_PRECISION = 0.0051  # coordinates carry two decimals
COLOR_PRECISION = 0.5 / 255 + 1e-9  # channels carry 8 bits


def layered_scene() -> S.Scene:
    """The example's shapes (every filled kind and a Bézier) with ids of their own and a line, its graph, and a
    second shapes layer."""
    example = S.load(ASSETS / "example.scene.json")
    first = example.layers[0]
    assert isinstance(first, S.ShapesLayer)
    line = S.Line(points=((10.0, 140.0), (60.0, 110.0)), width=3.0, color=(0.2, 0.2, 0.2, 0.7))
    shapes = [*first.shapes, line]
    top = S.ShapesLayer(name="top", shapes=[S.Circle(cx=30, cy=30, r=9, color=(0, 0.5, 1, 0.4))], ids=[3])
    return example.model_copy(update={"layers": [
        S.ShapesLayer(name="shapes", shapes=shapes, ids=[40, 2, 17, 5, 9, 11]), example.layers[1], top]})


def assert_same_shapes(read: list[S.Shape], expected: list[S.Shape]) -> None:
    """Shapes read back from an SVG are the scene's, kind by kind, to the SVG's precision."""
    assert [s.kind for s in read] == [s.kind for s in expected]
    for got, want in zip(read, expected):
        a, b = got.model_dump(), want.model_dump()
        assert np.allclose(a.pop("color"), b.pop("color"), atol=COLOR_PRECISION), (got, want)
        for key, value in b.items():
            if key != "kind":
                assert np.allclose(np.asarray(a[key], float), np.asarray(value, float), atol=SVG_PRECISION), (key, got, want)


def test_layers_and_ids_in_the_svg(tmp_path: Path) -> None:
    scene = layered_scene()
    render_svg(scene, tmp_path / "x.svg", width=400)
    root = ET.parse(tmp_path / "x.svg").getroot()
    layers = [g for g in root.iter(f"{SVG}g") if g.get(GROUPMODE) == "layer"]
    assert [(g.get("id"), g.get(LABEL)) for g in layers] == [("layer-0", "shapes"), ("layer-1", "net"),
                                                             ("layer-2", "top")]
    assert [el.get("id") for el in layers[0]] == [f"shape-{i}" for i in (40, 2, 17, 5, 9, 11)]
    assert [el.get("id") for el in layers[2]] == ["layer-2-shape-3"]  # ids stay unique in the document
    assert root.get("data-genart-canvas") == "200 150"


def test_inkscape_sees_one_layer_per_scene_layer(tmp_path: Path) -> None:
    scene = layered_scene()
    for name, sheet in (("plain", None), ("paper", paper_sheet(200, 150, Paper("A6", bleed_mm=3), "fit",
                                                                (1, 1, 1, 1), vector=False))):
        path = tmp_path / f"{name}.svg"
        render_svg(scene, path, sheet=sheet)
        listing = subprocess.run([inkscape(), "--query-all", str(path)], capture_output=True, text=True, check=True,
                                 timeout=60).stdout
        ids = [line.split(",")[0] for line in listing.splitlines() if line.count(",") == 4]
        assert sorted(i for i in ids if i.startswith("layer-") and "shape" not in i) == ["layer-0", "layer-1",
                                                                                        "layer-2"], name
        assert {f"shape-{i}" for i in (40, 2, 17, 5, 9, 11)} <= set(ids), name


def test_read_back_plain_and_on_paper(tmp_path: Path) -> None:
    scene = layered_scene()
    expected = scene.layers[0].shapes  # type: ignore[union-attr]
    sheets = {"plain": None, "stretched": None,
              "paper": paper_sheet(200, 150, Paper("A5", landscape=True), "fill", (0, 0, 0, 1), vector=False),
              "bleed": paper_sheet(200, 150, Paper("A6", bleed_mm=3), "fit", (1, 1, 1, 1), vector=True)}
    for name, sheet in sheets.items():
        path = tmp_path / f"{name}.svg"
        render_svg(scene, path, width=333 if name == "stretched" else None, sheet=sheet)
        back = read_svg(path)
        assert back.canvas == (200.0, 150.0) and back.ids == [40, 2, 17, 5, 9, 11], name
        assert_same_shapes(back.shapes, expected)
        assert back.background == pytest.approx(scene.canvas.background, abs=COLOR_PRECISION)
        assert set(back.foreign) == {"unnamed shapes"}, name  # the graph's lines and dots, the second layer's circle


def test_read_back_after_inkscape_saves_it(tmp_path: Path) -> None:
    """Inkscape turns every object into a path and writes its style as a style attribute; the shapes stay."""
    scene = layered_scene()
    render_svg(scene, tmp_path / "x.svg", width=400)
    saved = tmp_path / "saved.svg"
    subprocess.run([inkscape(), str(tmp_path / "x.svg"), "--actions",
                    f"select-all:all;object-to-path;export-filename:{saved};export-plain-svg;export-do"],
                   capture_output=True, check=True, timeout=60)
    text = saved.read_text()
    assert "<polygon" not in text and "<ellipse" not in text and "style=" in text  # Inkscape did rewrite it
    back = read_svg(saved)
    assert back.ids == [40, 2, 17, 5, 9, 11]
    assert_same_shapes(back.shapes, scene.layers[0].shapes)  # type: ignore[union-attr]  # ellipse and circle as arcs too


def test_moved_and_recoloured_shapes_read_as_edited(tmp_path: Path) -> None:
    scene = layered_scene()
    render_svg(scene, tmp_path / "x.svg", width=400)
    text = (tmp_path / "x.svg").read_text()
    text = text.replace('id="layer-0"', 'id="layer-0" transform="translate(10 -5)"')  # the layer moved
    text = text.replace('id="shape-40"', 'id="shape-40" style="fill:#ff0000;fill-opacity:0.25"')  # recoloured
    (tmp_path / "edited.svg").write_text(text)
    back = read_svg(tmp_path / "edited.svg")
    moved = [S.scaled(s, 1.0, 10.0, -5.0) for s in scene.layers[0].shapes]  # type: ignore[union-attr]
    assert_same_shapes(back.shapes[1:], moved[1:])
    assert back.shapes[0].color == (1.0, 0.0, 0.0, 0.25)
    assert np.allclose(back.shapes[0].points, moved[0].points, atol=SVG_PRECISION)  # type: ignore[union-attr]


def test_scene_ids_are_optional_and_checked() -> None:
    text = (ASSETS / "example.scene.json").read_text()
    old = S.parse(text)
    assert all(getattr(layer, "ids", None) is None for layer in old.layers if layer.type == "shapes")
    assert '"ids"' not in S.dumps(old).split('"graph"')[0]  # a layer without ids is written without them
    dot = S.Circle(cx=1, cy=1, r=1, color=(0, 0, 0, 1))
    with pytest.raises(ValueError, match="one per shape"):
        S.ShapesLayer(shapes=[dot, dot], ids=[1])
    with pytest.raises(ValueError, match="repeat"):
        S.ShapesLayer(shapes=[dot, dot], ids=[1, 1])
    with pytest.raises(ValueError):
        S.ShapesLayer(shapes=[dot], ids=[-1])
    kept = S.Scene(canvas=S.Canvas(width=2, height=2), layers=[S.ShapesLayer(shapes=[dot], ids=[9])])
    assert S.parse(S.dumps(kept)).layers[0].ids == [9]  # type: ignore[union-attr]
    grown = S.Scene(canvas=S.Canvas(width=2, height=2), layers=[S.ShapesLayer(shapes=[dot, dot], ids=[4, 1])],
                    snapshots=[S.Snapshot(step=1, prefix=1)])
    cut = grown.snapshot_layers(grown.snapshots[0])[0]
    assert cut.ids == [4] and S.ShapesLayer.model_validate(cut.model_dump()) == cut  # type: ignore[union-attr]


@pytest.mark.parametrize("content, message", [
    (b"<svg", "not a readable SVG"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg>&b;</svg>', "entities"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<g/>" * 50 + b"</svg>", "more than 40 elements"),
    (b"\x1f\x8bnot gzip", "cannot read"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 0 0'><path id='shape-1' d='M0 0 L1 1 L2 0 Z'/></svg>",
     "cannot be read back"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' width='0' height='0'><path id='shape-1' d='M0 0 L1 1 L2 0 Z'/></svg>",
     "names no canvas size"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><use id='x' href='#x'/></svg>", "not a readable SVG"),
])
def test_hostile_svg_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, message: str) -> None:
    monkeypatch.setenv("GENART_MAX_ELEMENTS", "40")
    path = tmp_path / "bad.svg"
    path.write_bytes(content)
    with pytest.raises(SvgReadError, match=message) as error:
        read_svg(path)
    assert "\n" not in str(error.value)
