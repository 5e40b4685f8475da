"""The error every script problem becomes: one line naming the file, line and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from genart.errors import UserError


class ScriptError(UserError):
    """A mistake in a script (or a --set), located: `piece.yaml:12:7: scenes.tris.shape: ...`."""


NEARLY = 0.1  # a known word this much less similar than the closest, but not yet given, is the better guess


def did_you_mean(word: str, known: Iterable[str], given: Iterable[str] = ()) -> str:
    """' (did you mean X?)' for the closest known word, else ' (known: a, b, c)'. A word already `given`
    beside it is a worse guess than one nearly as close that is not (`shapse` beside `shape` meant `shapes`).

    Examples
    --------
    >>> did_you_mean("shapse", ["shape", "shapes", "seed"], given=["shape"])
    ' (did you mean shapes?)'
    >>> did_you_mean("shapse", ["shape", "shapes", "seed"])
    ' (did you mean shape?)'
    """
    known = sorted(known)
    taken = set(given)
    scored = sorted(((difflib.SequenceMatcher(None, word, k).ratio(), k) for k in known), reverse=True)
    close = [(score, k) for score, k in scored if score >= 0.6]
    if close:
        best = close[0][0]
        fresh = [k for score, k in close if k not in taken and score >= best - NEARLY]
        return f" (did you mean {fresh[0] if fresh else close[0][1]}?)"
    return f" (known: {', '.join(known)})" if known else ""
