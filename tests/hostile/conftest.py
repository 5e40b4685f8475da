"""Run genart as a stranger's file would: in a subprocess under a memory cap and a timeout, checking
that it ends in one line of its own, exit status 2, and leaves its folder, $TMPDIR, /dev/shm and
the process table as they were (`refused`); or, for a file that may be valid, that it either does
so or succeeds, changing only its declared outputs (`handled`).

This process is made a child subreaper (Linux), so any process genart starts and leaves
running is re-parented to it and found, whatever session or group it moved to."""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISDIR
from typing import Any

import pytest

PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed: leftover processes could not be found")
SHM = Path("/dev/shm")

PICTURE = Path(__file__).resolve().parents[2] / "assets" / "astronaut.jpg"
RESUME = ["evolve", "a.jpg", "-o", "o.png", "-n", "8", "--tiles", "2x1", "--workers", "1", "--resume", "--checkpoint",
          "o.png.ckpt"]  # resumes the checkpoint `interrupted` gives, with a.jpg a copy of PICTURE
MEMORY_CAP = 2 << 30  # bytes of address space a hostile case may take
TIMEOUT = 120  # seconds
CASES: Counter[str] = Counter()  # cases run per class, printed at the end of the session
DONE: Counter[str] = Counter()  # of those, cases `handled` that succeeded


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def _stamps(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each entry below `folder` (links not followed): its mode, and for all but folders its size and
    modification time."""
    found = {}
    for name in _listing(folder):
        st = os.lstat(folder / name)
        found[name] = (st.st_mode, 0, 0) if S_ISDIR(st.st_mode) else (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


def process_table() -> dict[int, int]:
    """Every live (not zombie) process on the machine, with its parent's pid."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
            if state != "Z":
                table[int(entry)] = int(parent)
    return table


def children() -> set[int]:
    """Live processes whose parent is this one (genart's leftovers land here)."""
    return {pid for pid, parent in process_table().items() if parent == os.getpid()}


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


def _genart(args: list[str], cwd: Path, env: dict[str, str] | None) -> tuple[int, list[str], str]:
    """Run `genart ARGS` in `cwd` (TMPDIR `cwd`/tmp, under the memory cap and the timeout); assert
    that no process was left and /dev/shm is unchanged; the exit status, the non-blank stderr lines
    and the tail of stderr."""
    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    shm_before, processes = shm(), children()
    run_env = {**os.environ, "TMPDIR": str(tmp), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "genart", *args], cwd=cwd, env=run_env, capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=_cap)
    assert not leftovers(processes)
    assert shm() == shm_before, shm() ^ shm_before
    return done.returncode, [line for line in done.stderr.splitlines() if line.strip()], done.stderr[-2000:]


def _one_line(args: list[str], status: int, lines: list[str], tail: str) -> str:
    """Assert exit status 2 and one stderr line of genart's own; the line."""
    assert status == 2 and len(lines) == 1 and lines[0].startswith("genart "), (args, status, tail)
    return lines[0]


def refused(hostile: str, args: list[str], cwd: Path, env: dict[str, str] | None = None, needle: str = "") -> str:
    """Run `genart ARGS` in `cwd`; assert one line 'genart ...: error: ...' (containing `needle`), exit 2,
    and `cwd`, the temp folder, /dev/shm and the process table unchanged; count it under the class `hostile`;
    the line."""
    (cwd / "tmp").mkdir(exist_ok=True)
    before = _listing(cwd)
    line = _one_line(args, *_genart(args, cwd, env))
    assert needle in line, line
    assert _listing(cwd) == before, _listing(cwd) ^ before
    CASES[hostile] += 1
    return line


def handled(hostile: str, args: list[str], cwd: Path, env: dict[str, str] | None = None,
            outputs: Iterable[str] = ()) -> int:
    """Run `genart ARGS` in `cwd` on input that may be valid or not; assert exit 0 with every entry of
    `cwd` but `outputs` (names in `cwd`, made, changed or removed) as it was, or exit 2 with one line
    'genart ...' and all of `cwd` as it was; the temp folder, /dev/shm and the process table unchanged
    either way (exit 70, an internal error, fails); count it under the class `hostile`; the status."""
    (cwd / "tmp").mkdir(exist_ok=True)
    before = _stamps(cwd)
    status, lines, tail = _genart(args, cwd, env)
    after = _stamps(cwd)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    if status == 0:
        assert "Traceback" not in tail, (args, tail)
        assert changed <= set(outputs), (args, changed - set(outputs))
        DONE[hostile] += 1
    else:
        _one_line(args, status, lines, tail)
        assert not changed, (args, changed)
    CASES[hostile] += 1
    return status


def _every_tile_has_shapes(path: Path) -> bool:
    """Whether the checkpoint at `path` is saved with two shapes or more in every tile (tiles take turns)."""
    try:
        return all(len(tile["params"]) >= 2 for tile in json.loads(path.read_text())["tiles"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


@pytest.fixture(scope="session")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real checkpoint of the run RESUME continues: `genart evolve` with more shapes (the count is not in
    its fingerprint), stopped by Ctrl-C once it saved one with shapes in every tile, cut to two shapes a tile
    (within -n 8's quotas)."""
    folder = tmp_path_factory.mktemp("interrupted")
    shutil.copy(PICTURE, folder / "a.jpg")
    path = folder / "o.png.ckpt"
    args = [a if a != "8" else "200" for a in RESUME if a != "--resume"]
    run = subprocess.Popen([sys.executable, "-m", "genart", *args, "-q"], cwd=folder, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + TIMEOUT
    while not _every_tile_has_shapes(path) and run.poll() is None and time.monotonic() < end:
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=TIMEOUT)
    assert run.returncode == 130 and path.exists(), err
    doc: dict[str, Any] = json.loads(path.read_text())
    for tile in doc["tiles"]:
        for key in ("params", "colors", "deltas"):
            tile[key] = tile[key][:2]
    return doc


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        terminalreporter.write_line("hostile cases refused in one line (or handled), within 2 GiB and 120 s, "
                                    "nothing left behind:")
        for name, count in sorted(CASES.items()):
            done = f" ({DONE[name]} valid, done)" if DONE[name] else ""
            terminalreporter.write_line(f"  {name}: {count}{done}")


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hostile case runs genart in a subprocess (seconds each): the whole suite is `slow`, run by CI and
    the README's test command, left out of the inner loop (`pytest -m "not slow"`)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)
