"""`genart evolve IMAGE -o OUT...`: fit translucent shapes to a picture."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydantic import ValidationError

from genart.errors import UserError
from genart.generative.images import ImageError, Picture, load_picture, rmse_255, working
from genart.generative.methods import METHODS, Method, settings_error
from genart.generative.methods.refine import RefineSettings, refine_scene
from genart.generative.palette import Palette, PaletteError, palette_from, parse_palette
from genart.options import Spelling, add_quiet_option, add_scheduler_option, add_settings_options, flag, settings_from
from genart.outputs import (
    OUTPUT_FORMATS,
    Output,
    add_poster_options,
    check_outputs,
    check_sizes,
    poster_options,
    write_outputs,
)
from genart.preview import add_preview_options, watching
from genart.preview.live import Live
from genart.render import scene as S
from genart.render.atomic import WriteError
from genart.render.cairo import render_array
from genart.render.scene import SceneError
from genart.report import render_report, report_output, write_report
from genart.runtime.interrupt import Interrupted
from genart.runtime.progress import SILENT, Progress
from genart.runtime.terminal import printable

NAME = "{name}"  # in -o and --checkpoint with a folder of pictures: each picture's file stem


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


def palette(text: str) -> Palette:
    """'#rrggbb,#rrggbb,...'."""
    try:
        return parse_palette(text)
    except PaletteError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# settings written otherwise than their types say
SPELLINGS = {"alpha": Spelling(alpha, "auto|A", lambda v: "auto (per shape)" if not v else f"{v:g}"),
             "background": Spelling(color, "auto|#rrggbb", lambda v: "auto (the picture's mean colour)" if v is None
                                    else "#" + "".join(f"{round(c * 255):02x}" for c in v)),
             "tiles": Spelling(grid, "CxR", lambda v: "x".join(map(str, v))),
             "palette": Spelling(palette, "#rrggbb,...", lambda v: ",".join(v) if v else "any colour")}
FLAGS = {"shapes": ("-n",)}
DRAWING = {name: method.settings for name, method in METHODS.items() if method.draws_shapes}  # evolve's methods
REFINING = tuple(RefineSettings.model_fields)  # options the joint refinement takes too (--seed, --resize, ...)


def register(sub: argparse._SubParsersAction) -> None:
    methods = [m for m in METHODS.values() if m.draws_shapes]
    p = sub.add_parser(
        "evolve", help="fit translucent shapes to a picture",
        description="Approximate a picture with N translucent shapes and write the scene and/or its renders.")
    p.add_argument("image", help="the picture to approximate (png, jpg, webp, ...), or a folder of pictures "
                                 f"(then each -o holds {NAME}, the picture's file name without extension)")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help=f"output {OUTPUT_FORMATS} (repeatable; e.g. out/{NAME}.png for a folder)")
    p.add_argument("--method", choices=[m.name for m in methods], default=methods[0].name,
                   help="; ".join(f"{m.name}: {m.help}" for m in methods))
    p.add_argument("--width", type=int, default=None, help="width of PNG/SVG/PDF output (default: picture width)")
    add_settings_options(p, DRAWING, SPELLINGS, FLAGS)
    look = p.add_argument_group("palette taken from a picture (hillclimb)")
    look.add_argument("--palette-from", metavar="PICTURE", default=None,
                      help="restrict shapes to --colors colours of this picture (k-means of its colours)")
    look.add_argument("--colors", type=int, default=None, help="colours --palette-from takes (8)")
    steps = p.add_argument_group("after the fit")
    steps.add_argument("--refine-seconds", type=float, default=None,
                       help="refine all shapes jointly by gradient descent this long (with --seed, --resize, "
                            "--loss, --weights, --snapshot-every)")
    steps.add_argument("--checkpoint", default=None, help="hillclimb: checkpoint file (default: first output + .ckpt)")
    steps.add_argument("--resume", action="store_true",
                       help="hillclimb: continue from the checkpoint of an interrupted run")
    add_scheduler_option(p, "the tiles of a hillclimb")
    add_quiet_option(p)
    add_poster_options(p)
    add_preview_options(p)
    p.set_defaults(func=run)


def _refinement(args: argparse.Namespace) -> RefineSettings:
    """The joint refinement's settings: --refine-seconds, and the options it shares with the gradient method."""
    values = {field: getattr(args, field) for field in REFINING if hasattr(args, field) and field != "seconds"}
    try:
        return RefineSettings(**values, seconds=args.refine_seconds)
    except ValidationError as exc:
        raise UserError(settings_error(exc, RefineSettings, lambda f: "--refine-seconds" if f == "seconds"
                                       else flag(f))) from None


