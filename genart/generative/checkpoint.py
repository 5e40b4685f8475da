"""A fingerprinted checkpoint file: a run's progress, saved atomically as JSON, that only the same run resumes.

The file holds a format tag, the document's version, a fingerprint of what decides the result
(the picture and the settings, as the caller computes it) and the caller's own fields. genart
writes, resumes from or deletes only a file that is its own: a regular file holding a genart
checkpoint with this run's fingerprint. Anything else at the path (another file, a folder, a
FIFO, a link) is refused before the run and left untouched, and a resumed document is
validated in full by the caller's pydantic model before any of it is used. Any optimizer
that keeps state between runs (the hill-climb's tiles; the gradient's or GNG's parameters)
can keep it here.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from genart.errors import GenartError
from genart.render.atomic import atomic_write_bytes

FORMAT: Final = "genart.checkpoint"
MAX_BYTES = 256 * 2**20  # a larger file is no checkpoint of ours and is not read
NOT_OURS = "not a genart checkpoint, so genart will not overwrite or delete it; choose another --checkpoint"

Document = TypeVar("Document", bound=BaseModel)


class CheckpointError(GenartError, ValueError):
    """A checkpoint path or file that cannot be used; the message is one line."""


def _location(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "document"


class CheckpointFile:
    """The checkpoint at `path` of the run whose settings have `fingerprint`, in document `version`.

    Errors are raised as `error` (a one-line `GenartError`), so each optimizer reports them as its own.

    Examples
    --------
    >>> import tempfile
    >>> from pydantic import BaseModel
    >>> class Steps(BaseModel):
    ...     format: str
    ...     version: int
    ...     fingerprint: str
    ...     steps: int
    >>> path = Path(tempfile.mkdtemp()) / "run.ckpt"
    >>> store = CheckpointFile(path, "abc", 1)
    >>> store.claim()  # the path is free
    >>> store.save({"steps": 5})
    >>> store.load(Steps).steps
    5
    >>> store.remove()
    """

    def __init__(self, path: Path, fingerprint: str, version: int, error: type[GenartError] = CheckpointError) -> None:
        self.path, self.fingerprint, self.version, self.error = path, fingerprint, version, error

    def refuse(self, reason: str) -> GenartError:
        """The error that names this checkpoint and why it cannot be used."""
        return self.error(f"checkpoint {self.path}: {reason}")

    def _mode(self) -> int | None:
        """The path's file mode (None: no file); a missing folder, a folder, a link or a special file is refused."""
        if not self.path.parent.is_dir():
            raise self.refuse(f"folder {self.path.parent} does not exist")
        try:
            mode = os.lstat(self.path).st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self.refuse(exc.strerror or str(exc)) from None
        if stat.S_ISDIR(mode):
            raise self.refuse("is a directory")
        if stat.S_ISLNK(mode):
            raise self.refuse("is a symbolic link; give the file itself or another name")
        if not stat.S_ISREG(mode):
            raise self.refuse("is not a regular file")
        return mode

    def _bytes(self, most: int, too_large: str) -> bytes:
        """The file's bytes; a file larger than MAX_BYTES, or than `most` (then `too_large` says why), is refused
        unread."""
        try:
            with open(self.path, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                data = file.read(most + 1) if size <= most else b""
        except OSError as exc:
            raise self.refuse(f"cannot read it: {exc.strerror or exc}") from None
        size = max(size, len(data))  # a file may grow while it is read
        if size > MAX_BYTES:
            raise self.refuse(f"larger than {MAX_BYTES // 2**20} MiB: {NOT_OURS}")
        if size > most:
            raise self.refuse(f"{size / 2**20:.1f} MiB, {too_large}")
        return data

    def _read(self, most: int | None = None, too_large: str = "") -> dict[str, Any] | None:
        """The checkpoint's JSON object, None where there is no file; anything else at the path that is not this
        run's checkpoint, or larger than `most` bytes (not read), raises the error."""
        if self._mode() is None:
            return None
        data = self._bytes(MAX_BYTES if most is None else min(most, MAX_BYTES), too_large)
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            doc = None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise self.refuse(NOT_OURS)
        if doc.get("fingerprint") != self.fingerprint:
            raise self.refuse("made from another picture or other settings; remove it or choose another --checkpoint")
        return doc

    def claim(self) -> None:
        """The error (one line) unless the path is free or holds this run's checkpoint."""
        self._read()

    def save(self, fields: dict[str, Any]) -> None:
        """Write the checkpoint atomically: the format tag, version and fingerprint, then `fields`."""
        doc = {"format": FORMAT, "version": self.version, "fingerprint": self.fingerprint, **fields}
        atomic_write_bytes(self.path, json.dumps(doc).encode())

    def load(self, model: type[Document], most: int | None = None, too_large: str = "") -> Document:
        """The saved document, validated field by field by `model`; a file larger than `most` bytes is refused
        unread (`too_large` says why)."""
        doc = self._read(most, too_large)
        if doc is None:
            raise self.refuse("none to resume from (run without --resume to start afresh)")
        if doc.get("version") != self.version:
            raise self.refuse(f"version: this genart reads version {self.version}, got {doc.get('version')!r}")
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise self.refuse(f"{_location(first['loc'])}: {first['msg']}") from None

    def remove(self) -> None:
        """Delete the checkpoint (a run that ended keeps none)."""
        self.path.unlink(missing_ok=True)
