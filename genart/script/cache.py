"""The cache folder beside a script: content hashes, stage keys, and what each output holds.

Every stage's result is named by a key: a hash of genart's version and everything the
result depends on (validated settings, the content hashes of its inputs, the keys of
the stages it builds on). Files are hashed by content; a file's hash is remembered with
its size and modification time (`hashes.json`), so an unchanged file is not read again.
Outputs the user named (posters, the movie) are recorded in `outputs.json` with the key
they were made from and their size, time and inode: an output is up to date when all
of these still match.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from genart import __version__
from renderers.atomic import atomic_write_bytes

FOLDER = ".genart-cache"
CHUNK = 1 << 20


def stage_key(*parts: Any) -> str:
    """The key of a stage: a hash of genart's version and `parts` (JSON-able)."""
    text = json.dumps([__version__, *parts], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class Cache:
    """The cache folder of the scripts in `script_folder` (created when first written to)."""

    def __init__(self, script_folder: Path) -> None:
        self.folder = script_folder / FOLDER
        self._hashes: dict[str, list[Any]] = self._read("hashes.json")
        self._outputs: dict[str, dict[str, Any]] = self._read("outputs.json")
        self._hashes_changed = False

    def _read(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads((self.folder / name).read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, name: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(exist_ok=True)
        atomic_write_bytes(self.folder / name, json.dumps(data, indent=1, sort_keys=True).encode())

    def path(self, name: str) -> Path:
        return self.folder / name

    def file_hash(self, path: Path) -> str:
        """SHA-256 of a file's content, read again only when its size, time or inode changed."""
        path = path.resolve()
        st = path.stat()
        known = self._hashes.get(str(path))
        if known is not None and known[:3] == _stamp(st):
            return str(known[3])
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while block := f.read(CHUNK):
                digest.update(block)
        self._hashes[str(path)] = [*_stamp(st), digest.hexdigest()]
        self._hashes_changed = True
        return digest.hexdigest()

    def folder_hash(self, folder: Path) -> str:
        """A hash of the photos a collection would index in `folder`: their names and contents."""
        from generative.mosaic.index import scan  # the indexer loads only for photo folders

        items, _ = scan(folder)
        return stage_key([(name, self.file_hash(folder / name)) for name, _, _ in items])

    def save_hashes(self) -> None:
        if self._hashes_changed:
            self._write("hashes.json", self._hashes)
            self._hashes_changed = False

    def output_current(self, out: Path, key: str) -> bool:
        """Whether `out` is the file made from `key` and untouched since."""
        record = self._outputs.get(str(out.resolve()))
        try:
            st = out.stat()
        except OSError:
            return False
        return record is not None and record.get("key") == key and record.get("stamp") == _stamp(st)

    def record_output(self, out: Path, key: str) -> None:
        self._outputs[str(out.resolve())] = {"key": key, "stamp": _stamp(out.stat())}
        self._write("outputs.json", self._outputs)
