"""Hand-off exports: the tracks equal the movie frames; Lottie validates and renders with rlottie,
the SMIL SVG plays in headless Chromium, each close to genart's own frames; the keyframes of every
format, read back from the files as players read them, stay within the stated bound for every easing;
the one clock holds at 29.97 fps; the keyframe bound refuses in one line; the glTF Validator finds
nothing in a tiny export (tests/test_players.py opens every export in its real player)."""

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

from genart.animate.easing import EASINGS
from genart.animate.export.keys import TOLERANCE
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
    (("--motion", "spiral", "-o", "x.json"), "invalid choice"),
    (("--motion", "growth", "-o", "x.json"), "growth needs a graph layer and snapshots"),
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


# exactness, the one clock and the bounds, checked on the files themselves -----------------------------

def _bezier_timing(o: np.ndarray, i: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Cubic Bézier timing curves (0,0), o, i, (1,1) (o, i: (T, 2) handles) at time fractions (x) (T,), solved
    for their parameter by bisection, as Lottie's and SMIL's players do: their y."""
    lo, hi = np.zeros_like(fraction), np.ones_like(fraction)

    def curve(p0: np.ndarray, p1: np.ndarray, tau: np.ndarray) -> np.ndarray:
        return 3 * tau * (1 - tau) ** 2 * p0 + 3 * tau**2 * (1 - tau) * p1 + tau**3

    for _ in range(50):
        mid = (lo + hi) / 2
        below = curve(o[:, 0], i[:, 0], mid) < fraction
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return curve(o[:, 1], i[:, 1], (lo + hi) / 2)


def _keyed(t: np.ndarray, values: np.ndarray, handles: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Keyframes at times t (K,) with values (K, D) and each span's timing handles (K-1, 4: x1 y1 x2 y2), at
    times `at`: held before the first and after the last (T, D)."""
    span = np.clip(np.searchsorted(t, at, side="right") - 1, 0, len(t) - 2)
    width = t[span + 1] - t[span]
    fraction = np.clip((at - t[span]) / np.where(width > 0, width, 1.0), 0.0, 1.0)
    fraction = np.where(width > 0, fraction, (at >= t[span + 1]).astype(float))
    y = _bezier_timing(handles[span, :2], handles[span, 2:], fraction)
    return values[span] + (values[span + 1] - values[span]) * y[:, None]


def _lottie_value(prop: dict, frame: np.ndarray) -> np.ndarray:
    """A Lottie property (static or keyed with bezier easing) at frames: (T, D)."""
    if not prop["a"]:
        value = np.atleast_1d(prop["k"])
        return np.broadcast_to(value, (len(frame), len(value)))
    keys = prop["k"]
    handles = np.array([[k["o"]["x"][0], k["o"]["y"][0], k["i"]["x"][0], k["i"]["y"][0]] for k in keys[:-1]])
    return _keyed(np.array([k["t"] for k in keys]), np.array([k["s"] for k in keys], np.float64), handles, frame)


def _smil_value(el: ET.Element, seconds: np.ndarray) -> np.ndarray:
    """An SMIL animation (values, keyTimes, keySplines) at times: (T, D)."""
    length = float(el.get("dur", "0s")[:-1])
    t = np.array([float(v) for v in el.get("keyTimes", "").split(";")]) * length
    values = np.array([[float(c) for c in v.split()] for v in el.get("values", "").split(";")])
    splines = np.array([[float(c) for c in s.split()] for s in el.get("keySplines", "").split(";")])
    assert ((splines >= 0) & (splines <= 1)).all(), "SMIL keySplines must lie in [0, 1]"
    return _keyed(t, values, splines, seconds)


def _gltf_value(doc: gl.GLTF2, blob: bytes, sampler: gl.AnimationSampler, seconds: np.ndarray) -> np.ndarray:
    t, values = _read(doc, blob, sampler.input).astype(np.float64), _read(doc, blob, sampler.output).astype(np.float64)
    assert sampler.interpolation == gl.ANIM_LINEAR
    return np.stack([np.interp(seconds, t, values[:, d]) for d in range(values.shape[1])], axis=1)


def _point_error(flight: Flights, shape: int, seconds: np.ndarray, anchor: np.ndarray, scale: np.ndarray,
                 turn: np.ndarray) -> float:
    """How far the played pose moves shape's farthest point from genart's while it shows, at most (canvas
    units; before take-off no shape shows, and an easing's value at 0 need not be its limit from inside)."""
    from genart.render.drawables import reaches

    pose = flight.pose_of(shape, seconds)
    reach = float(reaches(flight.rest)[shape])
    error = np.linalg.norm(anchor - pose.anchor, axis=1) + reach * (np.abs(scale - pose.scale)
                                                                     + np.radians(np.abs(turn - pose.turn)))
    return float(error[pose.opacity > 0].max())


def _export_in_process(drawing: S.Scene, easing: str, out: Path) -> None:
    """`genart export` of `_flight`'s fly-in, through the registry the command uses."""
    from genart.animate.export.formats import export_motion
    from genart.animate.motions import MOTIONS

    settings = MOTIONS["flyin"].settings(duration=2, hold=0.5, seed=1, easing=easing)
    export_motion(drawing, settings, out, FPS)


def _flight(easing: str, fade: float = 0.4) -> tuple[S.Scene, Flights]:
    drawing = _scene(12, seed=4)
    clip = flyin(drawing, duration=2, hold=0.5, seed=1, easing=easing, fade=fade)
    return drawing, next(part for part in flights(clip) if isinstance(part, Flights))


@pytest.mark.parametrize("easing", list(EASINGS))
def test_lottie_and_smil_keys_play_every_easing_within_the_bound(tmp_path: Path, easing: str) -> None:
    """At 400 times across the motion, a Lottie's and an SMIL SVG's keyframes, evaluated from the files as the
    players do, put every shape within keys.TOLERANCE of the canvas's side of where genart draws it."""
    drawing, flight = _flight(easing)
    for name in ("a.json", "a.svg"):
        _export_in_process(drawing, easing, tmp_path / name)
    seconds = np.linspace(0.0, 2.5, 400)
    bound = TOLERANCE * max(drawing.canvas.width, drawing.canvas.height) * 1.01  # the files' rounding
    layers = json.loads((tmp_path / "a.json").read_text())["layers"][::-1][1:]  # draw order, after the background
    svg = ET.fromstring((tmp_path / "a.svg").read_text())
    groups = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.find(
        "{http://www.w3.org/2000/svg}animateTransform") is not None]
    for i, (layer, group) in enumerate(zip(layers, groups)):
        moving, turning = layer["ks"], layer["shapes"][0]["it"][-1]
        frame = seconds * FPS
        anchor = np.column_stack([_lottie_value(moving["p"]["x"], frame), _lottie_value(moving["p"]["y"], frame)])
        error = _point_error(flight, i, seconds, anchor, _lottie_value(turning["s"], frame)[:, 0] / 100,
                             _lottie_value(turning["r"], frame)[:, 0])
        assert error <= bound, f"Lottie shape {i}: {error:.5f} > {bound:.5f}"
        x, y, rotate, scale = group.findall("{http://www.w3.org/2000/svg}animateTransform")
        rest = flight.rest.params[i, [CX, CY]]
        anchor = rest + np.column_stack([_smil_value(x, seconds)[:, 0], _smil_value(y, seconds)[:, 1]])
        error = _point_error(flight, i, seconds, anchor, _smil_value(scale, seconds)[:, 0],
                             _smil_value(rotate, seconds)[:, 0])
        assert error <= bound, f"SMIL shape {i}: {error:.5f} > {bound:.5f}"


