"""The .blend export: Blender renders of the exported fly-in equal genart's own frames (tests/test_players.py
renders every motion and easing on another picture at 7 times).

These tests need Blender: $GENART_BLENDER, else the environment `tools/blender-env.sh`
builds (once, cached in .cache/genart-blender/venv). If it cannot be had, they fail and say why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.animate.easing import EASINGS
from genart.animate.export import ExportError
from genart.animate.export.blend import blender_data, export_blend, flight_orders
from genart.animate.export.blender import Blender, find_blender
from genart.animate.frame import render_rgb
from genart.animate.motions.flyin import ORDERS, flyin
from genart.animate.timeline import Loop, frame_times
from genart.errors import UserError
from genart.render import scene as S
from tests import players
from tests.conftest import random_scene

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # Blender runs in its own process and renders with Cycles
FPS = 10.0
SIZE = 256

RENDER = '''
import json, sys, bpy

args = sys.argv[sys.argv.index("--") + 1:]
blend, size, samples, prefix, frames = args[0], int(args[1]), int(args[2]), args[3], args[4:]
bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
scene.render.resolution_x = scene.render.resolution_y = size
scene.cycles.samples = samples
scene.render.image_settings.file_format = "PNG"
for frame in frames:
    scene.frame_set(int(frame))
    scene.render.filepath = f"{prefix}{frame}.png"
    bpy.ops.render.render(write_still=True)
meshes = [o for o in scene.objects if o.type == "MESH"]
print("FACTS " + json.dumps({
    "engine": scene.render.engine, "view": scene.view_settings.view_transform,
    "fps": scene.render.fps / scene.render.fps_base, "range": [scene.frame_start, scene.frame_end],
    "camera": scene.camera.data.type,
    "meshes": {o.name: {"faces": len(o.data.polygons), "attributes": sorted(o.data.attributes.keys()),
                        "modifiers": [m.type for m in o.modifiers]} for o in meshes},
}))
'''


@pytest.fixture(scope="session")
def blender() -> str:
    """The Python with `bpy` (or Blender executable) the tests run; built on first use."""
    given = os.environ.get("GENART_BLENDER")
    if given:
        return given
    done = subprocess.run([str(ROOT / "tools" / "blender-env.sh")], capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit status {done.returncode}"]
        pytest.fail(f"the Blender environment could not be built (tools/blender-env.sh): {lines[-1]}")
    return done.stdout.strip().splitlines()[-1]


def _scene() -> S.Scene:
    """Triangles, ellipses and circles, translucent and overlapping, and a stroked Bézier curve: 64 px."""
    drawing = random_scene(30, seed=3, size=64.0)
    curve = S.Bezier(points=((5.0, 5.0), (30.0, 60.0), (60.0, 10.0)), width=3.0, color=(0.1, 0.2, 0.9, 0.8))
    drawing.layers[0].shapes.append(curve)
    return drawing


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def render_frames(blender: str, blend: Path, frames: list[int], folder: Path, samples: int = 4) -> dict:
    """Render `frames` of `blend` with Cycles at SIZE² into folder/fN.png; the scene's facts."""
    script = folder / "render.py"
    script.write_text(RENDER)
    out = find_blender(blender).run(script, [str(blend), str(SIZE), str(samples), str(folder / "f"),
                                             *map(str, frames)], "render")
    return json.loads(next(line for line in out.splitlines() if line.startswith("FACTS "))[6:])


@pytest.mark.slow
def test_flyin_blend_renders_as_genart_frames(blender: str, tmp_path: Path) -> None:
    clip = flyin(_scene(), duration=2.0, hold=0.5, seed=1)
    out = tmp_path / "flyin.blend"
    export_blend(clip, out, FPS, blender)
    times = frame_times(clip.length, FPS)
    frames = [6, 13, len(times) - 1]  # shapes in flight, most landed, the poster
    facts = render_frames(blender, out, frames, tmp_path)
    assert facts["engine"] == "CYCLES" and facts["view"] == "Standard" and facts["camera"] == "ORTHO"
    assert facts["fps"] == pytest.approx(FPS) and facts["range"] == [0, len(times) - 1]
    layer = facts["meshes"]["shapes 1"]  # one mesh for the layer, not one object per shape
    assert len(facts["meshes"]) == 2 and layer["modifiers"] == ["NODES"]
    assert {"fill_color", "fill_alpha", "rank_optimization", "rank_size", "spin", "path0", "path3"} <= set(layer["attributes"])
    for frame in frames:
        ours = render_rgb(clip.frame_at(float(times[frame])), SIZE, SIZE)
        theirs = np.asarray(Image.open(tmp_path / f"f{frame}.png").convert("RGB"))
        assert _psnr(ours, theirs) >= 27.0, f"frame {frame} (t = {times[frame]:.2f} s): PSNR {_psnr(ours, theirs):.1f} dB"


