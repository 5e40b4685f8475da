"""Mutated documents through the command line: scenes, YAML scripts, collections and checkpoints
changed by hypothesis (tests/hostile/mutations.py), each either done or refused in one line, with
nothing left behind. Derandomized, so a run in CI tries the same documents as one here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.hostile.conftest import handled
from tests.hostile.mutations import checkpoint_texts, corrupted, scene_texts, script_texts

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "assets" / "astronaut.jpg"
HOSTILE = "mutated documents"
RESUME = ["evolve", "a.jpg", "-o", "o.png", "-n", "8", "--tiles", "2x1", "--workers", "1", "--resume", "--checkpoint",
          "o.png.ckpt"]


def few(examples: int) -> settings:
    """Hypothesis settings for `examples` documents, the same ones on every run, with no time limit."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


@contextmanager
def case_folder(files: dict[str, Path | str | bytes]) -> Iterator[Path]:
    """A fresh folder holding `files` (name: a file to copy, or the text or bytes to write)."""
    with tempfile.TemporaryDirectory(prefix="genart-hostile-") as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            if isinstance(content, Path):
                shutil.copy(content, folder / name)
            elif isinstance(content, bytes):
                (folder / name).write_bytes(content)
            else:
                (folder / name).write_text(content)
        yield folder


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a tiny real collection, indexed by `genart mosaic index` from four crops of the picture."""
    folder = tmp_path_factory.mktemp("photos")
    for i, box in enumerate([(0, 0, 256, 256), (256, 0, 512, 256), (0, 256, 256, 512), (256, 256, 512, 512)]):
        Image.open(PICTURE).crop(box).resize((64, 64)).save(folder / f"p{i}.png")
    out = folder.parent / "c.npz"
    done = subprocess.run([sys.executable, "-m", "genart", "mosaic", "index", str(folder), "-o", str(out), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real checkpoint of the run RESUME continues: `genart evolve` with more shapes (the count is not in
    its fingerprint), stopped by Ctrl-C once it saved one, cut to two shapes a tile (within -n 8's quotas)."""
    folder = tmp_path_factory.mktemp("interrupted")
    shutil.copy(PICTURE, folder / "a.jpg")
    path = folder / "o.png.ckpt"
    args = [a if a != "8" else "200" for a in RESUME if a != "--resume"]
    run = subprocess.Popen([sys.executable, "-m", "genart", *args, "-q"], cwd=folder, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 60
    while not path.exists() and run.poll() is None and time.monotonic() < end:
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and path.exists(), err
    doc: dict[str, Any] = json.loads(path.read_text())
    for tile in doc["tiles"]:
        for key in ("params", "colors", "errors"):
            tile[key] = tile[key][:2]
    return doc


@few(6)
@given(text=scene_texts())
def test_mutated_scenes(text: str) -> None:
    with case_folder({"s.scene.json": text}) as folder:
        handled(HOSTILE, ["info", "s.scene.json"], folder)
        handled(HOSTILE, ["render", "s.scene.json", "-o", "s.png"], folder, outputs=["s.png"])


@few(6)
@given(text=script_texts("a.jpg"))
def test_mutated_scripts(text: str) -> None:
    with case_folder({"a.jpg": PICTURE, "piece.yaml": text}) as folder:
        handled(HOSTILE, ["run", "piece.yaml", "--dry-run"], folder)


@few(8)
@given(data=st.data())
def test_mutated_collections(collection: bytes, data: st.DataObject) -> None:
    with case_folder({"a.jpg": PICTURE, "c.npz": data.draw(corrupted(collection))}) as folder:
        handled(HOSTILE, ["mosaic", "build", "c.npz", "a.jpg", "--grid", "4", "-o", "m.png"], folder, outputs=["m.png"])


def test_the_checkpoint_resumes(checkpoint: dict[str, Any]) -> None:
    with case_folder({"a.jpg": PICTURE, "o.png.ckpt": json.dumps(checkpoint)}) as folder:
        assert handled(HOSTILE, RESUME, folder, outputs=["o.png", "o.png.ckpt"]) == 0
        assert not os.path.exists(folder / "o.png.ckpt")  # done: the checkpoint is removed


@few(8)
@given(data=st.data())
def test_mutated_checkpoints(checkpoint: dict[str, Any], data: st.DataObject) -> None:
    with case_folder({"a.jpg": PICTURE, "o.png.ckpt": data.draw(checkpoint_texts(checkpoint))}) as folder:
        handled(HOSTILE, RESUME, folder, outputs=["o.png", "o.png.ckpt"])
