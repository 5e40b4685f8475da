"""`genart evolve IMAGE -o OUT...`: fit translucent shapes to a picture."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from genart.api import fit_picture
from genart.bars import reporter_for
from genart.errors import UserError
from genart.generative.figures import FIT
from genart.generative.images import ImageError, Picture, load_picture, working
from genart.generative.methods import METHODS, Method, settings_error
from genart.generative.methods.refine import RefineSettings
from genart.generative.palette import Palette, PaletteError, palette_from, parse_palette
from genart.generative.start_from import Start, StartError, start_from
from genart.generative.video.checkpoint import chunks_kept
from genart.generative.video.clip import fit_clip
from genart.generative.video.settings import MODELS as CLIP_METHODS
from genart.generative.video.settings import VideoSettings
from genart.generative.video.source import is_clip, open_clip
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
from genart.runtime.progress import Progress
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
                                 f"(then each -o holds {NAME}, the picture's file name without extension), or a "
                                 "clip: a movie (mp4, webm, mov, ...), frames/f%%04d.png, or a folder with --fps")
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
    p.add_argument("--start-from", metavar="SVG|SCENE", default=None,
                   help="hillclimb: keep the shapes of this SVG poster (as edited in Inkscape or Illustrator) or "
                        "scene file and fit new ones on top, -n in all; with --refine-seconds all are refined")
    steps = p.add_argument_group("after the fit")
    steps.add_argument("--refine-seconds", type=float, default=None,
                       help="refine all shapes jointly by gradient descent this long (with --seed, --resize, "
                            "--loss, --weights, --snapshot-every)")
    steps.add_argument("--checkpoint", default=None, help="hillclimb or a clip: checkpoint file (default: first output + .ckpt)")
    steps.add_argument("--resume", action="store_true",
                       help="hillclimb or a clip: continue from the checkpoint of an interrupted run")
    add_clip_options(p)
    add_scheduler_option(p, "the tiles of a hillclimb")
    add_quiet_option(p)
    add_poster_options(p)
    add_preview_options(p)
    p.set_defaults(func=run)


CLIP_OPTIONS = {"frame_steps": "steps", "keyframe_steps": "keyframe_steps", "temporal": "temporal",
                "chunk": "chunk", "overlap": "overlap", "turnover": "turnover"}  # option → VideoSettings field


def add_clip_options(p: argparse.ArgumentParser) -> None:
    """The options of a clip input (a movie, a frame%04d.png pattern, or a folder with --fps)."""
    clip = p.add_argument_group("clip (a movie, frames/f%04d.png, or a folder of frames with --fps)")
    clip.add_argument("--start", type=float, metavar="SECONDS", help="fit the clip from this time (default its start)")
    clip.add_argument("--end", type=float, metavar="SECONDS", help="fit the clip up to this time (default its end)")
    clip.add_argument("--fps", type=float, help="resample the movie to this rate (default its own); a sequence's "
                                                "rate (default 25), and what makes a folder a sequence")
    defaults = VideoSettings()
    for option, field in CLIP_OPTIONS.items():
        clip.add_argument(f"--{option.replace('_', '-')}", type=type(getattr(defaults, field)), default=None,
                          help=f"{VideoSettings.model_fields[field].description} (default {getattr(defaults, field)})")


def wants_clip(args: argparse.Namespace) -> bool:
    """Whether the input is a clip: a movie file, a printf pattern, or a folder given with --fps."""
    return is_clip(args.image, sequence_folder=args.fps is not None)


def _clip_settings(args: argparse.Namespace, method: Method, settings: Any, workers: int | None) -> VideoSettings:
    """The clip's settings: the picture method's for its keyframes, and the clip options; checked."""
    if method.name not in CLIP_METHODS:
        raise UserError(f"--method {method.name} fits pictures; a clip is fitted with --method "
                        f"{' or '.join(m for m in CLIP_METHODS if m != 'gng')}")
    if args.refine_seconds is not None:
        raise UserError("--refine-seconds applies to pictures, not to clips")
    values = {field: getattr(args, option) for option, field in CLIP_OPTIONS.items() if getattr(args, option) is not None}
    try:
        return VideoSettings.model_validate({"method": method.name, "keyframe": settings, **values,
                                             **({"workers": workers} if workers is not None else {})})
    except ValidationError as exc:
        names = {field: f"--{option.replace('_', '-')}" for option, field in CLIP_OPTIONS.items()}
        raise UserError(settings_error(exc, VideoSettings, lambda f: names.get(f, f))) from None


def _run_clip(args: argparse.Namespace, method: Method, settings: Any, workers: int | None) -> int:
    """Fit a clip (`genart.generative.video.clip`) and write its scene and posters (of its first frame);
    `workers` (--workers) fit its chunks in parallel (default all cores)."""
    video = _clip_settings(args, method, settings, workers)
    checkpoint = _checkpoint_at(args, args.image, args.output)
    check_outputs(args.output, inputs=[args.image], also=[checkpoint])
    source = open_clip(args.image, args.start, args.end, args.fps)
    width, height = source.size
    check_sizes(S.Canvas(width=width, height=height), args.output, args.width or width, poster_options(args))
    try:
        drawing = fit_clip(source, video, settings.seed, args.start or 0.0, args.scheduler,
                           reporter_for(not args.quiet, leave=False), checkpoint.path, args.resume)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: the finished chunks stay in the checkpoint
        return _say_clip_interrupted(exc, checkpoint.path, video.chunk, source.frame_count)
    write_outputs(drawing, args.output, args.width or width, options=poster_options(args))
    if not args.quiet:
        tracks = len(drawing.video.tracks) if drawing.video else 0
        print(f"{drawing.meta['frames']} frames at {source.fps:g} fps, {tracks} shape tracks at {width}x{height}, "
              f"fitted in {drawing.meta['seconds']:.1f} s", file=sys.stderr)
    for out in args.output:
        print(out)
    return 0


def _say_clip_interrupted(stop: KeyboardInterrupt, checkpoint: Path, chunk: int, frames: int) -> int:
    """Say where an interrupted clip fit's finished chunks are kept (each `chunk` frames of the clip's `frames`)."""
    from genart.cli import interrupt_status

    kept = min(chunks_kept(checkpoint) * chunk, frames)
    if kept:
        print(f"genart evolve: interrupted after {kept} of {frames} frames; progress kept in {checkpoint}: "
              "run the same command with --resume to continue", file=sys.stderr)
    else:
        print(f"genart evolve: interrupted before the first {chunk} frames were fitted; nothing kept to resume from",
              file=sys.stderr)
    return interrupt_status(stop)


def _refinement(args: argparse.Namespace) -> RefineSettings:
    """The joint refinement's settings: --refine-seconds, and the options it shares with the gradient method."""
    values = {field: getattr(args, field) for field in REFINING if hasattr(args, field) and field != "seconds"}
    try:
        return RefineSettings(**values, seconds=args.refine_seconds)
    except ValidationError as exc:
        raise UserError(settings_error(exc, RefineSettings, lambda f: "--refine-seconds" if f == "seconds"
                                       else flag(f))) from None


