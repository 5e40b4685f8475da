"""`genart plot SCENE -o plot.svg`: a stroke-only SVG for a pen plotter, one layer per pen, ordered by vpype."""

from __future__ import annotations

import argparse
from pathlib import Path

from genart.options import add_quiet_option
from genart.render.paper import PAPER_MM

DEFAULT_PENS = "black"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plot", help="a stroke-only SVG for a pen plotter (AxiDraw, vpype), one layer per pen",
                       description="Plot a scene of shapes or a graph: fills become hatching of what shows "
                                   "(painter's order), graphs long strokes, one layer per pen, paths ordered by vpype.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.svg", help="the plot, an SVG of Inkscape layers")
    page = p.add_argument_group("paper and pen")
    page.add_argument("--paper", choices=list(PAPER_MM), default="A4", help="paper size (default A4)")
    page.add_argument("--landscape", action="store_true", help="paper in landscape orientation")
    page.add_argument("--margin", type=float, default=10.0, metavar="MM", help="margin on every side (default 10)")
    page.add_argument("--pen-width", type=float, default=0.3, metavar="MM", help="the pen's line width (default 0.3)")
    page.add_argument("--pens", default=DEFAULT_PENS, metavar="N|COLOURS",
                      help="the pens: colours separated by commas (\"#1d3557,#e63946,#000\"), or a number of pens to "
                           f"choose from the scene's colours (default {DEFAULT_PENS})")
    fill = p.add_argument_group("hatching")
    fill.add_argument("--spacing", type=float, default=0.3, metavar="MM",
                      help="spacing of the densest hatch (the pen width: solid); lighter colours take whole multiples of it "
                           "(default 0.3)")
    fill.add_argument("--angle", default="45", metavar="DEG[,DEG...]",
                      help="hatch angle in degrees, one per shapes layer (cycled; default 45)")
    fill.add_argument("--turn", type=float, default=0.0, metavar="DEG", help="angle added per shape (default 0)")
    fill.add_argument("--outlines", action="store_true", help="also draw the outline of what shows of every shape")
    more = p.add_argument_group("estimate and other outputs")
    more.add_argument("--speed", type=float, default=50.0, metavar="MM/S", help="pen speed for the time estimate "
                                                                              "(default 50)")
    more.add_argument("--lift-seconds", type=float, default=0.2, metavar="S", help="time of one pen lift (default 0.2)")
    more.add_argument("--preview", metavar="PATH.png", help="also write the plot drawn as ink (pens' colours and width)")
    more.add_argument("--preview-dpi", type=float, default=150.0, metavar="DPI", help="the preview's resolution "
                                                                                     "(default 150)")
    more.add_argument("--hpgl", metavar="PATH.hpgl", help="also write HPGL (vpype's writer) for --device")
    more.add_argument("--device", default="hp7475a", help="the HPGL plotter, as vpype's configuration names it "
                                                          "(default hp7475a)")
    add_quiet_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genart.bars import reporter_for
    from genart.plot.plotting import BAR_DELAY, PlotFiles, make_plot, write_plot
    from genart.plot.settings import PlotSettings, parse_angles, parse_pens
    from genart.render import scene

    files = PlotFiles(Path(args.output), Path(args.preview) if args.preview else None, args.preview_dpi,
                      Path(args.hpgl) if args.hpgl else None, args.device)
    files.check([Path(args.scene)])
    settings = PlotSettings(args.paper, args.landscape, args.margin, args.pen_width, args.spacing,
                            parse_angles(args.angle), args.turn, args.outlines, parse_pens(args.pens), args.speed,
                            args.lift_seconds, option="--")
    plot = make_plot(scene.load(args.scene), settings, reporter_for(not args.quiet, leave=False, delay=BAR_DELAY))
    for path in write_plot(plot, files, settings, Path(args.scene).name):
        print(path)
    if not args.quiet:
        print(plot.summary.line())
    return 0
