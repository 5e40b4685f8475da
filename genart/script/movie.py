"""Joining a movie's segments without re-encoding them, and laying a soundtrack under it.

The segments (one per shot, one per cross-fade) share every encoding setting, so
ffmpeg's concat demuxer joins them by copying their packets. The soundtrack is padded
with silence or cut to the movie's exact length, faded out over its last `fade_out`
seconds, encoded (AAC in MP4, Opus in WebM) and muxed beside the copied video.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import imageio_ffmpeg

from generative import children
from renderers.atomic import WriteError, atomic_path

AUDIO = {".mp4": ["-c:a", "aac", "-b:a", "192k"], ".webm": ["-c:a", "libopus", "-b:a", "160k"]}
RATE = ["-ar", "48000"]  # AAC and Opus both at 48 kHz, whatever the soundtrack's rate


def join(segments: Sequence[Path], out: Path, seconds: float, soundtrack: Path | None, fade_out: float) -> None:
    """Write `out` (atomically; its folder made if missing): the segments in order, and the soundtrack."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="genart-join-") as folder:
        listing = Path(folder) / "segments.txt"
        listing.write_text("".join(f"file '{_quoted(s.resolve())}'\n" for s in segments))
        args = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        if soundtrack is None:
            args += ["-map", "0:v:0", "-c", "copy"]
        else:
            fade = min(fade_out, seconds)
            args += ["-i", str(soundtrack), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                     "-af", f"apad,atrim=0:{seconds:.6f},afade=t=out:st={seconds - fade:.6f}:d={fade:.6f}",
                     *AUDIO[out.suffix.lower()], *RATE, "-t", f"{seconds:.6f}"]
        if out.suffix.lower() == ".mp4":
            args += ["-movflags", "+faststart"]
        with atomic_path(out) as tmp:
            done = children.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args,
                                 "-f", out.suffix.lower().lstrip("."), str(tmp)])
            if done.returncode != 0:
                lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
                raise WriteError(out, f"ffmpeg failed: {lines[-1] if lines else 'no message'}")


def _quoted(path: Path) -> str:
    """A path inside single quotes of a concat list."""
    return str(path).replace("'", "'\\''")