def _genart(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
def test_builder_script_and_data_run_by_hand(blender: str, tmp_path: Path) -> None:
    """What an artist runs: `genart export --blender-script -o build.py`, then `build.py -- build.json out.blend`;
    and the same through `genart export -o a.blend --blender`."""
    source = tmp_path / "s.scene.json"
    S.save(_scene(), source)
    motion = ("--motion", "flyin", "--duration", "1", "--hold", "0", "--easing", "linear", "--fps", "12")
    run = _genart("export", str(source), *motion, "--blender-script", "-o", str(tmp_path / "build.py"))
    assert run.returncode == 0, run.stderr
    find_blender(blender).run(tmp_path / "build.py", [str(tmp_path / "build.json"), str(tmp_path / "out.blend")],
                              "build")
    assert (tmp_path / "out.blend").stat().st_size > 0
    run = _genart("export", str(source), *motion, "--blender", blender, "-o", str(tmp_path / "a.blend"))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.blend", "build.json", "build.py", "out.blend",
                                                          "s.scene.json"]  # no .blend1, no scratch


def test_failing_blender_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "a.blend"
    out.write_bytes(b"before")
    with pytest.raises(UserError, match="Blender failed"):
        export_blend(flyin(_scene()), out, FPS, "false")
    assert out.read_bytes() == b"before" and [p.name for p in tmp_path.iterdir()] == ["a.blend"]


def test_what_cannot_be_exported_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="only flyin, timelapse, growth, mosaic_zoom and video clips"):
        export_blend(Loop(flyin(_scene())), tmp_path / "a.blend", FPS, "true")
    assert not list(tmp_path.iterdir())


EDITED = '''
import json, sys, bpy
jobs = json.loads(open(sys.argv[sys.argv.index("--") + 1]).read())
for job in jobs:
    bpy.ops.wm.open_mainfile(filepath=job["file"])
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = job["size"]
    scene.cycles.samples = job["samples"]
    scene.render.image_settings.file_format = "PNG"
    for k, edit in enumerate(job["edits"]):
        for obj in scene.objects:  # as an artist sets them in the modifier's panel: numbers, menu items by name
            for modifier in [m for m in obj.modifiers if m.name == "genart motion"]:
                for item in modifier.node_group.interface.items_tree:
                    value = edit["inputs"].get(item.name)
                    if value is None or item.in_out != "INPUT":
                        continue
                    if isinstance(value, str):
                        items = modifier.id_properties_ui(item.identifier).as_dict()["items"]
                        value = next(number for name, *_, number in items if name == value)
                    modifier[item.identifier] = value
                obj.update_tag()
        for frame in edit["frames"]:
            scene.frame_set(frame)
            scene.render.filepath = f"{job['prefix']}{k}-{frame}.png"
            bpy.ops.render.render(write_still=True)
'''


def render_edited(jobs: list[dict], folder: Path) -> list[list[list[np.ndarray]]]:
    """Render, in one Blender, each job's .blend `file` at `size` with `samples`: for each of its `edits` in turn,
    the genart motion modifiers' `inputs` set by name (kept for the next edit), then its `frames`."""
    for k, job in enumerate(jobs):
        job["prefix"] = str(folder / f"edited{k}-")
    (folder / "edits.json").write_text(json.dumps(jobs))
    (folder / "edited.py").write_text(EDITED)
    find_blender(players.blender()).run(folder / "edited.py", [str(folder / "edits.json")], "render")
    return [[[np.asarray(Image.open(f"{job['prefix']}{k}-{frame}.png").convert("RGB")) for frame in edit["frames"]]
             for k, edit in enumerate(job["edits"])] for job in jobs]


