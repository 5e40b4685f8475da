"""The command line as an artist meets it: Ctrl-C keeps the work, options agree, big pictures, composing."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from genart.cli import main
from renderers import scene as S

ROOT = Path(__file__).resolve().parent.parent


def shapes_picture(path: Path, width: int) -> Path:
    """Three dark shapes on white, `width` px wide (4:3), drawn to scale at any width."""
    k = width / 200
    img = Image.new("RGB", (width, round(150 * k)), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse([20 * k, 20 * k, 90 * k, 90 * k], fill=(30, 30, 30))
    draw.rectangle([110 * k, 30 * k, 180 * k, 120 * k], fill=(60, 40, 40))
    draw.polygon([(30 * k, 140 * k), (100 * k, 100 * k), (150 * k, 145 * k)], fill=(20, 20, 60))
    img.save(path)
    return path


def _stop_once_running(args: list[str], marker: bytes, signum: int) -> tuple[int, str]:
    """Run genart, wait until its progress bar shows `marker`, send `signum`; exit status and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while marker not in seen:
        assert time.monotonic() < deadline and proc.poll() is None, seen.decode(errors="replace")
        if select.select([proc.stderr], [], [], 0.5)[0]:
            seen += os.read(proc.stderr.fileno(), 65536)
    time.sleep(0.5)  # some work done
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, (seen + err).decode(errors="replace")


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_gng_interrupted_writes_its_graph_so_far(tmp_path: Path, signum: int, status: int) -> None:
    src = shapes_picture(tmp_path / "s.png", 200)
    outs = [tmp_path / "g.scene.json", tmp_path / "g.png"]
    code, err = _stop_once_running(["gng", str(src), "--epochs", "100000", "--max-nodes", "300", "--snapshots", "none",
                                    *sum((["-o", str(o)] for o in outs), [])], b"epoch", signum)
    assert code == status, err
    assert err.strip().splitlines()[-1] == f"genart gng: interrupted; best result so far written to {outs[0]}, {outs[1]}"
    drawing = S.load(outs[0])
    assert drawing.meta["interrupted"] is True and 0 < drawing.meta["gng_epochs_run"] < 100000
    layer = drawing.layers[0]
    assert isinstance(layer, S.GraphLayer) and len(layer.edges) > 50
    assert np.asarray(Image.open(outs[1]).convert("L")).min() < 128


def test_gradient_interrupted_writes_its_best_circles(tmp_path: Path) -> None:
    src = shapes_picture(tmp_path / "s.png", 120)
    out = tmp_path / "c.scene.json"
    code, err = _stop_once_running(["evolve", str(src), "--method", "gradient", "-n", "8", "--resize", "64",
                                    "--steps", "100000000", "-o", str(out)], b"step", signal.SIGINT)
    assert code == 130, err
    assert err.strip().splitlines()[-1] == f"genart evolve: interrupted; best result so far written to {out}"
    drawing = S.load(out)
    assert drawing.meta["interrupted"] is True and 0 < drawing.meta["steps_run"] < 100000000
    layer = drawing.layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == 8
