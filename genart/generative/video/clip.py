"""A clip fitted into one scene: its frames read streaming, fitted coherently, stored as tracks.

`fit_clip` joins the three steps of `genart evolve clip.mp4` (and `genart.fit_clip`): the
frames of a `ClipSource` (`source.open_clip`), `fit.fit_video` with the clip's `VideoSettings`,
and `tracks.clip_scene`. The scene's canvas is the source's frame size (the fit works at the
keyframe method's `resize` and scales its shapes up, as for a picture) over the clip's
background colour (its first working frame's mean, which every keyframe is fitted over).
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from genart.generative.video.fit import clip_background, fit_video, working_frame
from genart.generative.video.settings import VideoSettings
from genart.generative.video.source import ClipSource, MovieSource
from genart.generative.video.tracks import clip_scene
from genart.render import scene as S
from genart.runtime.progress import SILENT, Reporter


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a MiB at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _keeping_first(frames: Iterator[np.ndarray], kept: list[np.ndarray]) -> Iterator[np.ndarray]:
    """`frames`, the first one kept in `kept` as it goes by."""
    first = next(frames, None)
    if first is None:
        return iter(())
    kept.append(first)
    return itertools.chain([first], frames)


def fit_clip(source: ClipSource, settings: VideoSettings, seed: int, start: float = 0.0, scheduler: str | None = None,
             reporter: Reporter = SILENT, checkpoint: Path | None = None, resume: bool = False) -> S.Scene:
    """The scene of `source` fitted with `settings` and `seed` (`start`: where in the movie it was cut), its meta
    holding the method, seed and seconds; frames counted to `reporter`. The finished chunks are kept in
    `checkpoint` as they come (Ctrl-C raises KeyboardInterrupt and keeps it; a fit that ends removes it);
    `resume` continues from it (see `genart.generative.video.checkpoint`).

    Examples
    --------
    >>> from genart.generative.video.source import open_clip
    >>> settings = VideoSettings(method="gradient", keyframe={"shapes": 3, "steps": 5, "resize": 16}, steps=2,
    ...                          keyframe_steps=2, workers=1)
    >>> scene = fit_clip(open_clip("assets", fps=1), settings, seed=1)  # a folder of one picture: one frame
    >>> scene.video.frames, len(scene.video.tracks), scene.canvas.width
    (1, 3, 256.0)
    """
    began = time.perf_counter()
    kept: list[np.ndarray] = []
    frames = _keeping_first(iter(source.frames()), kept)
    fits = fit_video(frames, source.fps, settings, seed=seed, scheduler=scheduler, checkpoint=checkpoint,
                     resume=resume, reporter=reporter, frame_count=None if reporter is SILENT else source.frame_count)
    width, height = source.size
    sha = file_sha256(Path(source.name)) if isinstance(source, MovieSource) else None
    drawing = clip_scene(S.Canvas(width=width, height=height), S.Source(name=Path(source.name).name, sha256=sha),
                         source.fps, fits, start=start)
    background = clip_background(working_frame(kept[0], settings.resize))
    return drawing.model_copy(update={
        "canvas": drawing.canvas.model_copy(update={"background": (*background, 1.0)}),
        "meta": {**drawing.meta, "method": settings.method, "seed": seed,
                 "seconds": round(time.perf_counter() - began, 3)}})
