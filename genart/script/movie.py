"""Joining a movie's segments without re-encoding them, and laying a soundtrack under it.

The segments (one per shot, one per cross-fade) share every encoding setting, so
ffmpeg's concat demuxer joins them by copying their packets. The soundtrack is padded
with silence or cut to the movie's exact length, faded out over its last `fade_out`
seconds, encoded (AAC in MP4, Opus in WebM) and muxed beside the copied video.

Every file ffmpeg reads here may come from someone else (a script's soundtrack) or be
served by the cache, so each is read as `reading` says: local files only (no protocol
that connects anywhere) and through named demuxers only (no playlist, HLS or concat
list that names other files). The segments' list is genart's own, written beside them
with their bare names, so the concat demuxer keeps its safe mode (no absolute names),
and each segment is checked to be a regular file that starts as its format does.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import imageio_ffmpeg

from genart.render.atomic import WriteError, atomic_path
from genart.runtime import children

AUDIO = {".mp4": ["-c:a", "aac", "-b:a", "192k"], ".webm": ["-c:a", "libopus", "-b:a", "160k"]}
RATE = ["-ar", "48000"]  # AAC and Opus both at 48 kHz, whatever the soundtrack's rate
SOUND_FORMATS = "wav,w64,aiff,caf,au,flac,wv,ape,mp3,aac,ogg,mov,matroska"  # the demuxers a soundtrack is read by
SOUND_NAMES = "WAV, AIFF, CAF, AU, FLAC, WavPack, APE, MP3, AAC, Ogg, MP4/M4A, Matroska/WebM"
SEGMENT_FORMATS = {".mp4": "mov", ".webm": "matroska"}  # the demuxer of each segment format
SEGMENT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")  # names the concat demuxer's safe mode takes


def reading(path: Path, formats: str) -> list[str]:
    """ffmpeg's options to read the file `path` as an input: through the file protocol only, by one of the
    demuxers `formats` (comma-separated) only, so it can neither connect anywhere nor open other files."""
    return ["-protocol_whitelist", "file", "-format_whitelist", formats, "-i", f"file:{path.absolute()}"]


def ffmpeg(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg (errors only on stderr, nothing on stdin) with `args`, as a child that ends with genart."""
    return children.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-nostdin", *args])


def last_error(done: subprocess.CompletedProcess[str]) -> str:
    """The last line ffmpeg wrote on stderr, or 'no message'."""
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def sound_problem(path: Path) -> str | None:
    """What keeps `path` from being a soundtrack (it is decoded for a moment), or None when it is one."""
    done = ffmpeg([*reading(path, SOUND_FORMATS), "-map", "0:a:0", "-t", "0.05", "-f", "null", "-"])
    if done.returncode == 0:
        return None
    return f"not a sound file genart reads ({SOUND_NAMES}; ffmpeg: {last_error(done)})"


def join(segments: Sequence[Path], out: Path, fps: float, soundtrack: Path | None, fade_out: float) -> None:
    """Write `out` (atomically; its folder made if missing): the segments (files of `out`'s format, in one
    folder) in order, at `fps`, and the soundtrack."""
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    with _listing(segments, out) as listing:
        concat = ["-f", "concat", *reading(listing, f"concat,{SEGMENT_FORMATS[suffix]}")]
        counted = ffmpeg([*concat, "-map", "0:v:0", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-"])
        frames = re.findall(r"^frame=(\d+)$", counted.stdout, re.MULTILINE)
        if counted.returncode != 0 or not frames:
            raise WriteError(out, f"ffmpeg could not read the movie's segments: {last_error(counted)}")
        seconds = int(frames[-1]) / fps
        args = [*concat]
        if soundtrack is None:
            args += ["-map", "0:v:0", "-c", "copy"]
        else:
            fade = min(fade_out, seconds)
            args += [*reading(soundtrack, SOUND_FORMATS), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                     "-af", f"apad,atrim=0:{seconds:.6f},afade=t=out:st={seconds - fade:.6f}:d={fade:.6f}",
                     *AUDIO[suffix], *RATE, "-t", f"{seconds:.6f}"]
        if suffix == ".mp4":
            args += ["-movflags", "+faststart"]
        with atomic_path(out) as tmp:
            done = ffmpeg(["-y", *args, "-f", suffix.lstrip("."), str(tmp)])
            if done.returncode != 0:
                raise WriteError(out, f"ffmpeg failed: {last_error(done)}")


@contextmanager
def _listing(segments: Sequence[Path], out: Path) -> Iterator[Path]:
    """A concat list of `segments` by their bare names, in their folder (removed after)."""
    folder = segments[0].parent
    for segment in segments:
        if segment.parent != folder or not SEGMENT_NAME.fullmatch(segment.name):
            raise WriteError(out, f"segment {segment} is not a cache file beside the others")
        _check_segment(segment, out)
    text = "ffconcat version 1.0\n" + "".join(f"file {segment.name}\n" for segment in segments)
    fd, name = tempfile.mkstemp(prefix=".join-", suffix=".ffconcat", dir=folder)
    try:
        with open(fd, "w") as file:
            file.write(text)
        yield Path(name)
    finally:
        os.unlink(name)


MAGIC = {".mp4": (4, b"ftyp"), ".webm": (0, b"\x1a\x45\xdf\xa3")}  # where each segment format's mark is


def _check_segment(segment: Path, out: Path) -> None:
    """WriteError unless `segment` is a regular file (not a link) that starts as its format does."""
    offset, mark = MAGIC[segment.suffix.lower()]
    try:
        fd = os.open(segment, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise WriteError(out, f"segment {segment.name}: {exc.strerror or exc}") from None
    try:
        head = os.read(fd, offset + len(mark)) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    finally:
        os.close(fd)
    if head[offset:] != mark:
        raise WriteError(out, f"segment {segment.name} is not a {segment.suffix} file (remove it to make it again)")
