"""Hand-edited checkpoints given to `evolve --resume`: refused in one line before any work, the
checkpoint left exactly as it was (no numba typing error, no pydantic dump of several lines)."""

from __future__ import annotations

import copy
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import PICTURE, RESUME, refused

Edit = Callable[[dict[str, Any], Path], object]  # changes the checkpoint document, or writes the file itself


def _set(doc: Any, path: str, value: Any) -> None:
    """Set the value at `path` (keys and indices, e.g. tiles/0/colors) in `doc`."""
    *parents, last = [int(part) if part.isdigit() else part for part in path.split("/")]
    for part in parents:
        doc = doc[part]
    doc[last] = value


def _raw(where: str, token: str) -> Edit:
    """An edit writing `token` as it is, e.g. 1e999, at `where` in the JSON text."""
    def edit(doc: dict[str, Any], path: Path) -> None:
        _set(doc, where, "@RAW")
        path.write_text(json.dumps(doc).replace('"@RAW"', token))
    return edit


def _huge(doc: dict[str, Any], path: Path) -> None:
    """A million shapes of zeros in the first tile (40 MB)."""
    doc["tiles"][0] = {"params": "@P", "colors": "@C", "deltas": "@E"}
    n = 1_000_000
    path.write_text(json.dumps(doc).replace('"@P"', "[" + ",".join(["[" + ",".join("0" * 19) + "]"] * n) + "]")
                    .replace('"@C"', "[" + ",".join(["[0,0,0]"] * n) + "]").replace('"@E"', "[" + ",".join("0" * n) + "]"))


def _sparse(doc: dict[str, Any], path: Path) -> None:
    with open(path, "wb") as file:
        file.write(json.dumps(doc).encode())
        file.truncate(300 << 20)


EDITS: dict[str, Edit] = {
    "short params": lambda d, p: d["tiles"][0]["params"][0].pop(),
    "long params": lambda d, p: d["tiles"][0]["params"][0].append(1.0),
    "long colours": lambda d, p: d["tiles"][0]["colors"][1].append(0.5),
    "one error change too many": lambda d, p: d["tiles"][1]["deltas"].append(1.0),
    "a tile too few": lambda d, p: d["tiles"].pop(),
    "a tile too many": lambda d, p: d["tiles"].append(d["tiles"][0]),
    "a string for a coordinate": lambda d, p: _set(d, "tiles/0/params/0/0", "12"),
    "a string for the seconds": lambda d, p: _set(d, "seconds", "3"),
    "a string for the tiles": lambda d, p: _set(d, "tiles", "all of them"),
    "a list for a number": lambda d, p: _set(d, "tiles/1/deltas/0", [1.0]),
    "a NaN colour": lambda d, p: _set(d, "tiles/0/colors/0/1", float("nan")),
    "a 1e999 colour": _raw("tiles/0/colors/0/2", "1e999"),
    "a -1e999 coordinate": _raw("tiles/1/params/0/0", "-1e999"),
    "a 5000-digit number": _raw("tiles/0/params/0/2", "9" * 5000),
    "a huge integer": lambda d, p: _set(d, "tiles/0/params/1/3", 10**400),
    "500 shapes": lambda d, p: d["tiles"][0].update({k: v * 250 for k, v in d["tiles"][0].items()
                                                     if isinstance(v, list)}),
    "a million shapes": _huge,
    "cut short": lambda d, p: p.write_text(json.dumps(d)[:-40]),
    "a link to /dev/zero": lambda d, p: p.symlink_to("/dev/zero"),
    "300 MB, sparse": _sparse,
}


NEEDLES = {"500 shapes": "tiles[0] holds 500 shapes, more than the 4", "a million shapes": "more than a checkpoint of 8",
           "cut short": "not a genart checkpoint", "a link to /dev/zero": "symbolic link",
           "300 MB, sparse": "larger than 256 MiB", "a NaN colour": "finite number"}


def _state(path: Path) -> tuple[bytes | str, int]:
    """What the checkpoint holds (a link: where it points) and its modification time."""
    st = os.lstat(path)
    return (os.readlink(path) if path.is_symlink() else path.read_bytes()), st.st_mtime_ns


@pytest.mark.parametrize("edit", EDITS)
def test_a_hand_edited_checkpoint_is_refused_and_kept(tmp_path: Path, interrupted: dict[str, Any], edit: str) -> None:
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    checkpoint = tmp_path / "o.png.ckpt"
    doc = copy.deepcopy(interrupted)
    EDITS[edit](doc, checkpoint)
    if not os.path.lexists(checkpoint):
        checkpoint.write_text(json.dumps(doc))
    before = _state(checkpoint)
    line = refused("checkpoints", RESUME, tmp_path, needle=NEEDLES.get(edit, "checkpoint o.png.ckpt: "))
    assert "Traceback" not in line and "pydantic" not in line and "numba" not in line.lower(), line
    assert _state(checkpoint) == before
