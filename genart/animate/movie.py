"""A clip to a movie file: its frames rendered (on local workers or a Dask cluster), merged where
they repeat, and encoded; the one path `genart animate`, `Clip.save` and scripts share."""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable
from pathlib import Path

from genart.animate.dedupe import merge_duplicates
from genart.animate.encode import Audio, EncodeResult, EncodeSettings, encode, format_of
from genart.animate.frame import Look
from genart.animate.pipeline import RenderedFrame, render_frames
from genart.animate.timeline import Playable, frame_times
from genart.runtime.progress import SILENT, Reporter


def write_movie(clip: Playable, out: Path, size: tuple[int, int], fps: float, look: Look, alpha: bool, *,
                crf: int = 20, preset: str = "superfast", gif_quality: str = "fast", workers: int | None = None,
                dedupe: int | None = None, reporter: Reporter = SILENT, scheduler: str | None = None,
                desc: str = "frames", audio: Audio | None = None) -> EncodeResult:
    """Render every frame of `clip` at `size` and `fps` and encode them to `out` (its format by its name:
    .mp4, .webm, .mov, .gif or NAME%05d.png frames, whose folder is made if missing and removed again if
    nothing was written). `dedupe` merges runs of frames that differ in at most that many pixels;
    frames render on `workers` local processes (default all cores) or the Dask `scheduler`, counted to `reporter`;
    `audio` is muxed into a .mp4, .webm or .mov."""
    fmt = format_of(out)
    encoding = EncodeSettings(crf=crf, preset=preset, gif_quality=gif_quality, alpha=alpha, audio=audio)
    frame_count = len(frame_times(clip.length, fps, clip.periodic))
    made = fmt == "png" and not out.parent.exists()
    if made:
        out.parent.mkdir()
    rendering = render_frames(clip, size, fps, workers=workers, hashing=dedupe is not None, reporter=reporter,
                              desc=f"{desc} {fmt}", look=look, alpha=alpha, scheduler=scheduler)
    frames: Iterable[RenderedFrame] = rendering if dedupe is None else merge_duplicates(rendering, dedupe)
    try:
        return encode(frames, out, size, fps, encoding, frame_count=frame_count)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                out.parent.rmdir()
        raise
    finally:  # encode closed what it was given; the renderers under the dedupe filter are closed here,
        if isinstance(rendering, Generator):  # so their final count (a bar gone) comes before a caller's line
            rendering.close()
