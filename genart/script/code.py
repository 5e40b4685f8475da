"""The code that makes each kind of stage, fingerprinted: a cached result is served only by the code
that made it.

A version string is not enough: an editable install keeps its version while its code changes, and
a release that changes a method's output may keep it too. So each stage's key holds a hash of the
source of the parts of genart that make it (their `.py` and `.json` files, by path and content),
read from where genart is installed: editing or upgrading the optimizers re-makes the scenes but
not the movie segments of unchanged scenes, editing the motions re-makes the segments only.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the installed genart package
SHARED = ("errors.py", "runtime", "render")  # what every stage runs
STAGE_CODE = {  # per kind of stage: the parts of genart (below PACKAGE) it runs, besides SHARED
    "index": ("generative/mosaic", "generative/images.py"),
    "scene": ("generative", "api.py", "script/stages.py"),
    "poster": ("outputs.py", "script/stages.py"),
    "shot": ("animate", "script/stages.py"),
    "fade": ("animate", "script/stages.py"),
    "movie": ("animate", "script/movie.py"),
    "export": ("animate", "script/stages.py"),
    "plot": ("plot", "script/stages.py", "script/model.py"),
}


@cache
def code_fingerprint(kind: str) -> str:
    """A hash of the source genart runs to make a stage of `kind` (see STAGE_CODE).

    Examples
    --------
    >>> code_fingerprint("scene") == code_fingerprint("scene") != code_fingerprint("poster")
    True
    """
    digest = hashlib.sha256()
    for part in sorted({*SHARED, *STAGE_CODE[kind]}):
        root = PACKAGE / part
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json"))
        for path in files:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
