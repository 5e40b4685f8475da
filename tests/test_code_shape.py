"""The package's shape: no function past about 60 lines unless it is a numba kernel that says why."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import genart

LONGEST = 60
PACKAGE = Path(genart.__file__).parent


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}", node) for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return found


def _justified_kernel(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A numba kernel whose docstring says why it is long ("Long because: ...")."""
    compiled = any("numba" in ast.unparse(d) for d in node.decorator_list)
    return compiled and "Long because:" in (ast.get_docstring(node) or "")


def test_no_function_runs_past_sixty_lines() -> None:
    long = [f"{where} ({node.end_lineno - node.lineno + 1} lines)" for where, node in _functions()
            if node.end_lineno is not None and node.end_lineno - node.lineno + 1 > LONGEST
            and not _justified_kernel(node)]
    assert not long, "functions past 60 lines: " + "; ".join(long)


def test_exporters_never_name_a_drawable_kind() -> None:
    exporters = PACKAGE / "animate" / "export"
    named = [f"{path.name}:{i}" for path in sorted(exporters.glob("*.py"))
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Kind." in line]
    assert not named, "exporters branch on a drawable kind at " + ", ".join(named)


def test_posters_and_movies_never_load_numba() -> None:
    """Renderers, drawables and the frame pipeline leave numba to the fitters (a drawable's kernel loads lazily):
    every render worker would carry it (about 60 MB each) and start slower."""
    probe = ("import sys, genart.render.drawables, genart.render.cairo, genart.render.svg, genart.render.pdf, "
             "genart.animate.pipeline, genart.animate.motions, genart.animate.export.formats; "
             "print(sorted(m for m in ('numba', 'scipy', 'llvmlite') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]", f"posters and movies load {loaded}"
