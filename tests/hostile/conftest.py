"""Run genart as a stranger's file would: in a subprocess under a memory cap and a timeout, checking
that it ends in one line of its own, exit status 2, and leaves its folder, $TMPDIR, /dev/shm and
the process table as they were.

This process is made a child subreaper (Linux), so any process genart starts and leaves
running is re-parented to it and found, whatever session or group it moved to."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed: leftover processes could not be found")
SHM = Path("/dev/shm")

MEMORY_CAP = 2 << 30  # bytes of address space a hostile case may take
TIMEOUT = 120  # seconds
CASES: Counter[str] = Counter()  # cases run per class, printed at the end of the session


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def children() -> set[int]:
    """Live processes whose parent is this one (genart's leftovers land here)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
            if int(parent) == os.getpid() and state != "Z":
                found.add(int(entry))
    return found


def leftovers(before: set[int]) -> list[str]:
    """Processes started since `before` and still running (killed and reaped here), by command line."""
    left = []
    for pid in children() - before:
        try:
            left.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (OSError, ChildProcessError):
            pass
    return left


def shm() -> set[str]:
    """What /dev/shm holds."""
    return set(os.listdir(SHM)) if SHM.is_dir() else set()


def refused(hostile: str, args: list[str], cwd: Path, env: dict[str, str] | None = None, needle: str = "") -> str:
    """Run `genart ARGS` in `cwd`; assert one line 'genart ...: error: ...' (containing `needle`), exit 2,
    and `cwd`, the temp folder, /dev/shm and the process table unchanged; count it under the class `hostile`;
    the line."""
    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    before, shm_before, processes = _listing(cwd), shm(), children()
    run_env = {**os.environ, "TMPDIR": str(tmp), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "genart", *args], cwd=cwd, env=run_env, capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=_cap)
    assert not leftovers(processes)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("genart "), (args, done.returncode, done.stderr[-2000:])
    assert needle in lines[0], lines[0]
    assert _listing(cwd) == before, _listing(cwd) ^ before
    assert shm() == shm_before, shm() ^ shm_before
    CASES[hostile] += 1
    return lines[0]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        terminalreporter.write_line("hostile cases refused in one line, within 2 GiB and 120 s, nothing left behind:")
        for name, count in sorted(CASES.items()):
            terminalreporter.write_line(f"  {name}: {count}")
