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

from genart.errors import GenartError
from genart.render.atomic import atomic_path
from genart.render.cairo import TileSource
from genart.render.scene import MosaicLayer, SceneError

FORMAT = "genart.collection"
VERSION = 1
GRID = 8  # side of the stored colour grid; features of coarser grids are block means of it
LAB_GRID = 4  # side of the stored Lab grid (block means of the 8×8 grid in Lab)
MAX_THUMB = 1024  # largest thumbnail side in pixels


class CollectionError(GenartError, ValueError):
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


def _sizes(meta: dict[str, Any]) -> list[int]:
    """The thumbnail sizes a collection's meta declares; ValueError unless distinct whole numbers 1..MAX_THUMB."""
    sizes = meta.get("sizes")
    if (not isinstance(sizes, list) or not sizes or len(set(sizes)) != len(sizes)
            or not all(type(s) is int and 1 <= s <= MAX_THUMB for s in sizes)):
        raise ValueError(f"meta.sizes must list distinct thumbnail sizes of 1 to {MAX_THUMB} px")
    return sizes


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
        """Open a collection file (memory-mapped) and check its arrays' shapes, types and values; CollectionError
        if it is not a whole and consistent collection."""
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
            thumbs = {size: arrays[f"thumbs_{size}"] for size in _sizes(meta)}
            out = cls(path, meta, thumbs, arrays["rgb_grid"], arrays["lab_mean"], arrays["lab_grid"], arrays["phash"],
                      arrays["duplicate_grid"])
        except KeyError as exc:
            raise CollectionError(f"{path}: collection is incomplete (no array {exc})") from None
        except ValueError as exc:
            raise CollectionError(f"{path}: {exc}") from None
        out._check()
        return out

    def _check(self) -> None:
        """Every array of the shape, type and range the meta implies; CollectionError naming the first that is not."""
        n = len(self.phash)
        if n == 0:
            raise CollectionError(f"{self.path}: the collection holds no tiles")
        tiles = self.meta.get("tiles")
        if not isinstance(tiles, list) or len(tiles) != n or not all(isinstance(t, str) for t in tiles):
            raise CollectionError(f"{self.path}: meta.tiles must name the file of each of the {n} tiles")
        expected: dict[str, tuple[np.ndarray, tuple[int, ...], type]] = {
            "phash": (self.phash, (n,), np.uint64),
            "rgb_grid": (self.rgb_grid, (n, GRID, GRID, 3), np.float32),
            "lab_mean": (self.lab_mean, (n, 3), np.float32),
            "lab_grid": (self.lab_grid, (n, LAB_GRID, LAB_GRID, 3), np.float32),
            "duplicate_grid": (self.duplicate_grid, (len(self.duplicate_grid), GRID, GRID, 3), np.float32),
            **{f"thumbs_{s}": (t, (n, s, s, 3), np.uint8) for s, t in self.thumbs.items()},
        }
        for name, (array, shape, dtype) in expected.items():
            if array.shape != shape or array.dtype != np.dtype(dtype):
                raise CollectionError(f"{self.path}: {name} is {array.dtype}{list(array.shape)}, "
                                      f"expected {np.dtype(dtype)}{list(shape)}")
        for name in ("rgb_grid", "duplicate_grid"):
            grid = expected[name][0]
            if grid.size and not (np.isfinite(grid).all() and grid.min() >= 0.0 and grid.max() <= 1.0):
                raise CollectionError(f"{self.path}: {name} holds values outside [0, 1] or not finite")
        for name in ("lab_mean", "lab_grid"):
            if not np.isfinite(expected[name][0]).all():
                raise CollectionError(f"{self.path}: {name} holds values that are not finite")

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
    folder is refused before anything is looked up, so a scene file cannot probe the disk, and so is a
    name whose symbolic links lead out of the folder.
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
    outside = SceneError(f"mosaic collection {name!r} is outside the scene's folder; "
                         "say where it is with --collection PATH")
    if not parts or PurePosixPath(name).is_absolute() or Path(name).is_absolute() or depth < 0 or ":" in parts[0]:
        raise outside
    folder = Path(scene_path).parent if scene_path is not None else Path.cwd()
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):  # a symbolic link out of the folder
        raise outside
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
