"""Indexing a folder of photos into a collection file, in parallel and incrementally.

The folder is scanned (`scan`), the photos are read (`reading`, on an `Execution`: `transport`),
near duplicates are found (`duplicates`; only the first of each group becomes a tile) and the
collection is written. Re-indexing reuses every record whose file size and modification time are
unchanged, so only new or changed files are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from genart.generative.mosaic.collection import FORMAT, VERSION, Blocks, Collection, CollectionError, write_collection
from genart.generative.mosaic.duplicates import find_duplicates
from genart.generative.mosaic.reading import Features
from genart.generative.mosaic.scan import FileItem, scan
from genart.generative.mosaic.transport import Thumbs, read_all
from genart.runtime.execution import Execution, open_execution
from genart.runtime.progress import SILENT, Reporter

DEFAULT_SIZES = (16, 32, 64)


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


@dataclass
class _Files:
    """Every image file found, one row each in scan order, and what is known of it so far (rows in step)."""

    items: list[FileItem]
    feats: Features  # read error, hash and colour features
    reused: np.ndarray  # (n,) bool: taken from the previous collection, not read
    source: np.ndarray  # (n,) which of `sources` holds its thumbnails (-1: none)
    row: np.ndarray  # (n,) its row there
    rank: np.ndarray  # (n,) its place among the tiles: the previous collection's order, new files after
    sources: list[Thumbs] = field(default_factory=list)

    @classmethod
    def found(cls, items: list[FileItem]) -> _Files:
        """Files nothing is known of yet."""
        n = len(items)
        return cls(items, Features.empty(n), np.zeros(n, bool), np.full(n, -1), np.zeros(n, np.int64),
                   np.zeros(n, np.int64))

    def reuse(self, previous: Collection) -> None:
        """Take the unchanged files' records and thumbnails from the previous collection."""
        self.reused, self.row = _reuse(previous, self.items, self.feats)
        self.source[self.row >= 0] = 0
        self.sources.append(previous.thumbs)
        old_order = {name: i for i, name in enumerate(previous.names)}
        self.rank = np.array([old_order.get(rel, len(old_order)) for rel, _, _ in self.items], np.int64)

    def read(self, todo: np.ndarray, folder: Path, sizes: tuple[int, ...], execution: Execution,
             reporter: Reporter) -> None:
        """Read the files `todo` (indices), keeping their features and where their thumbnails are."""
        got, thumbs = read_all(folder, [self.items[k] for k in todo], sizes, execution, reporter)
        self.feats.put(todo, got)
        read = np.array([e is None for e in got.errors], bool)
        self.sources.append(thumbs)
        self.source[todo[read]] = len(self.sources) - 1
        self.row[todo[read]] = np.flatnonzero(read)

    def readable(self) -> np.ndarray:
        """The files read without error, in tile order."""
        return np.array([k for k in np.argsort(self.rank, kind="stable").tolist() if self.feats.errors[k] is None],
                        np.int64)