@pytest.mark.parametrize("easing", ["smooth", "ease_out_back", "ease_out_elastic", "ease_out_bounce"])
def test_gltf_keys_play_within_the_bound_and_fade_exactly(tmp_path: Path, easing: str) -> None:
    drawing, flight = _flight(easing)
    out = tmp_path / "a.glb"
    _export_in_process(drawing, easing, out)
    doc = gl.GLTF2().load(str(out))
    blob = doc.binary_blob()
    animation = doc.animations[0]
    seconds = np.linspace(0.0, 2.5, 400)
    bound = TOLERANCE * max(drawing.canvas.width, drawing.canvas.height) * 1.01  # float32 keys
    by_node: dict[int, dict[str, np.ndarray]] = {}
    for channel in animation.channels:
        played = _gltf_value(doc, blob, animation.samplers[channel.sampler], seconds)
        if channel.target.path == "pointer":
            material = int(channel.target.extensions["KHR_animation_pointer"]["pointer"].split("/")[2])
            alpha = flight.rest.colors[material, 3] * flight.pose_of(material, seconds).opacity
            assert np.abs(played[:, 3] - alpha).max() < 1e-6  # the fade, linear in time, is exact
        else:
            by_node.setdefault(channel.target.node, {})[channel.target.path] = played
    assert len(by_node) == len(flight.rest)
    for node, played in by_node.items():
        x, y, z, w = played["rotation"].T
        turn = -np.degrees(2 * np.arctan2(z, w))
        anchor = np.column_stack([played["translation"][:, 0], -played["translation"][:, 1]])
        error = _point_error(flight, node, seconds, anchor, played["scale"][:, 0], turn)
        assert error <= bound, f"glTF node {node}: {error:.5f} > {bound:.5f}"


