"""Indexing a folder of photos into a collection file, in parallel and incrementally.

Each readable photo is cropped to its centre square and reduced to thumbnails at a few
sizes plus an 8×8 grid of mean colours; a perceptual hash (with a colour check) finds
near-duplicate photos, of which only the first is kept. Re-indexing reuses every record
whose file size and modification time are unchanged, so only new or changed files are read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from PIL import Image
from tqdm import tqdm

from generative.mosaic.collection import FORMAT, GRID, VERSION, Collection, CollectionError, Rows, write_collection
from generative.mosaic.features import block_means, to_lab

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
DEFAULT_SIZES = (16, 32, 64)
DUPLICATE_BITS = 6  # phash Hamming distance (of 64 bits) at or below which photos may be duplicates
DUPLICATE_DELTA_E = 4.0  # ... and their 4×4 Lab grids must also differ by at most this RMS ΔE
MAX_PHOTO_PIXELS = 100_000_000


@dataclass
class Photo:
    """What indexing one file yields: thumbnails and features, or the reason it was unreadable."""

    path: str
    size: int
    mtime_ns: int
    error: str | None = None
    phash: int = 0
    thumbs: dict[int, np.ndarray] = field(default_factory=dict)
    rgb_grid: np.ndarray | None = None


@dataclass(frozen=True)
class IndexReport:
    """Counts from one indexing run."""

    tiles: int
    processed: int
    reused: int
    unreadable: int
    duplicates: int
    ignored: int
    warnings: list[str]


def scan(folder: Path) -> tuple[list[tuple[str, int, int]], int]:
    """Image files under `folder` as sorted (relative path, size, mtime_ns), and the count of other files."""
    found, ignored = [], 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in files:
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in IMAGE_SUFFIXES:
                ignored += 1
                continue
            st = os.stat(os.path.join(root, name))
            found.append((prefix + name, st.st_size, st.st_mtime_ns))
    return sorted(found), ignored


def _open_rgb(path: Path, draft: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            if im.size[0] * im.size[1] > MAX_PHOTO_PIXELS:
                raise ValueError(f"{im.size[0]}x{im.size[1]} is too large")
            im.draft("RGB", (draft, draft))
            im.load()
            if im.mode in ("RGBA", "LA", "P", "PA"):
                im = im.convert("RGBA")
                im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
            return im.convert("RGB")


def process_photo(folder: Path, item: tuple[str, int, int], sizes: tuple[int, ...]) -> Photo:
    """Read one photo: perceptual hash, centre-square thumbnails, 8×8 colour grid (errors are recorded)."""
    rel, size, mtime = item
    try:
        im = _open_rgb(folder / rel, max(max(sizes), 4 * GRID))
        w, h = im.size
        side = min(w, h)
        if side < 1:
            raise ValueError("image is empty")
        left, top = (w - side) // 2, (h - side) // 2
        square = im.crop((left, top, left + side, top + side))
        thumbs = {s: np.asarray(square.resize((s, s), Image.Resampling.LANCZOS, reducing_gap=3.0)) for s in sizes}
        small = np.asarray(square.resize((4 * GRID, 4 * GRID), Image.Resampling.BOX), np.float32) / 255.0
        grid = block_means(small[None], GRID)[0]
        return Photo(rel, size, mtime, phash=int(str(imagehash.phash(im)), 16), thumbs=thumbs, rgb_grid=grid)
    except Exception as exc:  # Pillow raises many types for corrupt files
        return Photo(rel, size, mtime, error=f"{type(exc).__name__}: {exc}".splitlines()[0][:200])


def _process_chunk(folder: Path, start: int, items: list[tuple[str, int, int]], sizes: tuple[int, ...],
                   stores: dict[int, str]) -> list[Photo]:
    """Process photos start, start + 1, ...; thumbnails go straight into the shared stores."""
    maps = {s: np.load(path, mmap_mode="r+") for s, path in stores.items()}
    out = []
    for k, item in enumerate(items):
        photo = process_photo(folder, item, sizes)
        for s, thumb in photo.thumbs.items():
            maps[s][start + k] = thumb
        photo.thumbs = {}
        out.append(photo)
    return out


def _scratch_dir(need: int) -> str | None:
    """Shared memory (/dev/shm) for `need` bytes of worker output if it has room twice over, else the temp dir.

    Pages written there are never flushed to a disk, which on a disk-backed /tmp costs
    the workers time.
    """
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * need:
            return str(shm)
    except OSError:
        pass
    return None


def process_all(folder: Path, items: list[tuple[str, int, int]], sizes: tuple[int, ...], jobs: int, progress: bool) -> list[Photo]:
    """Process photos on `jobs` processes (1: in this process) with a progress bar; input order kept.

    Worker processes write thumbnails into memory-mapped files shared with this process, so
    only small records travel back (sending the pixels through pipes costs more than
    making them).
    """
    bar = tqdm(total=len(items), unit="photo", desc="indexing", file=sys.stderr, disable=not progress or not items)
    out: list[Photo] = []
    with bar:
        if jobs <= 1 or len(items) < 2:
            for item in items:
                out.append(process_photo(folder, item, sizes))
                bar.update()
            return out
        chunk = max(1, min(64, len(items) // (jobs * 8)))
        starts = list(range(0, len(items), chunk))
        need = len(items) * sum(3 * s * s for s in sizes)
        with tempfile.TemporaryDirectory(prefix="genart-index-", dir=_scratch_dir(need)) as tmp:
            stores = {s: str(Path(tmp) / f"thumbs_{s}.npy") for s in sizes}
            maps = {s: np.asarray(np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(len(items), s, s, 3)))
                    for s, path in stores.items()}  # plain views of the mapped files: cheap to index
            with ProcessPoolExecutor(jobs) as pool:
                futures = [pool.submit(_process_chunk, folder, i, items[i : i + chunk], sizes, stores) for i in starts]
                for start, future in zip(starts, futures):
                    photos = future.result()
                    for k, photo in enumerate(photos):
                        if photo.error is None:
                            photo.thumbs = {s: maps[s][start + k] for s in sizes}
                    out.extend(photos)
                    bar.update(len(photos))
    return out


def find_duplicates(phash: np.ndarray, lab_grid: np.ndarray, bits: int = DUPLICATE_BITS, delta_e: float = DUPLICATE_DELTA_E) -> np.ndarray:
    """For each photo, the index of the earlier photo it nearly duplicates, or -1 (the first of each group is kept).

    Near duplicates have perceptual hashes at most `bits` apart and 4×4 Lab grids at most
    `delta_e` apart (RMS ΔE), so flat patches of different colours are not merged.
    """
    n = len(phash)
    of = np.full(n, -1, np.int64)
    i, j = _near_pairs(np.asarray(phash, np.uint64), bits)
    grids = lab_grid.reshape(n, int(np.prod(lab_grid.shape[1:-1])), 3).astype(np.float64)
    close = np.zeros(len(i), bool)
    for k in range(0, len(i), 65536):  # in blocks: equal hashes can pair up by the million
        a, b = i[k : k + 65536], j[k : k + 65536]
        close[k : k + 65536] = np.sqrt(np.mean(np.sum((grids[a] - grids[b]) ** 2, axis=2), axis=1)) <= delta_e
    for a, b in zip(i[close].tolist(), j[close].tolist()):  # in order of (i, j): the first of a group wins
        if of[a] < 0 and of[b] < 0:
            of[b] = a
    return of


def _run_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (p, q), p < q, of every pair of equal entries of the sorted array `keys`."""
    n = len(keys)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    counts = ends - np.arange(n) - 1
    p = np.repeat(np.arange(n), counts)
    q = p + 1 + np.arange(len(p)) - np.repeat(np.cumsum(counts) - counts, counts)
    return p, q


