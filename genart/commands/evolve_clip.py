"""`genart evolve clip.mp4 -o clip.scene.json`: a video clip (or an image sequence) fitted coherently.

The clip is read streaming (`genart.generative.video.source.open_clip`: `--start`, `--end`, `--fps`),
fitted by `genart.generative.video.fit.fit_video` with the picture method's settings for its keyframes
(`--method hillclimb` or `gradient`, `--resize` its working size, `-n` its shapes, `--seed`) and the
clip options below, and written as one scene holding the clip's tracks (`genart.render.video`); its
posters (.png, .svg, ...) show the first frame. `genart animate clip.scene.json --motion video` plays it.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from genart.bars import reporter_for
from genart.errors import UserError
from genart.generative.methods import Method, settings_error
from genart.generative.video.fit import clip_background, fit_video, working_frame
from genart.generative.video.settings import MODELS, VideoSettings
from genart.generative.video.source import ClipSource, MovieSource, is_clip, open_clip
from genart.generative.video.tracks import clip_scene
from genart.outputs import check_outputs, check_sizes, poster_options, write_outputs
from genart.render import scene as S

CLIP_OPTIONS = {"frame_steps": "steps", "keyframe_steps": "keyframe_steps", "temporal": "temporal",
                "chunk": "chunk", "overlap": "overlap", "turnover": "turnover"}  # option → VideoSettings field


def add_clip_options(p: argparse.ArgumentParser) -> None:
    """The options of a clip input (a movie, a frame%04d.png pattern, or a folder with --fps)."""
    clip = p.add_argument_group("a clip (a movie, frames/f%%04d.png, or a folder of frames with --fps)")
    clip.add_argument("--start", type=float, metavar="SECONDS", help="fit the clip from this time (default its start)")
    clip.add_argument("--end", type=float, metavar="SECONDS", help="fit the clip up to this time (default its end)")
    clip.add_argument("--fps", type=float, help="resample the movie to this rate (default its own); a sequence's "
                                                "rate (default 25), and what makes a folder a sequence")
    defaults = VideoSettings()
    for option, field in CLIP_OPTIONS.items():
        info = VideoSettings.model_fields[field]
        clip.add_argument(f"--{option.replace('_', '-')}", type=type(getattr(defaults, field)), default=None,
                          help=f"{info.description} (default {getattr(defaults, field)})")


def wants_clip(args: argparse.Namespace) -> bool:
    """Whether the input is a clip: a movie file, a printf pattern, or a folder given with --fps."""
    return is_clip(args.image, sequence_folder=args.fps is not None)


def _video_settings(args: argparse.Namespace, method: Method, settings: Any, workers: int | None) -> VideoSettings:
    if method.name not in MODELS:
        raise UserError(f"--method {method.name} fits pictures; a clip is fitted with --method "
                        f"{' or '.join(m for m in MODELS if m != 'gng')}")
    values = {field: getattr(args, option) for option, field in CLIP_OPTIONS.items() if getattr(args, option) is not None}
    if workers is not None:
        values["workers"] = workers
    try:
        return VideoSettings.model_validate({"method": method.name, "keyframe": settings, **values})
    except ValidationError as exc:
        names = {field: f"--{option.replace('_', '-')}" for option, field in CLIP_OPTIONS.items()}
        raise UserError(settings_error(exc, VideoSettings, lambda f: names.get(f, f))) from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _first_kept(frames: Iterator[np.ndarray], kept: list[np.ndarray]) -> Iterator[np.ndarray]:
    """`frames`, the first one kept in `kept` as it goes by (the clip's background is its mean)."""
    first = next(frames, None)
    if first is None:
        return iter(())
    kept.append(first)
    return itertools.chain([first], frames)


def run_clip(args: argparse.Namespace, method: Method, settings: Any, workers: int | None = None) -> int:
    """Fit the clip `args.image` and write its scene and posters (see the module docstring); `workers` (--workers)
    fit its chunks in parallel (default all cores)."""
    if args.checkpoint is not None or args.resume or args.refine_seconds is not None:
        raise UserError("--checkpoint, --resume and --refine-seconds apply to pictures, not yet to clips")
    video = _video_settings(args, method, settings, workers)
    check_outputs(args.output, inputs=[args.image])
    source: ClipSource = open_clip(args.image, args.start, args.end, args.fps)
    width, height = source.size
    check_sizes(S.Canvas(width=width, height=height), args.output, args.width or width, poster_options(args))
    began = time.perf_counter()
    kept: list[np.ndarray] = []
    frames = _first_kept(iter(source.frames()), kept)
    fits = fit_video(frames, source.fps, video, seed=settings.seed, scheduler=args.scheduler,
                     reporter=reporter_for(not args.quiet, leave=False),
                     frame_count=None if args.quiet else source.frame_count)
    name = Path(args.image).name
    sha = _sha256(Path(args.image)) if isinstance(source, MovieSource) else None
    drawing = clip_scene(S.Canvas(width=width, height=height), S.Source(name=name, sha256=sha), source.fps, fits,
                         start=args.start or 0.0)
    background = clip_background(working_frame(kept[0], video.resize))
    drawing = drawing.model_copy(update={
        "canvas": drawing.canvas.model_copy(update={"background": (*background, 1.0)}),
        "meta": {**drawing.meta, "method": method.name, "seed": settings.seed,
                 "seconds": round(time.perf_counter() - began, 3)}})
    write_outputs(drawing, args.output, args.width or width, options=poster_options(args))
    assert drawing.video is not None
    if not args.quiet:
        print(f"{drawing.video.frames} frames at {source.fps:g} fps, {len(drawing.video.tracks)} shape tracks "
              f"at {width}x{height}, fitted in {drawing.meta['seconds']:.1f} s", file=sys.stderr)
    for out in args.output:
        print(out)
    return 0