def _poster_rmse(drawing: S.Scene, target: np.ndarray) -> float:
    """RGB RMSE (0–255) of the scene's antialiased render, as its PNG shows it, at the target's size."""
    from genart.render.cairo import render_array

    return rmse_255(render_array(drawing, target.shape[1], target.shape[0]), target)


def _checkpoint(args: argparse.Namespace, method: Method, image: str, outputs: list[str]) -> Output | None:
    """The checkpoint in the run's plan (None for a method that keeps none, which --checkpoint and --resume
    do not apply to)."""
    if not method.checkpoints:
        if args.checkpoint is not None or args.resume:
            raise UserError(f"--checkpoint and --resume apply to hillclimb, not to --method {method.name}")
        return None
    path = Path(_named(args.checkpoint, Path(image).stem) if args.checkpoint else f"{outputs[0]}.ckpt")
    return Output(path, "--checkpoint", another="name another with --checkpoint")


def _check_plan(args: argparse.Namespace, image: str | Path, outputs: list[str], checkpoint: Output | None,
                report: Output | None) -> None:
    """Check one picture's plan (its outputs, checkpoint and report) before its fit: none may replace the
    picture or the --palette-from picture, or another of them (see `genart.outputs.check_plan`)."""
    inputs = [image, *([args.palette_from] if args.palette_from is not None else [])]
    check_outputs(outputs, inputs=inputs, also=[planned for planned in (checkpoint, report) if planned is not None])


def _named(pattern: str, name: str) -> str:
    return pattern.replace(NAME, name)


def _take_palette(args: argparse.Namespace, method: Method) -> None:
    """Check the palette options; --palette-from PICTURE sets args.palette to its --colors colours."""
    if args.colors is not None and args.palette_from is None:
        raise UserError("--colors goes with --palette-from")
    if args.palette_from is not None:
        if getattr(args, "palette", None) is not None:
            raise UserError("give --palette or --palette-from, not both")
        try:
            args.palette = palette_from(load_picture(args.palette_from).rgb, args.colors or 8)
        except PaletteError as exc:
            raise UserError(str(exc)) from None
    if getattr(args, "palette", None) is not None and args.refine_seconds is not None:
        raise UserError("--refine-seconds would move the colours off the palette; use one or the other")


@dataclass
class Fitted:
    """One picture's run: what to print, and the interrupt that stopped it (if one did)."""

    summary: str
    stopped: Interrupted | None = None


def _evolve_one(args: argparse.Namespace, method: Method, settings: Any, refinement: RefineSettings | None,
                picture: Picture, outputs: list[str], checkpoint: Path | None, live: Live | None = None,
                report: Path | None = None) -> Fitted:
    """Fit one picture and write its outputs; an interrupted hill-climb writes its shapes so far.
    `live` follows the run (the preview page); `report` is where a finished run's report goes."""
    check_sizes(S.Canvas(width=picture.width, height=picture.height), outputs, args.width or picture.width,
                poster_options(args))
    stopped: Interrupted | None = None
    try:
        drawing = method.fit(picture, settings, progress=not args.quiet, checkpoint=checkpoint, resume=args.resume,
                             reporter=live or SILENT, scheduler=args.scheduler)
    except Interrupted as exc:
        if not method.checkpoints:
            raise
        drawing, stopped = exc.scene, exc
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if refinement is not None and stopped is None:
        drawing = refine_scene(drawing, picture, refinement, progress=not args.quiet)
    target = working(picture, settings.resize).target
    rmse = _poster_rmse(drawing, target)
    seconds = drawing.meta["seconds"]
    shapes = cast(S.ShapesLayer, drawing.layers[0]).shapes  # every evolve method draws one layer of shapes
    drawing = drawing.model_copy(update={"meta": {**drawing.meta, "rmse": round(rmse, 4)}})
    if live is not None:
        final = drawing
        live.finish(Progress("done", len(shapes), settings.shapes, "shape", float(seconds or 0.0), rmse, target,
                             lambda: render_array(final, target.shape[1], target.shape[0]), settings.seconds))
    began = time.perf_counter()
    write_outputs(drawing, outputs, args.width or picture.width, options=poster_options(args))
    if report is not None and live is not None and stopped is None:
        write_report(report, render_report(
            title=f"genart evolve {picture.name}", drawing=drawing, target=target,
            curve=[(p.seconds, p.done, p.error) for p in live.curve()],
            settings={"method": method.name, **settings.model_dump(mode="json")},
            timings={"fit (s)": seconds, "joint refinement (s)": args.refine_seconds,
                     "writing the outputs (s)": round(time.perf_counter() - began, 3)}), "evolve")
    return Fitted(f"{len(shapes)} shapes, RMSE {rmse:.2f} at {target.shape[1]}x{target.shape[0]}, {seconds:.1f} s",
                  stopped)


