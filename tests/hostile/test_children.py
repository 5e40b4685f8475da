"""The processes genart starts (Blender, ffmpeg, workers) end with it, however it ends.

Stopped by a signal that reaches genart alone (`kill -HUP PID`, not the whole group as a terminal
sends it), genart ends them itself and says "interrupted" (exit 129); killed outright (SIGKILL, as
the out-of-memory killer does), it cannot clean up, but none of them outlives it by LINGER seconds.
A Blender that starts processes of its own has them ended with it, on a stop and when it ends; one
stopped while it saves leaves no half-saved file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.hostile.conftest import CASES, children, refused
from tests.hostile.test_interruptions import (
    HANGUP,
    STARTUP,
    STOPPING,
    Ready,
    blender,  # noqa: F401 (a fixture)
    blender_started,
    command_line,
    descendants,
    outlived,
    scene,  # noqa: F401 (a fixture)
    stopped,
    workers,
)

EXPORT = ["export", "s.scene.json", "--motion", "flyin", "-o", "x.blend"]
MOVIE = ["animate", "s.scene.json", "--motion", "flyin", "--duration", "30", "--size", "720x720", "-o", "m.mp4",
         "--workers", "2", "-q"]  # two render workers and ffmpeg
LEAVER = "sleep 600 &\n"  # a "Blender" that starts a process and leaves it running


def test_hangup_of_genart_alone_ends_blender(tmp_path: Path, scene: Path, blender: None) -> None:  # noqa: F811
    shutil.copy(scene, tmp_path)
    assert stopped(EXPORT, tmp_path, HANGUP, blender_started(tmp_path / "tmp")) == "genart export: interrupted"
    assert not (tmp_path / "x.blend").exists()


def test_hangup_of_genart_alone_ends_ffmpeg_and_the_workers(tmp_path: Path, scene: Path) -> None:  # noqa: F811
    shutil.copy(scene, tmp_path)
    assert stopped(MOVIE, tmp_path, HANGUP, workers(3)) == "genart animate: interrupted"


@pytest.fixture(scope="module")
def big_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 circles: a .blend Blender takes about 0.1 s to save (through FILE@, renamed to FILE at the end)."""
    rng = np.random.default_rng(0)
    n = 20_000
    shapes = [{"kind": "circle", "cx": float(x), "cy": float(y), "r": float(r), "color": [*map(float, c), 0.5]}
              for x, y, r, c in zip(rng.uniform(0, 256, n), rng.uniform(0, 256, n), rng.uniform(2, 30, n),
                                    rng.uniform(0, 1, (n, 3)))]
    path = tmp_path_factory.mktemp("big") / "s.scene.json"
    path.write_text(json.dumps({"format": "genart.scene", "version": 1, "canvas": {"width": 256, "height": 256},
                                "layers": [{"type": "shapes", "shapes": shapes}]}))
    return path


def test_blender_stopped_while_it_saves_leaves_nothing(tmp_path: Path, big_scene: Path,
                                                       blender: None) -> None:  # noqa: F811
    shutil.copy(big_scene, tmp_path)
    stopped(EXPORT, tmp_path, "SIGTERM to genart", lambda pid, printed: any(tmp_path.glob(".x.blend*@")))


def killed(args: list[str], cwd: Path, ready: Ready) -> list[str]:
    """Run `genart ARGS` in `cwd`, SIGKILL it once `ready`; the processes it started still running LINGER
    seconds after it died (then killed), by command line."""
    (cwd / "tmp").mkdir(exist_ok=True)
    before = children()
    process = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(cwd / "tmp")},
                               start_new_session=True)
    deadline = time.monotonic() + STARTUP
    while not ready(process.pid, ""):
        assert process.poll() is None, f"{args} ended before it could be killed"
        assert time.monotonic() < deadline, f"{args} did not reach the state to kill it in"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(STOPPING) == -signal.SIGKILL
    CASES["children"] += 1
    return outlived(before)


def test_blender_dies_with_a_killed_genart(tmp_path: Path, scene: Path) -> None:  # noqa: F811
    """A Blender that would run for 10 minutes (a real one builds this scene before LINGER is up)."""
    shutil.copy(scene, tmp_path)
    _program(tmp_path, "exec sleep 600")
    assert not killed([*EXPORT, "--blender", "./blender"], tmp_path,
                      lambda pid, printed: any("sleep" in command_line(c) for c in descendants(pid)))


def test_ffmpeg_and_the_workers_die_with_a_killed_genart(tmp_path: Path, scene: Path) -> None:  # noqa: F811
    shutil.copy(scene, tmp_path)
    assert not killed(MOVIE, tmp_path, workers(3))


def _program(folder: Path, script: str) -> None:
    """A shell script folder/blender that runs `script`, for --blender ./blender."""
    program = folder / "blender"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)


def test_what_blender_started_ends_with_its_stop(tmp_path: Path, scene: Path) -> None:  # noqa: F811
    shutil.copy(scene, tmp_path)
    _program(tmp_path, LEAVER + "echo $! > leaver.pid; sleep 600")
    stopped([*EXPORT, "--blender", "./blender"], tmp_path, "SIGTERM to genart",
            lambda pid, printed: (tmp_path / "leaver.pid").exists(), frozenset({"blender", "leaver.pid"}))


def test_what_blender_started_ends_with_it(tmp_path: Path, scene: Path) -> None:  # noqa: F811
    """A Blender that fails but leaves a process holding its output: one line, at once, and the process ended."""
    shutil.copy(scene, tmp_path)
    _program(tmp_path, LEAVER + "echo 'Error: no bpy here' >&2; exit 1")
    line = refused("children", [*EXPORT, "--blender", "./blender"], tmp_path, needle="Blender failed: Error: no bpy")
    assert line.startswith("genart export: error: x.blend")
