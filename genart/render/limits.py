"""Limits that guard against hostile input, raised by environment variables."""

from __future__ import annotations

import os


def limit_from_env(variable: str, default: int) -> int:
    """`$variable` as a whole number of at least 1, else `default`; ValueError (one line) for anything else."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{variable} must be a whole number of at least 1, got {text[:40]!r}")
    return int(text)
