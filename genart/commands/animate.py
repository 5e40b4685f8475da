"""`genart animate SCENE --motion M -o OUT.{mp4,gif,webm}`, or `--at SECONDS -o STILL.png`.

The motions, their help and their options come from the registry
(`animations.motions.MOTIONS`): every field of a motion's settings model is an option
(`lag_ratio` → `--lag-ratio`), and an option the chosen motion does not take is an error.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Literal, get_args, get_origin

from pydantic import ValidationError

from animations.dedupe import merge_duplicates
from animations.encode import GIF_QUALITIES, EncodeSettings, encode, format_of
from animations.frame import render_rgb
from animations.motions import MOTIONS, Motion, MotionSettings, build_clip
from animations.pipeline import render_frames
from animations.timeline import Playable, frame_times
from genart.errors import UserError
from renderers import scene
from renderers.cairo import TileSource, save_png

DEFAULT_LONGEST = {"mp4": 1280, "webm": 1280, "gif": 480, "png": 1280}
PREVIEW_LONGEST, PREVIEW_FPS = 320, 12
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


def _takers() -> dict[str, list[Motion]]:
    """Each settings field → the motions whose settings have it, in registry order."""
    out: dict[str, list[Motion]] = {}
    for motion in MOTIONS.values():
        for name in motion.settings.model_fields:
            out.setdefault(name, []).append(motion)
    return out


TAKERS = _takers()


def _flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def _shown(value: object) -> str:
    return "auto" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _add_motion_option(p: argparse.ArgumentParser, field: str, motions: list[Motion]) -> None:
    """One option for a settings field: its help and per-motion defaults from the models."""
    info = motions[0].settings.model_fields[field]
    who = "" if len(motions) == len(MOTIONS) else ", ".join(m.name for m in motions) + ": "
    defaults = {m.name: m.settings.model_fields[field].default for m in motions}
    kwargs: dict = {"default": argparse.SUPPRESS}
    if info.annotation is bool:
        kwargs["action"] = "store_true"
        shown = ""
    else:
        if get_origin(info.annotation) is Literal:
            kwargs["choices"] = get_args(info.annotation)
        values = set(map(_shown, defaults.values()))
        shown = ("" if values == {"auto"} else f" (default {values.pop()})" if len(values) == 1 else
                 " (default: " + ", ".join(f"{name} {_shown(v)}" for name, v in defaults.items()) + ")")
    p.add_argument(_flag(field), help=f"{who}{info.description}{shown}", **kwargs)


def register(sub: argparse._SubParsersAction) -> None:
    motions = "; ".join(f"{m.name}: {m.help}" for m in MOTIONS.values())
    p = sub.add_parser("animate", help="turn a scene file into a movie (MP4, WebM or GIF) or a still of it",
                       description="Animate a scene: fly its shapes in, play back its growth or optimization, "
                                   "or zoom out of its mosaic; the format follows the output's extension. "
                                   "With --at SECONDS, write one still PNG of that moment instead.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("--motion", choices=list(MOTIONS), required=True, help=f"what moves ({motions})")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="movie file .mp4, .webm or .gif; with --at, a still .png")
    p.add_argument("--at", type=float, metavar="SECONDS",
                   help="write the still at this time of the movie (0 to its length) instead of the movie")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    p.add_argument("--size", help="WIDTHxHEIGHT or WIDTH (height keeps the scene's aspect); "
                                  "default 1280 px (GIF 480 px) on the longer side")
    for field, motions_taking in TAKERS.items():
        _add_motion_option(p, field, motions_taking)
    p.add_argument("--dedupe", type=int, nargs="?", const=0, metavar="BITS",
                   help="merge consecutive frames whose 256-bit dhash differs by at most BITS (default 0 when given)")
    p.add_argument("--gif-quality", choices=GIF_QUALITIES, default="fast",
                   help="GIF: fast (Pillow, palette per frame) or best (global palette + dithering via ffmpeg)")
    p.add_argument("--crf", type=int, default=20, choices=range(52), metavar="0-51",
                   help="MP4: H.264 constant rate factor, lower is better (default 20)")
    p.add_argument("--preset", default="superfast", choices=X264_PRESETS,
                   help="MP4: x264 preset (default superfast; veryfast: smaller files, slower)")
    p.add_argument("--workers", type=int, help="render processes (default: one per core)")
    p.add_argument("--preview", action="store_true",
                   help=f"quick low-resolution pass: {PREVIEW_LONGEST} px, {PREVIEW_FPS} fps, fastest encoding")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def parse_size(text: str | None, canvas: scene.Canvas, longest: int) -> tuple[int, int]:
    """The movie size from --size, default `longest` px on the longer side; both sides even."""
    if text is None:
        k = longest / max(canvas.width, canvas.height)
        w, h = canvas.width * k, canvas.height * k
    elif m := re.fullmatch(r"(\d+)x(\d+)", text):
        w, h = int(m[1]), int(m[2])
    elif text.isdigit():
        w, h = int(text), int(text) * canvas.height / canvas.width
    else:
        raise UserError(f"--size must be WIDTHxHEIGHT or WIDTH, got {text!r}")
    w, h = max(2, 2 * round(w / 2)), max(2, 2 * round(h / 2))
    if w > 7680 or h > 7680:
        raise UserError(f"--size {w}x{h} is too large (at most 7680 px a side)")
    return w, h


def motion_settings(motion: Motion, args: argparse.Namespace) -> MotionSettings:
    """The motion's settings from the options given; options of other motions and bad values raise UserError."""
    given = {field: getattr(args, field) for field in TAKERS if hasattr(args, field)}
    for field in given:
        if field not in motion.settings.model_fields:
            raise UserError(f"{_flag(field)} applies to --motion {' and '.join(m.name for m in TAKERS[field])} only")
    try:
        return motion.settings(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0])
        reason = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
        raise UserError(f"{_flag(field)} {given[field]}: {reason[0].lower()}{reason[1:]}") from None


