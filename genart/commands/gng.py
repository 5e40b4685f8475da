"""`genart gng IMAGE -o OUT.scene.json`: Growing Neural Gas line art from a picture."""

from __future__ import annotations

import argparse
import time

from genart.api import fit_picture
from genart.errors import UserError
from genart.generative import points as pts
from genart.generative.images import load_picture
from genart.generative.methods.gng import GNGSettings
from genart.options import Spelling, add_quiet_option, add_settings_options, settings_from
from genart.outputs import OUTPUT_FORMATS, add_poster_options, check_outputs, poster_options, write_outputs
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


def _colour(value: str | tuple[float, ...]) -> str:
    """A default colour as the option writes it (#rrggbbaa; `source` as it is)."""
    return value if isinstance(value, str) else "#" + "".join(f"{round(c * 255):02x}" for c in value)


SPELLINGS = {"threshold": Spelling(_threshold, "otsu|local|LEVEL"), "snapshots": Spelling(_snapshots, "epoch|none|K"),
             "crop": Spelling(str, "Y0:Y1,X0:X1"), "edge_color": Spelling(str, "COLOUR|source", _colour),
             "node_color": Spelling(str, "COLOUR", _colour), "background": Spelling(str, "COLOUR", _colour)}
SECTIONS = {**dict.fromkeys(("crop", "resize", "max_points", "sigma", "threshold", "offset", "block_size", "invert"),
                            "image to points"),
            **dict.fromkeys(("edge_width", "edge_color", "node_radius", "node_color", "background"), "drawing")}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gng", help="Growing Neural Gas line art from a picture",
        description="Turn the dark pixels of a picture into points, grow a neural gas graph over them "
                    "and draw its edges. Defaults are the 'Making Art with Growing Neural Gas' settings.",
    )
    p.add_argument("image", help="source picture")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help=f"output {OUTPUT_FORMATS} (repeatable)")
    p.add_argument("--width", type=int, help="PNG/SVG/PDF width in pixels (default: the picture's width)")
    add_quiet_option(p)
    add_settings_options(p, {"gng": GNGSettings}, SPELLINGS, sections=SECTIONS)
    p.add_argument("--count-components", action="store_true",
                   help="print the number of connected subgraphs (e.g. words, after more blur)")
    add_poster_options(p)
    add_preview_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = report_output(args.report, args.output[0])
    check_outputs(args.output, inputs=[args.image], also=[report] if report else [])
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    settings = settings_from(args, GNGSettings, {"gng": GNGSettings}, "--method", "gng")
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
