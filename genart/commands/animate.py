"""`genart animate SCENE --motion M -o OUT.{mp4,webm,mov,gif}` or `-o FRAMES/%05d.png`, or
`--at SECONDS -o STILL.png`.

The motions, their help and their options come from the registry
(`genart.animate.motions.MOTIONS`): every field of a motion's settings model is an option
(`lag_ratio` → `--lag-ratio`), and an option the chosen motion does not take is an error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from genart.animate.encode import ALPHA_FORMATS, AUDIO_CODECS, GIF_QUALITIES, Audio, EncodeResult, format_of
from genart.animate.frame import WHITE, Look, render_rgb, render_rgba, without_background
from genart.animate.motions import MOTIONS, MotionSettings, build_clip
from genart.animate.motions.mosaic_zoom import MosaicZoom, blur_warning
from genart.animate.motions.video import at_frame
from genart.animate.movie import write_movie
from genart.animate.timeline import Loop, Playable, frame_times
from genart.bars import reporter_for
from genart.errors import GenartError, UserError
from genart.files import replaced_input
from genart.generative.methods.base import WORKERS_VARIABLE, max_workers
from genart.generative.video.source import check_local_file
from genart.options import add_quiet_option, add_scheduler_option, add_settings_options, settings_from
from genart.outputs import Output, check_plan
from genart.render import scene
from genart.render.atomic import check_writable
from genart.render.cairo import TileSource, save_png
from genart.render.framing import FRAMINGS, place

DEFAULT_LONGEST = {"mp4": 1280, "webm": 1280, "mov": 1280, "gif": 480, "png": 1280, "still": 1280}
SEQUENCE_NAME = "%05d.png"  # frame names in an output folder
PREVIEW_LONGEST, PREVIEW_FPS = 320, 12
DEFAULT_FPS = 30.0
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


MOTION_SETTINGS = {name: motion.settings for name, motion in MOTIONS.items()}


def register(sub: argparse._SubParsersAction) -> None:
    motions = "; ".join(f"{m.name}: {m.help}" for m in MOTIONS.values())
    p = sub.add_parser("animate", help="turn a scene file into a movie (MP4, WebM, MOV, GIF or PNG frames) or a still of it",
                       description="Animate a scene: fly its shapes in, play back its growth or optimization, "
                                   "or zoom out of its mosaic; the format follows the output's extension. "
                                   "With --at SECONDS, write one still PNG of that moment instead.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("--motion", choices=list(MOTIONS), required=True, help=f"what moves ({motions})")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="movie file .mp4, .webm, .mov (ProRes 4444) or .gif; PNG frames as NAME%%05d.png or a "
                        f"folder (FOLDER/{SEQUENCE_NAME.replace('%', '%%')}); with --at, a still .png")
    p.add_argument("--at", type=float, metavar="SECONDS",
                   help="write the still at this time of the movie (0 to its length) instead of the movie")
    p.add_argument("--fps", type=float, default=None,
                   help="frames per second (default 30; --motion video: the clip's own rate, another interpolates)")
    p.add_argument("--audio", metavar="CLIP",
                   help="--motion video: keep the sound of CLIP (the clip fitted) in the .mp4, .webm or .mov, "
                        "from where the fitted part starts")
    p.add_argument("--clip-frame", type=int, metavar="N",
                   help="a scene of a clip, other motions than video: play its frame N (default 0, the first)")
    p.add_argument("--size", help="WIDTHxHEIGHT or WIDTH (height keeps the scene's aspect); "
                                  "default 1280 px (GIF 480 px) on the longer side")
    add_settings_options(p, MOTION_SETTINGS)
    p.add_argument("--framing", choices=FRAMINGS, default="fit",
                   help="a --size of another aspect than the scene: fit (all of it, with bars), fill (cover the "
                        "frame, cut the overflow) or crop (shrink the frame to the scene's aspect) (default fit)")
    p.add_argument("--frame-color", type=_color, metavar="#RRGGBB[AA]|none",
                   help="colour of the bars of --framing fit (default white; none with --transparent)")
    p.add_argument("--transparent", action="store_true",
                   help="drop the scene's background: frames keep alpha (.mov, .webm, PNG frames or a still)")
    p.add_argument("--dedupe", type=int, nargs="?", const=0, metavar="PIXELS",
                   help="merge consecutive frames in which at most PIXELS pixels differ from the run's first "
                        "(default 0 when given: identical frames only)")
    p.add_argument("--gif-quality", choices=GIF_QUALITIES, default="fast",
                   help="GIF: fast (Pillow, palette per frame) or best (global palette + dithering via ffmpeg)")
    p.add_argument("--crf", type=int, default=20, choices=range(52), metavar="0-51",
                   help="MP4: H.264 constant rate factor, lower is better (default 20)")
    p.add_argument("--preset", default="superfast", choices=X264_PRESETS,
                   help="MP4: x264 preset (default superfast; veryfast: smaller files, slower)")
    p.add_argument("--workers", type=int, help="render processes (default: one per core)")
    add_scheduler_option(p, "the frame rendering", "--workers local processes")
    p.add_argument("--preview", action="store_true",
                   help=f"quick low-resolution pass: {PREVIEW_LONGEST} px, {PREVIEW_FPS} fps, fastest encoding")
    add_quiet_option(p)
    p.add_argument("--collection", metavar="PATH", help="a mosaic's collection file, wherever it is "
                   "(default: the one the scene names, inside the scene's folder)")
    p.set_defaults(func=run)


def _color(text: str) -> tuple[float, float, float, float]:
    """'#rrggbb', '#rrggbbaa' or 'none' (transparent) as RGBA floats."""
    if text.lower() == "none":
        return (0.0, 0.0, 0.0, 0.0)
    value = text.lstrip("#")
    if len(value) not in (6, 8) or not all(c in "0123456789abcdefABCDEF" for c in value):
        raise argparse.ArgumentTypeError(f"expected #rrggbb, #rrggbbaa or none, got {text!r}")
    rgba = [int(value[i:i + 2], 16) / 255.0 for i in range(0, len(value), 2)]
    return (rgba[0], rgba[1], rgba[2], rgba[3] if len(rgba) == 4 else 1.0)


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


def _tiles(drawing: scene.Scene, scene_path: str, given: str | None = None) -> tuple[TileSource, int, Path] | None:
    """The mosaic's tile source, the largest thumbnail size its collection stores and the collection's file
    (None: no mosaic)."""
    layer = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if layer is None:
        return None
    # the mosaic package loads only for mosaics
    from genart.generative.mosaic.collection import Collection, open_tiles, resolve_collection

    tiles = open_tiles(layer, scene_path, given)
    path = resolve_collection(layer.collection, scene_path, given)
    return tiles, Collection.load(path).sizes[-1], path


def _clip(drawing: scene.Scene, settings: MotionSettings, scene_path: str, fps: float,
          tiles: TileSource | None) -> Playable:
    """The clip; a scene the motion cannot play raises UserError."""
    try:
        return build_clip(drawing, settings, fps, tiles)
    except ValueError as exc:
        if isinstance(exc, GenartError):  # genart's own errors say what they are as they are
            raise
        raise UserError(f"{scene_path}: {exc}") from None


def _output(text: str, still: bool, inputs: list[str]) -> tuple[Path, str]:
    """The output path ('FOLDER/' or an existing folder → its PNG frame pattern) and its format:
    'still', a movie format or 'png' (frames); a wrong extension or folder, or an output that
    `check_plan` refuses (the first frame's, for frames), raises UserError."""
    out = Path(text)
    if not still and (text.endswith(("/", "\\")) or out.is_dir()):
        out = out / SEQUENCE_NAME
    if still:
        if out.suffix.lower() != ".png":
            raise UserError(f"{out}: with --at the output is a still: use a .png file")
        fmt = "still"
    else:
        try:
            fmt = format_of(out)
        except ValueError as exc:
            if out.suffix.lower() == ".png":
                raise UserError(f"{out}: a .png is a still: give --at SECONDS (movies: .mp4, .webm, .mov, .gif; "
                                f"PNG frames: NAME{SEQUENCE_NAME} or a folder)") from None
            raise UserError(str(exc)) from None
    folder_must_exist = out.parent if fmt != "png" else out.parent.parent  # frames: their folder is made
    if not folder_must_exist.is_dir():
        raise UserError(f"{out}: folder {folder_must_exist} does not exist")
    if fmt != "png":
        check_plan([Output(out)], inputs)  # an input, a read-only folder or a name too long, found before any frame
    elif out.parent.is_dir():
        check_plan([Output(out.parent / (out.name % 0))], inputs)  # the first frame's name; the others: _check_frames
    else:
        check_writable(out.parent)  # the folder the frames go in, made in its parent
    return out, fmt


def _check_frames(pattern: Path, count: int, inputs: list[str]) -> None:
    """Refuse PNG frames `pattern % k` (k < count) of which one would replace an input: as an input exists,
    only a frame already there can be it (by its name or a link)."""
    if not pattern.parent.is_dir():
        return
    names = {pattern.name % k for k in range(count)}
    for entry in os.scandir(pattern.parent):
        if entry.name in names and (given := replaced_input(entry.path, inputs)) is not None:
            raise UserError(f"-o {pattern}: its frame {entry.path} would replace the input {given}; "
                            "choose another name")


def write_still(clip: Playable, at: float, out: Path, size: tuple[int, int], look: Look, alpha: bool) -> None:
    """The frame at `at` seconds as a PNG (RGBA with `alpha`), drawn exactly as the movie pipeline draws it."""
    if not 0.0 <= at <= clip.length:
        raise UserError(f"--at {at:g} is outside the clip (0 to {clip.length:g} s)")
    frame = clip.frame_at(at)
    try:
        save_png(render_rgba(frame, *size, look) if alpha else render_rgb(frame, *size, look), out)
    except OSError as exc:
        raise UserError(f"{out}: could not write the still ({exc})") from None


def _frame_options(args: argparse.Namespace, still: bool, out: Path,
                   fmt: str) -> tuple[tuple[float, float, float, float], bool, float]:
    """The frame's colour around the scene, whether the frames keep alpha, and the frame rate; checked."""
    if still and args.dedupe is not None:
        raise UserError("--dedupe applies to movies, not to a still (--at)")
    bars = args.frame_color or ((0.0, 0.0, 0.0, 0.0) if args.transparent else WHITE)
    alpha = args.transparent or bars[3] < 1.0
    if alpha and fmt not in (*ALPHA_FORMATS, "still"):
        raise UserError(f"{out}: {fmt} cannot keep alpha (--transparent or a translucent --frame-color): "
                        "use .mov, .webm or PNG frames")
    fps = PREVIEW_FPS if args.preview else DEFAULT_FPS if args.fps is None else args.fps
    if not 0 < fps <= 120:
        raise UserError(f"--fps must be in (0, 120], got {fps}")
    if args.workers is not None and not 0 <= args.workers <= max_workers():
        raise UserError(f"--workers must be between 0 and {max_workers()} (the machine's cores; set "
                        f"{WORKERS_VARIABLE} to allow more), got {args.workers}")
    return bars, alpha, fps


def _clip_options(args: argparse.Namespace, drawing: scene.Scene, fps: float,
                  fmt: str) -> tuple[scene.Scene, float, Audio | None]:
    """A clip scene's options: the frame other motions play (--clip-frame), the video motion's rate (the clip's
    own unless --fps or --preview), and the sound to keep (--audio); checked."""
    video = args.motion == "video"
    if args.clip_frame is not None:
        if video:
            raise UserError("--clip-frame goes with the other motions (--motion video plays every frame)")
        drawing = at_frame(drawing, args.clip_frame)
    if video and drawing.video is not None and args.fps is None and not args.preview:
        fps = drawing.video.fps
        if not 0 < fps <= 120:
            raise UserError(f"the clip's own rate {fps:g} fps is past 120: give --fps")
    if args.audio is None:
        return drawing, fps, None
    if not video or drawing.video is None:
        raise UserError("--audio goes with --motion video and a scene of a clip")
    if fmt not in AUDIO_CODECS:
        raise UserError(f"--audio: {fmt} cannot hold sound (use .mp4, .webm or .mov)")
    if any(hasattr(args, pace) for pace in ("duration", "start", "loop", "easing")):
        raise UserError("--audio keeps the clip's own pace: leave out --duration, --start, --loop and --easing")
    check_local_file(args.audio)
    return drawing, fps, Audio(Path(args.audio), drawing.video.start)


def _movie(args: argparse.Namespace, clip: Playable, out: Path, size: tuple[int, int], fps: float, look: Look,
           alpha: bool, audio: Audio | None = None) -> EncodeResult:
    """Render and encode the movie, with a progress bar of its frames unless -q (wiped when done)."""
    try:
        return write_movie(clip, out, size, fps, look, alpha, crf=args.crf,
                           preset="ultrafast" if args.preview else args.preset,
                           gif_quality="fast" if args.preview else args.gif_quality, workers=args.workers,
                           dedupe=args.dedupe, reporter=reporter_for(not args.quiet, leave=False),
                           scheduler=args.scheduler, desc=args.motion, audio=audio)
    except ValueError as exc:
        if isinstance(exc, GenartError):
            raise
        raise UserError(f"{out}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{out}: could not write the movie ({exc})") from None


def run(args: argparse.Namespace) -> int:
    motion = MOTIONS[args.motion]
    settings = settings_from(args, motion.settings, MOTION_SETTINGS, "--motion", motion.name)
    still = args.at is not None
    inputs = [args.scene, *([args.collection] if args.collection else [])]
    out, fmt = _output(args.output, still, inputs)
    bars, alpha, fps = _frame_options(args, still, out, fmt)
    drawing = scene.load(args.scene)
    drawing, fps, audio = _clip_options(args, drawing, fps, fmt)
    if args.transparent:
        drawing = without_background(drawing)
    size = parse_size(None if args.preview else args.size, drawing.canvas, PREVIEW_LONGEST if args.preview else DEFAULT_LONGEST[fmt])
    if args.framing == "crop":
        cropped = place(drawing.canvas.width, drawing.canvas.height, *size, "crop", even=fmt in ("mp4", "webm"))
        size = (cropped.width, cropped.height)
    if args.dedupe is not None and not 0 <= args.dedupe <= size[0] * size[1]:
        raise UserError(f"--dedupe must be between 0 and the {size[0] * size[1]} pixels of a frame, got {args.dedupe}")
    look = Look("fit" if args.framing == "fit" else "fill", bars)  # crop: the frame is cut to the scene's aspect
    tiles = _tiles(drawing, args.scene, args.collection) if motion.uses_tiles else None
    if tiles is not None:
        inputs.append(str(tiles[2]))
        check_plan([Output(out if fmt != "png" else out.parent / (out.name % 0))], inputs)
    clip = _clip(drawing, settings, args.scene, fps, tiles[0] if tiles else None)
    zoom = clip.clip if isinstance(clip, Loop) else clip
    if tiles is not None and isinstance(zoom, MosaicZoom) and (warning := blur_warning(zoom, size, tiles[1], look.framing)):
        print(f"genart animate: warning: {warning}", file=sys.stderr)
    began = time.perf_counter()
    if still:
        write_still(clip, args.at, out, size, look, alpha)
        if not args.quiet:
            print(f"{out}: {size[0]}x{size[1]}, still at {args.at:g} s of {clip.length:g} s", file=sys.stderr)
        print(out)
        return 0
    if fmt == "png":
        _check_frames(out, len(frame_times(clip.length, fps, clip.periodic)), inputs)
    result = _movie(args, clip, out, size, fps, look, alpha, audio)
    spent = time.perf_counter() - began
    if not args.quiet:
        print(f"{out}: {size[0]}x{size[1]}, {result.seconds:.2f} s, {result.frames_out} frames, made in {spent:.1f} s",
              file=sys.stderr)
    print(out)
    return 0
