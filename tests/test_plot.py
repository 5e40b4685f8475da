"""`genart plot` and `Scene.plot`: pen plots read back by vpype, hatching only where a shape shows, pen-up travel
halved by vpype's order, hostile input refused in one line.

The heavy cases fit pictures no other test uses: skimage's `logo` (300 triangles) and `horse` (a GNG drawing).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import shapely
import skimage.data
import skimage.transform
import vpype as vp
from PIL import Image

import genart
from genart.cli import main
from genart.plot.document import PX_PER_MM, optimize, pen_up_mm, svg_text, to_document
from genart.plot.graph import euler_cover
from genart.plot.plotting import make_plot
from genart.plot.settings import PlotSettings
from genart.plot.strokes import drawn_shapes, scene_strokes
from genart.render import scene as S
from tests.conftest import random_scene

INKSCAPE = "{http://www.inkscape.org/namespaces/inkscape}"
SMALL = PlotSettings(paper="A6", margin_mm=5, pen_mm=0.5, spacing_mm=1.0, pens=3)


def _layers_of(svg: Path) -> list[str]:
    """The labels of the SVG's Inkscape layers, in order."""
    root = ET.parse(svg).getroot()
    return [g.get(f"{INKSCAPE}label", "") for g in root.iter("{http://www.w3.org/2000/svg}g")
            if g.get(f"{INKSCAPE}groupmode") == "layer"]


def _check_vpype_reads(svg: Path, labels: tuple[str, ...]) -> vp.Document:
    """vpype reads the plot with one layer per pen, numbered as the labels begin, named as written."""
    document = vp.read_multilayer_svg(str(svg), quantization=0.1)
    assert sorted(document.layers) == [int(label.split()[0]) for label in labels]
    assert _layers_of(svg) == list(labels)
    for label in labels:
        layer = document.layers[int(label.split()[0])]
        assert layer.property(vp.METADATA_FIELD_NAME) == label and len(layer) > 0
        assert layer.property(vp.METADATA_FIELD_COLOR) == vp.Color(label.split()[1])
    return document


def _check_nothing_under_later_shapes(scene: S.Scene, settings: PlotSettings) -> int:
    """Every hatch line of a shape lies inside it and under no later shape (checked with shapely); the count."""
    strokes = scene_strokes(scene, settings)
    areas = drawn_shapes(scene, strokes.page).areas
    later = [shapely.union_all(areas[i + 1:]) for i in range(len(areas))]
    checked = 0
    for lines, owners in zip(strokes.lines, strokes.owners):
        for line, owner in zip(lines, owners):
            if owner < 0:
                continue
            path = shapely.LineString(line)
            assert shapely.length(shapely.intersection(path, later[owner])) < 1e-6, f"shape {owner}'s line is covered"
            assert shapely.length(shapely.difference(path, areas[owner].buffer(1e-6))) < 1e-6
            checked += 1
    return checked


def _scene_order_pen_up(scene: S.Scene, settings: PlotSettings) -> tuple[float, float]:
    """Pen-up travel (mm) of the strokes in scene order as genart makes them, and after vpype's order."""
    plot = make_plot(scene, settings)
    return pen_up_mm(to_document(plot.strokes, settings.pen_mm)), pen_up_mm(plot.document)


def test_plot_writes_layers_vpype_reads_and_a_preview(tmp_path: Path) -> None:
    path = tmp_path / "shapes.scene.json"
    S.save(random_scene(40, seed=2), path)
    out, preview = tmp_path / "plot.svg", tmp_path / "ink.png"
    assert main(["plot", str(path), "-o", str(out), "--paper", "A6", "--pens", "3", "--spacing", "1",
                 "--preview", str(preview), "--preview-dpi", "60", "-q"]) == 0
    labels = tuple(_layers_of(out))
    assert [label.split()[0] for label in labels] == ["1", "2", "3"]
    document = _check_vpype_reads(out, labels)
    assert document.page_size == pytest.approx((105 * PX_PER_MM, 148 * PX_PER_MM))
    ink = np.asarray(Image.open(preview).convert("RGB"))
    assert ink.shape == (round(148 / 25.4 * 60), round(105 / 25.4 * 60), 3)
    assert (ink < 250).any(axis=2).mean() > 0.05 and (ink[:5] == 255).all()  # ink on the picture, white margin
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ink.png", "plot.svg", "shapes.scene.json"]


