"""Finding the photos of a folder: every image file under it, with its size and modification time.

Hidden files and folders are left out; symbolic links to folders are not followed; only regular
files (or links to them) are images, so a FIFO, a device or a dangling link is counted as other
(reading one could hang or fail).
"""

from __future__ import annotations

import os
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"})

FileItem = tuple[str, int, int]  # (path relative to the folder, size in bytes, mtime_ns)


def scan(folder: Path) -> tuple[list[FileItem], int]:
    """Image files under `folder` as sorted (relative path, size, mtime_ns), and the count of other files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     for name in ("a.jpg", "notes.txt", ".hidden.png"):
    ...         _ = (Path(root) / name).write_bytes(b"x")
    ...     [rel for rel, _, _ in scan(Path(root))[0]], scan(Path(root))[1]
    (['a.jpg'], 2)
    """
    found: list[FileItem] = []
    ignored = 0
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                    pending.append((prefix + entry.name + "/", entry.path))
                    continue
                item = _image(entry, prefix)
                if item is not None:
                    found.append(item)
                elif not entry.is_dir(follow_symlinks=False):
                    ignored += 1
    return sorted(found), ignored


def _image(entry: os.DirEntry[str], prefix: str) -> FileItem | None:
    """The entry as an image file to read, or None (a folder, hidden, not an image, not a regular file)."""
    if entry.name.startswith(".") or entry.is_dir(follow_symlinks=False):
        return None
    if os.path.splitext(entry.name)[1].lower() not in IMAGE_SUFFIXES:
        return None
    try:
        st = entry.stat() if entry.is_file() else None
    except OSError:  # a link loop
        st = None
    return None if st is None else (prefix + entry.name, st.st_size, st.st_mtime_ns)