def _reuse(previous: Collection, items: list[FileItem], feats: Features) -> tuple[np.ndarray, np.ndarray]:
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
    reporter: Reporter = SILENT,
    warn: Callable[[str], Any] | None = None,
    scheduler: str | None = None,
) -> IndexReport:
    """Index the photos under `folder` into the collection file `output`, reusing it if it exists.

    Unchanged files (same size and mtime) are taken from the existing file; tiles keep their
    ids across re-indexing except where files were removed (new ones are appended). Files
    are read on `jobs` local processes (default all cores), or on the Dask scheduler
    `scheduler` (or $GENART_SCHEDULER); the collection is the same either way. The photos
    read are counted to `reporter`; each unreadable file is told to `warn`.
    """
    folder = Path(folder)
    sizes = tuple(sorted({int(s) for s in sizes}))
    if not folder.is_dir():
        raise CollectionError(f"{folder}: no such folder")
    if not sizes or sizes[0] < 1 or sizes[-1] > 1024:
        raise CollectionError(f"thumbnail sizes must be between 1 and 1024 px, got {list(sizes)}")
    items, ignored = scan(folder)
    files = _Files.found(items)
    previous = Collection.load(output) if Path(output).exists() else None
    if previous is not None and tuple(previous.sizes) == sizes:
        files.reuse(previous)
    with open_execution(jobs if jobs is None or jobs > 1 else 0, scheduler) as execution:
        readable, dup_of = _read_until_settled(files, folder, sizes, execution, reporter)
    tiles, dups = readable[dup_of < 0], readable[dup_of >= 0]
    records, messages = _records(files, readable, dup_of)
    if warn:
        for message in messages:
            warn(message)
    if not len(tiles):  # a collection of no tiles could build nothing: refuse it, keeping any previous one
        raise CollectionError(f"{folder}: no photos to index ({len(messages)} unreadable, {ignored} other files "
                              "skipped)")
    meta = {"format": FORMAT, "version": VERSION, "sizes": list(sizes), "folder": str(folder.resolve()),
            "tiles": [items[k][0] for k in tiles], "files": records}
    write_collection(output, meta, _arrays(files, tiles, dups, sizes))
    processed = int(len(items) - files.reused.sum())
    return IndexReport(tiles=len(tiles), processed=processed, reused=len(items) - processed,
                       unreadable=len(messages), duplicates=len(dups), ignored=ignored, warnings=messages)


def _read_until_settled(files: _Files, folder: Path, sizes: tuple[int, ...], execution: Execution,
                        reporter: Reporter) -> tuple[np.ndarray, np.ndarray]:
    """Read what is not known yet; the readable files (in tile order) and the earlier file each duplicates (-1).

    Duplicates are stored without thumbnails: one is read again only if it is kept now (its
    original went); each round reads only files never read before, so this ends.
    """
    todo = np.flatnonzero(~files.reused)
    while True:
        if len(todo):
            files.read(todo, folder, sizes, execution, reporter)
        readable = files.readable()
        dup_of = find_duplicates(files.feats.phash[readable], files.feats.lab_grid[readable])
        todo = readable[(dup_of < 0) & (files.source[readable] < 0)]
        if not len(todo):
            return readable, dup_of


def _records(files: _Files, readable: np.ndarray, dup_of: np.ndarray) -> tuple[list[dict[str, Any]], list[str]]:
    """Each file's record for the collection's meta (its tile, the photo it duplicates or its error),
    and a warning for each unreadable file."""
    items, feats = files.items, files.feats
    tile_of = {int(k): i for i, k in enumerate(readable[dup_of < 0])}
    dup_index = {int(k): i for i, k in enumerate(readable[dup_of >= 0])}
    dup_source = {int(k): items[readable[d]][0] for k, d in zip(readable.tolist(), dup_of.tolist()) if d >= 0}
    records, messages = [], []
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
        records.append(rec)
    return records, messages


def _arrays(files: _Files, tiles: np.ndarray, dups: np.ndarray, sizes: tuple[int, ...]) -> dict[str, np.ndarray | Blocks]:
    """The collection's arrays: the tiles' thumbnails (gathered from where they are) and features,
    and the duplicates' colour grids."""
    runs = _runs(files.source[tiles], files.row[tiles])
    arrays: dict[str, np.ndarray | Blocks] = {
        f"thumbs_{s}": Blocks([files.sources[src][s][a:b] for src, a, b in runs], (s, s, 3), np.dtype(np.uint8))
        for s in sizes}
    feats = files.feats
    arrays.update(rgb_grid=feats.rgb_grid[tiles], lab_grid=feats.lab_grid[tiles], lab_mean=feats.lab_mean[tiles],
                  phash=feats.phash[tiles], duplicate_grid=feats.rgb_grid[dups])
    return arrays
