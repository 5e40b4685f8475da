"""`genart render SCENE -o OUT.{png,jpg,tif,svg,pdf}`: draw a scene file at any size, or on paper for print."""

from __future__ import annotations

import argparse

from genart.errors import UserError
from genart.options import add_quiet_option
from genart.outputs import (
    OUTPUT_FORMATS,
    add_poster_options,
    check_outputs,
    color,
    poster_options,
    replace_background,
    write_outputs,
)
from genart.render import scene


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render a scene file to PNG, JPEG, TIFF, SVG or PDF",
                       description="Render a scene file; the format follows each output's extension.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help=f"output {OUTPUT_FORMATS} (repeatable)")
    p.add_argument("--width", type=int, help="output width in pixels (PDF: points); height keeps the aspect")
    p.add_argument("--background", metavar="COLOUR|transparent",
                   help="draw the scene on this background instead of its own (transparent: none)")
    p.add_argument("--collection", metavar="PATH", help="a mosaic's collection file, wherever it is "
                   "(default: the one the scene names, inside the scene's folder)")
    add_quiet_option(p)
    add_poster_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    inputs = [args.scene, *([args.collection] if args.collection else [])]
    check_outputs(args.output, inputs=inputs)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    transparent = args.background is not None and args.background.lower() in ("transparent", "none")
    options = poster_options(args, transparent)
    drawing = scene.load(args.scene)
    if args.background is not None and not transparent:
        drawing = replace_background(drawing, color(args.background))
    tiles = None
    mosaic = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if mosaic is not None:  # a mosaic draws its tiles from the collection file the scene names
        from genart.generative.mosaic.collection import open_tiles, resolve_collection

        inputs.append(str(resolve_collection(mosaic.collection, args.scene, args.collection)))
        tiles = open_tiles(mosaic, args.scene, args.collection)
    write_outputs(drawing, args.output, args.width, tiles, options, inputs)
    for out in args.output:
        print(out)
    return 0
