"""`genart evolve IMAGE -o OUT...`: fit translucent shapes to a picture."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generative.shapes.layout import NAMES
from genart.errors import UserError
from genart.outputs import check_outputs, write_outputs

SHAPE_CHOICES = (*NAMES, "combo")


def grid(text: str) -> tuple[int, int]:
    """'4x4' → (4, 4)."""
    try:
        cols, rows = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COLSxROWS such as 4x4, got {text!r}") from None
    return cols, rows


def alpha(text: str) -> float:
    """'auto' (optimized per shape, stored as 0) or a number in (0, 1]."""
    if text == "auto":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"alpha must be in (0, 1] or 'auto', got {text!r}")
    return value


def color(text: str) -> tuple[float, float, float] | None:
    """'auto' (the picture's mean colour) or #rrggbb."""
    if text == "auto":
        return None
    value = text.lstrip("#")
    if len(value) != 6:
        raise argparse.ArgumentTypeError(f"expected 'auto' or #rrggbb, got {text!r}")
    try:
        return tuple(int(value[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or #rrggbb, got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evolve", help="fit translucent shapes to a picture",
        description="Approximate a picture with N translucent shapes and write the scene and/or its renders.")
    p.add_argument("image", help="the picture to approximate (png, jpg, webp, ...)")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .scene.json, .png, .svg or .pdf (repeatable)")
    p.add_argument("-n", "--shapes", type=int, default=200, help="number of shapes in all (default 200)")
    p.add_argument("--shape", choices=SHAPE_CHOICES, default="triangle", help="shape kind (default triangle)")
    p.add_argument("--sides", type=int, default=4, help="sides of --shape polygon (3-8, default 4)")
    p.add_argument("--method", choices=("hillclimb",), default="hillclimb",
                   help="hillclimb: greedy, one shape at a time (default)")
    p.add_argument("--alpha", type=alpha, default=0.0, help="shape opacity in (0, 1], or 'auto' (default)")
    p.add_argument("--background", type=color, default=None, help="'auto' (mean colour, default) or #rrggbb")
    p.add_argument("--tiles", type=grid, default=(1, 1), help="grid of independent tiles, e.g. 4x4 (default 1x1)")
    p.add_argument("--resize", type=int, default=256, help="working size: longer side in pixels (default 256)")
    p.add_argument("--width", type=int, default=None, help="width of PNG/SVG/PDF output (default: picture width)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); same seed, same result")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--target-rmse", type=float, default=None, help="stop when the RGB RMSE (0-255) reaches this")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    p.add_argument("--candidates", type=int, default=500, help="random candidates per search (default 500)")
    p.add_argument("--max-age", type=int, default=100, help="failed mutations before a climb stops (default 100)")
    p.add_argument("--repeats", type=int, default=8, help="independent climbs per shape (default 8)")
    p.add_argument("--checkpoint", default=None, help="checkpoint file (default: first output + .ckpt)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint of an interrupted run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generative.evolve import EvolveError, EvolveSettings, evolve, to_scene
    from generative.hillclimb import ClimbSettings
    from generative.images import load_picture

    check_outputs(args.output)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    settings = EvolveSettings(
        n=args.shapes,
        climb=ClimbSettings(shape=args.shape, sides=args.sides, alpha=args.alpha, candidates=args.candidates,
                            max_age=args.max_age, repeats=args.repeats, workers=max(1, args.workers)),
        tiles=args.tiles, resize=args.resize, seed=args.seed, background=args.background,
        target_rmse=args.target_rmse, seconds=args.seconds)
    checkpoint = Path(args.checkpoint or f"{args.output[0]}.ckpt")
    try:
        settings.check()
        picture = load_picture(args.image)
        result = evolve(picture, settings, checkpoint=checkpoint, resume=args.resume, progress=not args.quiet)
    except EvolveError as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        print(f"genart evolve: interrupted; progress saved in {checkpoint}; "
              "run the same command with --resume to continue", file=sys.stderr)
        return 130
    drawing = to_scene(result, picture, settings)
    write_outputs(drawing, args.output, args.width or picture.width)
    shapes = len(drawing.layers[0].shapes)
    print(f"{shapes} shapes, RMSE {result.rmse:.2f} at {result.target.shape[1]}x{result.target.shape[0]}, "
          f"{result.seconds:.1f} s")
    for out in args.output:
        print(out)
    return 0
