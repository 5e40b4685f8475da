"""The Python API: the README's snippet as written, settings and errors, laziness, notebooks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio_ffmpeg
import jsonschema
import lottie_specs
import numpy as np
import pytest
from PIL import Image

import genart
from genart.errors import GenartError, SettingsError

ROOT = Path(__file__).resolve().parent.parent
ASTRONAUT = ROOT / "assets" / "astronaut.jpg"
PHOTOS = ROOT / "assets" / "scripts" / "photos"
SNIPPET = """
import genart
scene = genart.fit("photo.jpg", method="hillclimb", shape="triangle", shapes={shapes}, seed=1)
scene.save("photo.scene.json"); scene.render("photo.svg"); scene.render("photo.png", width=2000)
clip = scene.animate("flyin", duration=4, fps=30, size=(1280, 720))
frame = clip.frame(1.5)            # numpy uint8 array (H, W, 3), or (H, W, 4) when transparent
clip.save("photo.mp4")
scene.export("photo.json", motion="flyin")     # any format `genart export` writes
again = genart.load("photo.scene.json")
lines = genart.fit("photo.jpg", method="gng", max_nodes={nodes})
genart.mosaic_index("photos/", "photos.npz"); tiles = genart.fit("photo.jpg", method="mosaic", collection="photos.npz", grid="40")
assert frame.shape == (720, 1280, 3) and frame.dtype.name == "uint8", frame.shape
assert len(again.shapes) == len(scene.shapes) == {shapes}
tiles.save("tiles.scene.json"); tiles.render("tiles.png"); lines.render("lines.svg")
"""


def _run_snippet(folder: Path, shapes: int, nodes: int) -> None:
    shutil.copy(ASTRONAUT, folder / "photo.jpg")
    shutil.copytree(PHOTOS, folder / "photos")
    done = subprocess.run([sys.executable, "-c", SNIPPET.format(shapes=shapes, nodes=nodes)], cwd=folder,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(folder / "photo.mp4"))
    assert frames == genart.load(folder / "photo.scene.json").animate(
        "flyin", duration=4, fps=30, size=(1280, 720)).frame_count and seconds == pytest.approx(frames / 30, abs=0.05)
    root = ET.parse(folder / "photo.svg").getroot()
    assert root.tag.endswith("svg") and sum(1 for e in root.iter() if e.tag.endswith("polygon")) == shapes
    assert Image.open(folder / "photo.png").size == (2000, 2000)
    schema = json.loads(Path(lottie_specs.schema_path()).read_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads((folder / "photo.json").read_text())))
    assert ET.parse(folder / "lines.svg").getroot().tag.endswith("svg")
    assert Image.open(folder / "tiles.png").size[0] > 0 and (folder / "photos.npz").stat().st_size > 0


@pytest.mark.slow
def test_the_snippet_runs_as_written(tmp_path: Path) -> None:
    """The README's and the issue's Python snippet, unchanged, on the bundled astronaut."""
    _run_snippet(tmp_path, 200, 800)


def test_the_snippet_at_a_small_size(tmp_path: Path) -> None:
    """The same lines with fewer shapes and nodes, for the inner loop."""
    _run_snippet(tmp_path, 12, 60)


def test_settings_are_the_yaml_keys_and_bad_ones_are_settings_errors() -> None:
    with pytest.raises(SettingsError, match="shapes") as bad:
        genart.fit(ASTRONAUT, shapes=0)
    assert isinstance(bad.value, ValueError) and isinstance(bad.value, GenartError) and "\n" not in str(bad.value)
    with pytest.raises(SettingsError, match="unknown method 'hillclimbs'"):
        genart.fit(ASTRONAUT, method="hillclimbs")
    with pytest.raises(SettingsError, match="unknown motion"):
        genart.load(ROOT / "assets" / "example.scene.json").animate("wobble")
    with pytest.raises(SettingsError, match="easing"):
        genart.load(ROOT / "assets" / "example.scene.json").animate("flyin", easing="wobble")
    with pytest.raises(GenartError, match="no such file|cannot"):
        genart.fit(ROOT / "no-such-picture.png")


def test_the_command_line_and_the_api_make_the_same_scene(tmp_path: Path) -> None:
    from genart.cli import main

    options = {"shapes": 10, "resize": 48, "candidates": 40, "max_age": 10, "repeats": 2, "seed": 4, "workers": 1}
    argv = [f"--{k.replace('_', '-')}={v}" for k, v in options.items() if k != "shapes"]
    assert main(["evolve", str(ASTRONAUT), "-n", "10", *argv, "-q", "-o", str(tmp_path / "cli.scene.json")]) == 0
    api = genart.fit(ASTRONAUT, progress=False, **options)
    cli = json.loads((tmp_path / "cli.scene.json").read_text())
    ours = json.loads(api.save(tmp_path / "api.scene.json").read_text())
    for doc in (cli, ours):
        doc["meta"].pop("seconds")
    assert cli == ours


def test_an_array_is_a_picture_and_frames_are_arrays() -> None:
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[:, 30:] = (200, 40, 40)
    scene = genart.fit(rgb, shapes=6, resize=40, candidates=30, max_age=10, repeats=2, workers=1, progress=False)
    assert (scene.width, scene.height) == (40.0, 60.0) or (scene.width, scene.height) == (60.0, 40.0)
    clip = scene.animate("flyin", duration=1, fps=8, size=32, transparent=True)
    assert clip.frame(0.5).shape == (22, 32, 4)
    assert clip.frame_count == len(list(clip.frames()))
    with pytest.raises(SettingsError, match="outside the clip"):
        clip.frame(clip.length + 1)


def test_notebooks_see_pictures_and_videos() -> None:
    scene = genart.load(ROOT / "assets" / "example.scene.json")
    png = scene._repr_png_()
    assert png.startswith(b"\x89PNG")
    html = scene.animate("flyin", duration=0.5, fps=8, size=64)._repr_html_()
    assert html.startswith("<video") and "data:video/mp4;base64," in html


def test_import_genart_is_cheap() -> None:
    """`import genart` (and so `genart --version`) loads none of the heavy libraries; the API loads on use."""
    code = textwrap.dedent("""
        import sys, genart
        heavy = [m for m in ("numpy", "numba", "cairocffi", "distributed", "PIL", "pydantic") if m in sys.modules]
        assert not heavy, heavy
        assert set(genart.__all__) <= set(dir(genart))
        genart.fit
        assert "genart.api" in sys.modules
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_clip_exports_through_the_registry_as_the_scene_does(tmp_path: Path) -> None:
    """`Clip.export` writes, at the clip's fps, the bytes `Scene.export` (and so `genart export`) writes for the same
    motion; Lottie's frames are the clip's; what no format carries, or no format at all, is one line and no file."""
    from genart.animate.export import ExportError
    from genart.animate.export.formats import check_export

    scene = genart.load(ROOT / "assets" / "example.scene.json")
    settings = {"duration": 1.0, "hold": 0.25, "seed": 2}
    clip = scene.animate("flyin", fps=8, size=64, **settings)
    for name in ("a.json", "a.svg", "a.gltf", "a.glb"):
        options = {"width": 300.0} if name.endswith(".svg") else {}
        assert clip.export(tmp_path / f"clip-{name}", **options) == tmp_path / f"clip-{name}"
        scene.export(tmp_path / f"scene-{name}", "flyin", fps=8, **options, **settings)
        assert (tmp_path / f"clip-{name}").read_bytes() == (tmp_path / f"scene-{name}").read_bytes(), name
    assert json.loads((tmp_path / "clip-a.json").read_text())["op"] == clip.frame_count == 11
    assert ET.parse(tmp_path / "clip-a.svg").getroot().get("width") == "300"
    before = sorted(tmp_path.iterdir())
    with pytest.raises(ExportError, match=r"a\.gif: unknown export format \(use \.json, .* or \.py with "):
        clip.export(tmp_path / "a.gif")
    graph = genart.fit(ASTRONAUT, method="gng", max_nodes=20, epochs=1, resize=32, progress=False)
    grown = graph.animate("growth", duration=1, fps=4, size=32)
    with pytest.raises(ExportError, match=r"g\.gltf: glTF 2\.0 carries flyin, timelapse, growth and video, not mosaic_zoom$"):
        check_export(tmp_path / "g.gltf", "mosaic_zoom", 4.0)
    assert sorted(tmp_path.iterdir()) == before
    assert json.loads(grown.export(tmp_path / "g.json").read_text())["op"] == grown.frame_count