def _checkpoint(args: argparse.Namespace, method: Method, image: str, outputs: list[str]) -> Output | None:
    """The checkpoint in the run's plan (None for a method that keeps none, which --checkpoint and --resume
    do not apply to)."""
    if not method.checkpoints:
        if args.checkpoint is not None or args.resume:
            raise UserError(f"--checkpoint and --resume apply to hillclimb, not to --method {method.name}")
        return None
    return _checkpoint_at(args, image, outputs)


def _checkpoint_at(args: argparse.Namespace, image: str, outputs: list[str]) -> Output:
    """The checkpoint in the run's plan: --checkpoint, else the first output + .ckpt."""
    path = Path(_named(args.checkpoint, Path(image).stem) if args.checkpoint else f"{outputs[0]}.ckpt")
    return Output(path, "--checkpoint", another="name another with --checkpoint")


def _check_plan(args: argparse.Namespace, image: str | Path, outputs: list[str], checkpoint: Output | None,
                report: Output | None) -> None:
    """Check one picture's plan (its outputs, checkpoint and report) before its fit: none may replace the
    picture or the --palette-from picture, or another of them (see `genart.outputs.check_plan`)."""
    inputs = [image, *(extra for extra in (args.palette_from, args.start_from) if extra is not None)]
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


def _fitted_picture(args: argparse.Namespace, method: Method, settings: Any, picture: Picture) -> Picture:
    """The picture as the fit takes it: with its own alpha for a transparent poster (--transparent, with a method
    that fits alpha), else composited on --background (white by default). A picture without alpha fitted for a
    transparent poster needs the colour it will be shown over (--background): the shapes are fitted over it."""
    background = getattr(settings, "background", None)
    if args.transparent and method.fits_alpha:
        if picture.alpha is not None:
            if background is not None:
                raise UserError(f"--background: {picture.name} has transparency of its own, which --transparent "
                                "fits: the poster is transparent where the picture is; leave out --background")
            return picture
        if background is None:
            raise UserError(f"--transparent: {picture.name} has no transparency of its own; name the colour the "
                            "poster will be shown over with --background #rrggbb (the shapes are fitted over it), "
                            "or leave out --transparent to keep the background")
    return picture.opaque(background)


