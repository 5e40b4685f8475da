"""Showing untrusted text (from scene files, file names) on a terminal without letting it control the terminal."""

from __future__ import annotations

import unicodedata

ESCAPED = frozenset({"Cc", "Zl", "Zp"})  # Unicode categories: controls, line and paragraph separators
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """`text` with control characters (C0, DEL, C1, bidirectional overrides) and line and paragraph
    separators (U+2028, U+2029: new lines to many readers) written as escapes, e.g. ESC as \\x1b."""
    return "".join(_escaped(c) if unicodedata.category(c) in ESCAPED or c in BIDI_CONTROLS else c for c in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if char in "\t\n\r":
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
