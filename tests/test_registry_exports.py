"""Every registered drawable kind through every exporter, by walking the registry: Lottie (the lottie-spec
schema, the keyed values, rlottie's frames), SMIL (the parsed SVG, its still picture), glTF (pygltflib, the
accessors, the mesh's coverage; the Khronos validator in a slow test), and the .blend data (the neutral mesh
and attribute arrays the builder gets, their coverage). A kind that lacks an export form cannot be registered;
a kind the registry does not know fails in one place; a kind registered from outside exports with no change to
any exporter.
"""

from __future__ import annotations

import ast
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Literal

import cairosvg
import jsonschema
import lottie_specs
import numpy as np
import pygltflib as gl
import pytest
from PIL import Image, ImageDraw
from rlottie_python import LottieAnimation

from genart.animate.export import parts
from genart.animate.export.blend import UNIT, blender_data
from genart.animate.export.formats import export_motion
from genart.animate.export.tracks import Appearances, Flights
from genart.animate.frame import render_rgb
from genart.animate.motions import MOTIONS, build_clip
from genart.animate.timeline import Playable
from genart.render import cairo, drawables, svg
from genart.render import scene as S
from genart.render.drawables.base import CX, CY, RX, RY, lottie_static
from genart.render.fields import Color, Coord, Length, Model
from tests.test_drawables import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
EXPORTERS = ROOT / "genart" / "animate" / "export"
SVG = "{http://www.w3.org/2000/svg}"
FPS = 30.0
W, H = 256, 192  # 4 × the examples' 64 × 48 canvas
TAGS = [d.tag for d in drawables.REGISTRY.values()]
MOTION_OPTIONS: dict[str, dict[str, Any]] = {"flyin": {"duration": 1.0, "hold": 0.25, "seed": 1},
                                             "timelapse": {"duration": 1.0, "hold": 0.0}}
EXPORT_FORMS = ("lottie_items", "mesh", "reaches", "svg_element", "trace")  # what every kind must give the exporters


def _example(tag: str) -> S.Shape:
    if tag not in EXAMPLES:
        pytest.fail(f"drawable kind {tag!r} is registered but has no example in tests/test_drawables.py EXAMPLES")
    return EXAMPLES[tag]


def _scene(tag: str) -> S.Scene:
    """Three of the kind's example: as it is, half size elsewhere, and a bigger opaque one behind a translucent."""
    shape = _example(tag)
    shapes = [shape.model_copy(update={"color": (0.1, 0.3, 0.8, 1.0)}),
              drawables.scaled(shape, 0.5, 30.0, 20.0).model_copy(update={"color": (0.2, 0.7, 0.3, 0.8)}),
              shape]
    return S.Scene(canvas=S.Canvas(width=64, height=48, background=(0.95, 0.92, 0.88, 1)),
                   layers=[S.ShapesLayer(shapes=shapes)], snapshots=[S.Snapshot(step=k, prefix=k) for k in (1, 2, 3)])


def _export(drawing: S.Scene, motion: str, out: Path) -> Playable:
    """`genart export` of the motion to `out`, through the registry the command uses."""
    settings = MOTIONS[motion].settings(**MOTION_OPTIONS[motion])
    clip, _ = export_motion(drawing, settings, out, FPS, width=W if out.suffix == ".svg" else None)
    return clip


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b) ** 2).mean())
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def _mask(polygons: list[np.ndarray]) -> np.ndarray:
    """Pixels (H, W) covered by the union of `polygons` ((k, 2) in canvas units)."""
    image = Image.new("1", (W, H))
    draw = ImageDraw.Draw(image)
    for polygon in polygons:
        draw.polygon([(float(x) * W / 64, float(y) * H / 48) for x, y in polygon], fill=1)
    return np.asarray(image)


def _genart_mask(shape: S.Shape) -> np.ndarray:
    """The pixels genart's cairo renderer covers with `shape` (drawn opaque black on white)."""
    alone = S.Scene(canvas=S.Canvas(width=64, height=48, background=(1, 1, 1, 1)),
                    layers=[S.ShapesLayer(shapes=[shape.model_copy(update={"color": (0, 0, 0, 1)})])])
    return (cairo.render_array(alone, W) < 128).any(axis=2)


