"""Photo folders and collections from strangers: special files skipped, broken collections refused in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.generative.mosaic.collection import Collection
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
    elif change == "no tiles":
        meta = json.loads(bytes(arrays["meta"]).decode())
        meta["tiles"] = []
        arrays = {k: v[:0] if k != "meta" and k != "duplicate_grid" else v for k, v in arrays.items()}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    elif change == "8 px thumbnails":  # smaller than every size the meta declares
        arrays = {k: v[:, :8, :8] if k.startswith("thumbs_") else v for k, v in arrays.items()}
    elif change == "misshapen grid":
        arrays["rgb_grid"] = arrays["rgb_grid"].reshape(len(arrays["rgb_grid"]), -1)
    out = folder / "c.npz"
    np.savez(out, **arrays)
    return out


@pytest.mark.parametrize(("change", "needle"), [
    ("float thumbnails", "thumbs_"), ("rgba thumbnails", "thumbs_"), ("nan grid", "rgb_grid"), ("short lab", "lab_mean"),
    ("no tiles", "no tiles"), ("8 px thumbnails", "thumbs_"), ("misshapen grid", "rgb_grid")])
def test_broken_collections_are_refused(collection: Path, tmp_path: Path, change: str, needle: str) -> None:
    _broken(collection, tmp_path, change)
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--grid", "4", "-o", "m.png"], tmp_path, needle=needle)


def test_a_nan_cell_size_is_refused(collection: Path, tmp_path: Path) -> None:
    shutil.copy(collection, tmp_path / "c.npz")
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--cell", "nan", "-o", "m.png"], tmp_path,
            needle="--cell")


def test_a_link_loop_among_photos_is_skipped(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(PICTURE, photos / "p.jpg")
    (photos / "a.jpg").symlink_to("b.jpg")
    (photos / "b.jpg").symlink_to("a.jpg")
    (photos / "here").symlink_to(".")  # a folder that contains itself
    done = subprocess.run([sys.executable, "-m", "genart", "mosaic", "index", "photos", "-o", "c.npz", "-q"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr[-2000:]
    assert done.stdout == "c.npz\n" and len(Collection.load(tmp_path / "c.npz")) == 1, done.stdout  # -q: the file


def test_a_folder_of_no_photos_is_refused(tmp_path: Path) -> None:
    """Only a link loop and a FIFO: one line, and no collection of no tiles is written."""
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a.jpg").symlink_to("b.jpg")
    (photos / "b.jpg").symlink_to("a.jpg")
    os.mkfifo(photos / "pipe.jpg")
    refused("collections", ["mosaic", "index", "photos", "-o", "c.npz", "-q"], tmp_path, needle="no photos")


@pytest.mark.parametrize(("output", "grid", "tile_px"), [("m.jpg", 1000, 64), ("m.png", 1000, 64), ("m.tif", 1000, 64),
                                                       ("m.pdf", 400, 160)])  # (a PDF has at most 250,000 cells)
def test_a_print_too_large_is_refused_before_matching(collection: Path, tmp_path: Path, output: str, grid: int,
                                                      tile_px: int) -> None:
    """Cells of 64 or 160 px: 64,000 px a side; refused naming the limit and the options that shrink it."""
    shutil.copy(collection, tmp_path / "c.npz")
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    line = refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--grid", str(grid), "--tile-px", str(tile_px),
                                   "-o", output], tmp_path, needle="--tile-px")
    assert "64000x64000" in line and "(--grid, --cell)" in line and "400" in line, line


def test_a_vector_mosaic_of_too_many_cells_is_refused(collection: Path, tmp_path: Path) -> None:
    """An SVG or PDF embeds a picture per cell: 1000x1000 cells (1.4 GB of SVG, minutes) is refused before matching,
    and a scene of 360,000 cells is refused by render for SVG and PDF (not PNG)."""
    shutil.copy(collection, tmp_path / "c.npz")
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    line = refused("collections", ["mosaic", "build", "c.npz", "a.jpg", "--grid", "1000", "-o", "m.svg"], tmp_path,
                   needle="too many for an SVG or PDF")
    assert "1,000,000" in line and "--grid, --cell) or write PNG or JPEG" in line
    done = subprocess.run([sys.executable, "-m", "genart", "mosaic", "build", "c.npz", "a.jpg", "--grid", "600",
                           "-o", "m.scene.json"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for output in ("m.svg", "m.pdf"):
        refused("collections", ["render", "m.scene.json", "-o", output], tmp_path, needle="360,000 mosaic cells")
