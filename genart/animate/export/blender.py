"""Finding and running Blender, which genart never imports: it runs as a separate process.

A Blender is either a `blender` executable or a Python that has Blender as a module
(`bpy`, as `tools/blender-env.sh` installs it in its own virtual environment: bpy pins
numpy < 2, genart needs numpy ≥ 2). It is looked for in order: the command given
(`--blender CMD`), `blender` on PATH, then the `GENART_BLENDER` variable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from genart.errors import UserError
from genart.runtime import children
from genart.runtime.terminal import printable

ENVIRONMENT = "GENART_BLENDER"
INSTALL_HINT = "tools/blender-env.sh builds one and prints the Python to use"


@dataclass(frozen=True)
class Blender:
    """A Blender to run scripts with: an executable, or a Python that imports `bpy`."""

    program: str  # absolute path
    is_python: bool

    def command(self, script: Path, args: list[str]) -> list[str]:
        """The command line that runs `script` with `args` (after `--`) headless, failing on errors."""
        if self.is_python:
            return [self.program, str(script), "--", *args]
        return [self.program, "-b", "--factory-startup", "--python-exit-code", "1", "--python", str(script),
                "--", *args]

    def run(self, script: Path, args: list[str], what: str) -> str:
        """Run `script`; its output, or a UserError with the last line it printed (saying `what` failed).

        Blender runs as a `genart.runtime.children.child` (it ends with genart, and so does what it starts),
        with its own scratch files in a temporary folder of genart's, removed however Blender ends.
        """
        with tempfile.TemporaryDirectory(prefix="genart-blender-") as scratch:
            try:
                done = children.run(self.command(script, args), env={**os.environ, "TMPDIR": scratch})
            except OSError as exc:
                reason = exc.strerror or exc
                raise UserError(f"{what}: cannot run Blender {printable(self.program)}: {reason}") from None
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
            errors = [line for line in lines if "Error" in line] or lines
            reason = errors[-1] if errors else f"exit status {done.returncode}"
            raise UserError(f"{what}: Blender failed: {printable(reason)}")
        return done.stdout


def _resolve(command: str) -> str | None:
    """The absolute path of an executable named or given by path, or None."""
    found = shutil.which(command)
    return str(Path(found).absolute()) if found else None


def _is_python(program: str) -> bool:
    return Path(program).name.lower().startswith("python")


def find_blender(given: str | None = None) -> Blender:
    """The Blender to use: `given`, else `blender` on PATH, else $GENART_BLENDER; a UserError if none."""
    if given is not None:
        program = _resolve(given)
        if program is None:
            raise UserError(f"--blender {printable(given)}: no such executable")
        return Blender(program, _is_python(program))
    program = _resolve("blender")
    if program is not None:
        return Blender(program, False)
    variable = os.environ.get(ENVIRONMENT, "").strip()
    if variable:
        program = _resolve(variable)
        if program is None:
            raise UserError(f"{ENVIRONMENT}={printable(variable)}: no such executable")
        return Blender(program, _is_python(program))
    raise UserError(f"no Blender found: give --blender CMD, put `blender` on PATH or set {ENVIRONMENT} ({INSTALL_HINT})")