def test_no_hatch_line_lies_under_a_later_shape() -> None:
    assert _check_nothing_under_later_shapes(random_scene(60, seed=1), SMALL) > 500


def test_translucent_overlap_is_inked_as_the_poster_composites_it() -> None:
    red, blue = (1.0, 0.0, 0.0, 0.5), (0.0, 0.0, 1.0, 0.5)
    scene = S.Scene(canvas=S.Canvas(width=30, height=10), layers=[S.ShapesLayer(shapes=[
        S.Polygon(points=[(0, 0), (20, 0), (20, 10), (0, 10)], color=red),
        S.Polygon(points=[(10, 0), (30, 0), (30, 10), (10, 10)], color=blue)])])
    settings = PlotSettings(paper="A6", landscape=True, margin_mm=0, pen_mm=0.5, spacing_mm=0.5,
                            pens=("#ff0000", "#0000ff", "#800080"))
    strokes = scene_strokes(scene, settings)
    x = {pen.hex: sorted({round(float(v), 1) for line in lines for v in line[:, 0]})
         for pen, lines in zip(strokes.pens, strokes.lines)}
    k = strokes.page.scale  # the purple overlap (canvas 10..20) is the purple pen's alone
    assert min(x["#800080"]) >= 10 * k - 1 and max(x["#800080"]) <= 20 * k + 1
    assert max(x["#ff0000"]) <= 10 * k + 1 and min(x["#0000ff"]) >= 20 * k - 1


