"""`genart gng IMAGE -o OUT.scene.json`: Growing Neural Gas line art from a picture."""

from __future__ import annotations

import argparse
import time

from pydantic import ValidationError

from genart.api import fit_picture
from genart.errors import UserError
from genart.generative import points as pts
from genart.generative.images import load_picture
from genart.generative.methods import settings_error
from genart.generative.methods.gng import GNGSettings
from genart.options import add_quiet_option
from genart.outputs import add_poster_options, check_outputs, poster_options, write_outputs
from genart.preview import add_preview_options, show_result, watching, write_run_report
from genart.report import report_output

DEFAULTS = GNGSettings()


def _threshold(text: str) -> str | float:
    if text in pts.DEFAULT_OFFSETS:
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use otsu, local or a grey level in [0, 1], not {text!r}") from None


def _snapshots(text: str) -> str | int:
    if text in ("epoch", "none"):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use epoch, none or a number of signals, not {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gng", help="Growing Neural Gas line art from a picture",
        description="Turn the dark pixels of a picture into points, grow a neural gas graph over them "
                    "and draw its edges. Defaults are the 'Making Art with Growing Neural Gas' settings.",
    )
    p.add_argument("image", help="source picture")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .scene.json[.gz], .png, .svg or .pdf (repeatable)")
    p.add_argument("--width", type=int, help="PNG/SVG/PDF width in pixels (default: the picture's width)")
    add_quiet_option(p)
    g = p.add_argument_group("image to points")
    g.add_argument("--crop", metavar="Y0:Y1,X0:X1", help="cut the picture first (numpy-style rows, columns)")
    g.add_argument("--resize", type=int, default=DEFAULTS.resize, metavar="PX",
                   help="working resolution: longer side in pixels, for a larger picture (default 600; 0: full size)")
    g.add_argument("--max-points", type=int, default=DEFAULTS.max_points, metavar="N",
                   help="most points, drawn with --seed (default 100000; 0: all)")
    g.add_argument("--sigma", type=float, default=DEFAULTS.sigma, help="gaussian blur in pixels (default 0.6)")
    g.add_argument("--threshold", type=_threshold, default="otsu", metavar="otsu|local|LEVEL",
                   help="otsu (default), local (adaptive) or a grey level in [0, 1]")
    g.add_argument("--offset", type=float,
                   help="added to the otsu or local level; larger keeps more pixels (default otsu 0.1, local -0.05)")
    g.add_argument("--block-size", type=int, default=DEFAULTS.block_size, help="neighbourhood of the local threshold (odd, default 35)")
    g.add_argument("--invert", action="store_true", help="keep light pixels instead of dark ones")
    n = p.add_argument_group("growing neural gas (neupy's names)")
    n.add_argument("--max-nodes", type=int, default=DEFAULTS.max_nodes)
    n.add_argument("--epochs", type=int, default=DEFAULTS.epochs)
    n.add_argument("--step", type=float, default=DEFAULTS.step, help="winner learning rate")
    n.add_argument("--neighbour-step", type=float, default=DEFAULTS.neighbour_step)
    n.add_argument("--max-edge-age", type=int, default=DEFAULTS.max_edge_age)
    n.add_argument("--n-start-nodes", type=int, default=DEFAULTS.n_start_nodes)
    n.add_argument("--n-iter-before-neuron-added", type=int, default=DEFAULTS.n_iter_before_neuron_added)
    n.add_argument("--after-split-error-decay-rate", type=float, default=DEFAULTS.after_split_error_decay_rate)
    n.add_argument("--error-decay-rate", type=float, default=DEFAULTS.error_decay_rate)
    n.add_argument("--min-distance-for-update", type=float, default=DEFAULTS.min_distance_for_update)
    n.add_argument("--no-shuffle", action="store_true", help="present the points in image order every epoch")
    n.add_argument("--seed", type=int, default=0)
    n.add_argument("--seconds", type=float, metavar="S",
                   help="time budget: stop after the first whole epoch that ends past S seconds")
    n.add_argument("--snapshots", type=_snapshots, default="epoch", metavar="epoch|none|K",
                   help="record the graph every epoch (default), never, or every K signals")
    n.add_argument("--count-components", action="store_true",
                   help="print the number of connected subgraphs (e.g. words, after more blur)")
    d = p.add_argument_group("drawing")
    d.add_argument("--edge-width", type=float, default=DEFAULTS.edge_width,
                   help="line width in working pixels (default 0.3): it grows with the picture, as the lines do")
    d.add_argument("--edge-color", default="black",
                   help="line colour (a name, #rrggbb or #rrggbbaa), or 'source' for the picture's colour under each edge")
    d.add_argument("--node-radius", type=float, default=DEFAULTS.node_radius,
                   help="draw nodes as dots of this radius in working pixels")
    d.add_argument("--node-color", default="black")
    d.add_argument("--background", default="white")
    add_poster_options(p)
    add_preview_options(p)
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> GNGSettings:
    """The method's settings from the options; a bad one is a one-line error naming its option."""
    values = {name: getattr(args, name) for name in GNGSettings.model_fields if name != "shuffle"}
    try:
        return GNGSettings(**values, shuffle=not args.no_shuffle)
    except ValidationError as exc:
        raise UserError(settings_error(exc, GNGSettings, lambda f: f"--{f.replace('_', '-')}")) from None


def run(args: argparse.Namespace) -> int:
    report = report_output(args.report, args.output[0])
    check_outputs(args.output, inputs=[args.image], also=[report] if report else [])
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    settings = _settings(args)
    picture = load_picture(args.image)
    began = time.perf_counter()
    with watching(args, "gng") as live:
        drawing = fit_picture(picture, "gng", settings, progress=not args.quiet, reporter=live)
        show_result(live, drawing)
        write_outputs(drawing, args.output, args.width, options=poster_options(args), inputs=[args.image])
        if live is not None and report is not None:
            write_run_report(live, report.path, "gng", f"genart gng {picture.name}", drawing,
                             settings.model_dump(mode="json"), time.perf_counter() - began)
    for out in args.output:
        print(out)
    if args.count_components:
        print(f"components: {drawing.meta['gng_components']}")
    return 0
