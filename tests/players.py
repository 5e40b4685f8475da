"""The tools people open genart's exports with, run from the tests (and bench/bench_export.py).

- the Khronos glTF Validator, lottie-web and SMIL in headless Chromium: Node tools that
  `tools/node-env.sh` installs (cached in .cache/genart-node; or $GENART_NODE_MODULES), run by
  tests/node/play.cjs, with Debian's /usr/bin/chromium driven by puppeteer-core;
- Blender (the bpy environment of `tools/blender-env.sh`, or $GENART_BLENDER): a .blend rendered
  as it is, a glTF imported by Blender's own importer, each rendered with Cycles.

Each fails loudly (pytest.fail, saying why) where its tool cannot be had.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from genart.animate.export.blender import find_blender

ROOT = Path(__file__).resolve().parent.parent
PLAY = Path(__file__).resolve().parent / "node" / "play.cjs"
SAMPLES = 16  # Cycles samples of every render the tests compare


def _built(script: str, variable: str) -> str:
    """What an environment script prints last (building it on first use), or $variable if set."""
    given = os.environ.get(variable)
    if given:
        return given
    done = subprocess.run([str(ROOT / "tools" / script)], capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit status {done.returncode}"]
        pytest.fail(f"tools/{script} could not build its environment: {lines[-1]}")
    return done.stdout.strip().splitlines()[-1]


def node_modules() -> str:
    """The node_modules holding gltf-validator, lottie-web and puppeteer-core."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the glTF Validator and lottie-web (Debian's `nodejs`, installed by .ci/run)")
    return _built("node-env.sh", "GENART_NODE_MODULES")


def blender() -> str:
    """The Python with `bpy` (or Blender executable) that renders."""
    return _built("blender-env.sh", "GENART_BLENDER")


def inkscape() -> str:
    """Debian's Inkscape command line (installed by .ci/run), which opens the editable SVG."""
    found = shutil.which("inkscape")
    if not found:
        pytest.fail("Inkscape is needed (Debian's `inkscape`, installed by .ci/run): not found")
    return found


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless Chromium is needed (Debian's `chromium`, installed by .ci/run): not found")
    return found


def _node(*args: str, timeout: float = 300) -> str:
    done = subprocess.run(["node", str(PLAY), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NODE_PATH": node_modules()})
    if done.returncode != 0:
        pytest.fail(f"node play.cjs {args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout


def validate_gltf(path: Path) -> dict[str, Any]:
    """The Khronos glTF Validator's report on a .gltf or .glb."""
    return json.loads(_node("validate", str(path)))


def play(kind: str, path: Path, times: list[float], size: tuple[int, int], folder: Path) -> list[np.ndarray]:
    """Screenshots (RGB) of a Lottie (`kind` "lottie": lottie-web's goToAndStop(t * 1000)) or an animated SVG
    ("smil": setCurrentTime(t)) in headless Chromium, at each of `times`, `size` (w, h) pixels."""
    prefix = folder / f"{kind}-{path.stem}-"
    job = folder / f"{kind}-{path.stem}.json"
    job.write_text(json.dumps({"file": str(path), "times": times, "width": size[0], "height": size[1],
                               "chromium": chromium(), "prefix": str(prefix)}))
    _node(kind, str(job))
    return [np.asarray(Image.open(f"{prefix}{k}.png").convert("RGB")) for k in range(len(times))]


RENDER = '''
import json, math, sys, bpy
jobs = json.loads(open(sys.argv[sys.argv.index("--") + 1]).read())
for job in jobs:
    if job["file"].endswith(".blend"):
        bpy.ops.wm.open_mainfile(filepath=job["file"])
        scene = bpy.context.scene
    else:  # a glTF, by Blender's own importer, in an empty scene at the movie's frame rate
        bpy.ops.wm.read_factory_settings(use_empty=True)
        scene = bpy.context.scene
        rate = max(1, round(job["fps"]))
        scene.render.fps, scene.render.fps_base = rate, rate / job["fps"]
        bpy.ops.import_scene.gltf(filepath=job["file"])
        w, h = job["canvas"]  # glTF x, -y is the canvas; Blender turns glTF's y-up into z-up
        cam = bpy.data.cameras.new("camera")
        cam.type, cam.ortho_scale, cam.clip_start, cam.clip_end = "ORTHO", max(w, h), 0.01, 1000.0
        camera = bpy.data.objects.new("camera", cam)
        camera.location, camera.rotation_euler = (w / 2, -100.0, -h / 2), (math.pi / 2, 0.0, 0.0)
        scene.collection.objects.link(camera)
        scene.camera = camera
        world = bpy.data.worlds.new("canvas")
        world.use_nodes = True
        world.node_tree.nodes["Background"].inputs["Color"].default_value = (*job["background"], 1.0)
        scene.world = world
        scene.render.engine = "CYCLES"
        scene.cycles.device = "CPU"
        scene.cycles.pixel_filter_type = "BOX"
        scene.cycles.transparent_max_bounces = scene.cycles.min_transparent_bounces = 1024
        scene.cycles.use_denoising = False
        scene.view_settings.view_transform = "Standard"
    scene.render.resolution_x, scene.render.resolution_y = job["size"]
    scene.render.resolution_percentage = 100
    scene.cycles.samples = job["samples"]
    scene.render.image_settings.file_format = "PNG"
    for k, frame in enumerate(job["frames"]):
        scene.frame_set(frame)
        scene.render.filepath = f"{job['prefix']}{k}.png"
        bpy.ops.render.render(write_still=True)
    print("FACTS " + json.dumps({"file": job["file"], "engine": scene.render.engine,
                                 "view": scene.view_settings.view_transform,
                                 "fps": scene.render.fps / scene.render.fps_base,
                                 "range": [scene.frame_start, scene.frame_end],
                                 "objects": len([o for o in scene.objects if o.type == "MESH"])}))
'''


def render(jobs: list[dict[str, Any]], folder: Path) -> tuple[list[list[np.ndarray]], list[dict[str, Any]]]:
    """Render, in one Blender, each job's `frames` of its `file` (.blend as it is; .gltf/.glb imported, with
    its `fps`, `canvas` (w, h) and `background` (linear RGB)) at `size` with Cycles; frames and facts."""
    for k, job in enumerate(jobs):
        job.setdefault("samples", SAMPLES)
        job["prefix"] = str(folder / f"render{k}-")
    (folder / "jobs.json").write_text(json.dumps(jobs))
    (folder / "render.py").write_text(RENDER)
    out = find_blender(blender()).run(folder / "render.py", [str(folder / "jobs.json")], "render")
    facts = [json.loads(line[6:]) for line in out.splitlines() if line.startswith("FACTS ")]
    frames = [[np.asarray(Image.open(f"{job['prefix']}{k}.png").convert("RGB")) for k in range(len(job["frames"]))]
              for job in jobs]
    return frames, facts


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)
