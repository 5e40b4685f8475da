"""Writing a scene to the files the user named: format follows each file's extension."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from genart.errors import UserError
from renderers import cairo, pdf, scene, svg
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
        if Path(path).is_dir():
            raise UserError(f"{path}: is a directory")


def write_outputs(
    drawing: scene.Scene,
    paths: Sequence[str | Path],
    width: int | None = None,
    tiles: TileSource | None = None,
) -> None:
    """Write the scene and/or its renders; `width` is the PNG/SVG/PDF width (default canvas size)."""
    check_outputs(paths)
    for path in paths:
        kind = kind_of(path)
        if kind == "scene":
            scene.save(drawing, path)
        elif kind == "png":
            cairo.render_png(drawing, path, width, tiles=tiles)
        elif kind == "svg":
            svg.render_svg(drawing, path, width, tiles=tiles)
        else:
            pdf.render_pdf(drawing, path, width, tiles=tiles)
