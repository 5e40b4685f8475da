"""Writing a scene to the files the user named: format follows each file's extension.

Everything that can be checked (formats, folders, sizes) is checked before anything is
written; then every output is written to a temporary file beside its target, and only
when all of them succeeded are they renamed into place, so a failure leaves the previous
files as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from genart.errors import UserError
from renderers import cairo, pdf, scene, svg
from renderers.atomic import WriteError, atomic_paths, write_error
from renderers.cairo import TileSource

SCENE_SUFFIXES = (".scene.json", ".scene.json.gz", ".json", ".json.gz")
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")


def kind_of(path: str | Path) -> str:
    """'scene', 'png', 'svg' or 'pdf' for an output path; anything else is a UserError."""
    name = str(path).lower()
    if name.endswith(SCENE_SUFFIXES):
        return "scene"
    for suffix in IMAGE_SUFFIXES:
        if name.endswith(suffix):
            return suffix[1:]
    raise UserError(
        f"{path}: unknown output format (use .scene.json, .scene.json.gz, .png, .svg or .pdf)"
    )


def check_outputs(paths: Sequence[str | Path], allowed: Sequence[str] = ("scene", "png", "svg", "pdf")) -> None:
    """Fail early, before any work, on an output the command cannot write."""
    if not paths:
        raise UserError("no output: name at least one with -o")
    for path in paths:
        kind = kind_of(path)
        if kind not in allowed:
            raise UserError(f"{path}: this command cannot write {kind} (it writes {', '.join(allowed)})")
        folder = Path(path).parent
        if not folder.is_dir():
            raise UserError(f"{path}: folder {folder} does not exist")
        try:
            is_dir = Path(path).is_dir()
        except OSError as exc:  # ENAMETOOLONG, ELOOP, ...
            raise UserError(f"{path}: {exc.strerror}") from None
        if is_dir:
            raise UserError(f"{path}: is a directory")


def check_sizes(canvas: scene.Canvas, paths: Sequence[str | Path], width: int | None = None) -> None:
    """Raise SceneError, naming the file, if a PNG or PDF output would be too large."""
    for path in paths:
        kind = kind_of(path)
        try:
            if kind == "png":
                scene.output_size(canvas, width)
            elif kind == "pdf":
                w = float(width) if width is not None else canvas.width
                scene.output_size(canvas, round(w), round(w * canvas.height / canvas.width))
        except scene.SceneError as exc:
            raise scene.SceneError(f"{path}: {exc}") from None


def write_outputs(
    drawing: scene.Scene,
    paths: Sequence[str | Path],
    width: int | None = None,
    tiles: TileSource | None = None,
) -> None:
    """Write the scene and/or its renders; `width` is the PNG/SVG/PDF width (default canvas size).

    All outputs are checked first and written all or none (see the module's docstring).
    """
    check_outputs(paths)
    check_sizes(drawing.canvas, paths, width)
    with atomic_paths(paths) as temps:
        for path, tmp in zip(paths, temps):
            try:
                _write(drawing, kind_of(path), tmp, width, tiles)
            except WriteError as exc:
                raise WriteError(path, exc.reason) from None
            except OSError as exc:
                raise write_error(path, exc) from None


def _write(drawing: scene.Scene, kind: str, tmp: Path, width: int | None, tiles: TileSource | None) -> None:
    if kind == "scene":
        scene.save(drawing, tmp)
    elif kind == "png":
        cairo.render_png(drawing, tmp, width, tiles=tiles)
    elif kind == "svg":
        svg.render_svg(drawing, tmp, width, tiles=tiles)
    else:
        pdf.render_pdf(drawing, tmp, width, tiles=tiles)
