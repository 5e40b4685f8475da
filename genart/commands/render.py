"""`genart render SCENE -o OUT.{png,svg,pdf}`: draw a scene file at any size."""

from __future__ import annotations

import argparse

from genart.errors import UserError
from genart.outputs import check_outputs, write_outputs
from renderers import scene


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render a scene file to PNG, SVG or PDF",
                       description="Render a scene file; the format follows each output's extension.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output file .png, .svg, .pdf or .scene.json (repeatable)")
    p.add_argument("--width", type=int, help="output width in pixels (PDF: points); height keeps the aspect")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_outputs(args.output)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    drawing = scene.load(args.scene)
    tiles = None
    mosaic = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if mosaic is not None:  # a mosaic draws its tiles from the collection file the scene names
        from generative.mosaic.collection import open_tiles

        tiles = open_tiles(mosaic, args.scene)
    write_outputs(drawing, args.output, args.width, tiles)
    for out in args.output:
        print(out)
    return 0
