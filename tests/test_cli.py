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
