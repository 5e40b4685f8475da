"""`genart evolve IMAGE -o OUT...`: fit translucent shapes to a picture."""

from __future__ import annotations

import argparse
import os
import time
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
    p.add_argument("--shape", choices=SHAPE_CHOICES, default=None,
                   help="shape kind (default triangle; gradient fits circles)")
    p.add_argument("--sides", type=int, default=4, help="sides of --shape polygon (3-8, default 4)")
    p.add_argument("--method", choices=METHODS, default="hillclimb",
                   help="hillclimb: greedy, one shape at a time (default); anneal: dual annealing of all "
                        "polygons per tile (the classic baseline); gradient: soft circles by gradient descent")
    p.add_argument("--alpha", type=alpha, default=0.0, help="shape opacity in (0, 1], or 'auto' (default)")
    p.add_argument("--background", type=color, default=None, help="'auto' (mean colour, default) or #rrggbb")
    p.add_argument("--tiles", type=grid, default=None, help="grid of independent tiles, e.g. 4x4 "
                                                             "(default 1x1; anneal 4x4)")
    p.add_argument("--resize", type=int, default=256, help="working size: longer side in pixels (default 256)")
    p.add_argument("--width", type=int, default=None, help="width of PNG/SVG/PDF output (default: picture width)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0); same seed, same result")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--target-rmse", type=float, default=None,
                   help="hillclimb: stop when the RGB RMSE (0-255, of its pixel-centre render) reaches this")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    search = p.add_argument_group("hillclimb search")
    search.add_argument("--candidates", type=int, default=500, help="random candidates per search (default 500)")
    search.add_argument("--max-age", type=int, default=100, help="failed mutations before a climb stops (default 100)")
    search.add_argument("--repeats", type=int, default=8, help="independent climbs per shape (default 8)")
    search.add_argument("--refine-seconds", type=float, default=None,
                        help="after the greedy pass, refine all shapes jointly by gradient descent this long")
    search.add_argument("--checkpoint", default=None, help="checkpoint file (default: first output + .ckpt)")
    search.add_argument("--resume", action="store_true", help="continue from the checkpoint of an interrupted run")
    grad = p.add_argument_group("gradient and refinement")
    grad.add_argument("--steps", type=int, default=None, help="gradient steps (default 2000, or by --seconds)")
    grad.add_argument("--loss", choices=("rgb", "lab"), default="rgb", help="error measured in RGB or CIE Lab")
    grad.add_argument("--weights", default=None, help="greyscale picture: which areas matter more (white)")
    grad.add_argument("--snapshot-every", type=int, default=0, help="gradient: snapshot every K steps")
    annealing = p.add_argument_group("anneal")
    annealing.add_argument("--evaluations", type=int, default=20_000, help="error evaluations per tile (default 20000)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _weights(args: argparse.Namespace, size: tuple[int, int]):
    """The weight map as an H×W float array in [0, 1] at the working size, or None."""
    if args.weights is None:
        return None
    import numpy as np
    from PIL import Image

    from generative.images import load_picture

    grey = Image.fromarray(load_picture(args.weights).rgb).convert("L").resize(size, Image.Resampling.BOX)
    return np.asarray(grey, np.float64) / 255.0


def _poster_rmse(drawing, target) -> float:
    """RGB RMSE (0–255) of the scene's antialiased render, as its PNG shows it, at the target's size."""
    from generative.images import rmse_255
    from renderers.cairo import render_array

    return rmse_255(render_array(drawing, target.shape[1], target.shape[0]), target)


def _hillclimb(args: argparse.Namespace, picture, shape: str):
    from generative.evolve import EvolveSettings, evolve, to_scene
    from generative.hillclimb import ClimbSettings

    settings = EvolveSettings(
        n=args.shapes,
        climb=ClimbSettings(shape=shape, sides=args.sides, alpha=args.alpha, candidates=args.candidates,
                            max_age=args.max_age, repeats=args.repeats, workers=max(1, args.workers)),
        tiles=args.tiles or (1, 1), resize=args.resize, seed=args.seed, background=args.background,
        target_rmse=args.target_rmse, seconds=args.seconds)
    settings.check()
    checkpoint = Path(args.checkpoint or f"{args.output[0]}.ckpt")
    try:
        result = evolve(picture, settings, checkpoint=checkpoint, resume=args.resume, progress=not args.quiet)
    except KeyboardInterrupt:
        raise UserError(f"interrupted; progress saved in {checkpoint}; "
                        "run the same command with --resume to continue") from None
    drawing = to_scene(result, picture, settings)
    if args.refine_seconds is None:
        return drawing, result.target, result.seconds
    from generative.gradient import refine
    from generative.gradient.scene import fit_scene
    from renderers import scene as S

    h, w = result.target.shape[:2]
    factor = max(w, h) / max(picture.width, picture.height)
    greedy = [S.scaled(s, factor) for s in drawing.layers[0].shapes]
    started = time.perf_counter()
    fit = refine(result.target, greedy, result.background, seconds=args.refine_seconds, seed=args.seed,
                 loss=args.loss, weights=_weights(args, (w, h)), snapshot_every=args.snapshot_every,
                 progress=not args.quiet)
    seconds = result.seconds + time.perf_counter() - started
    meta = {**drawing.meta, "refined": True, "greedy_rmse": round(_poster_rmse(drawing, result.target), 4)}
    return fit_scene(picture, (w, h), fit, meta, drawing.snapshots), result.target, seconds


def _anneal(args: argparse.Namespace, picture, shape: str):
    from generative.anneal import AnnealSettings, anneal, to_scene

    sides = {"triangle": 3, "polygon": args.sides}.get(shape)
    if sides is None:
        raise UserError(f"anneal fits polygons (--shape triangle or polygon), not {shape}")
    cols, rows = args.tiles or (4, 4)
    if args.shapes < cols * rows:
        raise UserError(f"{args.shapes} shapes cannot cover {cols * rows} tiles (at least one each)")
    settings = AnnealSettings(polygons=args.shapes // (cols * rows), sides=sides, evaluations=args.evaluations,
                              tiles=(cols, rows), resize=args.resize, seed=args.seed, seconds=args.seconds,
                              workers=max(1, min(args.workers, cols * rows)))
    result = anneal(picture, settings)
    return to_scene(result, picture, settings), result.target, result.seconds


def _gradient(args: argparse.Namespace, picture, shape: str):
    from generative.gradient import fit_circles
    from generative.gradient.scene import fit_scene
    from generative.images import resize_to, to_float

    if shape != "circle":
        raise UserError(f"gradient fits circles (--shape circle), not {shape}")
    target = to_float(resize_to(picture.rgb, args.resize)).astype("float64")
    h, w = target.shape[:2]
    started = time.perf_counter()
    fit = fit_circles(target, args.shapes, steps=args.steps, seconds=args.seconds, seed=args.seed, loss=args.loss,
                      weights=_weights(args, (w, h)), snapshot_every=args.snapshot_every, progress=not args.quiet)
    meta = {"generator": "genart evolve", "method": "gradient", "shape": "circle", "seed": args.seed,
            "loss": args.loss}
    return fit_scene(picture, (w, h), fit, meta), target, time.perf_counter() - started


METHODS = ("hillclimb", "anneal", "gradient")


def run(args: argparse.Namespace) -> int:
    from generative.evolve import EvolveError
    from generative.images import load_picture

    check_outputs(args.output)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    if args.shapes < 1:
        raise UserError(f"shape count must be at least 1, got {args.shapes}")
    shape = args.shape or ("circle" if args.method == "gradient" else "triangle")
    picture = load_picture(args.image)
    method = {"hillclimb": _hillclimb, "anneal": _anneal, "gradient": _gradient}[args.method]
    try:
        drawing, target, seconds = method(args, picture, shape)
    except (EvolveError, ValueError) as exc:
        raise UserError(str(exc)) from None
    rmse = _poster_rmse(drawing, target)
    drawing = drawing.model_copy(update={"meta": {**drawing.meta, "rmse": round(rmse, 4),
                                                  "seconds": round(seconds, 3)}})
    write_outputs(drawing, args.output, args.width or picture.width)
    print(f"{len(drawing.layers[0].shapes)} shapes, RMSE {rmse:.2f} at {target.shape[1]}x{target.shape[0]}, "
          f"{seconds:.1f} s")
    for out in args.output:
        print(out)
    return 0
