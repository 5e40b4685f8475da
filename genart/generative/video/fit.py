"""`fit_video`: a clip's frames in, shapes that persist and move from frame to frame out.

Frame 0 is fitted as a picture; every next frame starts from the previous frame's shapes and
refits them, held by a temporal term, with births and deaths where the picture changes
(`genart.generative.video.shape_track`, `genart.generative.video.settle`). The clip is cut into
chunks, each starting from a keyframe fitted independently; chunks fit in parallel on local
processes or a Dask cluster and their seams fade together (`genart.generative.video.chunks`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from genart.generative.images import resize_to
from genart.generative.methods.base import max_workers
from genart.generative.methods.gng import GNGSettings
from genart.generative.video.checkpoint import VideoCheckpoint, fingerprint
from genart.generative.video.chunks import Fitted, fit_chunk, seams
from genart.generative.video.chunks import chunks as cut
from genart.generative.video.settings import VideoSettings
from genart.generative.video.tracks import FrameFit
from genart.runtime.execution import open_execution
from genart.runtime.progress import SILENT, Reporter, Tally


def working_frame(frame: np.ndarray, resize: int | None) -> np.ndarray:
    """A float RGB frame in [0, 1] as uint8 at the working size (longer side `resize`; None: as it is)."""
    rgb = np.round(np.clip(np.asarray(frame, np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"a frame must be an H×W×3 RGB array, got shape {rgb.shape}")
    return resize_to(rgb, resize)


def clip_background(first: np.ndarray, settings: VideoSettings | None = None) -> tuple[float, float, float]:
    """The clip's one background colour: its first working frame's mean (every keyframe of shapes is fitted
    over it), or a GNG drawing's own background colour."""
    if settings is not None and isinstance(settings.keyframe, GNGSettings):
        red, green, blue = settings.keyframe.background[:3]
        return (red, green, blue)
    r, g, b = (float(v) for v in (first.reshape(-1, 3).mean(axis=0) / 255.0))
    return (r, g, b)


def fit_video(frames: Iterable[np.ndarray], fps: float, settings: VideoSettings, seed: int,
              scheduler: str | None = None, checkpoint: Path | None = None, resume: bool = False,
              reporter: Reporter = SILENT, frame_count: int | None = None) -> Iterator[FrameFit]:
    """The clip's frames fitted coherently, one `FrameFit` per frame in order.

    Parameters
    ----------
    frames : float32 RGB (H, W, 3) in [0, 1], read as they are needed.
    fps : the clip's frame rate.
    settings : the keyframes' method and the per-frame refit (`VideoSettings`).
    seed : same seed, same shapes, whatever the workers or scheduler.
    scheduler : the Dask scheduler the chunks run on (else $GENART_SCHEDULER, else local processes).
    checkpoint : the file the finished chunks are saved to as they come (removed when the fit ends); Ctrl-C
        raises KeyboardInterrupt and keeps it.
    resume : continue from `checkpoint` (the same frames, settings and seed): its chunks are not fitted again.
    reporter : counted to as each frame is done.
    frame_count : the clip's frames, if known (for the count).

    Examples
    --------
    >>> frames = [np.full((16, 16, 3), v, np.float32) for v in (0.2, 0.3)]
    >>> settings = VideoSettings(method="gradient", keyframe={"shapes": 3, "steps": 5, "resize": 16},
    ...                          steps=2, keyframe_steps=2, workers=1)
    >>> [(f.index, len(f.ids)) for f in fit_video(frames, 24.0, settings, seed=1)]
    [(0, 3), (1, 3)]
    """
    raw = iter(frames)
    source = next(raw, None)
    if source is None:
        return
    first = working_frame(source, settings.resize)
    stream = itertools.chain([first], (working_frame(f, settings.resize) for f in raw))
    to_picture = max(source.shape[1] / first.shape[1], source.shape[0] / first.shape[0])
    store = VideoCheckpoint(checkpoint, fingerprint(settings, seed, fps, first)) if checkpoint else None
    saved = store.open(resume) if store else []
    jobs = ((chunk, settings, seed, clip_background(first), to_picture) for chunk in cut(stream, settings)
            if chunk.index >= len(saved))
    workers = settings.workers or max_workers()
    tally = Tally(reporter, "video", frame_count or 0, "frame")
    tally.count()
    with open_execution(0 if workers == 1 and scheduler is None else workers, scheduler) as execution:
        fresh = (result for _, result in execution.stream(fit_chunk, jobs, workers, ordered=True))
        for index, fitted in enumerate(seams(_saved_as_done(saved, fresh, store), settings)):
            yield FrameFit(index, fitted.layer, tuple(fitted.ids))
            tally.add()
    tally.count(final=True)
    if store is not None:
        store.remove()


def _saved_as_done(saved: list[list[Fitted]], fresh: Iterable[list[Fitted]],
                   store: VideoCheckpoint | None) -> Iterator[list[Fitted]]:
    """The chunks in order: those a resumed checkpoint holds, then the fresh ones, each saved as it comes."""
    yield from saved
    for chunk in fresh:
        if store is not None:
            store.add(chunk)
        yield chunk
