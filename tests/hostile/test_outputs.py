"""Outputs a stranger names: read-only folders, names and paths too long, a reader that goes away, a broken
ffmpeg. Each is refused in one line before any work (or, for the reader, ends quietly)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import refused

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "assets" / "astronaut.jpg"
SCENE = ('{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"layers":[{"type":"shapes","shapes":'
         '[{"kind":"circle","cx":1,"cy":1,"r":1,"color":[0,0,0,1]}]}],"snapshots":[{"step":0,"prefix":0}]}')
PR_GET_SECUREBITS, PR_SET_SECUREBITS, SECBIT_NOROOT = 27, 28, 1
LONG_NAME = "x" * 300  # longer than a file name may be (255 bytes)
LONG_PATH = "/".join(["d" * 200] * 21)  # longer than a path may be (4096 bytes)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` made (mode 0o555) so that the processes started in the block cannot write in it, root's included.

    Root ignores permission bits through its capabilities; with SECBIT_NOROOT set on this thread, a program
    it executes gets none, so it stays uid 0 (owning the test's files) but is refused as anyone else is.
    A probe checks that the folder really is unwritable: where it is not, the case fails saying why."""
    folder.mkdir()
    folder.chmod(0o555)
    libc = ctypes.CDLL(None, use_errno=True)
    old = libc.prctl(PR_GET_SECUREBITS, 0, 0, 0, 0)
    if os.geteuid() == 0 and (old < 0 or libc.prctl(PR_SET_SECUREBITS, old | SECBIT_NOROOT, 0, 0, 0) != 0):
        pytest.fail(f"running as root without a way to drop root's file access for genart (prctl SECBIT_NOROOT: "
                    f"{os.strerror(ctypes.get_errno())}): a read-only folder cannot be tested here")
    try:
        probe = subprocess.run([sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"], capture_output=True,
                               text=True)
        if probe.returncode == 0 or "PermissionError" not in probe.stderr:
            (folder / "probe").unlink(missing_ok=True)
            pytest.fail(f"{folder} (mode 0o555) is writable for genart here (uid {os.geteuid()}): "
                        f"a read-only folder cannot be tested: {probe.stderr[-300:]}")
        yield folder
    finally:
        if os.geteuid() == 0:
            libc.prctl(PR_SET_SECUREBITS, old, 0, 0, 0)
        folder.chmod(0o755)


def _inputs(folder: Path) -> None:
    """A picture, a scene, and broken ones (a picture, a scene, a collection) that fail only when read."""
    shutil.copy(PICTURE, folder / "a.jpg")
    (folder / "s.scene.json").write_text(SCENE)
    (folder / "bad.jpg").write_bytes(b"not a picture")
    (folder / "bad.scene.json").write_text("{")
    (folder / "bad.npz").write_bytes(b"not a collection")


# Each input below fails only when it is read: a line naming the output shows it was checked first, before any work.
READ_ONLY = [
    ["evolve", "bad.jpg", "-o", "ro/o.png", "-q"],
    ["gng", "bad.jpg", "-o", "ro/o.png", "-q"],
    ["render", "bad.scene.json", "-o", "ro/o.png"],
    ["mosaic", "build", "bad.npz", "a.jpg", "--grid", "4", "-o", "ro/m.png"],
    ["mosaic", "build", "bad.npz", "a.jpg", "--grid", "4", "-o", "ro/m.jpg"],
    ["mosaic", "index", "nowhere", "-o", "ro/c.npz", "-q"],
    ["animate", "bad.scene.json", "--motion", "flyin", "-o", "ro/m.mp4", "-q"],
    ["animate", "bad.scene.json", "--motion", "flyin", "-o", "ro/", "-q"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_read_only_folder_is_refused_before_any_work(tmp_path: Path, args: list[str]) -> None:
    _inputs(tmp_path)
    output = args[args.index("-o") + 1]
    with read_only(tmp_path / "ro"):
        line = refused("outputs", args, tmp_path, needle=output)
    assert "Permission denied" in line, line


@pytest.mark.parametrize("name", [LONG_NAME, LONG_PATH + "/o"], ids=["name", "path"])
@pytest.mark.parametrize("command", [["render", "s.scene.json"], ["evolve", "a.jpg", "-q"],
                                     ["animate", "s.scene.json", "--motion", "flyin", "-q"]], ids=lambda c: c[0])
def test_names_and_paths_too_long_are_refused(tmp_path: Path, command: list[str], name: str) -> None:
    _inputs(tmp_path)
    suffix = ".mp4" if command[0] == "animate" else ".png"
    refused("outputs", [*command, "-o", name + suffix], tmp_path, needle="too long")


def test_a_name_too_long_for_the_checkpoint_beside_it(tmp_path: Path) -> None:
    """A legal 255-byte output name whose checkpoint (+ .ckpt) would not be: said before the fit, naming the option."""
    _inputs(tmp_path)
    refused("outputs", ["evolve", "a.jpg", "-o", "x" * 251 + ".png", "-q"], tmp_path, needle="--checkpoint")


def test_a_mosaic_jpeg_name_too_long_is_refused_before_matching(tmp_path: Path) -> None:
    _inputs(tmp_path)
    refused("outputs", ["mosaic", "build", "bad.npz", "a.jpg", "--grid", "4", "-o", LONG_NAME + ".jpg"], tmp_path,
            needle="too long")


def _many_lines(folder: Path) -> Path:
    scene = folder / "x.scene.json"
    meta = ",".join(f'"key{i}":"{"v" * 40}"' for i in range(20000))  # ~1 MB of info lines, more than a pipe holds
    scene.write_text('{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"meta":{' + meta + "}}")
    return scene


def _quiet(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr and "Exception" not in stderr and len(lines) <= 1, stderr[-2000:]


def test_info_into_head_ends_quietly(tmp_path: Path) -> None:
    scene = _many_lines(tmp_path)
    done = subprocess.run(f"{sys.executable} -m genart info {scene} | head -1", shell=True, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("format: genart.scene"), done.stdout[:200]
    _quiet(done.stderr)


def test_info_to_a_closed_reader_ends_quietly(tmp_path: Path) -> None:
    scene = _many_lines(tmp_path)
    with subprocess.Popen([sys.executable, "-m", "genart", "info", str(scene)], cwd=tmp_path, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the first line
        stderr = process.stderr.read()
        assert process.wait(timeout=120) in (0, 1), stderr
    _quiet(stderr)


@pytest.fixture
def broken_ffmpeg(tmp_path: Path) -> dict[str, str]:
    """$IMAGEIO_FFMPEG_EXE set to a script outside the case's folder: 30 lines of errors, exit status 1."""
    script = tmp_path / "bin" / "ffmpeg"
    script.parent.mkdir()
    script.write_text('#!/bin/sh\nfor i in $(seq 1 30); do echo "[libx264 @ 0x55] error $i: encoder broke" >&2; done\n'
                      "exit 1\n")
    script.chmod(0o755)
    return {"IMAGEIO_FFMPEG_EXE": str(script)}


@pytest.mark.parametrize("movie", ["m.mp4", "m.webm"])
def test_a_broken_ffmpeg_is_summarized_in_one_line(tmp_path: Path, broken_ffmpeg: dict[str, str], movie: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _inputs(work)
    refused("outputs", ["animate", "s.scene.json", "--motion", "flyin", "-o", movie, "-q"], work, broken_ffmpeg,
            needle="error 30: encoder broke")


def test_a_broken_ffmpeg_clears_the_progress_bar_first(tmp_path: Path, broken_ffmpeg: dict[str, str]) -> None:
    """With the progress bar on, genart's line comes last and alone, the bar wiped before it (not glued to it)."""
    _inputs(tmp_path)
    done = subprocess.run([sys.executable, "-m", "genart", "animate", "s.scene.json", "--motion", "flyin", "-o", "m.mp4"],
                          cwd=tmp_path, env={**os.environ, **broken_ffmpeg}, capture_output=True, text=True, timeout=120)
    pieces = [p for p in done.stderr.replace("\r", "\n").split("\n") if p.strip()]
    assert done.returncode == 2 and pieces and pieces[-1].startswith("genart animate: error: "), done.stderr[-2000:]
    assert sum("genart" in p for p in pieces) == 1, done.stderr[-2000:]
    assert not any(p.name.endswith(".part.mp4") or p.name == "m.mp4" for p in tmp_path.iterdir())


@pytest.mark.parametrize("output", [["-o", "m.mp4"], ["-o", "m.gif"], ["--at", "0", "-o", "s.png"]], ids=" ".join)
@pytest.mark.parametrize("motion", ["flyin", "timelapse"])
def test_a_vanishing_canvas_is_refused_by_animate(tmp_path: Path, motion: str, output: list[str]) -> None:
    (tmp_path / "s.scene.json").write_text(SCENE.replace('"width":10', '"width":1e-300'))
    refused("outputs", ["animate", "s.scene.json", "--motion", motion, "-q", *output], tmp_path, needle="canvas")
