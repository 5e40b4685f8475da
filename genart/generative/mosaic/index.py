"""Indexing a folder of photos into a collection file, in parallel and incrementally.

Each readable photo, turned as its EXIF orientation says, is cropped to its centre square and
reduced to thumbnails at a few sizes plus an 8×8 grid of mean colours; a perceptual hash (with a
colour check) finds near-duplicate photos, of which only the first is kept. Re-indexing reuses every record
whose file size and modification time are unchanged, so only new or changed files are read.

Batches of files are read on an `Execution` (`genart.generative.execution`): local processes
write thumbnails into shared memory; Dask workers get the photos' bytes with their batch
(read here, so the workers need no shared file system) and send the thumbnails back.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from genart.generative.images import decoding, upright
from genart.generative.mosaic.collection import (
    FORMAT,
    GRID,
    LAB_GRID,
    VERSION,
    Blocks,
    Collection,
    CollectionError,
    write_collection,
)
from genart.generative.mosaic.features import block_means, to_lab
from genart.runtime.execution import Execution, open_execution

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
DEFAULT_SIZES = (16, 32, 64)
DUPLICATE_BITS = 6  # phash Hamming distance (of 64 bits) at or below which photos may be duplicates
DUPLICATE_DELTA_E = 4.0  # ... and their 4×4 Lab grids must also differ by at most this RMS ΔE
MAX_PHOTO_PIXELS = 100_000_000
CHUNK = 64  # files per unit of work (and per progress-bar step)
MAX_SENT_BYTES = 256 * 2**20  # a larger photo is not sent to a Dask worker (and is skipped as unreadable)


@dataclass
class Features:
    """What reading a run of files yields, per file: the error (None when read), hash and colour features."""

    errors: list[str | None]
    phash: np.ndarray  # (k,) uint64 perceptual hashes
    rgb_grid: np.ndarray  # (k, GRID, GRID, 3) float32 mean RGB in [0, 1]
    lab_grid: np.ndarray  # (k, LAB_GRID, LAB_GRID, 3) float32 CIE Lab block means
    lab_mean: np.ndarray  # (k, 3) float32

    @classmethod
    def of_rgb(cls, errors: list[str | None], phash: np.ndarray, rgb_grid: np.ndarray) -> Features:
        """Features with the Lab ones computed from the RGB grids."""
        lab = to_lab(rgb_grid)
        return cls(errors, phash, rgb_grid, block_means(lab, LAB_GRID), lab.mean(axis=(1, 2)))

    @classmethod
    def empty(cls, n: int) -> Features:
        """Features of `n` files, all zero."""
        return cls([None] * n, np.zeros(n, np.uint64), np.zeros((n, GRID, GRID, 3), np.float32),
                   np.zeros((n, LAB_GRID, LAB_GRID, 3), np.float32), np.zeros((n, 3), np.float32))

    def put(self, at: np.ndarray, other: Features) -> None:
        """Set the files at positions `at` to `other`'s."""
        for k, error in zip(at.tolist(), other.errors):
            self.errors[k] = error
        for name in _ARRAYS:
            getattr(self, name)[at] = getattr(other, name)


_ARRAYS = ("phash", "rgb_grid", "lab_grid", "lab_mean")  # the array fields of Features, in order


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
    """Image files under `folder` as sorted (relative path, size, mtime_ns), and the count of other files.

    Hidden files and folders are left out; symbolic links to folders are not followed; only regular
    files (or links to them) are images, so a FIFO, a device or a dangling link is counted as other.
    """
    found, ignored = [], 0
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    ignored += not entry.is_dir(follow_symlinks=False)
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                elif os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES:
                    try:
                        st = entry.stat() if entry.is_file() else None
                    except OSError:  # a link loop
                        st = None
                    if st is None:  # a FIFO, device or dangling link is not read: it could hang or fail
                        ignored += 1
                    else:
                        found.append((prefix + entry.name, st.st_size, st.st_mtime_ns))
                else:
                    ignored += 1
    return sorted(found), ignored


class _Sent(io.BytesIO):
    """A photo's bytes that travelled to a worker; shown as its path, so Pillow's errors read as they would here."""

    def __init__(self, data: bytes, path: Path) -> None:
        super().__init__(data)
        self.path = path

    def __repr__(self) -> str:
        return repr(str(self.path))


def _open_rgb(path: Path | _Sent, draft: int) -> Image.Image:
    with decoding(), Image.open(path) as im:
        if im.size[0] * im.size[1] > MAX_PHOTO_PIXELS:
            raise ValueError(f"{im.size[0]}x{im.size[1]} is too large")
        im.draft("RGB", (draft, draft))
        im.load()
        upright(im)
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
        return im.convert("RGB")


