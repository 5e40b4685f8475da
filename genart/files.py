"""Where a file given by someone else may lead: inside a folder or out of it, onto an input or not.

A script, a scene or a picture shared by another person is hostile until checked: the
paths it names are resolved (symlinks followed, `..` collapsed) before they are judged,
and an output is compared with every input by the file it would land on (the same path,
a symlink to it, or a hard link of it), not by the name it was given.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether `path`, resolved (symlinks followed, also through folders that do not exist yet), lies in
    `folder` (resolved) or is `folder` itself.

    Examples
    --------
    >>> inside("/srv/piece/out/a.png", "/srv/piece")
    True
    >>> inside("/srv/piece/../other/a.png", "/srv/piece")
    False
    """
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether writing `a` would land on the file `b`: the same path once resolved, or (both existing)
    the same inode on the same device (a hard link).

    Examples
    --------
    >>> same_file("/tmp/x/../y.png", "/tmp/y.png")
    True
    """
    first, second = Path(a), Path(b)
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): only a path can match, and it did not
        return False


def replaced_input(output: str | Path, inputs: Iterable[str | Path]) -> Path | None:
    """The first of `inputs` that writing `output` would replace (see `same_file`), else None.

    Examples
    --------
    >>> replaced_input("/tmp/a.png", ["/tmp/b.png", "/tmp/x/../a.png"])
    PosixPath('/tmp/x/../a.png')
    >>> replaced_input("/tmp/c.png", ["/tmp/b.png"]) is None
    True
    """
    return next((Path(given) for given in inputs if same_file(output, given)), None)