def _compile_kernels(args: argparse.Namespace, method: Method) -> float:
    """Compile the method's kernels if numba's cache lacks them (a first run), saying so; the seconds it took."""
    if method.kernels is None or method.kernels.cached():
        return 0.0
    if not args.quiet:
        print("genart evolve: compiling the fitting kernels, once per install (about 20 s on an idle machine; "
              "later runs load them)",
              file=sys.stderr, flush=True)
    began = time.perf_counter()
    method.kernels.compile()
    return time.perf_counter() - began


def _summary(drawing: S.Scene, size: tuple[int, int], with_alpha: bool, times: dict[str, float]) -> str:
    """What a finished fit prints: its shapes, the poster RMSE (and the fit's own, where the method has one, named
    as the progress bar names it) and what each part of the run took."""
    shapes = cast(S.ShapesLayer, drawing.layers[0]).shapes  # every evolve method draws one layer of shapes
    fit_rmse = drawing.meta.get("fit_rmse")
    figures = f"poster RMSE {drawing.meta['rmse']:.2f}"
    if isinstance(fit_rmse, (int, float)):
        figures += f", {FIT} {fit_rmse:.2f} (pixel centres)"
    over = " over black and white" if with_alpha else ""
    took = ", ".join(f"{part} {seconds:.1f} s" for part, seconds in times.items()
                     if seconds > 0.0 or part == "fitting")
    return f"{len(shapes)} shapes at {size[0]}x{size[1]}: {figures}{over}; {took}"


def _evolve_one(args: argparse.Namespace, method: Method, settings: Any, refinement: RefineSettings | None,
                picture: Picture, outputs: list[str], checkpoint: Path | None, live: Live | None = None,
                report: Path | None = None, compiling: float = 0.0, start: Start | None = None) -> Fitted:
    """Fit one picture and write its outputs; an interrupted hill-climb writes its shapes so far.
    `live` follows the run (the preview page); `report` is where a finished run's report goes; `compiling`
    is the seconds spent compiling the kernels before it (said in its summary); `start` the kept shapes the fit
    goes on from."""
    check_sizes(S.Canvas(width=picture.width, height=picture.height), outputs, args.width or picture.width,
                poster_options(args))
    picture = _fitted_picture(args, method, settings, picture)
    stopped: Interrupted | None = None
    try:
        drawing = fit_picture(picture, method.name, settings, refinement, not args.quiet, checkpoint, args.resume,
                              live, args.scheduler, start)
    except Interrupted as exc:
        if not method.checkpoints:
            raise
        drawing, stopped = exc.scene, exc
    refining = float(cast(float, drawing.meta.get("refine_seconds", 0.0)))
    began = time.perf_counter()
    rmse = float(cast(float, drawing.meta["rmse"]))
    seconds = float(cast(float, drawing.meta["seconds"] or 0.0))
    target = working(picture, settings.resize).target
    size = (target.shape[1], target.shape[0])
    if live is not None:
        final = drawing
        shapes = cast(S.ShapesLayer, drawing.layers[0]).shapes
        live.finish(Progress("done", len(shapes), settings.shapes, "shape", seconds, rmse, target,
                             lambda: render_array(final.model_copy(update={"canvas": final.canvas.model_copy(
                                 update={"background": _on_white(final.canvas.background)})}), *size),
                             settings.seconds))
    write_outputs(drawing, outputs, args.width or picture.width, options=poster_options(args))
    writing = time.perf_counter() - began
    if report is not None and live is not None and stopped is None:
        write_report(report, render_report(
            title=f"genart evolve {picture.name}", drawing=drawing, target=target,
            curve=[(p.seconds, p.done, p.error) for p in live.curve()],
            settings={"method": method.name, **settings.model_dump(mode="json")},
            timings={"fit (s)": seconds, "joint refinement (s)": args.refine_seconds,
                     "writing the outputs (s)": round(writing, 3)}), "evolve")
    times = {"compiling the kernels (once)": compiling, "fitting": seconds,
             "refining": refining, "rendering and writing": writing}
    return Fitted(_summary(drawing, size, picture.alpha is not None, times), stopped)


