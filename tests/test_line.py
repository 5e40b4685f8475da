"""The stroked straight line, end to end as an artist uses it: fitted by `evolve --shape line`, written as
SVG, PDF and PNG, flown in as a movie, exported to Lottie, SMIL and glTF (and .blend, slow), each output
read back and compared with genart's own picture of it."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pygltflib
import pytest
from PIL import Image
from skimage import data

from genart.render import scene as S
from genart.render.cairo import render_array
from tests import players

SHAPES = 40


def _genart(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "genart", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("line")
    Image.fromarray(data.coffee()[::4, ::4]).save(folder / "coffee.png")
    _genart("evolve", "coffee.png", "--shape", "line", "-n", SHAPES, "--seed", "2", "-o", "lines.json",
            "-o", "lines.svg", "-o", "lines.pdf", "-o", "lines.png", "-q", cwd=folder)
    return folder


def test_evolve_fits_lines_and_every_poster_draws_them(fitted: Path) -> None:
    drawing = S.load(fitted / "lines.json")
    lines = [s for s in drawing.layers[0].shapes]  # type: ignore[union-attr]
    assert len(lines) == SHAPES and all(isinstance(s, S.Line) for s in lines)
    svg = ET.parse(fitted / "lines.svg").getroot()
    drawn = [e for e in svg.iter() if e.tag.endswith("}line")]
    assert len(drawn) == SHAPES and all(e.get("stroke-linecap") == "butt" for e in drawn)
    assert (fitted / "lines.pdf").read_bytes().startswith(b"%PDF")
    poster = np.asarray(Image.open(fitted / "lines.png").convert("RGB"), np.float64)
    blank = S.Scene(canvas=drawing.canvas, layers=[])
    assert np.abs(poster - render_array(blank)[..., :3]).max() > 50  # the lines are on the poster


def test_lines_fly_in_and_export_to_every_player_format(fitted: Path) -> None:
    _genart("animate", "lines.json", "--motion", "flyin", "--duration", "1", "--fps", "10", "-o", "fly.mp4", "-q",
            cwd=fitted)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(fitted / "fly.mp4"))
    assert frames >= 11  # the one clock: a frame at 0 and one at the end of the flight
    for out in ("lines.lottie.json", "lines.smil.svg", "lines.glb"):
        _genart("export", "lines.json", "--motion", "flyin", "--duration", "1", "-o", out, "-q", cwd=fitted)
    lottie = json.loads((fitted / "lines.lottie.json").read_text())
    strokes = [i for layer in lottie["layers"] for g in layer.get("shapes", []) for i in g.get("it", [g])
               if i.get("ty") == "st"]
    assert len(strokes) >= SHAPES and all(s["lc"] == 1 for s in strokes)  # butt caps, as genart draws them
    smil = ET.parse(fitted / "lines.smil.svg").getroot()
    assert sum(e.tag.endswith("}line") for e in smil.iter()) == SHAPES
    glb = pygltflib.GLTF2().load(fitted / "lines.glb")
    assert glb is not None and len(glb.meshes) >= 1 and glb.animations


@pytest.mark.slow
def test_lines_export_to_a_blend_that_blender_opens(fitted: Path) -> None:
    blender = players.blender()  # $GENART_BLENDER, else tools/blender-env.sh's (fails loudly if neither)
    _genart("export", "lines.json", "--motion", "flyin", "--duration", "1", "-o", "lines.blend", "--blender", blender,
            "-q", cwd=fitted)
    probe = ("import bpy, sys; bpy.ops.wm.open_mainfile(filepath=sys.argv[-1]); "
             "print('faces', sum(len(m.polygons) for m in bpy.data.meshes))")
    opened = subprocess.run([blender, "-c", probe, str(fitted / "lines.blend")], capture_output=True, text=True,
                            timeout=300)
    faces = [line for line in opened.stdout.splitlines() if line.startswith("faces ")]
    assert opened.returncode == 0 and faces, opened.stderr[-2000:]
    assert int(faces[-1].split()[1]) >= SHAPES  # every line is a face (two triangles or one quad) in Blender
