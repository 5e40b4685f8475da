"""Run genart as a stranger's file would: in a subprocess under a memory cap and a timeout, checking
that it ends in one line of its own, exit status 2, and leaves its folder and $TMPDIR as they were."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

MEMORY_CAP = 2 << 30  # bytes of address space a hostile case may take
TIMEOUT = 120  # seconds
CASES: Counter[str] = Counter()  # cases run per class, printed at the end of the session


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def refused(hostile: str, args: list[str], cwd: Path, env: dict[str, str] | None = None, needle: str = "") -> str:
    """Run `genart ARGS` in `cwd`; assert one line 'genart ...: error: ...' (containing `needle`), exit 2,
    and `cwd` and the temp folder unchanged; count it under the class `hostile`; the line."""
    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    before = _listing(cwd)
    run_env = {**os.environ, "TMPDIR": str(tmp), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "genart", *args], cwd=cwd, env=run_env, capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=_cap)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("genart "), (args, done.returncode, done.stderr[-2000:])
    assert needle in lines[0], lines[0]
    assert _listing(cwd) == before, _listing(cwd) ^ before
    CASES[hostile] += 1
    return lines[0]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        terminalreporter.write_line("hostile cases refused in one line, within 2 GiB and 120 s, nothing left behind:")
        for name, count in sorted(CASES.items()):
            terminalreporter.write_line(f"  {name}: {count}")
