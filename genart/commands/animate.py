"""`genart animate SCENE --motion flyin|growth|mosaic_zoom|timelapse -o OUT.{mp4,gif,webm}`."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from animations.dedupe import merge_duplicates
from animations.easing import EASINGS
from animations.encode import GIF_QUALITIES, EncodeSettings, encode, format_of
from animations.motions.flyin import ORDERS, flyin
from animations.motions.growth import growth
from animations.motions.mosaic_zoom import mosaic_zoom
from animations.motions.timelapse import timelapse
from animations.pipeline import render_frames
from animations.timeline import Playable
from genart.errors import UserError
from renderers import scene
from renderers.cairo import TileSource

MOTIONS = ("flyin", "growth", "mosaic_zoom", "timelapse")
DEFAULT_EASING = {"flyin": "smooth", "growth": "linear", "mosaic_zoom": "smooth", "timelapse": "linear"}
DEFAULT_LONGEST = {"mp4": 1280, "webm": 1280, "gif": 480}
PREVIEW_LONGEST, PREVIEW_FPS = 320, 12
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("animate", help="turn a scene file into a movie (MP4, WebM or GIF)",
                       description="Animate a scene: fly its shapes in, play back its growth or optimization, "
                                   "or zoom out of its mosaic; the format follows the output's extension.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("--motion", choices=MOTIONS, required=True, help="what moves")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="movie file .mp4, .webm or .gif")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    p.add_argument("--duration", type=float, help="seconds of motion (default: flyin 6, growth 8, mosaic_zoom 6, "
                                                  "timelapse one frame per kept snapshot, 2–20 s)")
    p.add_argument("--hold", type=float, default=1.0, help="seconds the last frame is held (default 1)")
    p.add_argument("--size", help="WIDTHxHEIGHT or WIDTH (height keeps the scene's aspect); "
                                  "default 1280 px (GIF 480 px) on the longer side")
    p.add_argument("--easing", choices=sorted(EASINGS), metavar="NAME",
                   help="rate function: linear, smooth, ease_in_out_cubic, ease_out_back, ... (manim/Penner names; "
                        "default smooth for flyin and mosaic_zoom, linear for growth and timelapse)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    p.add_argument("--order", choices=ORDERS, default="optimization", help="flyin: which shapes start first")
    p.add_argument("--lag-ratio", type=float, help="flyin: stagger between shapes (default: each flies 1/4 of the time)")
    p.add_argument("--reverse", action="store_true", help="mosaic_zoom: zoom in from the whole mosaic to one tile")
    p.add_argument("--dedupe", type=int, nargs="?", const=0, metavar="BITS",
                   help="merge consecutive frames whose 256-bit dhash differs by at most BITS (default 0 when given)")
    p.add_argument("--drop-rate", type=float, default=0.0, metavar="R",
                   help="timelapse: keep states ever more sparsely toward the end; at the end one in e^R (default 0: all)")
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


def _tiles(drawing: scene.Scene, scene_path: str) -> TileSource | None:
    layer = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if layer is None:
        return None
    from generative.mosaic.collection import open_tiles  # the mosaic package loads only for mosaics

    return open_tiles(layer, scene_path)


def build_clip(drawing: scene.Scene, args: argparse.Namespace, fps: float) -> Playable:
    """The clip the options ask for; bad combinations raise UserError."""
    easing = args.easing or DEFAULT_EASING[args.motion]
    if args.drop_rate and args.motion != "timelapse":
        raise UserError("--drop-rate applies to --motion timelapse only")
    if args.drop_rate < 0:
        raise UserError(f"--drop-rate must not be negative, got {args.drop_rate}")
    common = {"hold": args.hold, "easing": easing}
    if args.duration is not None:
        common["duration"] = args.duration
    try:
        if args.motion == "flyin":
            return flyin(drawing, order=args.order, lag_ratio=args.lag_ratio, seed=args.seed, **common)
        if args.motion == "growth":
            return growth(drawing, **common)
        if args.motion == "mosaic_zoom":
            return mosaic_zoom(drawing, _tiles(drawing, args.scene), reverse=args.reverse, seed=args.seed, **common)
        return timelapse(drawing, fps=fps, drop_rate=args.drop_rate, tiles=_tiles(drawing, args.scene), **common)
    except ValueError as exc:
        if isinstance(exc, scene.SceneError):
            raise
        raise UserError(f"{args.scene}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    try:
        fmt = format_of(out)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not out.parent.is_dir():
        raise UserError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UserError(f"{out}: is a directory")
    fps = PREVIEW_FPS if args.preview else args.fps
    if not 0 < fps <= 120:
        raise UserError(f"--fps must be in (0, 120], got {fps}")
    if args.duration is not None and not 0 < args.duration <= 3600:
        raise UserError(f"--duration must be in (0, 3600] seconds, got {args.duration}")
    if args.hold < 0:
        raise UserError(f"--hold must not be negative, got {args.hold}")
    if args.workers is not None and args.workers < 0:
        raise UserError(f"--workers must be at least 0, got {args.workers}")
    if args.dedupe is not None and not 0 <= args.dedupe <= 256:
        raise UserError(f"--dedupe must be between 0 and 256 bits, got {args.dedupe}")
    drawing = scene.load(args.scene)
    size = parse_size(None if args.preview else args.size, drawing.canvas, PREVIEW_LONGEST if args.preview else DEFAULT_LONGEST[fmt])
    clip = build_clip(drawing, args, fps)
    settings = EncodeSettings(crf=args.crf, preset="ultrafast" if args.preview else args.preset,
                              gif_quality="fast" if args.preview else args.gif_quality)
    began = time.perf_counter()
    frames = render_frames(clip, size, fps, workers=args.workers, hashing=args.dedupe is not None,
                           progress=not args.no_progress, desc=f"{args.motion} {fmt}")
    if args.dedupe is not None:
        frames = merge_duplicates(frames, args.dedupe)
    try:
        result = encode(frames, out, size, fps, settings)
    except ValueError as exc:
        raise UserError(f"{out}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{out}: could not write the movie ({exc})") from None
    spent = time.perf_counter() - began
    print(f"{out}: {size[0]}x{size[1]}, {result.seconds:.2f} s, {result.frames_out} frames, made in {spent:.1f} s",
          file=sys.stderr)
    print(out)
    return 0