def _tiles(drawing: scene.Scene, scene_path: str) -> TileSource | None:
    layer = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if layer is None:
        return None
    # the mosaic package loads only for mosaics
    from generative.mosaic.collection import open_tiles

    return open_tiles(layer, scene_path)


def _clip(drawing: scene.Scene, motion: Motion, settings: MotionSettings, scene_path: str, fps: float) -> Playable:
    """The clip; a scene the motion cannot play raises UserError."""
    try:
        return build_clip(drawing, settings, fps, _tiles(drawing, scene_path) if motion.uses_tiles else None)
    except ValueError as exc:
        if isinstance(exc, scene.SceneError):
            raise
        raise UserError(f"{scene_path}: {exc}") from None


def _output_format(out: Path, still: bool) -> str:
    """'png' for a still, else the movie format; a wrong extension or folder raises UserError."""
    if still:
        if out.suffix.lower() != ".png":
            raise UserError(f"{out}: with --at the output is a still: use a .png file")
        fmt = "png"
    elif out.suffix.lower() == ".png":
        raise UserError(f"{out}: a .png is a still: give --at SECONDS (movies: .mp4, .webm, .gif)")
    else:
        try:
            fmt = format_of(out)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if not out.parent.is_dir():
        raise UserError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UserError(f"{out}: is a directory")
    return fmt


def write_still(clip: Playable, at: float, out: Path, size: tuple[int, int]) -> None:
    """The frame at `at` seconds as a PNG, drawn exactly as the movie pipeline draws it."""
    if not 0.0 <= at <= clip.length:
        raise UserError(f"--at {at:g} is outside the clip (0 to {clip.length:g} s)")
    try:
        save_png(render_rgb(clip.frame_at(at), *size), out)
    except OSError as exc:
        raise UserError(f"{out}: could not write the still ({exc})") from None


def run(args: argparse.Namespace) -> int:
    motion = MOTIONS[args.motion]
    settings = motion_settings(motion, args)
    out = Path(args.output)
    still = args.at is not None
    fmt = _output_format(out, still)
    if still and args.dedupe is not None:
        raise UserError("--dedupe applies to movies, not to a still (--at)")
    fps = PREVIEW_FPS if args.preview else args.fps
    if not 0 < fps <= 120:
        raise UserError(f"--fps must be in (0, 120], got {fps}")
    if args.workers is not None and args.workers < 0:
        raise UserError(f"--workers must be at least 0, got {args.workers}")
    if args.dedupe is not None and not 0 <= args.dedupe <= 256:
        raise UserError(f"--dedupe must be between 0 and 256 bits, got {args.dedupe}")
    drawing = scene.load(args.scene)
    size = parse_size(None if args.preview else args.size, drawing.canvas, PREVIEW_LONGEST if args.preview else DEFAULT_LONGEST[fmt])
    clip = _clip(drawing, motion, settings, args.scene, fps)
    began = time.perf_counter()
    if still:
        write_still(clip, args.at, out, size)
        print(f"{out}: {size[0]}x{size[1]}, still at {args.at:g} s of {clip.length:g} s", file=sys.stderr)
        print(out)
        return 0
    encoding = EncodeSettings(crf=args.crf, preset="ultrafast" if args.preview else args.preset,
                              gif_quality="fast" if args.preview else args.gif_quality)
    frames = render_frames(clip, size, fps, workers=args.workers, hashing=args.dedupe is not None,
                           progress=not args.no_progress, desc=f"{args.motion} {fmt}")
    if args.dedupe is not None:
        frames = merge_duplicates(frames, args.dedupe)
    try:
        result = encode(frames, out, size, fps, encoding, frame_count=len(frame_times(clip.length, fps)))
    except ValueError as exc:
        raise UserError(f"{out}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{out}: could not write the movie ({exc})") from None
    spent = time.perf_counter() - began
    print(f"{out}: {size[0]}x{size[1]}, {result.seconds:.2f} s, {result.frames_out} frames, made in {spent:.1f} s",
          file=sys.stderr)
    print(out)
    return 0
