"""The cache of a script folder: content hashes, stage keys, and what each output holds.

Every stage's result is named by a key: a hash of genart's version, of the code that makes
it (`genart.script.code`), and of everything the result depends on (validated settings,
the content hashes of its inputs, the keys of the stages it builds on). Files are hashed by content; a file's hash is remembered with
its size and modification time (`hashes.json`), so an unchanged file is not read again.
Outputs the user named (posters, the movie) are recorded in `outputs.json` with the key
they were made from and their size, time and inode: an output is up to date when all
of these still match.

The cache lives in the user's own cache directory (`cache_folder`), never beside the
script: a script folder received from someone else may hold any files, and nothing in it
is taken for genart's own work. What the cache holds is still checked as it is served:
its two records are validated entry by entry (a bad entry is dropped, with one warning,
and its stage is made again), and a stage's file counts only as a regular file. Runs at
once in one folder share the records under a lock, each adding its own entries to what
is on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import BaseModel, StrictInt, StringConstraints, TypeAdapter, ValidationError

from genart import __version__
from genart.errors import UserError
from genart.render.atomic import WriteError, atomic_write_bytes
from genart.script.code import code_fingerprint

CHUNK = 1 << 20
MAX_RECORD_BYTES = 64 << 20  # a larger hashes.json or outputs.json is a bad record, not read
Stamp = tuple[StrictInt, StrictInt, StrictInt]  # size, modification time (ns), inode
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class OutputRecord(BaseModel):
    """What outputs.json holds for an output: the key it was made from, and its stamp then."""

    key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{24}$")]
    stamp: Stamp


RECORDS: dict[str, TypeAdapter[Any]] = {  # the entry each record holds by path, as validated when read
    "hashes.json": TypeAdapter(tuple[StrictInt, StrictInt, StrictInt, Digest]),
    "outputs.json": TypeAdapter(OutputRecord),
}


def stage_key(kind: str, *parts: Any) -> str:
    """The key of a stage of `kind` (`scene`, `poster`, ...): a hash of genart's version, the fingerprint of the
    code that makes such a stage (`code_fingerprint`) and `parts` (JSON-able)."""
    text = json.dumps([__version__, kind, code_fingerprint(kind), *parts], sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_folder(script_folder: Path) -> Path:
    """The cache of the scripts in `script_folder`: in the user's cache directory ($XDG_CACHE_HOME, else
    ~/.cache), `genart/run/NAME-HASH`, named after the folder and a hash of its resolved path."""
    resolved = script_folder.resolve()
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", resolved.name)[:40].lstrip(".") or "root"
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("genart")) / "run" / f"{name}-{digest}"


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _warn(line: str) -> None:
    print(f"genart run: warning: {line}", file=sys.stderr, flush=True)


class Cache:
    """The cache of the scripts in `script_folder` (created when first written to); `warn` is told, in one
    line per record, of bad entries found in it."""

    def __init__(self, script_folder: Path, warn: Callable[[str], None] = _warn) -> None:
        self.folder = cache_folder(script_folder)
        self._warn = warn
        self._hashes: dict[str, Any] = self._read("hashes.json", warn)
        self._outputs: dict[str, Any] = self._read("outputs.json", warn)
        self._new_hashes: dict[str, Any] = {}

    def _read(self, name: str, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
        """The valid entries of the record `name`; with `warn`, one line if any had to be dropped."""
        path = self.folder / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            return self._bad(path, exc.strerror or str(exc), warn)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return self._bad(path, "not a regular file", warn)
            if st.st_size > MAX_RECORD_BYTES:
                return self._bad(path, f"larger than {MAX_RECORD_BYTES >> 20} MiB", warn)
            data = json.loads(os.read(fd, MAX_RECORD_BYTES + 1))
        except (OSError, ValueError, RecursionError) as exc:
            return self._bad(path, f"not readable JSON ({type(exc).__name__})", warn)
        finally:
            os.close(fd)
        if not isinstance(data, dict):
            return self._bad(path, "not a JSON object", warn)
        valid = {}
        for entry_path, entry in data.items():
            adapter = RECORDS[name]
            try:
                valid[entry_path] = adapter.dump_python(adapter.validate_python(entry), mode="json")
            except ValidationError:
                continue
        if len(valid) < len(data) and warn is not None:
            warn(f"{path}: {len(data) - len(valid)} bad entries left out (what they recorded is made again)")
        return valid

    def _bad(self, path: Path, why: str, warn: Callable[[str], None] | None) -> dict[str, Any]:
        if warn is not None:
            warn(f"{path}: {why}; left out (what it recorded is made again)")
        return {}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the cache's lock file (made with its folder), so runs at once in one folder merge their records."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _merge(self, name: str, mine: dict[str, Any]) -> dict[str, Any]:
        """Write the record `name` as it is on disk now with `mine` laid over it, under the lock; the merged record."""
        with self._locked():
            merged = {**self._read(name), **mine}
            atomic_write_bytes(self.folder / name, json.dumps(merged, indent=1, sort_keys=True).encode())
        return merged

    def path(self, name: str) -> Path:
        return self.folder / name

    def holds(self, target: Path) -> bool:
        """Whether the cache file `target` is there: a regular file (anything else there, a link or a FIFO, is a
        miss, said in one warning line, and is replaced when the stage is made; a folder, which genart does not
        replace, raises WriteError)."""
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return False
        if stat.S_ISREG(mode):
            return True
        if stat.S_ISDIR(mode):
            raise WriteError(target, "it is a directory (genart replaces no folder, even in its cache: remove it)")
        self._warn(f"{target}: not a regular file; made again")
        return False

    def file_hash(self, path: Path) -> str:
        """SHA-256 of a file's content, read again only when its size, time or inode changed."""
        path = path.resolve()
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):  # checked before, then swapped: no FIFO or device is read
                raise UserError(f"{path}: not a regular file (a FIFO, socket or device is not read)")
            known = self._hashes.get(str(path))
            if known is not None and list(known[:3]) == _stamp(st):
                return str(known[3])
            digest = hashlib.sha256()
            while block := f.read(CHUNK):
                digest.update(block)
        entry = (*_stamp(st), digest.hexdigest())
        self._hashes[str(path)] = self._new_hashes[str(path)] = entry
        return digest.hexdigest()

    def folder_hash(self, folder: Path) -> str:
        """A hash of the photos a collection would index in `folder`: their names and contents."""
        from genart.generative.mosaic.index import scan  # the indexer loads only for photo folders

        items, _ = scan(folder)
        return stage_key("index", [(name, self.file_hash(folder / name)) for name, _, _ in items])

    def save_hashes(self) -> None:
        """Add the hashes computed since the last save to hashes.json."""
        if self._new_hashes:
            self._hashes = self._merge("hashes.json", self._new_hashes)
            self._new_hashes = {}

    def output_current(self, out: Path, key: str) -> bool:
        """Whether `out` is the file made from `key` and untouched since."""
        record = self._outputs.get(str(out.resolve()))
        try:
            st = out.stat()
        except OSError:
            return False
        return record is not None and record.get("key") == key and list(record.get("stamp", ())) == _stamp(st)

    def record_output(self, out: Path, key: str) -> None:
        """Record that `out` was made from `key` (added to outputs.json as it is on disk now)."""
        self._outputs = self._merge("outputs.json", {str(out.resolve()): {"key": key, "stamp": _stamp(out.stat())}})
