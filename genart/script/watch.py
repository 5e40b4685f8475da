"""`genart run --watch`: run again on every save of the script or of anything it reads.

The watched files are the script, its pictures, its photo folders (recursively) and its
soundtrack, recomputed after every run that loads. A script that no longer loads (a broken
edit, an input deleted, the script itself deleted or swapped for something that is not a
file) has its error said in one line, and the files of the last script that loaded stay
watched, so restoring the input or the script runs the piece again. A watched folder that
is gone is watched through the nearest folder that is still there. Changes are gathered
for a short debounce, so an editor's save (often a write and a rename) runs the piece once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from genart.script.check import Piece

DEBOUNCE_MS = 300
LIVE_MS = 200  # how soon after starting the watcher says it is watching


def watched(script: Path, piece: Piece | None) -> tuple[set[Path], set[Path]]:
    """(files, folders) whose changes re-run the piece: any change inside a folder counts."""
    named, real = script.absolute(), script.resolve()
    files = {named, real} if real.is_file() else {named}  # the name given, and the file a link leads to
    folders: set[Path] = set()
    if piece is not None:
        files |= {p.resolve() for p in piece.pictures.values()}
        files |= {piece.soundtrack.resolve()} if piece.soundtrack else set()
        folders = {p.resolve() for p in piece.photos.values()}
    return files, folders


def watch(script: Path, run_once: Callable[[], Piece | None], report: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Run, then run again after every change, until `stop` is set, or Ctrl-C or SIGTERM (which raise).

    `run_once` runs the piece and returns it, or None where the script did not load (it
    reports its own errors).
    """
    piece = run_once()
    while True:
        files, folders = watched(script, piece)
        roots = {_nearest_folder(f.parent) for f in files} | {_nearest_folder(f) for f in folders}

        def relevant(_: watchfiles.Change, name: str, files: set[Path] = files, folders: set[Path] = folders) -> bool:
            path = Path(name)
            return path in files or any(path.is_relative_to(f) for f in folders)

        live = False
        for changes in watchfiles.watch(*roots, watch_filter=relevant, debounce=DEBOUNCE_MS, step=50, stop_event=stop,
                                        raise_interrupt=True, rust_timeout=LIVE_MS, yield_on_timeout=True):
            if changes:
                break
            if not live:  # the first timeout: the watcher is live, so no save from now on is missed
                report(f"watching {len(files) + len(folders)} files and folders; Ctrl-C stops")
                live = True
        else:
            return
        names = sorted({Path(name).name for _, name in changes})
        report(f"changed: {', '.join(names)}")
        piece = run_once() or piece


def _nearest_folder(path: Path) -> Path:
    """`path`, or its nearest ancestor that is a folder now (what a watch of a deleted folder watches)."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path