def _near_pairs(hashes: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs i < j of hashes at most `bits` apart, sorted by (i, j).

    Two distinct such hashes agree exactly on at least one of `bits` + 1 bands of their
    64 bits (pigeonhole), so only distinct hashes sharing a band's value are compared
    (about n²/2^10 pairs instead of n²/2); photos with equal hashes pair up directly.
    """
    n = len(hashes)
    uniq, inv = np.unique(hashes, return_inverse=True)
    edges = np.linspace(0, 64, bits + 2).astype(np.uint64)
    keys = [(uniq >> lo) & np.uint64((1 << int(hi - lo)) - 1) for lo, hi in pairwise(edges)]
    near_a, near_b = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for k, key in enumerate(keys):
        order = np.argsort(key, kind="stable")
        p, q = _run_pairs(key[order])
        a, b = order[p], order[q]
        keep = np.bitwise_count(uniq[a] ^ uniq[b]) <= bits
        for earlier in keys[:k]:  # found once: in the first band the two agree on
            keep &= earlier[a] != earlier[b]
        near_a.append(a[keep])
        near_b.append(b[keep])
    ua, ub = np.concatenate(near_a), np.concatenate(near_b)
    members = np.argsort(inv, kind="stable")  # photos grouped by hash
    count = np.bincount(inv, minlength=len(uniq))
    start = np.cumsum(count) - count
    pairs = count[ua] * count[ub]  # every photo of one hash with every photo of the other
    which = np.repeat(np.arange(len(ua)), pairs)
    rank = np.arange(len(which)) - np.repeat(np.cumsum(pairs) - pairs, pairs)
    cross_i = members[start[ua][which] + rank // count[ub][which]]
    cross_j = members[start[ub][which] + rank % count[ub][which]]
    p, q = _run_pairs(inv[members])  # photos with equal hashes
    i = np.concatenate([members[p], np.minimum(cross_i, cross_j)])
    j = np.concatenate([members[q], np.maximum(cross_i, cross_j)])
    order = np.argsort(i * n + j, kind="stable")
    return i[order], j[order]


def _photo_arrays(photos: list[Photo], sizes: tuple[int, ...], lab: np.ndarray) -> dict[str, np.ndarray | Rows]:
    """The collection's arrays for the kept photos; `lab` is their 8×8 grid in Lab."""
    n = len(photos)
    arrays: dict[str, np.ndarray | Rows] = {
        f"thumbs_{s}": Rows([p.thumbs[s] for p in photos], (s, s, 3), np.dtype(np.uint8)) for s in sizes}
    arrays["rgb_grid"] = np.array([p.rgb_grid for p in photos], np.float32).reshape(n, GRID, GRID, 3)
    arrays["lab_grid"] = block_means(lab, 4)
    arrays["lab_mean"] = lab.reshape(n, -1, 3).mean(axis=1)
    arrays["phash"] = np.array([p.phash for p in photos], np.uint64)
    return arrays


def _cached(previous: Collection) -> dict[str, Photo]:
    """Records of the previous index by path; tiles carry their thumbnails (memory-mapped)."""
    out: dict[str, Photo] = {}
    for rec in previous.meta["files"]:
        photo = Photo(rec["path"], rec["size"], rec["mtime_ns"], error=rec.get("error"), phash=int(rec.get("phash", 0)))
        if rec.get("tile") is not None:
            photo.thumbs = {s: previous.thumbs[s][rec["tile"]] for s in previous.sizes}
            photo.rgb_grid = previous.rgb_grid[rec["tile"]]
        elif rec.get("duplicate") is not None:
            photo.rgb_grid = previous.duplicate_grid[rec["duplicate"]]
        out[rec["path"]] = photo
    return out


def index_folder(
    folder: str | Path,
    output: str | Path,
    sizes: Iterable[int] = DEFAULT_SIZES,
    jobs: int | None = None,
    progress: bool = True,
    warn: Callable[[str], Any] | None = None,
) -> IndexReport:
    """Index the photos under `folder` into the collection file `output`, reusing it if it exists.

    Unchanged files (same size and mtime) are taken from the existing file; tiles keep their
    ids across re-indexing except where files were removed (new ones are appended).
    """
    folder = Path(folder)
    sizes = tuple(sorted({int(s) for s in sizes}))
    if not folder.is_dir():
        raise CollectionError(f"{folder}: no such folder")
    if not sizes or sizes[0] < 1 or sizes[-1] > 1024:
        raise CollectionError(f"thumbnail sizes must be between 1 and 1024 px, got {list(sizes)}")
    items, ignored = scan(folder)
    cache: dict[str, Photo] = {}
    old_order: dict[str, int] = {}
    if Path(output).exists():
        previous = Collection.load(output)
        if tuple(previous.sizes) == sizes:
            cache = _cached(previous)
            old_order = {name: i for i, name in enumerate(previous.names)}
    photos: dict[str, Photo] = {}
    todo = []
    for item in items:
        hit = cache.get(item[0])
        usable = hit is not None and (hit.size, hit.mtime_ns) == item[1:] and (hit.error or hit.rgb_grid is not None)
        if usable:
            photos[item[0]] = hit
        else:
            todo.append(item)
    # duplicates are stored without thumbnails: re-read one only if it is kept now (its original went)
    for _ in range(2):
        for p in process_all(folder, todo, sizes, jobs or os.cpu_count() or 1, progress):
            photos[p.path] = p
        readable = [p for p in photos.values() if p.error is None]
        readable.sort(key=lambda p: (old_order.get(p.path, len(old_order)), p.path))
        grids = np.array([p.rgb_grid for p in readable], np.float32).reshape(-1, GRID, GRID, 3)
        lab = to_lab(grids)
        dup_of = find_duplicates(np.array([p.phash for p in readable], np.uint64), block_means(lab, 4))
        todo = [(p.path, p.size, p.mtime_ns) for p, d in zip(readable, dup_of) if d < 0 and not p.thumbs]
        if not todo:
            break
    tiles = [p for p, d in zip(readable, dup_of) if d < 0]
    dups = [p for p, d in zip(readable, dup_of) if d >= 0]
    tile_of = {p.path: i for i, p in enumerate(tiles)}
    dup_index = {p.path: i for i, p in enumerate(dups)}
    dup_source = {p.path: readable[d].path for p, d in zip(readable, dup_of) if d >= 0}
    files, messages = [], []
    for rel, _, _ in items:
        p = photos[rel]
        rec: dict[str, Any] = {"path": rel, "size": p.size, "mtime_ns": p.mtime_ns}
        if p.error is not None:
            rec["error"] = p.error
            messages.append(f"skipped unreadable {rel} ({p.error})")
        else:
            rec["phash"] = str(p.phash)
            if rel in tile_of:
                rec["tile"] = tile_of[rel]
            else:
                rec.update(duplicate=dup_index[rel], duplicate_of=dup_source[rel])
        files.append(rec)
    if warn:
        for m in messages:
            warn(m)
    meta = {"format": FORMAT, "version": VERSION, "sizes": list(sizes), "folder": str(folder.resolve()),
            "tiles": [p.path for p in tiles], "files": files}
    arrays = _photo_arrays(tiles, sizes, lab[dup_of < 0])
    arrays["duplicate_grid"] = np.array([p.rgb_grid for p in dups], np.float32).reshape(-1, GRID, GRID, 3)
    write_collection(output, meta, arrays)
    processed = len(items) - sum(1 for rel, _, _ in items if cache.get(rel) is photos[rel])
    return IndexReport(tiles=len(tiles), processed=processed, reused=len(items) - processed,
                       unreadable=len(messages), duplicates=len(dups), ignored=ignored, warnings=messages)