def genart_stills(source: Path, motion: tuple[str, ...], times: list[float], size: tuple[int, int],
                  folder: Path) -> list[np.ndarray]:
    """`genart animate SOURCE MOTION --at t` at each of `times`, two at a time (this machine's cores)."""
    names = [folder / f"at-{'-'.join(motion)}-{k}.png".replace("--", "") for k in range(len(times))]
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda job: _genart("animate", str(source), *motion, "--at", repr(job[0]), "--size",
                                                 f"{size[0]}x{size[1]}", "-q", "-o", str(job[1])), zip(times, names)))
    assert all(run.returncode == 0 for run in done), [run.stderr for run in done if run.returncode]
    return [np.asarray(Image.open(name).convert("RGB")) for name in names]


def assert_close(what: str, renders: list[np.ndarray], stills: list[np.ndarray], times: list[float],
                 bound: float) -> list[float]:
    """Each render at least `bound` dB from genart's still at the same time; the figures."""
    measured = [players.psnr(a, b) for a, b in zip(renders, stills)]
    failures = [f"t = {t:.3f} s: {db:.1f} dB" for t, db in zip(times, measured) if db < bound]
    assert not failures, f"{what} (bound {bound} dB): " + "; ".join(failures)
    return measured


@pytest.mark.slow
def test_flyin_order_and_lag_ratio_edited_in_blender(tmp_path: Path) -> None:
    """Re-ordering and re-staggering a fly-in in the modifier's panel renders genart's fly-in of those settings."""
    source = tmp_path / "s.scene.json"
    S.save(_scene(), source)
    motion = ("--motion", "flyin", "--duration", "2", "--hold", "0.5", "--seed", "1", "--fps", "10")
    run = _genart("export", str(source), *motion, "--blender", players.blender(), "-q", "-o", str(tmp_path / "f.blend"))
    assert run.returncode == 0, run.stderr
    frames = [4, 9, 14]
    edited = {"Order": "size", "Lag ratio": 0.05, "Easing": "ease_in_out_cubic"}
    renders = render_edited([{"file": str(tmp_path / "f.blend"), "size": [128, 128], "samples": 8,
                              "edits": [{"inputs": edited, "frames": frames}]}], tmp_path)[0][0]
    again = (*motion[:-2], "--order", "size", "--lag-ratio", "0.05", "--easing", "ease_in_out_cubic")
    stills = genart_stills(source, again, [f / 10 for f in frames], (128, 128), tmp_path)
    assert_close("fly-in re-ordered in Blender", renders, stills, [f / 10 for f in frames], 30.0)


def test_every_order_ranks_and_the_clips_own(tmp_path: Path) -> None:
    """The .blend carries a rank per shape in every order; the clip's own order is its ranks exactly."""
    for order in ("size", "random"):
        clip = flyin(_scene(), order=order, seed=4)
        chosen, ranks = flight_orders(clip)
        assert chosen == order and np.array_equal(ranks[order], np.concatenate(clip.ranks))
        assert sorted(ranks) == sorted(ORDERS) and all(sorted(r) == list(range(clip.total)) for r in ranks.values())
    data = blender_data(flyin(_scene(), order="color"), FPS)
    layer = data["layers"][0]
    assert layer["inputs"]["Order"] == "color" and {f"rank_{o}" for o in ORDERS} <= set(layer)
    assert set(data["easings"]) == set(EASINGS)


def test_finding_blender(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GENART_BLENDER", raising=False)
    with pytest.raises(UserError, match="no Blender found"):
        find_blender()
    with pytest.raises(UserError, match="--blender nowhere: no such executable"):
        find_blender("nowhere")
    python = tmp_path / "python3.11"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    monkeypatch.setenv("GENART_BLENDER", str(python))
    assert find_blender() == Blender(str(python), True)
    (tmp_path / "blender").symlink_to(python)
    assert find_blender() == Blender(str(tmp_path / "blender"), False)  # PATH comes before the variable
