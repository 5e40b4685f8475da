"""A script file to a checked piece: read, overridden by --set, validated, cross-checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from genart.script.check import Piece, check
from genart.script.source import apply_set, read
from genart.script.validate import validate


def load(path: Path, sets: Sequence[str] = (), shown: str | None = None, allow_outside: bool = False) -> Piece:
    """The piece the script at `path` describes (its paths may lead out of its folder with `allow_outside`);
    any mistake raises ScriptError naming its line."""
    source = read(path, shown or str(path))
    for option in sets:
        apply_set(source, option)
    return check(source, validate(source), path, allow_outside)