def test_graph_edges_chain_into_the_fewest_strokes_and_halve_pen_up() -> None:
    ids = list(range(100))
    xy = [(float(i % 10) * 10, float(i // 10) * 10) for i in ids]
    edges = [(i, i + 1) for i in ids if i % 10 < 9] + [(i, i + 10) for i in ids if i < 90]
    rng = np.random.default_rng(0)
    edges = [edges[i] for i in rng.permutation(len(edges))]  # scene order: a GNG's edges come in no order
    scene = S.Scene(canvas=S.Canvas(width=90, height=90), layers=[S.GraphLayer(ids=ids, xy=xy, edges=edges)])
    odd = sum(1 for i in ids if sum(i in e for e in edges) % 2)
    assert len(euler_cover(edges)) == odd // 2
    settings = PlotSettings(paper="A5", margin_mm=10)
    plot = make_plot(scene, settings)
    assert plot.summary.paths <= odd // 2 and plot.summary.layers == ("1 #000000",)
    by_edge = _edges_in_scene_order_pen_up(scene, plot.strokes.page)
    assert plot.summary.pen_up_mm <= 0.5 * by_edge


def _edges_in_scene_order_pen_up(scene: S.Scene, page) -> float:
    """Pen-up travel of a graph drawn edge by edge in the scene's order (mm)."""
    layer = next(layer for layer in scene.layers if isinstance(layer, S.GraphLayer))
    pos = {i: np.array(p) * page.scale for i, p in zip(layer.ids, layer.xy)}
    ends = [(pos[a], pos[b]) for a, b in layer.edges]
    return float(sum(np.hypot(*(ends[i + 1][0] - ends[i][1])) for i in range(len(ends) - 1)))


def test_optimize_is_deterministic_and_leaves_numpys_generator_alone() -> None:
    strokes = scene_strokes(random_scene(30, seed=4), PlotSettings(paper="A6", spacing_mm=1.0, outlines=True))
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    first = optimize(to_document(strokes, 0.3))
    assert (np.random.get_state()[1] == before).all()
    second = optimize(to_document(strokes, 0.3))
    assert all(np.array_equal(a, b) for a, b in zip(first.layers[1], second.layers[1]))


def test_the_api_plots_and_writes_hpgl(tmp_path: Path) -> None:
    scene = genart.load(Path(__file__).resolve().parent.parent / "assets" / "example.scene.json")
    summary = scene.plot(tmp_path / "p.svg", hpgl=tmp_path / "p.hpgl", pens="#1d3557,#e63946,#000", paper="A4",
                         angles="0,90", outlines=True)
    assert summary.layers == ("1 #1d3557", "2 #e63946", "3 #000000") and summary.seconds > 0
    hpgl = (tmp_path / "p.hpgl").read_text()
    assert hpgl.startswith("IN;") and hpgl.count("SP") >= 3 and "PD" in hpgl
    _check_vpype_reads(tmp_path / "p.svg", summary.layers)


@pytest.mark.parametrize(("extra", "message"), [
    (["--pens", "#12"], "is not a colour"),
    (["--pens", "0"], "--pens must be 1 to 16 pens"),
    (["--spacing", "0"], "--spacing must be in"),
    (["--angle", "north"], "--angle takes degrees"),
    (["--preview", "x.jpg"], "--preview x.jpg: a plot writes .png there"),
    (["--margin", "80", "--paper", "A6"], "--margin must be in"),
])
def test_bad_options_are_one_line_and_leave_nothing(tmp_path: Path, capsys, monkeypatch, extra, message) -> None:
    monkeypatch.chdir(tmp_path)
    S.save(random_scene(5), tmp_path / "s.scene.json")
    assert main(["plot", "s.scene.json", "-o", "p.svg", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("genart plot: error: ") and message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]


def test_a_mosaic_and_a_hostile_scene_are_refused(tmp_path: Path, capsys) -> None:
    mosaic = {"format": "genart.scene", "version": 1, "canvas": {"width": 10, "height": 10},
              "layers": [{"type": "mosaic", "columns": 1, "rows": 1, "tiles": [0], "collection": "c.npz"}]}
    (tmp_path / "m.scene.json").write_text(json.dumps(mosaic))
    (tmp_path / "bad.scene.json").write_text('{"format": "genart.scene", "version": 1, "canvas": {"width": -1}}')
    for name, message in (("m.scene.json", "a mosaic cannot be plotted"), ("bad.scene.json", "canvas")):
        assert main(["plot", str(tmp_path / name), "-o", str(tmp_path / "p.svg")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("genart plot: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "p.svg").exists()
    assert main(["plot", str(tmp_path / "bad.scene.json"), "-o", str(tmp_path / "bad.scene.json")]) == 2


def _logo_picture() -> np.ndarray:
    logo = skimage.data.logo()
    alpha = logo[..., 3:4] / 255.0
    rgb = logo[..., :3] * alpha + 255.0 * (1.0 - alpha)
    return (skimage.transform.resize(rgb / 255.0, (128, 128), anti_aliasing=True) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def triangles() -> S.Scene:
    scene = genart.fit(_logo_picture(), method="hillclimb", shapes=300, seed=3, candidates=40, max_age=15,
                       repeats=1, progress=False)
    assert len(scene.shapes) == 300 and all(isinstance(s, S.Polygon) and len(s.points) == 3 for s in scene.shapes)
    return scene.document


@pytest.mark.slow
def test_300_triangles_plot_read_by_vpype_hatched_where_they_show_with_half_the_pen_up(triangles, tmp_path) -> None:
    settings = PlotSettings(paper="A5", margin_mm=8, pen_mm=0.4, spacing_mm=0.8, pens=4, turn=37.0)
    plot = make_plot(triangles, settings)
    path = tmp_path / "logo.svg"
    path.write_text(svg_text(plot.document, "logo"))
    _check_vpype_reads(path, plot.summary.layers)
    assert len(plot.summary.layers) == 4
    scene_order, ordered = _scene_order_pen_up(triangles, settings)
    assert ordered <= 0.5 * scene_order, (ordered, scene_order)
    assert _check_nothing_under_later_shapes(triangles, settings) > 1000


@pytest.fixture(scope="module")
def horse_drawing() -> S.Scene:
    horse = np.repeat((skimage.data.horse() * 255).astype(np.uint8)[..., None], 3, axis=2)  # black horse on white
    return genart.fit(horse, method="gng", seed=1, max_nodes=400, resize=160, progress=False).document


@pytest.mark.slow
def test_a_gng_drawing_plots_in_few_strokes_with_half_the_pen_up(horse_drawing, tmp_path: Path) -> None:
    source = tmp_path / "horse.scene.json"
    S.save(horse_drawing, source)
    out = tmp_path / "horse.svg"
    assert main(["plot", str(source), "-o", str(out), "-q"]) == 0
    document = _check_vpype_reads(out, ("1 #000000",))
    graph = next(layer for layer in horse_drawing.layers if isinstance(layer, S.GraphLayer))
    assert len(document.layers[1]) < len(graph.edges) / 5  # long strokes: far fewer than the edges
    plot = make_plot(horse_drawing, PlotSettings())
    assert plot.summary.pen_up_mm <= 0.5 * _edges_in_scene_order_pen_up(horse_drawing, plot.strokes.page)
