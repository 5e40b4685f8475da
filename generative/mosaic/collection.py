"""The collection cache file: square thumbnails at a few sizes plus colour features.

The file is an uncompressed `.npz` (a zip of `.npy` arrays) so any numpy can read it;
`Collection.load` memory-maps the arrays instead of reading them, so it opens in
milliseconds whatever the collection size. Arrays:

- `meta`: UTF-8 JSON (format, version, sizes, source folder, one record per file seen),
- `thumbs_<S>`: (N, S, S, 3) uint8 square thumbnails for every stored size S,
- `rgb_grid`: (N, 8, 8, 3) float32 mean RGB in [0, 1] over an 8×8 grid of each thumbnail,
- `lab_mean`, `lab_grid`: (N, 3) and (N, 4, 4, 3) float32 CIE Lab features,
- `phash`: (N,) uint64 perceptual hashes,
- `duplicate_grid`: (D, 8, 8, 3) float32 colour grids of the photos left out as duplicates
  (so re-indexing need not read them again).
"""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from PIL import Image

from renderers.atomic import atomic_path
from renderers.cairo import TileSource
from renderers.scene import MosaicLayer, SceneError

FORMAT = "genart.collection"
VERSION = 1
GRID = 8  # side of the stored colour grid; features of coarser grids are block means of it
LAB_GRID = 4  # side of the stored Lab grid (block means of the 8×8 grid in Lab)


class CollectionError(ValueError):
    """A collection file that is missing, unreadable or not a collection; one-line message."""


def _memmap_npz(path: Path) -> dict[str, np.ndarray]:
    """Read-only views of every array in an uncompressed `.npz`, backed by one memory map."""
    whole = np.memmap(path, np.uint8, mode="r")
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as raw:
        for info in zf.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise CollectionError(f"{path}: member {info.filename} is not a stored .npy array")
            raw.seek(info.header_offset)
            name_len, extra_len = struct.unpack("<HH", raw.read(30)[26:30])
            raw.seek(info.header_offset + 30 + name_len + extra_len)
            version = np.lib.format.read_magic(raw)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(raw)
            if dtype.hasobject or fortran:
                raise CollectionError(f"{path}: member {info.filename} has an unsupported layout")
            arrays[info.filename[:-4]] = np.ndarray(shape, dtype, buffer=whole, offset=raw.tell())
    return arrays


@dataclass(frozen=True)
class Blocks:
    """An array given as consecutive blocks of its rows (views into memory maps, say), written without stacking."""

    blocks: Sequence[np.ndarray]
    row_shape: tuple[int, ...]
    dtype: np.dtype


def _write_member(zf: zipfile.ZipFile, name: str, array: np.ndarray | Blocks) -> None:
    """One stored `.npy` member, as `np.savez` writes it, from an array or from its blocks of rows."""
    if isinstance(array, Blocks):
        shape, dtype = (sum(len(b) for b in array.blocks), *array.row_shape), np.dtype(array.dtype)
        blocks = array.blocks
    else:
        blocks = [np.ascontiguousarray(array)]
        shape, dtype = blocks[0].shape, blocks[0].dtype
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    with zf.open(f"{name}.npy", "w", force_zip64=True) as out:
        np.lib.format.write_array_header_1_0(out, header)
        for block in blocks:
            out.write(np.ascontiguousarray(block, dtype).data)


def write_collection(path: str | Path, meta: dict[str, Any], arrays: dict[str, np.ndarray | Blocks]) -> None:
    """Write a collection file atomically (an uncompressed `.npz`, so it can be memory-mapped)."""
    payload = {"meta": np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays}
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in payload.items():
            _write_member(zf, name, array)


