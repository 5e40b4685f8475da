"""Photo folders and collections from strangers: special files skipped, broken collections refused in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.hostile.conftest import refused

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "assets" / "astronaut.jpg"


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real collection, indexed from a folder that also holds a FIFO and a dangling link."""
    folder = tmp_path_factory.mktemp("photos")
    for i, box in enumerate([(0, 0, 256, 256), (256, 0, 512, 256), (0, 256, 256, 512), (256, 256, 512, 512)]):
        Image.open(PICTURE).crop(box).save(folder / f"p{i}.png")
    os.mkfifo(folder / "pipe.png")
    (folder / "gone.png").symlink_to(folder / "nowhere.png")
    out = folder.parent / "c.npz"
    done = subprocess.run([sys.executable, "-m", "genart", "mosaic", "index", str(folder), "-o", str(out), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # the FIFO and the dangling link are skipped, not read or waited on
    return out


def _broken(collection: Path, folder: Path, change: str) -> Path:
    arrays = dict(np.load(collection, allow_pickle=False))
    if change == "float thumbnails":
        name = next(k for k in arrays if k.startswith("thumbs_"))
        arrays[name] = arrays[name].astype(np.float64)
    elif change == "rgba thumbnails":
        name = next(k for k in arrays if k.startswith("thumbs_"))
        arrays[name] = np.concatenate([arrays[name], arrays[name][..., :1]], axis=-1)
    elif change == "nan grid":
        arrays["rgb_grid"] = np.full_like(arrays["rgb_grid"], np.nan)
    elif change == "short lab":
        arrays["lab_mean"] = arrays["lab_mean"][:1]
    out = folder / "c.npz"
    np.savez(out, **arrays)
    return out


@pytest.mark.parametrize("change", ["float thumbnails", "rgba thumbnails", "nan grid", "short lab"])
def test_broken_collections_are_refused(collection: Path, tmp_path: Path, change: str) -> None:
    _broken(collection, tmp_path, change)
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--grid", "4", "-o", "m.png"], tmp_path)


def test_a_nan_cell_size_is_refused(collection: Path, tmp_path: Path) -> None:
    shutil.copy(collection, tmp_path / "c.npz")
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--cell", "nan", "-o", "m.png"], tmp_path,
            needle="--cell")
