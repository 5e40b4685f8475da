"""Mutated documents through the command line: scenes, YAML scripts, collections and checkpoints
changed by hypothesis (tests/hostile/mutations.py), each either done or refused in one line, with
nothing left behind. Derandomized, so a run in CI tries the same documents as one here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.hostile.conftest import PICTURE, RESUME, handled
from tests.hostile.mutations import checkpoint_texts, corrupted, scene_texts, script_texts

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "mutated documents"


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


def test_the_checkpoint_resumes(interrupted: dict[str, Any]) -> None:
    with case_folder({"a.jpg": PICTURE, "o.png.ckpt": json.dumps(interrupted)}) as folder:
        assert handled(HOSTILE, RESUME, folder, outputs=["o.png", "o.png.ckpt"]) == 0
        assert not os.path.exists(folder / "o.png.ckpt")  # done: the checkpoint is removed


@few(8)
@given(data=st.data())
def test_mutated_checkpoints(interrupted: dict[str, Any], data: st.DataObject) -> None:
    with case_folder({"a.jpg": PICTURE, "o.png.ckpt": data.draw(checkpoint_texts(interrupted))}) as folder:
        handled(HOSTILE, RESUME, folder, outputs=["o.png", "o.png.ckpt"])