@pytest.mark.parametrize("motion", ["flyin", "timelapse"])
def test_gltf_validator_finds_no_error_nor_warning_in_a_tiny_export(tmp_path: Path, motion: str) -> None:
    from tests.players import validate_gltf

    source = tmp_path / "s.scene.json"
    S.save(_scene(8), source)
    for suffix in (".glb", ".gltf"):
        out = tmp_path / f"a{suffix}"
        run = subprocess.run([sys.executable, "-m", "genart", "export", str(source), "--motion", motion,
                              "--duration", "1", "--hold", "0.5", "-q", "-o", str(out)], capture_output=True, text=True,
                             cwd=ROOT)
        assert run.returncode == 0, run.stderr
        report = validate_gltf(out)
        assert report["issues"]["numErrors"] == 0 and report["issues"]["numWarnings"] == 0, report["issues"]
        assert report["info"]["animationCount"] == 1


def test_fractional_frame_rates_keep_the_one_clock(tmp_path: Path) -> None:
    """At 29.97 fps Lottie's frame f is t = f / 29.97, the .blend's frame N is t = N / 29.97, and both run to the
    frame at or past the end, as genart's movie does."""
    from genart.animate.export.blend import blender_data
    from genart.animate.timeline import frame_times

    fps = 30000 / 1001
    drawing = _scene(6)
    clip = flyin(drawing, duration=2, hold=0.5, seed=1)
    out = _export(tmp_path, "a.json", *FLYIN, "--fps", repr(fps))
    doc = json.loads(out.read_text())
    frames = len(frame_times(clip.length, fps))
    assert doc["fr"] == pytest.approx(fps) and doc["op"] == frames == 76
    flight = next(part for part in flights(clip) if isinstance(part, Flights))
    first = doc["layers"][-2]["ks"]["p"]["x"]["k"][0]  # the first flying shape (the last layer is the background)
    assert first["t"] == pytest.approx(flight.takeoff[0] * fps, abs=1e-5)
    data = blender_data(clip, fps)
    assert data["frames"] == frames and data["seconds_per_frame"] == pytest.approx(1 / fps)


def test_past_the_keyframe_bound_is_one_line_and_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from genart.animate.export import formats
    from genart.cli import main

    source = tmp_path / "s.scene.json"
    S.save(_scene(), source)
    monkeypatch.setattr(formats, "LOTTIE_KEYS", formats.Keying("cubic", 500, "a small test bound"))
    assert main(["export", str(source), *FLYIN, "-o", str(tmp_path / "a.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "keyframes, past the Lottie JSON bound of 500" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]


@pytest.mark.parametrize("suffix", [".json", ".gltf", ".glb"])
def test_a_width_for_a_format_without_one_is_one_line_and_nothing(suffix: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from genart.cli import main

    source = tmp_path / "s.scene.json"
    S.save(_scene(), source)
    assert main(["export", str(source), *FLYIN, "-o", str(tmp_path / f"a{suffix}"), "--width", "300"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "takes no width (only .svg does)" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]


def test_every_easing_goes_to_the_blend_as_its_own_formula() -> None:
    from genart.animate.easing import evaluate
    from genart.animate.export.blend import blender_data

    u = np.linspace(0.0, 1.0, 2001)
    for easing, ease in EASINGS.items():
        data = blender_data(flyin(_scene(4), easing=easing), FPS)
        layer = data["layers"][0]
        assert layer["motion"] == "flight" and layer["inputs"]["Easing"] == easing
        assert np.abs(evaluate(data["easings"][easing], u) - ease(u)).max() < 1e-12, easing
    data = blender_data(timelapse(_scene(4), duration=1, hold=0), FPS)
    assert [layer["motion"] for layer in data["layers"]] == ["appear"]


def test_joined_shots_and_loops_repeat_no_frame() -> None:
    """A script's shot ends on its last state (t = length, the one more frame) and the next begins on its first
    (t = 0); the cross-fade between them shows neither, only frames strictly between; a loop's last frame is
    left out (it would be frame 0 again)."""
    from genart.animate.timeline import Loop, frame_times
    from genart.script.stages import Dissolve

    a, b = flyin(_scene(6), duration=1, hold=0.2, seed=1), timelapse(_scene(6), duration=1, hold=0)
    end, start = render_rgb(a.frame_at(a.length), 32, 24), render_rgb(b.frame_at(0.0), 32, 24)
    assert np.array_equal(render_rgb(a.frame_at(frame_times(a.length, FPS)[-1]), 32, 24), end)
    assert np.array_equal(render_rgb(b.frame_at(frame_times(b.length, FPS)[0]), 32, 24), start)
    fade = Dissolve(a.frame_at(a.length), b.frame_at(0.0), 0.5, FPS)
    between = [render_rgb(fade.frame_at(t), 32, 24) for t in frame_times(fade.length, FPS)]
    assert len(between) == 16 and all(not np.array_equal(f, end) and not np.array_equal(f, start) for f in between)
    loop = Loop(a)
    times = frame_times(loop.length, FPS, loop.periodic)
    assert len(times) == round(loop.length * FPS) and np.allclose(times, np.arange(len(times)) / FPS)
    assert loop.length - times[-1] == pytest.approx(1 / FPS)  # the frame at t = length would be frame 0 again
