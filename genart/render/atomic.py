"""Atomic file output: write beside the target, fsync, then rename, so no half-written file is left.

A failure (a full disk, a read-only or forbidden folder, a name too long, an encoder that
gives up) removes the temporary file, keeps whatever was at the target before, and raises
WriteError, whose message is one line naming the target.

Pillow must not write files itself: its encoders ignore short writes, so a full disk
leaves a truncated picture without an error. `atomic_save_image` encodes in memory and
writes the bytes with Python's checked writes instead.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from genart.errors import GenartError


class WriteError(GenartError):
    """An output that could not be written: one line naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path, self.reason = Path(path), reason


def write_error(path: str | Path, exc: BaseException) -> WriteError:
    """A WriteError for `path` from the OSError (or encoder error) that stopped it."""
    if isinstance(exc, OSError) and exc.strerror:
        return WriteError(path, exc.strerror)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return WriteError(path, lines[-1] if lines else type(exc).__name__)


def _temp_beside(path: Path) -> Path:
    """A new empty file in the target's folder, named after it."""
    try:
        if path.is_dir():
            raise WriteError(path, "it is a directory")
        if not path.parent.is_dir():
            raise WriteError(path, f"folder {path.parent} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".part" + "".join(path.suffixes[-1:]), dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    os.close(fd)
    return Path(tmp)


def check_writable(path: str | Path) -> None:
    """Raise WriteError unless a file can be written at `path` (its folder exists and is writable, its name is
    not too long, no read-only file is there), by making and removing a temporary file beside it: the check to
    make before a long run.

    A file there that is read-only (no write permission bit, or none for this user) is kept: renaming over
    it would work (the folder is writable), but whoever made it read-only asked for it to stay.
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # nothing there yet (or a name the temporary file below finds wrong)
        mode = 0
    if stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(path, os.W_OK)):
        raise WriteError(path, "it is read-only (genart does not replace a read-only file)")
    _discard(_temp_beside(path))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(tmp: Path, path: Path) -> None:
    """Flush `tmp` to disk and rename it over `path`, then flush the folder's entry."""
    _fsync(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # not every file system can sync a folder
        _fsync(path.parent)


def _discard(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


@contextlib.contextmanager
def atomic_paths(paths: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Temporary paths beside each of `paths`; they replace their targets only if the block succeeds.

    An error in the block removes every temporary file and propagates as it is; should a
    rename fail, the WriteError says which targets were already replaced.
    """
    targets = [Path(p) for p in paths]
    temps: list[Path] = []
    try:
        for target in targets:
            temps.append(_temp_beside(target))
        yield temps
    except BaseException:
        for tmp in temps:
            _discard(tmp)
        raise
    for i, (tmp, target) in enumerate(zip(temps, targets)):
        try:
            _commit(tmp, target)
        except OSError as exc:
            for rest in temps[i:]:
                _discard(rest)
            done = ", ".join(str(t) for t in targets[:i])
            reason = write_error(target, exc).reason
            raise WriteError(target, reason + (f" (already written: {done})" if done else "")) from None


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on error it is removed.

    An OSError in the block (ENOSPC, EROFS, EACCES, ...) becomes a WriteError naming `path`.
    """
    with atomic_paths([path]) as (tmp,):
        try:
            yield tmp
        except OSError as exc:
            raise write_error(path, exc) from None


def atomic_write_bytes(path: str | Path, data: bytes | memoryview) -> None:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_save_image(image: Image.Image, path: str | Path, **params: Any) -> None:
    """Encode `image` with Pillow's `save(**params)` in memory, then write it to `path` atomically."""
    buffer = io.BytesIO()
    image.save(buffer, **params)
    atomic_write_bytes(path, buffer.getbuffer())