def _assert_covers(polygons: list[np.ndarray], shape: S.Shape, what: str) -> None:
    got, want = _mask(polygons), _genart_mask(shape)
    iou = (got & want).sum() / max((got | want).sum(), 1)
    assert iou > 0.85, f"{what}: covers {iou:.3f} of what genart draws"  # a thin stroke: edges count


@pytest.fixture(scope="module")
def lottie_schema() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(Path(lottie_specs.schema_path()).read_text()))


def _required() -> set[str]:
    """The methods a drawable kind must implement."""
    return set(drawables.Drawable.__abstractmethods__)


def test_every_export_form_is_required() -> None:
    assert set(EXPORT_FORMS) <= _required()


@pytest.mark.parametrize("form", EXPORT_FORMS)
def test_a_kind_lacking_an_export_form_cannot_be_registered(form: str) -> None:
    """A drawable class without one of the forms fails where it is made (the registry makes every kind at
    import), with one line that names the form."""
    methods = {name: (lambda self, *args: None) for name in _required() - {form}}
    lacking = type("Lacking", (drawables.Drawable,), methods)
    with pytest.raises(TypeError, match=form) as caught:
        lacking()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("motion", list(MOTION_OPTIONS))
def test_kind_through_lottie(tag: str, motion: str, tmp_path: Path,
                             lottie_schema: jsonschema.Draft202012Validator) -> None:
    drawing = _scene(tag)
    clip = _export(drawing, motion, tmp_path / "a.json")
    doc = json.loads((tmp_path / "a.json").read_text())
    errors = list(lottie_schema.iter_errors(doc))
    assert not errors, errors[0].message
    layers = doc["layers"][::-1][1:]  # draw order, after the background
    part = parts(clip)[0]
    assert len(layers) == 3
    for i, layer in enumerate(layers):
        if isinstance(part, Flights):
            x, y = layer["ks"]["p"]["x"]["k"], layer["ks"]["p"]["y"]["k"]
            assert x[0]["t"] == pytest.approx(part.takeoff[i] * FPS, abs=1e-5)
            rest = part.rest.params[i, [CX, CY]]
            assert (x[-1]["s"][0], y[-1]["s"][0]) == pytest.approx(tuple(rest), abs=1e-4)  # lands at rest
            turning = layer["shapes"][0]["it"][-1]
            assert turning["s"]["k"][0]["s"][0] == pytest.approx(100 * part.start_scale, abs=1e-4)
            assert turning["s"]["k"][-1]["s"] == [100.0, 100.0] and turning["r"]["k"][-1]["s"] == [0.0]
        else:
            assert isinstance(part, Appearances)
            assert layer["ip"] == pytest.approx(part.visible_from[i] * FPS)
    anim = LottieAnimation.from_data((tmp_path / "a.json").read_text())
    for t in (0.5, clip.length):
        frame = round(t * FPS)
        got = np.asarray(anim.render_pillow_frame(frame_num=frame, width=W, height=H).convert("RGB"))
        assert _psnr(got, render_rgb(clip.frame_at(frame / FPS), W, H)) >= 38.0, t


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("motion", list(MOTION_OPTIONS))
def test_kind_through_smil(tag: str, motion: str, tmp_path: Path) -> None:
    drawing = _scene(tag)
    out = tmp_path / "a.svg"
    clip = _export(drawing, motion, out)
    root = ET.fromstring(out.read_text())
    svg.render_svg(drawing, tmp_path / "poster.svg", W)
    poster = ET.parse(tmp_path / "poster.svg").getroot()
    drawn = [el.tag for el in poster.iter() if el.tag[len(SVG):] not in ("svg", "g", "rect", "defs")]
    exported = [el.tag for el in root.iter() if el.tag[len(SVG):] not in ("svg", "g", "rect", "defs", "animate",
                                                                          "animateTransform")]
    assert exported == drawn  # each shape is the element an SVG poster draws it with
    if motion == "flyin":
        assert len(root.findall(f".//{SVG}animateTransform")) == 4 * 3  # x, y, turn and scale of each shape
    else:
        shown = appearances_of(clip).visible_from
        assert len(root.findall(f".//{SVG}animate[@calcMode='discrete']")) == int((shown > 0).sum())
    still = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(out)))).convert("RGB"))
    assert _psnr(still, cairo.render_array(drawing, W)) >= 40.0  # without SMIL: the finished poster


def appearances_of(clip: Playable) -> Appearances:
    part = parts(clip)[0]
    assert isinstance(part, Appearances)
    return part


COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def _accessor(doc: gl.GLTF2, blob: bytes, index: int) -> np.ndarray:
    accessor = doc.accessors[index]
    view = doc.bufferViews[accessor.bufferView]
    dtype = np.float32 if accessor.componentType == gl.FLOAT else np.uint32
    width = COMPONENTS[accessor.type]
    assert view.byteOffset + view.byteLength <= len(blob)
    assert view.byteLength == accessor.count * width * np.dtype(dtype).itemsize
    data = np.frombuffer(blob, dtype, accessor.count * width, view.byteOffset)
    return data.reshape(accessor.count, width) if width > 1 else data


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("motion", list(MOTION_OPTIONS))
@pytest.mark.parametrize("suffix", [".glb", ".gltf"])
def test_kind_through_gltf(tag: str, motion: str, suffix: str, tmp_path: Path) -> None:
    drawing = _scene(tag)
    out = tmp_path / f"a{suffix}"
    clip = _export(drawing, motion, out)
    doc = gl.GLTF2().load(str(out))
    doc.convert_buffers(gl.BufferFormat.BINARYBLOB)
    blob = doc.binary_blob()
    assert doc.buffers[0].byteLength == len(blob)
    accessors = [_accessor(doc, blob, k) for k in range(len(doc.accessors))]
    packed = drawables.pack(drawing.layers[0].shapes)
    assert len(doc.nodes) == len(doc.meshes) == len(packed) == 3
    for i, (node, shape) in enumerate(zip(doc.nodes, drawing.layers[0].shapes)):
        primitive = doc.meshes[node.mesh].primitives[0]
        local, indices = accessors[primitive.attributes.POSITION], accessors[primitive.indices]
        mesh = drawables.drawable(int(packed.kinds[i])).mesh(packed.points[i], int(packed.counts[i]), packed.params[i])
        assert len(local) == len(mesh.vertices) and len(indices) == 3 * len(mesh.triangles)
        assert indices.max() < len(local)
        bounds = doc.accessors[primitive.attributes.POSITION]
        assert np.allclose(bounds.min, local.min(axis=0)) and np.allclose(bounds.max, local.max(axis=0))
        x, y = node.translation[0] + local[:, 0], -(node.translation[1] + local[:, 1])  # at rest: the poster
        _assert_covers(list(np.column_stack([x, y])[indices.reshape(-1, 3)]), shape, f"glTF mesh of shape {i}")
    channels = doc.animations[0].channels
    paths = sorted({c.target.path for c in channels})
    assert paths == (["pointer", "rotation", "scale", "translation"] if motion == "flyin" else ["scale"])
    assert all(0.0 <= accessors[doc.animations[0].samplers[c.sampler].input].max() <= clip.length + 1e-6
               for c in channels)


@pytest.mark.slow  # the Khronos glTF Validator runs in node, once per file
@pytest.mark.parametrize("tag", TAGS)
def test_kind_passes_the_gltf_validator(tag: str, tmp_path: Path) -> None:
    from tests.players import validate_gltf  # fails loudly if the node tools cannot be had

    for motion in MOTION_OPTIONS:
        for suffix in (".glb", ".gltf"):
            out = tmp_path / f"{motion}{suffix}"
            _export(_scene(tag), motion, out)
            report = validate_gltf(out)
            assert report["issues"]["numErrors"] == 0 and report["issues"]["numWarnings"] == 0, report["issues"]


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("motion", list(MOTION_OPTIONS))
def test_kind_through_blend_data(tag: str, motion: str) -> None:
    """The builder gets neutral meshes (positions, face sizes, each face's shape) and per-shape attributes,
    no kind: the faces cover what genart draws, and every array has its length."""
    drawing = _scene(tag)
    settings = MOTIONS[motion].settings(**MOTION_OPTIONS[motion])
    data = blender_data(build_clip(drawing, settings, FPS), FPS)
    assert "kind" not in json.dumps(data)  # what the builder gets names no drawable kind
    (layer,) = data["layers"]
    positions = np.array(layer["positions"]).reshape(-1, 3)
    sizes, owner = np.array(layer["face_sizes"]), np.array(layer["face_shape"])
    assert sizes.sum() == len(positions) and (sizes >= 3).all() and len(owner) == len(sizes)
    assert sorted(set(owner.tolist())) == [0, 1, 2]
    per_shape = {"flight": ("rank_optimization", "rank_size", "spin", "alpha"), "appear": ("state", "alpha")}
    assert layer["motion"] == ("flight" if motion == "flyin" else "appear")
    for name in per_shape[layer["motion"]]:
        assert len(layer[name]) == 3, name
    assert len(layer["color"]) == 9 and (len(layer["path"]) == 3 * 4 * 3 if motion == "flyin" else True)
    canvas = np.column_stack([positions[:, 0] / UNIT, 48 - positions[:, 1] / UNIT])
    faces = np.split(canvas, np.cumsum(sizes)[:-1])
    for i, shape in enumerate(drawing.layers[0].shapes):
        _assert_covers([f for f, o in zip(faces, owner) if o == i], shape, f".blend faces of shape {i}")


