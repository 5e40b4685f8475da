"""Running the `genart` command from Blender: found in the add-on's preferences or on PATH, never imported.

`run` waits for a command (an export takes a moment); `Job` runs one in the background (a fit):
its output read by threads, its progress taken from genart's progress bar, cancelled with its
whole process group, its folder removed unless it succeeded. Blender's UI polls a job from a
timer; Blender run as a Python module (tests) polls it itself (`Job.wait`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PERCENT = re.compile(rb"(\d+)%\|")
STOP_SECONDS = 5.0  # how long a cancelled command gets to stop before it is killed


class Failure(Exception):
    """What went wrong, in one line (genart's own line when genart said why)."""


def genart_command(given: str) -> str:
    """The genart executable: `given` (the executable, or an environment folder holding bin/genart), else PATH."""
    given = given.strip()
    if given:
        path = Path(os.path.expanduser(given))
        for candidate in (path, path / "bin" / "genart", path / "Scripts" / "genart.exe"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
        raise Failure(f"genart extension: no genart command at {given} (set it in the extension's preferences)")
    found = shutil.which("genart")
    if found is None:
        raise Failure("genart extension: genart not found: name its environment in the extension's preferences "
                      "or put genart on PATH")
    return found


def _environment() -> dict[str, str]:
    """The environment genart runs in: Blender's own Python settings left out."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}


def last_line(text: str, status: int) -> str:
    """The line a failed command said last (genart's `genart CMD: error: ...`)."""
    lines = [line.strip() for line in re.split(r"[\r\n]", text) if line.strip() and "%|" not in line]
    return lines[-1] if lines else f"genart exited with status {status}"


def run(command: list[str]) -> str:
    """Run a genart command to its end; its output, or a Failure with its last line."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=_environment())
    except OSError as exc:
        raise Failure(f"genart extension: cannot run {command[0]}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise Failure(last_line(done.stderr or done.stdout, done.returncode))
    return done.stdout


class Job:
    """A genart command running in the background, then `finish` (in Blender's thread) on its success.

    `state` is "running", "done", "failed" or "cancelled"; `progress` is in [0, 1]; `message` says
    why it failed; `result` is what `finish` returned.
    """

    def __init__(self, command: list[str], folder: Path, finish: Callable[[], Any], output: Path | None = None) -> None:
        self.folder, self.finish, self.output = folder, finish, output  # output: the file it writes, kept on success
        self.state, self.progress, self.message, self.result = "running", 0.0, "", None
        self._output = {"stdout": bytearray(), "stderr": bytearray()}
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            stdin=subprocess.DEVNULL, start_new_session=True, env=_environment())
        except OSError as exc:
            self._remove_folder()
            raise Failure(f"genart extension: cannot run {command[0]}: {exc.strerror or exc}") from None
        self._readers = [threading.Thread(target=self._read, args=(name,), daemon=True) for name in self._output]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, name: str) -> None:
        stream = getattr(self.process, name)
        for chunk in iter(lambda: stream.read1(4096), b""):
            self._output[name].extend(chunk)

    def _remove_folder(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def poll(self) -> str:
        """Advance the job (read its progress; on its end, fail or finish); its state."""
        if self.state != "running":
            return self.state
        found = PERCENT.findall(bytes(self._output["stderr"][-4096:]))
        if found:
            self.progress = min(1.0, int(found[-1]) / 100.0)
        status = self.process.poll()
        if status is None:
            return self.state
        for reader in self._readers:
            reader.join()
        if status != 0:
            self.state = "failed"
            self.message = last_line(self._output["stderr"].decode(errors="replace"), status)
            self._remove_folder()
            return self.state
        try:
            self.result = self.finish()
            self.state, self.progress = "done", 1.0
        except Failure as exc:
            self.state, self.message = "failed", str(exc)
        return self.state

    def cancel(self) -> None:
        """Stop the command and everything it started (its process group); nothing of it is kept."""
        if self.state != "running":
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait()
        self._signal(signal.SIGKILL)  # what the command started and left behind, if anything
        for reader in self._readers:
            reader.join()
        self.state, self.message = "cancelled", "genart fit cancelled"
        self._remove_folder()

    def _signal(self, number: int) -> None:
        """Signal the command's process group (on Windows, which has none, the command alone)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(self.process.pid, number)
            elif self.process.poll() is None:
                self.process.kill()

    def wait(self, timeout: float, every: float = 0.1) -> str:
        """Poll until the job ends or `timeout` seconds pass (for Blender without an event loop); its state."""
        end = time.monotonic() + timeout
        while self.poll() == "running" and time.monotonic() < end:
            time.sleep(every)
        return self.state
