"""The error every script problem becomes: one line naming the file, line and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from genart.errors import UserError


class ScriptError(UserError):
    """A mistake in a script (or a --set), located: `piece.yaml:12:7: scenes.tris.shape: ...`."""


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest known word, else ' (known: a, b, c)'."""
    known = sorted(known)
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (known: {', '.join(known)})" if known else ""
