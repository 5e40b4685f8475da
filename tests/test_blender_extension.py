"""genart's Blender extension, installed into a fresh Blender user folder of the bpy 5.0.1 wheel and used as an
artist would: File > Import > genart scene (fly-in, time-lapse, growth) rendered with Cycles against `genart
animate --at`, and the genart tab's fit (run, waited on, cancelled, re-run on the same object).

One Blender process plays everything (`played`); each test checks one part of what it recorded. Blender as a
Python module has no event loop: the script waits on the fit's job (`operators.JOBS`) as the timer would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from genart.animate.export.blender import find_blender
from genart.cli import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from tests.players import blender, psnr

slow = pytest.mark.slow  # Blender renders with Cycles, genart fits
GENART = str(Path(sys.executable).with_name("genart"))
FPS, SIZE, SAMPLES, MIN_DB = 10, (64, 48), 8, 33.0
MOTIONS = {"flyin": {"duration": 1.2, "easing": "ease_in_out_cubic", "order": "size", "seed": 3},
           "timelapse": {"duration": 1.0}, "growth": {"duration": 1.0}}
FRAMES = {"flyin": [4, 8, 21], "timelapse": [3, 6, 19], "growth": [3, 6, 19]}
IMPORT_SAMPLES = {"growth": 32}  # a growth's 1-px lines at 64 px: 8 samples leave 32 dB of Cycles' noise
PACKAGE = "bl_ext.user_default.genart"

PLAY = '''
import json, os, sys, time, bpy
spec = json.loads(open(sys.argv[sys.argv.index("--") + 1]).read())
facts = {"imports": {}, "errors": {}}
handlers = sum(len(h) for h in (bpy.app.handlers.frame_change_pre, bpy.app.handlers.frame_change_post,
                                 bpy.app.handlers.load_post))  # Blender's own, before the extension
bpy.ops.extensions.package_install_files(filepath=spec["zip"], repo="user_default", enable_on_install=True)
addon = sys.modules[spec["package"]]
bpy.context.preferences.addons[spec["package"]].preferences.genart = spec["genart"]
scene = bpy.context.scene

def clear():
    for kind in ("objects", "collections", "meshes", "materials", "node_groups", "cameras"):
        for block in list(getattr(bpy.data, kind)):
            getattr(bpy.data, kind).remove(block)
    scene.render.fps, scene.render.fps_base = spec["fps"], 1.0

def render(prefix, frames, samples=None):
    scene.render.resolution_x, scene.render.resolution_y = spec["size"]
    scene.render.resolution_percentage = 100
    scene.cycles.samples = samples or spec["samples"]
    scene.render.image_settings.file_format = "PNG"
    for k, frame in enumerate(frames):
        scene.frame_set(frame)
        scene.render.filepath = f"{prefix}{k}.png"
        bpy.ops.render.render(write_still=True)

def plain():  # what a saved file would need the extension for: none of it
    return {"texts": len(bpy.data.texts), "animated": [o.name for o in bpy.data.objects if o.animation_data],
            "handlers": sum(len(h) for h in (bpy.app.handlers.frame_change_pre, bpy.app.handlers.frame_change_post,
                                             bpy.app.handlers.load_post)) - handlers}

for name, job in spec["imports"].items():
    clear()
    given = {f"{job['motion']}_{k}": v for k, v in job["settings"].items()}
    known = bpy.ops.import_scene.genart.get_rna_type().properties.keys()
    given.update({f"use_{key}": True for key in given if f"use_{key}" in known})  # a field unset by default
    try:
        bpy.ops.import_scene.genart(filepath=job["scene"], motion=job["motion"], **given)
    except (RuntimeError, TypeError) as exc:
        facts["errors"][name] = str(exc).strip().splitlines()[-1]
        continue
    render(job["prefix"], job["frames"], job["samples"])
    if name == "flyin":
        bpy.ops.wm.save_as_mainfile(filepath=spec["saved"], copy=True)
    facts["imports"][name] = {"objects": sorted(o.name for o in scene.objects), **plain(),
                              "collections": [c.name for c in scene.collection.children]}

try:
    bpy.ops.import_scene.genart(filepath=spec["newer"], motion="flyin")
except RuntimeError as exc:
    facts["newer"] = str(exc).strip()

clear()
try:  # genart's own line, as Blender reports it
    bpy.ops.import_scene.genart(filepath=spec["imports"]["growth"]["scene"], motion="flyin")
except RuntimeError as exc:
    facts["refused"] = str(exc).strip()

clear()
from bpy_extras.object_utils import world_to_camera_view
cam = bpy.data.objects.new("user camera", bpy.data.cameras.new("user camera"))
scene.collection.objects.link(cam)
cam.location, cam.rotation_euler, scene.camera = (3.0, -4.0, 2.0), (1.2, 0.0, 0.6), cam
scene.cursor.location = (0.0, 0.0, 0.0)
scene.render.resolution_x, scene.render.resolution_y = spec["size"]
view = scene.view_settings.view_transform
bpy.ops.import_scene.genart(filepath=spec["imports"]["flyin"]["scene"], motion="flyin", placement="camera",
                            setup=False)
bpy.context.view_layer.update()
canvas = next(o for o in bpy.data.objects if o.get("genart_part") == "canvas")
facts["placed"] = {"camera": scene.camera.name, "cameras": len([o for o in bpy.data.objects if o.type == "CAMERA"]),
                   "corners": [list(world_to_camera_view(scene, cam, canvas.matrix_world @ v.co))
                               for v in canvas.data.vertices],
                   "view": [view, scene.view_settings.view_transform]}

scene.cursor.location = (1.0, 2.0, 3.0)
bpy.ops.import_scene.genart(filepath=spec["imports"]["flyin"]["scene"], motion="flyin", placement="size",
                            size=2.0, setup=False)
bpy.context.view_layer.update()
canvas = [o for o in bpy.data.objects if o.get("genart_part") == "canvas"][-1]
facts["sized"] = [list(canvas.matrix_world @ v.co) for v in canvas.data.vertices]
facts["panel"] = sorted(scene.genart_fit.method_hillclimb.bl_rna.properties.keys())

def shapes():
    return next(o for o in bpy.data.objects if o.get("genart_part") == "shapes 1")

clear()
fit = scene.genart_fit
fit.image_path, fit.method, fit.motion = spec["picture"], "hillclimb", "flyin"
for key, value in spec["fit"].items():
    setattr(fit.method_hillclimb, key, value)
fit.flyin_duration = 1.0
bpy.ops.genart.fit()
job = addon.operators.JOBS[-1]
first = {"state": job.wait(300), "message": job.message, "result": job.result, "scene": str(job.output)}
facts["fit"] = first
if first["state"] == "done":
    render(spec["fit_prefix"], [scene.frame_end])
    obj = shapes()
    paint = bpy.data.materials.new("test paint")
    obj.data.materials.append(paint)
    obj.location.z += 0.25
    obj.modifiers.new("user displace", "DISPLACE").strength = 0.0
    bpy.context.view_layer.objects.active = obj
    faces, count = len(obj.data.polygons), len(bpy.data.objects)
    fit.method_hillclimb.shapes = spec["refit_shapes"]
    fit.image_path, fit.image = "", bpy.data.images.load(spec["picture"])  # a datablock with its file
    bpy.ops.genart.fit()
    again = addon.operators.JOBS[-1]
    facts["refit"] = {"state": again.wait(300), "message": again.message, "name": obj.name,
                      "same": shapes() == obj, "faces_before": faces, "faces": len(shapes().data.polygons),
                      "materials": [m.name for m in shapes().data.materials], "z": shapes().location.z,
                      "modifiers": [m.name for m in shapes().modifiers], "objects": [count, len(bpy.data.objects)]}
    fit.method_hillclimb.shapes = spec["cancel_shapes"]
    made = bpy.data.images.new("made here", 32, 24)  # a datablock without a file: saved for genart
    made.pixels.foreach_set([0.5] * (32 * 24 * 4))
    fit.image = made
    count = len(bpy.data.objects)
    bpy.ops.genart.fit()
    doomed = addon.operators.JOBS[-1]
    time.sleep(2.0)
    running = doomed.poll()
    started = time.monotonic()
    bpy.ops.genart.cancel()
    facts["cancel"] = {"running": running, "state": doomed.state, "pid": doomed.pid, "progress": doomed.progress,
                       "seconds": time.monotonic() - started, "folder": os.path.exists(doomed.folder),
                       "objects": [count, len(bpy.data.objects)]}
bpy.ops.preferences.addon_disable(module=spec["package"])  # the saved file, without the extension
bpy.ops.wm.open_mainfile(filepath=spec["saved"])
scene = bpy.context.scene
render(spec["saved_prefix"], spec["imports"]["flyin"]["frames"][-1:])
facts["without"] = spec["package"] in bpy.context.preferences.addons
print("FACTS " + json.dumps(facts))
'''


def test_the_extension_zip_holds_the_add_on_the_builder_and_the_schema(tmp_path: Path) -> None:
    from genart.animate.export.blend import BUILDER
    from genart.commands.blender import extension_version, schema

    assert main(["blender", "build-extension", "-o", str(tmp_path / "genart.zip"), "-q"]) == 0
    with zipfile.ZipFile(tmp_path / "genart.zip") as archive:
        names = set(archive.namelist())
        manifest = tomllib.loads(archive.read("blender_manifest.toml").decode())
        shipped, published = archive.read("genart_builder.py"), json.loads(archive.read("schema.json"))
    assert {"__init__.py", "operators.py", "importer.py", "runner.py", "settings.py"} <= names
    assert manifest["id"] == "genart" and manifest["type"] == "add-on" and manifest["blender_version_min"] == "4.2.0"
    assert manifest["version"] == extension_version()
    assert shipped == BUILDER.read_bytes() and published == json.loads(json.dumps(schema()))
    assert {"hillclimb", "anneal", "gradient"} <= set(published["methods"]) and "flyin" in published["motions"]
    assert "alpha" not in published["methods"]["hillclimb"]["options"]  # spelled otherwise than its type says
    assert "ease_out_back" in published["motions"]["flyin"]["schema"]["properties"]["easing"]["enum"]


def test_build_extension_wants_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["blender", "build-extension", "-o", str(tmp_path / "genart.tar")]) == 2
    assert not (tmp_path / "genart.tar").exists()
    assert capsys.readouterr().err == (f"genart blender build-extension: error: {tmp_path / 'genart.tar'}: "
                                       "a Blender extension is a .zip\n")


def _runner() -> Any:
    """The add-on's runner module (it needs no Blender), loaded from its file."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "genart" / "blender_extension" / "runner.py"
    spec = importlib.util.spec_from_file_location("genart_extension_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_job_shows_genart_progress_and_cancels_its_whole_group(tmp_path: Path) -> None:
    runner, folder = _runner(), tmp_path / "job"
    folder.mkdir()
    finished: list[bool] = []
    job = runner.Job([GENART, "evolve", str(_picture(tmp_path / "p.png")), "-n", "2000", "--resize", "32",
                      "-o", str(folder / "x.scene.json")], folder, lambda: finished.append(True))
    seen = [job.progress]
    while job.poll() == "running" and not 0.0 < job.progress < 1.0 and len(seen) < 600:
        time.sleep(0.05)
        seen.append(job.progress)
    assert job.state == "running" and 0.0 < job.progress < 1.0, (job.state, job.message, seen[-3:])
    job.cancel()
    assert job.state == "cancelled" and not folder.exists() and not finished
    assert _no_process_in_session(job.pid)


def test_a_failed_job_says_genarts_line(tmp_path: Path) -> None:
    runner, folder = _runner(), tmp_path / "job"
    folder.mkdir()
    job = runner.Job([GENART, "evolve", str(tmp_path / "missing.png"), "-o", str(folder / "x.scene.json")],
                     folder, lambda: None)
    assert job.wait(60) == "failed" and not folder.exists()
    assert job.message.startswith("genart evolve: error: ") and "\n" not in job.message
    with pytest.raises(runner.Failure, match="no genart command at"):
        runner.genart_command(str(tmp_path))


def _genart(*args: str) -> None:
    done = subprocess.run([GENART, *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"genart {' '.join(args[:2])} failed: {done.stderr.strip().splitlines()[-1:]}")


def _picture(path: Path) -> Path:
    """64×48: a gradient with a bright and a dark disc."""
    h, w = SIZE[1], SIZE[0]
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 4, y * 5, np.full_like(x, 128)], axis=-1).astype(np.uint8)
    rgb[(x - 40) ** 2 + (y - 20) ** 2 < 120] = (250, 240, 30)
    rgb[(x - 15) ** 2 + (y - 32) ** 2 < 80] = (20, 20, 60)
    Image.fromarray(rgb).save(path)
    return path


