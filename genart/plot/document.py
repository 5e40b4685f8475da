"""The plot as a vpype document: one layer per pen, its paths ordered by vpype, its figures and files.

vpype works in CSS pixels (1/96 inch); genart's strokes are in millimetres. Each layer is named
after its pen ("1 #1d3557": the number first, which `vpype read` and AxiDraw's Inkscape
extension take as the layer's number) and carries the pen's colour and width, so vpype's SVG
writer draws each layer as an Inkscape layer (`inkscape:groupmode="layer"`) in its pen.

The order is vpype's own pipeline, `linemerge` (join paths whose ends meet), `linesimplify`,
`reloop` (closed paths start anywhere: their seams do not line up) and `linesort` (greedy
nearest path next, flipping paths where that is shorter), run by `vpype_cli.execute`. reloop
draws its seams from NumPy's global generator: it is seeded for the call and given back as it
was, so the same scene gives the same plot.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import vpype as vp

from genart.errors import UserError
from genart.plot.strokes import Strokes

PX_PER_MM = 96 / 25.4
MERGE_MM = 0.05  # path ends this close are joined (vpype's default)
SIMPLIFY_MM = 0.02  # paths are simplified this far at most (a tenth of a fine pen)
RELOOP_SEED = 0


def to_document(strokes: Strokes, pen_mm: float) -> vp.Document:
    """The strokes as a vpype document on the page (in vpype's pixels), a layer per pen that draws."""
    page = strokes.page
    document = vp.Document(page_size=(page.width_mm * PX_PER_MM, page.height_mm * PX_PER_MM))
    for pen, lines in zip(strokes.pens, strokes.lines):
        layer = vp.LineCollection([(line[:, 0] + 1j * line[:, 1]) * PX_PER_MM for line in lines])
        layer.set_property(vp.METADATA_FIELD_NAME, pen.label)
        layer.set_property(vp.METADATA_FIELD_COLOR, vp.Color(pen.hex))
        layer.set_property(vp.METADATA_FIELD_PEN_WIDTH, pen_mm * PX_PER_MM)
        document.add(layer, pen.number, with_metadata=True)
    return document


def optimize(document: vp.Document) -> vp.Document:
    """The document's paths merged, simplified, relooped and sorted by vpype (see the module's docstring).

    Examples
    --------
    >>> document = vp.Document()
    >>> document.add(vp.LineCollection([[0, 10], [30, 20], [10, 20]]), 1)
    >>> [line.tolist() for line in optimize(document).layers[1]]
    [[0j, (30+0j)]]
    """
    import vpype_cli

    state = np.random.get_state()
    np.random.seed(RELOOP_SEED)
    try:
        return vpype_cli.execute(f"linemerge --tolerance {MERGE_MM}mm linesimplify --tolerance {SIMPLIFY_MM}mm "
                                 f"reloop --tolerance {MERGE_MM}mm linesort", document)
    finally:
        np.random.set_state(state)


@dataclass(frozen=True)
class PlotSummary:
    """What a plot takes: pen-down and pen-up travel (mm), paths (pen lifts), the layers' names, and the time at
    `speed_mm_s` with `lift_seconds` a lift."""

    pen_down_mm: float
    pen_up_mm: float
    paths: int
    layers: tuple[str, ...]
    seconds: float

    def line(self) -> str:
        """The summary as one line.

        Examples
        --------
        >>> PlotSummary(12345.0, 678.0, 90, ("1 #000000",), 263.0).line()
        'pen down 12.35 m, pen up 0.68 m, 90 paths in 1 layer, about 4 min 23 s'
        """
        minutes, seconds = divmod(round(self.seconds), 60)
        hours, minutes = divmod(minutes, 60)
        took = f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        count = len(self.layers)
        return (f"pen down {self.pen_down_mm / 1000:.2f} m, pen up {self.pen_up_mm / 1000:.2f} m, {self.paths} paths "
                f"in {count} layer{'s' if count != 1 else ''}, about {took}")


def pen_up_mm(document: vp.Document) -> float:
    """The pen-up travel between the paths of each layer, summed (mm; pen changes between layers are by hand)."""
    return sum(layer.pen_up_length()[0] for layer in document.layers.values()) / PX_PER_MM


def summary(document: vp.Document, speed_mm_s: float, lift_seconds: float) -> PlotSummary:
    """The figures of a document (see `PlotSummary`)."""
    down, up = document.length() / PX_PER_MM, pen_up_mm(document)
    paths = sum(len(layer) for layer in document.layers.values())
    names = tuple(str(layer.property(vp.METADATA_FIELD_NAME)) for layer in document.layers.values())
    return PlotSummary(down, up, paths, names, (down + up) / speed_mm_s + paths * lift_seconds)


def svg_text(document: vp.Document, source: str) -> str:
    """The document as SVG text: vpype's writer, layers as Inkscape layers in their pens, no date (reproducible)."""
    out = io.StringIO()
    vp.write_svg(out, document, source_string=source, color_mode="default", set_date=False)
    return out.getvalue()


def hpgl_text(document: vp.Document, device: str, paper: str, landscape: bool) -> str:
    """The document as HPGL for `device` on `paper` (as vpype's configuration names them), by vpype's writer."""
    out = io.StringIO()
    try:
        vp.write_hpgl(out, document, paper.lower(), landscape, center=False, device=device, velocity=None, quiet=True)
    except ValueError as exc:
        raise UserError(f"HPGL: {exc} (vpype's plotter configuration)") from None
    return out.getvalue()


def hpgl_devices() -> Sequence[str]:
    """The plotters vpype's configuration knows (for the HPGL output)."""
    return sorted(vp.config_manager.get_plotter_list())
