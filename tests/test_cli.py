"""The `genart` command line: help, version, render, info and its errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.cli import COMMANDS, command_names, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets" / "example.scene.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)


def test_every_command_module_is_listed() -> None:
    assert sorted(COMMANDS) == command_names()


def test_version_and_help_on_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("genart ")
    for name in command_names():
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        assert "usage: genart " + name in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    listing = capsys.readouterr().out
    assert all(f"    {name} " in listing for name in COMMANDS)


def test_render_writes_png_svg_pdf(tmp_path: Path) -> None:
    outs = [tmp_path / "e.png", tmp_path / "e.svg", tmp_path / "e.pdf"]
    args = ["render", str(EXAMPLE), "--width", "300"]
    for out in outs:
        args += ["-o", str(out)]
    assert main(args) == 0
    png = np.asarray(Image.open(outs[0]))
    assert png.shape == (225, 300, 3)
    assert outs[1].read_text().startswith("<svg")
    assert outs[2].read_bytes().startswith(b"%PDF")


def test_info_describes_the_scene(capsys) -> None:
    assert main(["info", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "canvas: 200 x 150" in out and "graph (4 nodes, 4 edges)" in out and "snapshots: 2" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["render", str(EXAMPLE), "-o", "OUT.bmp"], "unknown output format"),
        (["render", "missing.scene.json", "-o", "OUT.png"], "no such file"),
        (["render", str(EXAMPLE), "-o", "no/such/folder/x.png"], "does not exist"),
        (["render", str(EXAMPLE), "-o", "OUT.png", "--width", "0"], "--width"),
        (["render", str(EXAMPLE), "-o", "OUT.png", "--width", "90000"], "too large"),
        (["info", str(ROOT / "assets" / "astronaut.jpg")], "not valid JSON"),
    ],
)
def test_errors_are_one_line_and_leave_no_output(tmp_path: Path, args: list[str], needle: str) -> None:
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    done = run(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], done.stderr
    assert list(tmp_path.iterdir()) == []


def test_truncated_scene_leaves_existing_output_alone(tmp_path: Path) -> None:
    bad = tmp_path / "t.scene.json"
    bad.write_text(EXAMPLE.read_text()[:300])
    out = tmp_path / "keep.png"
    out.write_bytes(b"old")
    done = run("render", str(bad), "-o", str(out))
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png", "t.scene.json"]


def _boom(*args: object) -> None:
    raise RuntimeError("boom\nsecond line")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_bug_is_one_line_and_debug_shows_the_workers_traceback(tmp_path: Path, monkeypatch, capsys, workers) -> None:
    """A bug, here in a tile job (in a worker process with --workers 2), ends in one line, exit 70;
    `genart --debug` prints its traceback, the worker's included, before that line."""
    import genart.generative.hillclimb_schedule

    monkeypatch.setattr(genart.generative.hillclimb_schedule, "_grow_tile", _boom)
    args = ["evolve", str(ROOT / "assets" / "astronaut.jpg"), "-o", str(tmp_path / "o.png"), "-n", "8",
            "--tiles", "2x1", "--workers", workers, "-q"]
    assert main(args) == 70
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("genart evolve: internal error: RuntimeError: boom (run again with"), lines
    assert main(["--debug", *args]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and 'raise RuntimeError("boom' in err and err.splitlines()[-1] == lines[0]
    assert ("concurrent.futures.process._RemoteTraceback" in err) == (workers == "2")
    assert not list(tmp_path.iterdir())


def test_system_errors_are_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """OS errors and a lack of memory, wherever they are raised, end in genart's one line with exit 2."""
    import genart.commands.info

    for error, needle in [(PermissionError(13, "Permission denied", "/x"), "error: Permission denied: /x"),
                          (MemoryError(), "error: out of memory")]:
        def fail(args: object, error: BaseException = error) -> int:
            raise error
        monkeypatch.setattr(genart.commands.info, "run", fail)
        assert main(["info", str(EXAMPLE)]) == 2
        lines = capsys.readouterr().err.splitlines()
        assert lines == [f"genart info: {needle}" + (" (ask for smaller sizes or fewer elements)" if "memory" in needle else "")]