def _settings(motion: str) -> list[str]:
    return [text for key, value in MOTIONS[motion].items() for text in (f"--{key.replace('_', '-')}", str(value))]


def _no_process_in_session(session: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # after the name: state, ppid, pgrp, session
            return False
    return True


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Everything the extension did in one Blender, its renders in `folder`."""
    folder = tmp_path_factory.mktemp("extension")
    picture = _picture(folder / "picture.png")
    _genart("blender", "build-extension", "-o", str(folder / "genart.zip"), "-q")
    _genart("evolve", str(picture), "-n", "12", "--resize", "64", "--candidates", "100", "--repeats", "2",
            "-o", str(folder / "shapes.scene.json"), "-q")
    _genart("gng", str(picture), "--resize", "64", "--epochs", "3", "--max-nodes", "40",
            "-o", str(folder / "graph.scene.json"), "-q")
    newer = json.loads((folder / "shapes.scene.json").read_text())
    (folder / "newer.scene.json").write_text(json.dumps({**newer, "version": 99}))
    scenes = {"flyin": "shapes", "timelapse": "shapes", "growth": "graph"}
    spec = {"zip": str(folder / "genart.zip"), "package": PACKAGE, "genart": GENART, "fps": FPS, "size": SIZE,
            "samples": SAMPLES, "picture": str(picture), "newer": str(folder / "newer.scene.json"),
            "fit": {"shapes": 6, "resize": 64, "candidates": 100, "repeats": 2}, "refit_shapes": 9,
            "cancel_shapes": 100000, "fit_prefix": str(folder / "fit-"),
            "saved": str(folder / "flyin.blend"), "saved_prefix": str(folder / "saved-"),
            "imports": {motion: {"scene": str(folder / f"{scenes[motion]}.scene.json"), "motion": motion,
                                 "settings": MOTIONS[motion], "frames": FRAMES[motion],
                                 "samples": IMPORT_SAMPLES.get(motion, SAMPLES),
                                 "prefix": str(folder / f"{motion}-")} for motion in MOTIONS}}
    (folder / "spec.json").write_text(json.dumps(spec))
    (folder / "play.py").write_text(PLAY)
    user = folder / "blender-user"
    user.mkdir()
    command = find_blender(blender()).command(folder / "play.py", [str(folder / "spec.json")])
    done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "BLENDER_USER_RESOURCES": str(user)})
    found = [line[6:] for line in done.stdout.splitlines() if line.startswith("FACTS ")]
    if done.returncode != 0 or not found:
        pytest.fail(f"Blender failed: {(done.stderr + done.stdout).strip().splitlines()[-5:]}")
    return {**json.loads(found[0]), "folder": folder, "spec": spec}


def _rendered(prefix: str, count: int) -> list[np.ndarray]:
    return [np.asarray(Image.open(f"{prefix}{k}.png").convert("RGB")) for k in range(count)]


def _reference(scene: Path, motion: str, frame: int, out: Path) -> np.ndarray:
    _genart("animate", str(scene), "--motion", motion, *_settings(motion), "--fps", str(FPS),
            "--at", f"{frame / FPS:g}", "--size", f"{SIZE[0]}x{SIZE[1]}", "-o", str(out), "-q")
    return np.asarray(Image.open(out).convert("RGB"))


def _check_import(played: dict[str, Any], motion: str) -> None:
    assert motion not in played["errors"], played["errors"][motion]
    facts, job = played["imports"][motion], played["spec"]["imports"][motion]
    assert facts == {**facts, "texts": 0, "animated": [], "handlers": 0}  # renders without the extension
    assert facts["collections"] == [Path(job["scene"]).name.split(".")[0]]
    for frame, got in zip(job["frames"], _rendered(job["prefix"], len(job["frames"]))):
        want = _reference(Path(job["scene"]), motion, frame, played["folder"] / f"ref-{motion}-{frame}.png")
        assert psnr(got, want) >= MIN_DB, f"{motion} frame {frame}: {psnr(got, want):.1f} dB"


@slow
def test_import_flyin(played: dict[str, Any]) -> None:
    _check_import(played, "flyin")


@slow
def test_a_saved_file_renders_without_the_extension(played: dict[str, Any]) -> None:
    assert played["without"] is False
    job = played["spec"]["imports"]["flyin"]  # its last frame as rendered at import (test_import_flyin checks it)
    got = _rendered(played["spec"]["saved_prefix"], 1)[0]
    want = _rendered(job["prefix"], len(job["frames"]))[-1]
    assert psnr(got, want) >= MIN_DB, f"{psnr(got, want):.1f} dB"


@slow
def test_import_timelapse(played: dict[str, Any]) -> None:
    _check_import(played, "timelapse")


@slow
def test_import_growth(played: dict[str, Any]) -> None:
    _check_import(played, "growth")


@slow
def test_newer_scene_is_refused_in_one_line(played: dict[str, Any]) -> None:
    line = played["newer"]
    assert "\n" not in line and "Traceback" not in line
    assert "scene version 99 is newer than this genart extension reads (version 1" in line


@slow
def test_genart_errors_are_one_line_reports(played: dict[str, Any]) -> None:
    line = played["refused"]
    assert "\n" not in line and "Traceback" not in line and "genart export: error:" in line


@slow
def test_placement_fills_the_users_camera(played: dict[str, Any]) -> None:
    placed = played["placed"]
    assert placed["camera"] == "user camera" and placed["cameras"] == 1  # no genart camera: the user's kept
    assert placed["view"][0] == placed["view"][1]
    corners = np.array(placed["corners"])
    assert np.allclose(corners[:, :2].min(axis=0), 0.0, atol=1e-4), corners
    assert np.allclose(corners[:, :2].max(axis=0), 1.0, atol=1e-4), corners
    assert np.all(corners[:, 2] > 0)  # in front of the camera


@slow
def test_placement_at_a_given_size(played: dict[str, Any]) -> None:
    corners = np.array(played["sized"])
    low, high = corners.min(axis=0), corners.max(axis=0)
    assert max(high[:2] - low[:2]) == pytest.approx(2.0, abs=1e-5)  # the longer side
    assert np.allclose((low[:2] + high[:2]) / 2, [1.0, 2.0], atol=1e-5) and np.allclose(corners[:, 2], 3.0)


@slow
def test_the_panel_is_generated_from_the_settings_schema(played: dict[str, Any]) -> None:
    shown = set(played["panel"])
    assert {"shapes", "shape", "seed", "resize", "candidates", "seconds", "use_seconds"} <= shown
    assert not {"alpha", "background", "tiles", "palette", "workers"} & shown


@slow
def test_fit_matches_its_poster(played: dict[str, Any]) -> None:
    fit = played["fit"]
    assert fit["state"] == "done", fit["message"]
    assert any(name.startswith("shapes 1") for name in fit["result"])
    poster = played["folder"] / "poster.png"
    _genart("render", fit["scene"], "-o", str(poster), "--width", str(SIZE[0]), "-q")
    got, want = _rendered(played["spec"]["fit_prefix"], 1)[0], np.asarray(Image.open(poster).convert("RGB"))
    assert psnr(got, want) >= MIN_DB, f"{psnr(got, want):.1f} dB"


@slow
def test_refit_replaces_geometry_in_place(played: dict[str, Any]) -> None:
    refit = played["refit"]
    assert refit["state"] == "done", refit["message"]
    assert refit["same"] and refit["faces"] != refit["faces_before"]
    assert "test paint" in refit["materials"] and refit["z"] == pytest.approx(0.25, abs=1e-6)
    assert "user displace" in refit["modifiers"] and "genart motion" in refit["modifiers"]
    assert refit["objects"][0] == refit["objects"][1]


@slow
def test_cancelled_fit_leaves_nothing(played: dict[str, Any]) -> None:
    cancel = played["cancel"]
    assert cancel["running"] == "running" and cancel["state"] == "cancelled"
    assert _no_process_in_session(cancel["pid"]), "a process of the cancelled fit is left"
    assert not cancel["folder"] and cancel["objects"][0] == cancel["objects"][1]