@dataclass(frozen=True)
class Collection:
    """An indexed photo collection: tiles by id (0..N-1), thumbnails and colour features."""

    path: Path
    meta: dict[str, Any]
    thumbs: dict[int, np.ndarray]
    rgb_grid: np.ndarray
    lab_mean: np.ndarray
    lab_grid: np.ndarray
    phash: np.ndarray
    duplicate_grid: np.ndarray

    @classmethod
    def load(cls, path: str | Path) -> Collection:
        """Open a collection file (memory-mapped); CollectionError if it is not one."""
        path = Path(path)
        if not path.is_file():
            raise CollectionError(f"{path}: no such collection file")
        try:
            arrays = _memmap_npz(path)
            meta = json.loads(bytes(arrays.pop("meta")).decode())
        except CollectionError:
            raise
        except Exception as exc:  # zipfile, numpy and json raise many types for foreign files
            raise CollectionError(f"{path}: not a genart collection ({type(exc).__name__}: {exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise CollectionError(f"{path}: not a genart collection (format {FORMAT!r} v{VERSION} expected)")
        try:
            thumbs = {int(s): arrays[f"thumbs_{int(s)}"] for s in meta["sizes"]}
            out = cls(path, meta, thumbs, arrays["rgb_grid"], arrays["lab_mean"], arrays["lab_grid"], arrays["phash"],
                      arrays["duplicate_grid"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CollectionError(f"{path}: collection is incomplete ({exc})") from None
        n = len(out.phash)
        if any(t.shape[0] != n for t in thumbs.values()) or len(out.rgb_grid) != n or not thumbs:
            raise CollectionError(f"{path}: collection arrays disagree in length")
        return out

    def __len__(self) -> int:
        return int(self.phash.shape[0])

    @property
    def sizes(self) -> list[int]:
        """Stored thumbnail sizes in pixels, ascending."""
        return sorted(self.thumbs)

    @property
    def names(self) -> list[str]:
        """The file (relative to the indexed folder) each tile came from."""
        return list(self.meta["tiles"])

    def tile(self, tile_id: int, size_px: int) -> np.ndarray:
        """Tile `tile_id` as square RGB uint8: the smallest stored size ≥ size_px, else the largest resized."""
        if not 0 <= tile_id < len(self):
            raise IndexError(f"tile {tile_id} is not in this collection of {len(self)} tiles")
        fits = [s for s in self.sizes if s >= size_px]
        if fits:
            return self.thumbs[fits[0]][tile_id]
        big = np.asarray(self.thumbs[self.sizes[-1]][tile_id])
        return np.asarray(Image.fromarray(big).resize((size_px, size_px), Image.Resampling.BICUBIC))

    def tile_exact(self, tile_id: int, size_px: int) -> np.ndarray:
        """Tile `tile_id` resized to exactly size_px × size_px."""
        img = self.tile(tile_id, size_px)
        if img.shape[0] == size_px:
            return img
        return np.asarray(Image.fromarray(np.asarray(img)).resize((size_px, size_px), Image.Resampling.BOX, reducing_gap=2.0))


def resolve_collection(name: str, scene_path: str | Path | None = None, given: str | Path | None = None) -> Path:
    """The collection file of a mosaic layer naming `name`: `given` (the user's --collection) when there
    is one, else `name` relative to the scene file's folder (the current folder without a scene file).

    A scene may only name a file inside its own folder: an absolute name or one whose `..` leaves the
    folder is refused before anything is looked up, so a scene file cannot probe the disk.
    """
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise SceneError(f"--collection {path}: no such file")
        return path
    parts = PurePosixPath(name.replace("\\", "/")).parts
    depth = 0
    for part in parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            break
    if not parts or PurePosixPath(name).is_absolute() or Path(name).is_absolute() or depth < 0 or ":" in parts[0]:
        raise SceneError(f"mosaic collection {name!r} is outside the scene's folder; "
                         "say where it is with --collection PATH")
    folder = Path(scene_path).parent if scene_path is not None else Path.cwd()
    path = folder / name
    if not path.is_file():
        raise SceneError(f"mosaic collection {name} not found beside the scene (in {folder}); "
                         "say where it is with --collection PATH")
    return path


def open_tiles(layer: MosaicLayer, scene_path: str | Path | None = None, given: str | Path | None = None) -> TileSource:
    """The tile source of a mosaic layer: its collection (see `resolve_collection`), loaded."""
    path = resolve_collection(layer.collection, scene_path, given)
    try:
        collection = Collection.load(path)
    except CollectionError as exc:
        raise SceneError(str(exc)) from None
    top = max(layer.tiles, default=-1)
    if top >= len(collection):
        raise SceneError(f"mosaic uses tile {top} but collection {path} holds only {len(collection)} tiles")
    return collection.tile
