"""Hand-off exports: the tracks equal the movie frames; Lottie validates and renders with rlottie,
the SMIL SVG plays in headless Chromium, each close to genart's own frames."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import cairosvg
import jsonschema
import lottie_specs
import numpy as np
import pygltflib as gl
import pytest
from PIL import Image
from rlottie_python import LottieAnimation

from genart.animate.export.tracks import Flights, appearances, flights, placed
from genart.animate.frame import render_rgb
from genart.animate.motions.flyin import flyin
from genart.animate.motions.timelapse import timelapse
from genart.render import cairo
from genart.render import scene as S
from genart.render.drawables.base import CX, CY

ROOT = Path(__file__).resolve().parent.parent
TIMES = (0.4, 1.0, 1.6)
FPS = 30.0
W, H = 256, 192


def _scene(n: int = 40, seed: int = 0) -> S.Scene:
    """Every drawable kind, translucent, over a tinted background, with prefix snapshots."""
    rng = np.random.default_rng(seed)
    shapes: list[S.Shape] = []
    for i in range(n):
        c = rng.uniform(10, 118, 2)
        color = (*rng.uniform(0, 1, 3), float(rng.uniform(0.5, 0.9)))
        kind = i % 4
        if kind == 0:
            shapes.append(S.Polygon(points=[tuple(c + rng.normal(0, 12, 2)) for _ in range(3)], color=color))
        elif kind == 1:
            shapes.append(S.Ellipse(cx=c[0], cy=c[1], rx=rng.uniform(4, 14), ry=rng.uniform(3, 9),
                                    angle=rng.uniform(-90, 90), color=color))
        elif kind == 2:
            shapes.append(S.Circle(cx=c[0], cy=c[1], r=rng.uniform(3, 12), color=color))
        else:
            bend, end = c + rng.normal(0, 15, 2), c + rng.normal(0, 15, 2)
            shapes.append(S.Bezier(points=(tuple(c), tuple(bend), tuple(end)), width=3, color=color))
    return S.Scene(canvas=S.Canvas(width=128, height=96, background=(0.95, 0.9, 0.85, 1)),
                   layers=[S.ShapesLayer(shapes=shapes)],
                   snapshots=[S.Snapshot(step=k, prefix=k) for k in range(1, n + 1)])


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b) ** 2).mean())
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def _export(tmp_path: Path, name: str, *options: str) -> Path:
    source = tmp_path / "s.scene.json"
    S.save(_scene(), source)
    out = tmp_path / name
    run = subprocess.run([sys.executable, "-m", "genart", "export", str(source), *options, "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out


FLYIN = ("--motion", "flyin", "--duration", "2", "--hold", "0.5", "--seed", "1")


def test_flights_reproduce_the_movie_frames() -> None:
    clip = flyin(_scene(), duration=2, hold=0.5, order="random", seed=3)
    flight = next(part for part in flights(clip) if isinstance(part, Flights))
    for t in (0.0, 0.3, 0.77, 1.5, 2.0, 2.4):
        frame = clip.frame_at(t).items[0]
        pose = flight.pose_at(t)
        assert np.allclose(frame.points, placed(flight.rest, pose))
        assert np.allclose(frame.params[:, [CX, CY]], pose.anchor)
        assert np.allclose(frame.colors[:, 3], flight.rest.colors[:, 3] * pose.opacity)


def test_appearances_reproduce_the_time_lapse() -> None:
    clip = timelapse(_scene(), duration=2, hold=0)
    shown = appearances(clip).visible_from
    for t in (0.0, 0.5, 1.0, 1.3, 1.99):
        assert (clip.frame_at(t).items[0].colors[:, 3] > 0).sum() == (shown <= t).sum()


def _lottie_frames(path: Path) -> LottieAnimation:
    return LottieAnimation.from_data(path.read_text())


@pytest.mark.parametrize(("motion", "options"), [("flyin", FLYIN), ("timelapse", ("--motion", "timelapse",
                                                                                  "--duration", "2", "--hold", "0"))])
def test_lottie_validates_and_matches_genart_frames(tmp_path: Path, motion: str, options: tuple[str, ...]) -> None:
    out = _export(tmp_path, "a.json", *options)
    doc = json.loads(out.read_text())
    schema = json.loads(Path(lottie_specs.schema_path()).read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert not errors, errors[0].message
    anim = _lottie_frames(out)
    drawing = _scene()
    clip = flyin(drawing, duration=2, hold=0.5, seed=1) if motion == "flyin" else timelapse(drawing, duration=2, hold=0)
    for t in TIMES:
        frame = round(t * FPS)
        got = np.asarray(anim.render_pillow_frame(frame_num=frame, width=W, height=H).convert("RGB"))
        assert _psnr(got, render_rgb(clip.frame_at(frame / FPS), W, H)) >= 25.0, t


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed (Debian's `chromium`, installed by .ci/run): not found"
    return found


def _svg_at(svg: str, t: float, tmp_path: Path) -> np.ndarray:
    page = tmp_path / f"at{t}.html"
    page.write_text(f'<html><body style="margin:0">{svg}<script>const s = document.querySelector("svg");'
                    f"s.pauseAnimations(); s.setCurrentTime({t});</script></body></html>")
    shot = tmp_path / f"at{t}.png"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-device-scale-factor=1", f"--window-size={W},{H}", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=60, check=True)
    return np.asarray(Image.open(shot).convert("RGB"))[:H, :W]


@pytest.mark.slow
def test_smil_svg_plays_in_chromium_like_genart(tmp_path: Path) -> None:
    out = _export(tmp_path, "a.svg", *FLYIN, "--width", str(W))
    svg = out.read_text()
    root = ET.fromstring(svg)
    assert root.findall(".//{http://www.w3.org/2000/svg}animateTransform")
    clip = flyin(_scene(), duration=2, hold=0.5, seed=1)
    for t in TIMES:
        assert _psnr(_svg_at(svg, t, tmp_path), render_rgb(clip.frame_at(t), W, H)) >= 25.0, t


def test_smil_svg_without_animation_is_the_poster(tmp_path: Path) -> None:
    out = _export(tmp_path, "a.svg", *FLYIN)
    still = np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(url=str(out)))).convert("RGB"))
    assert _psnr(still, cairo.render_array(_scene())) >= 35.0


@pytest.mark.parametrize(("options", "message"), [
    (("--motion", "flyin", "-o", "x.gif"), "unknown export format"),
    (("--motion", "growth", "-o", "x.json"), "invalid choice"),
    (("--motion", "flyin", "--drop-rate", "1", "-o", "x.json"), "--drop-rate applies to --motion timelapse only"),
    (("--motion", "flyin", "--fps", "0", "-o", "x.json"), "--fps must be in"),
])
def test_bad_exports_fail_in_one_line(tmp_path: Path, options: tuple[str, ...], message: str) -> None:
    source = tmp_path / "s.scene.json"
    S.save(_scene(4), source)
    run = subprocess.run([sys.executable, "-m", "genart", "export", str(source), *options], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]


COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def _read(doc: gl.GLTF2, blob: bytes, index: int) -> np.ndarray:
    accessor = doc.accessors[index]
    view = doc.bufferViews[accessor.bufferView]
    dtype = np.float32 if accessor.componentType == gl.FLOAT else np.uint32
    width = COMPONENTS[accessor.type]
    assert view.byteOffset + view.byteLength <= len(blob)
    assert view.byteLength == accessor.count * width * np.dtype(dtype).itemsize
    data = np.frombuffer(blob, dtype, accessor.count * width, view.byteOffset)
    return data.reshape(accessor.count, width) if width > 1 else data


@pytest.mark.parametrize("suffix", [".glb", ".gltf"])
def test_gltf_is_sound_and_its_nodes_fly_as_genart_shapes(tmp_path: Path, suffix: str) -> None:
    out = _export(tmp_path, "a" + suffix, *FLYIN)
    doc = gl.GLTF2().load(str(out))
    doc.convert_buffers(gl.BufferFormat.BINARYBLOB)  # a .gltf embeds its buffer as a data URI
    blob = doc.binary_blob()
    assert doc.buffers[0].byteLength == len(blob)
    for index in range(len(doc.accessors)):
        _read(doc, blob, index)
    drawing = _scene()
    clip = flyin(drawing, duration=2, hold=0.5, seed=1)
    assert len(doc.nodes) == len(drawing.layers[0].shapes) == len(doc.meshes)
    animation = doc.animations[0]
    checked = 0
    for channel in animation.channels:
        sampler = animation.samplers[channel.sampler]
        times = _read(doc, blob, sampler.input)
        assert np.all(np.diff(times) > 0) and times[0] >= 0 and times[-1] <= clip.length
        if channel.target.path != "translation":
            continue
        moved = _read(doc, blob, sampler.output)
        node = channel.target.node
        for t, (x, y, _) in zip(times[::7], moved[::7]):
            anchor = clip.frame_at(float(t)).items[0].params[node, [CX, CY]]
            assert abs(x - anchor[0]) < 1e-3 and abs(-y - anchor[1]) < 1e-3
            checked += 1
    assert checked > 100