def test_an_unknown_kind_fails_in_one_place_in_every_exporter() -> None:
    from genart.animate.export import blend, gltf, lottie, smil

    known = drawables.pack([EXAMPLES[TAGS[0]]])
    bad = drawables.Packed(np.array([99], np.int8), known.points, known.counts, known.params, known.colors)
    canvas = S.Canvas(width=64, height=48)
    writers = {"Lottie": lambda: lottie.still_layers(bad, 10.0), "glTF": lambda: gltf.scene_gltf([bad], [None]),
               "SMIL": lambda: smil.animated_svg(canvas, [bad], [None], 1.0), ".blend": lambda: blend.shape_faces(bad)}
    for name, write in writers.items():
        with pytest.raises(drawables.UnknownKindError) as caught:
            write()
        assert str(caught.value).startswith("unknown drawable kind 99") and "\n" not in str(caught.value), name


def test_no_exporter_names_a_drawable_kind() -> None:
    """The exporters ask the registry: no `Kind`, no import of a kind's own module."""
    kind_modules = {type(d).__module__ for d in drawables.REGISTRY.values()}
    for path in sorted(EXPORTERS.glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert "Kind" not in names, path.name
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & kind_modules, path.name


class Square(Model):
    """A kind the package does not have: an axis-aligned filled square, centre and half side."""

    kind: Literal["square"] = "square"
    cx: Coord
    cy: Coord
    half: Length
    color: Color


class SquareDrawable(drawables.Drawable):
    """Every form of `Square`, in this one place: what a new kind's module holds."""

    kind = len(drawables.TABLE)  # type: ignore[assignment]  # the next id, as a registered kind would get
    model = Square
    tag = "square"

    def pack(self, shape: Square, points: np.ndarray, params: np.ndarray) -> int:
        h = shape.half
        points[:4] = [(shape.cx - h, shape.cy - h), (shape.cx + h, shape.cy - h), (shape.cx + h, shape.cy + h),
                      (shape.cx - h, shape.cy + h)]
        points[4:] = points[3]
        params[CX], params[CY], params[RX], params[RY] = shape.cx, shape.cy, h, h
        return 4

    def point_count(self, shape: Square) -> int:
        return 4

    def unpack(self, points: np.ndarray, count: int, params: np.ndarray, color: Color) -> Square:
        return Square(cx=params[CX], cy=params[CY], half=params[RX], color=color)

    def scaled(self, shape: Square, factor: float, dx: float = 0.0, dy: float = 0.0) -> Square:
        return Square(cx=(shape.cx + dx) * factor, cy=(shape.cy + dy) * factor, half=shape.half * factor,
                      color=shape.color)

    def scanlines(self, points: np.ndarray, count: int, params: np.ndarray, sx: float, sy: float, height: int,
                  width: int) -> np.ndarray:
        from genart.render.scanlines.polygon import polygon_scanlines

        return polygon_scanlines(points[:4] * np.array([sx, sy]), height, width)

    def draw_cairo(self, lib: Any, ctx: Any, points: list[list[float]], count: int, params: list[float],
                   rgba: list[float]) -> None:
        lib.cairo_rectangle(ctx, points[0][0], points[0][1], 2 * params[RX], 2 * params[RY])
        lib.cairo_set_source_rgba(ctx, *rgba)
        lib.cairo_fill_preserve(ctx)

    def svg_element(self, dwg: Any, shape: Square, paint: dict[str, str]) -> Any:
        return dwg.rect(insert=(shape.cx - shape.half, shape.cy - shape.half), size=(2 * shape.half, 2 * shape.half),
                        **paint)

    def areas(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return 4 * params[:, RX] ** 2

    def reaches(self, points: np.ndarray, counts: np.ndarray, params: np.ndarray) -> np.ndarray:
        return np.sqrt(2) * params[:, RX]

    def lottie_items(self, points: np.ndarray, count: int, params: np.ndarray,
                     paint: drawables.LottiePaint) -> list[dict[str, Any]]:
        side = 2 * float(params[RX])
        return [{"ty": "rc", "p": lottie_static([float(params[CX]), float(params[CY])]),
                 "s": lottie_static([side, side]), "r": lottie_static(0.0)}, paint.fill()]

    def mesh(self, points: np.ndarray, count: int, params: np.ndarray) -> drawables.Mesh:
        return drawables.Mesh(points[:4].copy(), np.array([[0, 1, 2], [0, 2, 3]]))

    def trace(self, shape: Square, tolerance: float) -> np.ndarray:
        h = shape.half
        return np.array([(shape.cx - h, shape.cy - h), (shape.cx + h, shape.cy - h), (shape.cx + h, shape.cy + h),
                         (shape.cx - h, shape.cy + h)])


def test_a_kind_registered_from_outside_exports_with_no_exporter_changed(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    """A kind added by its module and registration alone goes through every exporter: the exporters ask."""
    square = SquareDrawable()
    monkeypatch.setattr(drawables, "TABLE", (*drawables.TABLE, square))
    monkeypatch.setattr(drawables, "BY_TAG", {**drawables.BY_TAG, square.tag: square})
    shapes = [Square(cx=20, cy=20, half=8, color=(0.1, 0.3, 0.8, 1.0)), Square(cx=40, cy=28, half=12,
                                                                              color=(0.8, 0.2, 0.1, 0.7))]
    layer = S.ShapesLayer.model_construct(type="shapes", name="", shapes=shapes)  # the scene union lacks it
    drawing = S.Scene.model_construct(canvas=S.Canvas(width=64, height=48, background=(1, 1, 1, 1)),
                                      layers=[layer], snapshots=[], meta={})
    clip = [_export(drawing, "flyin", tmp_path / f"a{suffix}") for suffix in (".json", ".svg", ".glb")][0]
    doc = json.loads((tmp_path / "a.json").read_text())
    assert [layer["shapes"][0]["it"][0]["ty"] for layer in doc["layers"][:2]] == ["rc", "rc"]
    played = LottieAnimation.from_data((tmp_path / "a.json").read_text())
    for t in (0.5, clip.length):
        got = np.asarray(played.render_pillow_frame(frame_num=round(t * FPS), width=W, height=H).convert("RGB"))
        assert _psnr(got, render_rgb(clip.frame_at(round(t * FPS) / FPS), W, H)) >= 38.0, t
    assert len(ET.parse(tmp_path / "a.svg").getroot().findall(f".//{SVG}rect")) == 1 + 2  # background, squares
    glb = gl.GLTF2().load(str(tmp_path / "a.glb"))
    assert [glb.accessors[m.primitives[0].indices].count for m in glb.meshes] == [6, 6]
    data = blender_data(build_clip(drawing, MOTIONS["flyin"].settings(**MOTION_OPTIONS["flyin"]), FPS), FPS)
    assert data["layers"][0]["face_sizes"] == [3, 3, 3, 3]  # the default faces: the mesh's triangles


@pytest.mark.parametrize("tag", sorted(drawables.BY_TAG))
def test_every_kind_plots_as_ink_inside_what_genart_draws(tag: str) -> None:
    """The pen-plotter output (genart plot) of every kind: strokes on the page, all inside what the poster paints."""
    import shapely

    from genart.plot.outlines import shape_area
    from genart.plot.plotting import make_plot
    from genart.plot.settings import PlotSettings

    tinted = _scene(tag)
    drawing = tinted.model_copy(update={"canvas": tinted.canvas.model_copy(update={"background": (1, 1, 1, 1)})})
    plot = make_plot(drawing, PlotSettings(paper="A6", margin_mm=5.0, spacing_mm=0.5, pen_mm=0.5))
    assert plot.summary.paths > 0, f"{tag}: nothing plotted"
    page = plot.strokes.page
    painted = shapely.union_all([shape_area(s, page) for s in drawing.layers[0].shapes]).buffer(0.05)
    ink = shapely.MultiLineString([line for lines in plot.strokes.lines for line in lines if len(line) > 1])
    assert painted.contains(ink), f"{tag}: ink outside the shapes"