def _on_white(background: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A background as it shows on white: a transparent one is white."""
    red, green, blue, alpha = background
    return (red * alpha + 1.0 - alpha, green * alpha + 1.0 - alpha, blue * alpha + 1.0 - alpha, 1.0)


def _say_interrupted(fitted: Fitted, outputs: list[str], checkpoint: Path | None, asked: int) -> int:
    assert fitted.stopped is not None and checkpoint is not None  # only a method that keeps a checkpoint stops so
    shapes = fitted.stopped.scene.meta.get("shapes", 0)
    print(f"genart evolve: interrupted after {shapes} of {asked} shapes; wrote them to {', '.join(outputs)}; "
          f"progress kept in {checkpoint}: run the same command with --resume to continue", file=sys.stderr)
    from genart.cli import interrupt_status

    return interrupt_status(fitted.stopped)


def _start(args: argparse.Namespace, method: Method, picture: Picture) -> Start | None:
    """The kept shapes of --start-from (said in one line, with the foreign elements skipped), or None."""
    if args.start_from is None:
        return None
    if method.fit_from is None:
        raise UserError(f"--start-from applies to hillclimb, not to --method {method.name}")
    try:
        start = start_from(args.start_from, picture.width, picture.height)
    except StartError as exc:
        raise UserError(str(exc)) from None
    if not args.quiet:
        print(f"genart evolve: {printable(start.note)}", file=sys.stderr, flush=True)
    return start


def run(args: argparse.Namespace) -> int:
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    method = METHODS[args.method]
    _take_palette(args, method)
    clip_workers = vars(args).pop("workers", None) if wants_clip(args) else None  # a clip's parallel chunks
    settings = settings_from(args, method.settings, DRAWING, "--method", method.name, also=REFINING)
    refinement = None
    if args.refine_seconds is not None:
        refinement = _refinement(args)
    if wants_clip(args):
        return _run_clip(args, method, settings, clip_workers)
    if any(getattr(args, option) is not None for option in ("start", "end", "fps", *CLIP_OPTIONS)):
        raise UserError("--start, --end, --fps and the clip options apply to a clip, not to a picture")
    if Path(args.image).is_dir():
        if args.start_from is not None:
            raise UserError("--start-from goes with one picture, not a folder of them")
        with watching(args, "evolve") as live:
            return _run_folder(args, method, settings, refinement, live)
    checkpoint = _checkpoint(args, method, args.image, args.output)
    report = report_output(args.report, args.output[0])
    _check_plan(args, args.image, args.output, checkpoint, report)
    picture = load_picture(args.image)
    start = _start(args, method, picture)
    compiling = _compile_kernels(args, method)
    with watching(args, "evolve") as live:
        fitted = _evolve_one(args, method, settings, refinement, picture, args.output,
                             checkpoint.path if checkpoint else None, live, report.path if report else None,
                             compiling, start)
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
    compiling = _compile_kernels(args, method)
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
                                 checkpoint.path if checkpoint else None, live, report.path if report else None,
                                 compiling)
            compiling = 0.0  # said once, in the first summary
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
