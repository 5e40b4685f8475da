"""Fitting on from an edited file: the shapes of an SVG poster or a scene file, kept, with new shapes added on top.

`start_from` reads the shapes (an SVG by their ids, `genart.render.svg_read`; a scene file its first
shapes layer), in the picture's units (a file made at another size is scaled to it), with its
background; `start_canvas` draws them at the fit's working size, the canvas the new shapes are
fitted on. The shapes stay exactly as the file holds them; a joint refinement after the fit
(``--refine-seconds``) moves them with the rest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genart.errors import GenartError
from genart.render import scene as S
from genart.render.fields import Color
from genart.render.layers import layer_type
from genart.render.layers.shapes import shape_ids
from genart.render.svg_read import SvgReadError, read_svg

SVG_SUFFIXES = (".svg",)
ASPECT_TOLERANCE = 0.01  # relative: a file of another aspect than the picture's is refused beyond it


class StartError(GenartError, ValueError):
    """A file to start from that cannot be used (unreadable, no shapes layer, another aspect); one line."""


@dataclass(frozen=True)
class Start:
    """Shapes to fit on from, in the picture's units, in drawing order, with their ids; the file's background
    (None: it draws none) and the one line saying what was read (and skipped)."""

    shapes: list[S.Shape]
    ids: list[int]
    background: Color | None
    note: str

    @property
    def next_id(self) -> int:
        """The id of the first new shape: after every kept one."""
        return max(self.ids) + 1 if self.ids else 0

    def digest(self) -> str:
        """Identifies the start (for a checkpoint: a run resumes only from the same shapes)."""
        kept = S.ShapesLayer(shapes=self.shapes, ids=self.ids).model_dump(mode="json")
        return hashlib.sha256(json.dumps([kept, self.background]).encode()).hexdigest()[:16]


def _read(path: Path) -> tuple[tuple[float, float], list[S.Shape], list[int], Color | None, str]:
    """Canvas size, shapes, ids, background and note of an SVG or scene file."""
    if path.suffix.lower() in SVG_SUFFIXES:
        try:
            svg = read_svg(path)
        except SvgReadError as exc:
            raise StartError(str(exc)) from None
        return svg.canvas, svg.shapes, svg.ids, svg.background, svg.summary(str(path))
    try:
        drawing = S.load(path)
    except S.SceneError as exc:
        raise StartError(str(exc)) from None
    layer = next((layer for layer in drawing.layers if isinstance(layer, S.ShapesLayer)), None)
    if layer is None:
        raise StartError(f"{path}: holds no shapes layer to start from")
    canvas = (drawing.canvas.width, drawing.canvas.height)
    return canvas, list(layer.shapes), shape_ids(layer), drawing.canvas.background, f"{path}: {len(layer.shapes)} shapes read"


def start_from(path: str | Path, width: float, height: float) -> Start:
    """The shapes of the SVG poster or scene file `path`, for a picture `width` × `height` (see the module
    docstring); StartError (one line) where it cannot be used.

    Examples
    --------
    >>> import tempfile
    >>> dot = S.ShapesLayer(shapes=[S.Circle(cx=5, cy=5, r=2, color=(1, 0, 0, 1))], ids=[4])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = S.save(S.Scene(canvas=S.Canvas(width=10, height=10), layers=[dot]), f"{folder}/x.scene.json")
    ...     start = start_from(path, 20, 20)
    >>> start.shapes[0].r, start.ids, start.next_id
    (4.0, [4], 5)
    """
    path = Path(path)
    (cw, ch), shapes, ids, background, note = _read(path)
    if abs((width / height) / (cw / ch) - 1.0) > ASPECT_TOLERANCE:
        raise StartError(f"{path}: its canvas is {cw:g}x{ch:g}, another aspect than the picture's {width:g}x{height:g}")
    factor = width / cw
    if factor != 1.0:
        shapes = [S.scaled(shape, factor) for shape in shapes]
    return Start(shapes, ids, background, note)


def start_canvas(start: Start, background: np.ndarray, width: int, height: int, canvas: S.Canvas) -> np.ndarray:
    """The kept shapes drawn over `background` (a colour, or black then white for a fit with alpha: 3 or 6
    values) at `width` × `height` pixels of the picture's `canvas`, as the hill-climb's canvas (pixel centres)."""
    layer = S.ShapesLayer(shapes=start.shapes)
    drawn = layer_type(layer)
    parts = []
    for under in np.asarray(background, np.float64).reshape(-1, 3):
        image = np.empty((height, width, 3), np.float64)
        image[:] = under
        drawn.rasterize(image, layer, width / canvas.width, height / canvas.height, canvas)
        parts.append(image)
    return np.concatenate(parts, axis=2)