def read_photo(path: Path | _Sent, sizes: tuple[int, ...]) -> tuple[int, dict[int, np.ndarray], np.ndarray]:
    """One photo's perceptual hash, centre-square thumbnails by size and 8×8 mean-RGB grid in [0, 1]."""
    im = _open_rgb(path, max(max(sizes), 4 * GRID))
    w, h = im.size
    side = min(w, h)
    if side < 1:
        raise ValueError("image is empty")
    left, top = (w - side) // 2, (h - side) // 2
    square = im.crop((left, top, left + side, top + side))
    thumbs = {s: np.asarray(square.resize((s, s), Image.Resampling.LANCZOS, reducing_gap=3.0)) for s in sizes}
    small = np.asarray(square.resize((4 * GRID, 4 * GRID), Image.Resampling.BOX), np.float32) / 255.0
    return int(str(imagehash.phash(im)), 16), thumbs, block_means(small[None], GRID)[0]


def read_run(folder: Path, items: list[tuple[str, int, int]], sizes: tuple[int, ...],
             thumbs: dict[int, np.ndarray], start: int, sent: list[bytes | str] | None = None) -> Features:
    """Read files into rows start, start + 1, ... of `thumbs`; their features, with errors recorded, not raised.

    With `sent`, file k is read from `sent[k]`: its bytes, or the error reading it gave.
    """
    errors: list[str | None] = [None] * len(items)
    phash = np.zeros(len(items), np.uint64)
    grid = np.zeros((len(items), GRID, GRID, 3), np.float32)
    for k, (rel, _, _) in enumerate(items):
        given = None if sent is None else sent[k]
        if isinstance(given, str):
            errors[k] = given
            continue
        try:
            h, made, grid[k] = read_photo(folder / rel if given is None else _Sent(given, folder / rel), sizes)
        except Exception as exc:  # Pillow raises many types for corrupt files
            errors[k] = _error_text(exc)
            continue
        phash[k] = h
        for s, thumb in made.items():
            thumbs[s][start + k] = thumb
    return Features.of_rgb(errors, phash, grid)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]


def _file_bytes(path: Path) -> bytes | str:
    """A photo's bytes to send to a worker, or the error reading it gave (as the worker would record it)."""
    try:
        if os.path.getsize(path) > MAX_SENT_BYTES:
            return f"ValueError: file is larger than {MAX_SENT_BYTES // 2**20} MiB"
        return path.read_bytes()
    except OSError as exc:
        return _error_text(exc)


def _read_sent(folder: Path, items: list[tuple[str, int, int]], sizes: tuple[int, ...],
               sent: list[bytes | str]) -> tuple[Features, dict[int, np.ndarray]]:
    """A Dask worker's `read_run` of photos sent as bytes: features and thumbnails of the batch."""
    thumbs = {s: np.zeros((len(items), s, s, 3), np.uint8) for s in sizes}
    return read_run(folder, items, sizes, thumbs, 0, sent), thumbs


def _read_chunk(folder: Path, start: int, items: list[tuple[str, int, int]], sizes: tuple[int, ...],
                stores: dict[int, str]) -> Features:
    """A worker's `read_run`, into the memory-mapped files `stores` shared with the parent."""
    return read_run(folder, items, sizes, {s: np.load(path, mmap_mode="r+") for s, path in stores.items()}, start)


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


