"""A scene to a pen plot and its files: the strokes, vpype's order, the summary, the SVG, the preview, HPGL.

The files are planned and checked before any work (`genart.outputs.check_plan`: no output
replaces an input or another output, each can be written) and written all or none
(`genart.render.atomic.atomic_paths`): a failure leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import vpype as vp

from genart.errors import UserError
from genart.outputs import Output, check_plan
from genart.plot.document import PlotSummary, hpgl_text, optimize, summary, svg_text, to_document
from genart.plot.preview import DEFAULT_DPI, ink_preview, preview_size
from genart.plot.settings import PlotSettings
from genart.plot.strokes import Strokes, scene_strokes
from genart.render.atomic import atomic_paths
from genart.render.cairo import save_png
from genart.render.scene import Scene
from genart.runtime.progress import SILENT, Reporter, Tally

LABEL = "plot"  # the progress bar's title
BAR_DELAY = 2.0  # seconds before the bar shows (a quick plot shows none)


@dataclass(frozen=True)
class Plot:
    """A scene's plot: its strokes in scene order, the vpype document in plotting order, and its summary."""

    strokes: Strokes
    document: vp.Document
    summary: PlotSummary


def make_plot(scene: Scene, settings: PlotSettings, reporter: Reporter = SILENT) -> Plot:
    """The plot of `scene` with `settings`; `reporter` is told how many shapes the overlay has built (`Count`).

    Examples
    --------
    >>> from genart.render import scene as S
    >>> one = S.Scene(canvas=S.Canvas(width=10, height=10),
    ...               layers=[S.ShapesLayer(shapes=[S.Circle(cx=5, cy=5, r=4, color=(0, 0, 0, 1))])])
    >>> make_plot(one, PlotSettings(paper="A6", margin_mm=2.5, spacing_mm=1.0, pen_mm=1.0)).summary.paths
    80
    """
    tally = Tally(reporter, LABEL, sum(len(getattr(layer, "shapes", ())) for layer in scene.layers), "shape")
    tally.count()
    try:
        strokes = scene_strokes(scene, settings, tally.add)
    finally:
        tally.count(final=True)
    document = optimize(to_document(strokes, settings.pen_mm))
    return Plot(strokes, document, summary(document, settings.speed_mm_s, settings.lift_seconds))


@dataclass(frozen=True)
class PlotFiles:
    """Where a plot goes: the SVG, and optionally the ink preview (at `dpi`) and HPGL for `device`."""

    svg: Path
    preview: Path | None = None
    dpi: float = DEFAULT_DPI
    hpgl: Path | None = None
    device: str = "hp7475a"

    def check(self, inputs: list[Path]) -> None:
        """Refuse, before any work, names of the wrong kind and a plan `check_plan` refuses."""
        for path, label, suffixes in ((self.svg, "-o", (".svg",)), (self.preview, "--preview", (".png",)),
                                      (self.hpgl, "--hpgl", (".hpgl", ".plt"))):
            if path is not None and path.suffix.lower() not in suffixes:
                raise UserError(f"{label} {path}: a plot writes {' or '.join(suffixes)} there")
        if not 1.0 <= self.dpi <= 1200.0:
            raise UserError(f"--preview-dpi must be between 1 and 1200, got {self.dpi:g}")
        plan = [Output(self.svg), *(Output(p, label) for p, label in ((self.preview, "--preview"),
                                                                       (self.hpgl, "--hpgl")) if p is not None)]
        check_plan(plan, inputs)


def write_plot(plot: Plot, files: PlotFiles, settings: PlotSettings, source: str) -> list[Path]:
    """Write the plot's files all or none (see the module's docstring); the paths written."""
    svg = svg_text(plot.document, source)
    hpgl = hpgl_text(plot.document, files.device, settings.paper, settings.landscape) if files.hpgl else None
    if files.preview is not None:
        preview_size(plot.document, files.dpi)
    written = [p for p in (files.svg, files.preview, files.hpgl) if p is not None]
    with atomic_paths(written) as temps:
        temp = dict(zip(written, temps))
        temp[files.svg].write_text(svg, encoding="utf-8")
        if files.preview is not None:
            save_png(ink_preview(plot.document, files.dpi), temp[files.preview], dpi=files.dpi)
        if files.hpgl is not None and hpgl is not None:
            temp[files.hpgl].write_text(hpgl, encoding="ascii")
    return written
