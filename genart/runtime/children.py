"""Child processes (Blender, ffmpeg) that end with genart, however it ends.

A child runs in a session of its own, so Ctrl-C or a hangup sent to genart's process group (as a
terminal sends them) reaches genart alone, which then ends the child. It lives only as long as the
block that started it (`child`): leaving the block, by an error, a stop or once the child has
ended (`wait`), sends SIGKILL to the child's whole process group before the child is reaped, so
nothing the child started itself is left running either, and nothing is left writing a file genart
has just removed. The stop signals are held while a child starts, so no stop lands between its
start and genart knowing of it.

On Linux each child also asks to be killed when genart dies (`die_with`: prctl PR_SET_PDEATHSIG,
which worker processes call too), so even a genart killed outright (SIGKILL, the out-of-memory
killer) leaves no child of its own running; what such a child started itself is then out of
reach, as is a process that moved to a session or group of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from genart.runtime.interrupt import STOP_SIGNALS

PR_SET_PDEATHSIG = 1  # from linux/prctl.h
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with(parent: int) -> None:
    """In a new child of the process `parent`: be sent SIGKILL when it ends (Linux; the thread that
    started the child, in fact, so it must outlive the child), or exit now if it has already."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _starting(parent: int, mask: Iterable[int]) -> None:
    """In a child between fork and exec: the signal mask genart had before it held the stops, and `die_with`."""
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    die_with(parent)


Stream = int | IO[Any] | None  # a child's standard stream, as Popen takes it


@contextlib.contextmanager
def child(args: Sequence[str], stdin: Stream = None, stdout: Stream = None, stderr: Stream = None,
          env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run `args` as a child process for the block, in a session of its own (the streams and environment as
    Popen takes them); leaving the block, whichever way, kills what is left of its process group and reaps
    the child (see the module). End the block with `wait` to have the child's exit status."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        process = subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=stderr, env=env, start_new_session=True,
                                   preexec_fn=functools.partial(_starting, os.getpid(), held))
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a stop that came while it started is raised here
        yield process
    finally:
        if process.returncode is None:
            _kill_group(process)
            process.wait()


def wait(process: subprocess.Popen[bytes]) -> int:
    """Wait for a `child` to end, then kill what it left running in its process group; its exit status."""
    os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # ended, not reaped: its group id is its own still
    _kill_group(process)
    return process.wait()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def run(args: Sequence[str], env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `args` to its end as a `child` reading nothing (/dev/null): its exit status and what it printed
    (undecodable bytes replaced). The output goes to unnamed temporary files, not pipes, so a process the
    child left holding them cannot keep genart waiting."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with child(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env) as process:
            status = wait(process)
        printed = []
        for stream in (out, err):
            stream.seek(0)
            printed.append(stream.read().decode(errors="replace"))
    return subprocess.CompletedProcess(list(args), status, *printed)