def _say_interrupted(fitted: Fitted, outputs: list[str], checkpoint: Path | None, asked: int) -> int:
    assert fitted.stopped is not None and checkpoint is not None  # only a method that keeps a checkpoint stops so
    shapes = fitted.stopped.scene.meta.get("shapes", 0)
    print(f"genart evolve: interrupted after {shapes} of {asked} shapes; wrote them to {', '.join(outputs)}; "
          f"progress kept in {checkpoint}: run the same command with --resume to continue", file=sys.stderr)
    from genart.cli import interrupt_status

    return interrupt_status(fitted.stopped)


def run(args: argparse.Namespace) -> int:
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    method = METHODS[args.method]
    _take_palette(args, method)
    settings = settings_from(args, method.settings, DRAWING, "--method", method.name, also=REFINING)
    refinement = None
    if args.refine_seconds is not None:
        refinement = _refinement(args)
    if Path(args.image).is_dir():
        with watching(args, "evolve") as live:
            return _run_folder(args, method, settings, refinement, live)
    checkpoint = _checkpoint(args, method, args.image, args.output)
    report = report_output(args.report, args.output[0])
    _check_plan(args, args.image, args.output, checkpoint, report)
    picture = load_picture(args.image)
    with watching(args, "evolve") as live:
        fitted = _evolve_one(args, method, settings, refinement, picture, args.output,
                             checkpoint.path if checkpoint else None, live, report.path if report else None)
    if fitted.stopped is not None:
        return _say_interrupted(fitted, args.output, checkpoint.path if checkpoint else None, settings.shapes)
    if not args.quiet:
        print(fitted.summary)
    for out in args.output:
        print(out)
    return 0


def _run_folder(args: argparse.Namespace, method: Method, settings: Any, refinement: RefineSettings | None,
                live: Live | None) -> int:
    """Every picture in a folder, one set of outputs each ({name}: the file's stem). Unreadable
    files are skipped with a warning; a failing picture is reported and the rest go on; the
    exit status is 1 if any failed. With a bare --report, each picture's report is NAME.report.html beside
    its first output. No output may go into the folder of pictures: the next run would read it as one."""
    folder = Path(args.image)
    if not all(NAME in out for out in args.output):
        raise UserError(f"{folder} is a folder: every -o must hold {NAME} (the picture's name), "
                        f"e.g. -o out/{NAME}.png")
    for option, pattern in (("--checkpoint", args.checkpoint), ("--report", args.report)):
        if isinstance(pattern, str) and NAME not in pattern:
            raise UserError(f"{folder} is a folder: {option} must hold {NAME}, or leave it out")
    check_outputs([_named(out, "x") for out in args.output])
    for out in args.output:
        if Path(_named(out, "x")).resolve().parent == folder.resolve():
            raise UserError(f"-o {out} is in the folder of pictures {folder}: its outputs would be read as pictures "
                            "(and could replace one); write them to another folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise UserError(f"{folder}: no files in the folder")
    done, skipped, failed = 0, 0, 0
    seen: dict[str, str] = {}  # stem → the file that took it
    for k, path in enumerate(files, 1):
        where = f"[{k}/{len(files)}] {path.name}"
        if path.stem in seen:
            print(f"genart evolve: error: {where}: same name as {seen[path.stem]}, so its outputs would overwrite "
                  "those; rename one", file=sys.stderr)
            failed += 1
            continue
        try:
            picture = load_picture(path)
        except ImageError as exc:
            print(f"genart evolve: warning: {where}: skipped: {printable(str(exc))}", file=sys.stderr)
            skipped += 1
            continue
        seen[path.stem] = path.name
        outputs = [_named(out, path.stem) for out in args.output]
        try:
            checkpoint = _checkpoint(args, method, str(path), outputs)
            report = report_output(_named(args.report, path.stem) if isinstance(args.report, str) else args.report,
                                   outputs[0], f"{path.stem}.report.html")
            _check_plan(args, path, outputs, checkpoint, report)
            fitted = _evolve_one(args, method, settings, refinement, picture, outputs,
                                 checkpoint.path if checkpoint else None, live, report.path if report else None)
        except (UserError, SceneError, WriteError) as exc:
            print(f"genart evolve: error: {where}: {printable(str(exc))}", file=sys.stderr)
            failed += 1
            continue
        if fitted.stopped is not None:
            return _say_interrupted(fitted, outputs, checkpoint.path if checkpoint else None, settings.shapes)
        done += 1
        print("\n".join(outputs) if args.quiet else f"{where}: {fitted.summary} -> {', '.join(outputs)}", flush=True)
    if not args.quiet:
        print(f"{done} evolved, {skipped} skipped, {failed} failed")
    return 1 if failed else 0