def read_all(folder: Path, items: list[tuple[str, int, int]], sizes: tuple[int, ...], execution: Execution,
             progress: bool) -> tuple[Features, dict[int, np.ndarray]]:
    """Read files on `execution` (one local worker: in this process) with a progress bar: features and
    thumbnails, in input order.

    Local worker processes write thumbnails into memory-mapped files shared with this
    process and return only the small feature arrays of their chunk (sending pixels or
    per-photo objects through pipes costs more than making them); the Lab conversion runs
    there too, so little is left to do here once the last chunk is in. Dask workers get
    each batch's bytes and return its thumbnails.
    """
    n = len(items)
    jobs = execution.workers
    bar = tqdm(total=n, unit="photo", desc="indexing", file=sys.stderr, disable=not progress or not items)
    parts: list[Features] = []
    with bar:
        if execution.distributed:
            chunk = max(1, min(CHUNK, n // (jobs * 8)))
            starts = range(0, n, chunk)
            thumbs = {s: np.empty((n, s, s, 3), np.uint8) for s in sizes}
            batches = ((folder, items[i : i + chunk], sizes, [_file_bytes(folder / rel) for rel, _, _ in items[i : i + chunk]])
                       for i in starts)
            got: list[Features | None] = [None] * len(starts)
            for k, (features, made) in execution.stream(_read_sent, batches, 2 * jobs):
                for s, rows in made.items():
                    thumbs[s][starts[k] : starts[k] + len(rows)] = rows
                got[k] = features
                bar.update(len(features.errors))
            parts = [part for part in got if part is not None]
        elif jobs <= 1 or n < 2:
            thumbs = {s: np.empty((n, s, s, 3), np.uint8) for s in sizes}
            for start in range(0, n, CHUNK):
                parts.append(read_run(folder, items[start : start + CHUNK], sizes, thumbs, start))
                bar.update(len(parts[-1].errors))
        else:
            chunk = max(1, min(CHUNK, n // (jobs * 8)))
            need = n * sum(3 * s * s for s in sizes)
            with tempfile.TemporaryDirectory(prefix="genart-index-", dir=_scratch_dir(need)) as tmp:
                stores = {s: str(Path(tmp) / f"thumbs_{s}.npy") for s in sizes}
                # plain views of the mapped files: cheap to index, and valid after the files are removed
                thumbs = {s: np.asarray(np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(n, s, s, 3)))
                          for s, path in stores.items()}
                futures = [execution.submit(_read_chunk, folder, i, items[i : i + chunk], sizes, stores)
                           for i in range(0, n, chunk)]
                for future in futures:
                    parts.append(execution.result(future))
                    bar.update(len(parts[-1].errors))
    if not parts:
        return Features.empty(0), thumbs
    errors = [e for part in parts for e in part.errors]
    return Features(errors, *(np.concatenate([getattr(p, name) for p in parts]) for name in _ARRAYS)), thumbs


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


def _reuse(previous: Collection, items: list[tuple[str, int, int]], feats: Features) -> tuple[np.ndarray, np.ndarray]:
    """Fill `feats` from the previous index for the unchanged files it holds (same size and mtime).

    Returns, per file, whether it was reused and its tile in the previous file (-1: none;
    its duplicates are stored without thumbnails). Records that do not fit the previous
    file's arrays are not reused.
    """
    files = previous.meta.get("files")
    records = {rec.get("path"): rec for rec in files if isinstance(rec, dict)} if isinstance(files, list) else {}
    reused, tile = np.zeros(len(items), bool), np.full(len(items), -1)
    dup_at, dup_rows = [], []
    for k, (rel, size, mtime) in enumerate(items):
        rec = records.get(rel)
        if rec is None or (rec.get("size"), rec.get("mtime_ns")) != (size, mtime) or not _is_hash(rec.get("phash", "0")):
            continue
        if isinstance(rec.get("error"), str):
            feats.errors[k] = rec["error"]
        elif isinstance(rec.get("tile"), int) and 0 <= rec["tile"] < len(previous):
            tile[k] = rec["tile"]
        elif isinstance(rec.get("duplicate"), int) and 0 <= rec["duplicate"] < len(previous.duplicate_grid):
            dup_at.append(k)
            dup_rows.append(rec["duplicate"])
        else:
            continue
        reused[k] = True
        feats.phash[k] = int(rec.get("phash", "0"))
    at = np.flatnonzero(tile >= 0)
    rows = tile[at]
    feats.put(at, Features([None] * len(at), feats.phash[at], previous.rgb_grid[rows], previous.lab_grid[rows],
                           previous.lab_mean[rows]))
    dups = Features.of_rgb([None] * len(dup_at), feats.phash[dup_at], np.asarray(previous.duplicate_grid[dup_rows], np.float32))
    feats.put(np.array(dup_at, np.int64), dups)
    return reused, tile


def _runs(source: np.ndarray, row: np.ndarray) -> list[tuple[int, int, int]]:
    """(source, first row, end row) of each run of consecutive rows of one source, in order."""
    if not len(row):
        return []
    breaks = np.flatnonzero((np.diff(source) != 0) | (np.diff(row) != 1)) + 1
    return [(int(source[a]), int(row[a]), int(row[b - 1]) + 1) for a, b in pairwise(np.r_[0, breaks, len(row)].tolist())]


def _is_hash(text: Any) -> bool:
    """Whether a stored perceptual hash is a decimal 64-bit number."""
    return isinstance(text, str) and text.isdecimal() and int(text) < 2**64


def index_folder(
    folder: str | Path,
    output: str | Path,
    sizes: Iterable[int] = DEFAULT_SIZES,
    jobs: int | None = None,
    progress: bool = True,
    warn: Callable[[str], Any] | None = None,
    scheduler: str | None = None,
) -> IndexReport:
    """Index the photos under `folder` into the collection file `output`, reusing it if it exists.

    Unchanged files (same size and mtime) are taken from the existing file; tiles keep their
    ids across re-indexing except where files were removed (new ones are appended). Files
    are read on `jobs` local processes (default all cores), or on the Dask scheduler
    `scheduler` (or $GENART_SCHEDULER); the collection is the same either way.
    """
    folder = Path(folder)
    sizes = tuple(sorted({int(s) for s in sizes}))
    if not folder.is_dir():
        raise CollectionError(f"{folder}: no such folder")
    if not sizes or sizes[0] < 1 or sizes[-1] > 1024:
        raise CollectionError(f"thumbnail sizes must be between 1 and 1024 px, got {list(sizes)}")
    items, ignored = scan(folder)
    n = len(items)
    feats = Features.empty(n)
    reused = np.zeros(n, bool)
    # where each file's thumbnails are: sources[source[k]][size][row[k]] (source -1: none)
    sources: list[dict[int, np.ndarray]] = []
    source, row = np.full(n, -1), np.zeros(n, np.int64)
    old_order: dict[str, int] = {}
    previous = Collection.load(output) if Path(output).exists() else None
    if previous is not None and tuple(previous.sizes) == sizes:
        reused, row = _reuse(previous, items, feats)
        source[row >= 0] = 0
        sources.append(previous.thumbs)
        old_order = {name: i for i, name in enumerate(previous.names)}
    rank = np.array([old_order.get(rel, len(old_order)) for rel, _, _ in items], np.int64)
    todo = np.flatnonzero(~reused)
    # duplicates are stored without thumbnails: one is read again only if it is kept now (its original went);
    # each round reads only files never read before, so this ends
    with open_execution(jobs if jobs is None or jobs > 1 else 0, scheduler) as execution:
        while True:
            if len(todo):
                got, thumbs = read_all(folder, [items[k] for k in todo], sizes, execution, progress)
                feats.put(todo, got)
                read = np.array([e is None for e in got.errors], bool)
                sources.append(thumbs)
                source[todo[read]] = len(sources) - 1
                row[todo[read]] = np.flatnonzero(read)
            readable = np.array([k for k in np.argsort(rank, kind="stable").tolist() if feats.errors[k] is None],
                                np.int64)
            dup_of = find_duplicates(feats.phash[readable], feats.lab_grid[readable])
            todo = readable[(dup_of < 0) & (source[readable] < 0)]
            if not len(todo):
                break
    tiles, dups = readable[dup_of < 0], readable[dup_of >= 0]
    tile_of = {int(k): i for i, k in enumerate(tiles)}
    dup_index = {int(k): i for i, k in enumerate(dups)}
    dup_source = {int(k): items[readable[d]][0] for k, d in zip(readable.tolist(), dup_of.tolist()) if d >= 0}
    files, messages = [], []
    for k, (rel, size, mtime) in enumerate(items):
        rec: dict[str, Any] = {"path": rel, "size": size, "mtime_ns": mtime}
        if feats.errors[k] is not None:
            rec["error"] = feats.errors[k]
            messages.append(f"skipped unreadable {rel} ({feats.errors[k]})")
        else:
            rec["phash"] = str(int(feats.phash[k]))
            if k in tile_of:
                rec["tile"] = tile_of[k]
            else:
                rec.update(duplicate=dup_index[k], duplicate_of=dup_source[k])
        files.append(rec)
    if warn:
        for m in messages:
            warn(m)
    if not len(tiles):  # a collection of no tiles could build nothing: refuse it, keeping any previous one
        raise CollectionError(f"{folder}: no photos to index ({len(messages)} unreadable, {ignored} other files "
                              "skipped)")
    meta = {"format": FORMAT, "version": VERSION, "sizes": list(sizes), "folder": str(folder.resolve()),
            "tiles": [items[k][0] for k in tiles], "files": files}
    runs = _runs(source[tiles], row[tiles])
    arrays: dict[str, np.ndarray | Blocks] = {
        f"thumbs_{s}": Blocks([sources[src][s][a:b] for src, a, b in runs], (s, s, 3), np.dtype(np.uint8)) for s in sizes}
    arrays.update(rgb_grid=feats.rgb_grid[tiles], lab_grid=feats.lab_grid[tiles], lab_mean=feats.lab_mean[tiles],
                  phash=feats.phash[tiles], duplicate_grid=feats.rgb_grid[dups])
    write_collection(output, meta, arrays)
    processed = int(n - reused.sum())
    return IndexReport(tiles=len(tiles), processed=processed, reused=n - processed,
                       unreadable=len(messages), duplicates=len(dups), ignored=ignored, warnings=messages)
