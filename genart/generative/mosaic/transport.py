"""Reading many photos on an `Execution`: in this process, on local workers through shared memory, or on Dask.

Local worker processes write thumbnails into memory-mapped files shared with this process and
return only the small feature arrays of their chunk (sending pixels or per-photo objects through
pipes costs more than making them); the Lab conversion runs there too, so little is left to do
here once the last chunk is in. Dask workers get each batch's bytes (read here, so the workers
need no shared file system) and send its thumbnails back. The result is the same either way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from genart.generative.mosaic.reading import Features, error_text, read_run
from genart.generative.mosaic.scan import FileItem
from genart.runtime.execution import Execution
from genart.runtime.progress import SILENT, Count, Reporter

CHUNK = 64  # files per unit of work (and per count to the reporter)
MAX_SENT_BYTES = 256 * 2**20  # a larger photo is not sent to a Dask worker (and is skipped as unreadable)
LABEL = "indexing"  # what the counts call the run (the progress bar's title)

Thumbs = dict[int, np.ndarray]  # thumbnail size → (files, size, size, 3) uint8


def read_all(folder: Path, items: list[FileItem], sizes: tuple[int, ...], execution: Execution,
             reporter: Reporter = SILENT) -> tuple[Features, Thumbs]:
    """Read files on `execution` (one local worker: in this process), counting photos to `reporter`:
    features and thumbnails, in input order."""
    n = len(items)
    done = 0

    def count(files: int, final: bool = False) -> None:
        nonlocal done
        done += files
        if n:
            reporter.count(Count(LABEL, done, n, "photo", final=final))

    count(0)
    try:
        if execution.distributed:
            parts, thumbs = _read_distributed(folder, items, sizes, execution, count)
        elif execution.workers <= 1 or n < 2:
            parts, thumbs = _read_here(folder, items, sizes, count)
        else:
            parts, thumbs = _read_shared(folder, items, sizes, execution, count)
    finally:
        count(0, final=True)
    return Features.joined(parts), thumbs


def _chunk(n: int, execution: Execution) -> int:
    """Files per job: enough jobs to keep every worker busy (8 each), at most CHUNK files."""
    return max(1, min(CHUNK, n // (execution.workers * 8)))


def _read_here(folder: Path, items: list[FileItem], sizes: tuple[int, ...],
               count: Callable[[int], None]) -> tuple[list[Features], Thumbs]:
    """Read the files in this process, CHUNK at a time."""
    n = len(items)
    thumbs = {s: np.empty((n, s, s, 3), np.uint8) for s in sizes}
    parts = []
    for start in range(0, n, CHUNK):
        parts.append(read_run(folder, items[start : start + CHUNK], sizes, thumbs, start))
        count(len(parts[-1].errors))
    return parts, thumbs


def _read_shared(folder: Path, items: list[FileItem], sizes: tuple[int, ...], execution: Execution,
                 count: Callable[[int], None]) -> tuple[list[Features], Thumbs]:
    """Read the files on local workers, which write the thumbnails into files mapped by this process too."""
    n = len(items)
    chunk = _chunk(n, execution)
    need = n * sum(3 * s * s for s in sizes)
    parts = []
    with tempfile.TemporaryDirectory(prefix="genart-index-", dir=_scratch_dir(need)) as tmp:
        stores = {s: str(Path(tmp) / f"thumbs_{s}.npy") for s in sizes}
        # plain views of the mapped files: cheap to index, and valid after the files are removed
        thumbs = {s: np.asarray(np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(n, s, s, 3)))
                  for s, path in stores.items()}
        futures = [execution.submit(_read_chunk, folder, i, items[i : i + chunk], sizes, stores)
                   for i in range(0, n, chunk)]
        for future in futures:
            parts.append(execution.result(future))
            count(len(parts[-1].errors))
    return parts, thumbs


def _read_distributed(folder: Path, items: list[FileItem], sizes: tuple[int, ...], execution: Execution,
                      count: Callable[[int], None]) -> tuple[list[Features], Thumbs]:
    """Read the files on Dask workers: each batch travels as bytes, its thumbnails come back."""
    n = len(items)
    chunk = _chunk(n, execution)
    starts = range(0, n, chunk)
    thumbs = {s: np.empty((n, s, s, 3), np.uint8) for s in sizes}
    batches = ((folder, items[i : i + chunk], sizes, [_file_bytes(folder / rel) for rel, _, _ in items[i : i + chunk]])
               for i in starts)
    got: list[Features | None] = [None] * len(starts)
    for k, (features, made) in execution.stream(_read_sent, batches, 2 * execution.workers):
        for s, rows in made.items():
            thumbs[s][starts[k] : starts[k] + len(rows)] = rows
        got[k] = features
        count(len(features.errors))
    return [part for part in got if part is not None], thumbs


def _file_bytes(path: Path) -> bytes | str:
    """A photo's bytes to send to a worker, or the error reading it gave (as the worker would record it)."""
    try:
        if os.path.getsize(path) > MAX_SENT_BYTES:
            return f"ValueError: file is larger than {MAX_SENT_BYTES // 2**20} MiB"
        return path.read_bytes()
    except OSError as exc:
        return error_text(exc)


def _read_sent(folder: Path, items: list[FileItem], sizes: tuple[int, ...],
               sent: list[bytes | str]) -> tuple[Features, Thumbs]:
    """A Dask worker's `read_run` of photos sent as bytes: features and thumbnails of the batch."""
    thumbs = {s: np.zeros((len(items), s, s, 3), np.uint8) for s in sizes}
    return read_run(folder, items, sizes, thumbs, 0, sent), thumbs


def _read_chunk(folder: Path, start: int, items: list[FileItem], sizes: tuple[int, ...],
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
