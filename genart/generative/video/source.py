"""Video clips and image sequences as a stream of frames: what `genart evolve clip.mp4` fits.

`open_clip` opens a movie (any container and codec the bundled ffmpeg of imageio-ffmpeg
reads), an image-sequence folder or a printf pattern such as ``frames/f%04d.png``, and gives
a `ClipSource`: its frame rate, frame size and frame count (after `start`/`end`/`fps`/`resize`)
and `frames()`, float32 RGB arrays (H, W, 3) in [0, 1], decoded one at a time (never the whole
clip in memory).

Files from others are hostile: ffmpeg is run with ``-protocol_whitelist file`` on a
``file:`` path (no URL, no ``concat:`` or other protocol) and ``-format_whitelist`` of
the usual movie containers (no playlists or concat lists that would name other files); the
file must be a regular file within the picture byte limit (`images.max_picture_bytes`), a frame
within the picture pixel limit (`images.MAX_SOURCE_PIXELS`), and a clip at most `MAX_CLIP_FRAMES`
frames long. ffmpeg applies a movie's rotation metadata (a phone clip shot upright comes out
upright); sequence frames are turned by their EXIF orientation like stills.
"""

from __future__ import annotations

import logging
import math
import os
import re
import stat
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from genart.generative.images import (
    BYTES_VARIABLE,
    MAX_SOURCE_PIXELS,
    MAX_WORKING,
    MIN_WORKING,
    ImageError,
    load_picture,
    max_picture_bytes,
    resize_to,
    to_float,
)
from genart.render.video import MAX_CLIP_FPS as MAX_FPS
from genart.render.video import MAX_CLIP_FRAMES

SEQUENCE_FPS = 25.0  # an image sequence's rate unless `fps` says otherwise (ffmpeg's default too)
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")
MOVIE_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts", ".flv",
                  ".ogv", ".wmv", ".3gp", ".3g2", ".mj2", ".y4m")
PATTERN = re.compile(r"%(0?\d*)d")
CONTAINERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,gif,mpeg,mpegts,flv,ogg,asf,h264,hevc,m4v,mjpeg,yuv4mpegpipe"
SAFE_INPUT = ["-nostdin", "-protocol_whitelist", "file", "-format_whitelist", CONTAINERS]


class ClipError(ImageError):
    """A clip that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Window:
    """Which part of a clip is taken: `start`/`end` in seconds (None: its start, its end), at `fps` (None: the
    clip's own rate), resized so the longer side is `resize` pixels (None: as it is)."""

    start: float | None = None
    end: float | None = None
    fps: float | None = None
    resize: int | None = None

    def check(self, name: str) -> None:
        """Raise ClipError (one line, naming `name`) for values out of range."""
        for label, value in (("--start", self.start), ("--end", self.end)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise ClipError(f"{name}: {label} must be a number of seconds ≥ 0, got {value:g}")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ClipError(f"{name}: --end {self.end:g} must come after --start {self.start:g}")
        if self.fps is not None and not (math.isfinite(self.fps) and 0 < self.fps <= MAX_FPS):
            raise ClipError(f"{name}: --fps must be in (0, {MAX_FPS:g}], got {self.fps:g}")
        if self.resize is not None and not MIN_WORKING <= self.resize <= MAX_WORKING:
            raise ClipError(f"{name}: --resize must be between {MIN_WORKING} and {MAX_WORKING} pixels, got {self.resize}")


def fitted_size(width: int, height: int, longest: int | None) -> tuple[int, int]:
    """(width, height) scaled so the longer side is `longest` (None: as it is), as `images.resize_to` does.

    Examples
    --------
    >>> fitted_size(640, 480, 128)
    (128, 96)
    """
    if longest is None:
        return width, height
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


class ClipSource:
    """A clip's frames, decoded on demand: `fps`, `size` (width, height), `frame_count`, `frames()`."""

    name: str
    fps: float
    size: tuple[int, int]

    @property
    def frame_count(self) -> int:
        """How many frames `frames()` yields."""
        raise NotImplementedError

    def frames(self) -> Iterator[np.ndarray]:
        """The frames in order, float32 RGB (H, W, 3) in [0, 1], one decoded at a time."""
        raise NotImplementedError


@dataclass(eq=False)
class MovieSource(ClipSource):
    """A movie file decoded by ffmpeg (see the module docstring for what is refused)."""

    path: Path
    window: Window
    name: str = ""
    fps: float = 0.0
    size: tuple[int, int] = (0, 0)
    audio: bool = False
    _filters: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = str(self.path)
        meta = self._meta([])
        width, height = meta["size"]
        if width * height > MAX_SOURCE_PIXELS:
            raise ClipError(f"{self.name}: {width}x{height} frames are too large (at most {MAX_SOURCE_PIXELS} pixels)")
        own_fps = float(meta.get("fps") or 0.0)
        if self.window.fps is None and not 0 < own_fps <= MAX_FPS:
            raise ClipError(f"{self.name}: the clip states no usable frame rate ({own_fps:g}); give --fps")
        self.fps = self.window.fps or own_fps
        self.size = fitted_size(width, height, self.window.resize)
        self.audio = bool(meta.get("audio_codec"))
        self._filters = [f"fps={self.fps:.6g}"] if self.window.fps else []
        if self.size != (width, height):
            self._filters.append(f"scale={self.size[0]}:{self.size[1]}:flags=area")
        duration = float(meta.get("duration") or 0.0) - (self.window.start or 0.0)
        if self.window.end is not None:
            duration = min(duration, self.window.end - (self.window.start or 0.0))
        if duration * self.fps > MAX_CLIP_FRAMES:
            raise ClipError(f"{self.name}: {duration:g} s at {self.fps:g} fps is more than {MAX_CLIP_FRAMES} frames; "
                            "take a part with --start/--end or lower --fps")

    def _input(self) -> list[str]:
        cut = []
        if self.window.start:
            cut += ["-ss", f"{self.window.start:.6f}"]
        if self.window.end is not None:
            cut += ["-t", f"{self.window.end - (self.window.start or 0.0):.6f}"]
        return SAFE_INPUT + cut

    def _output(self) -> list[str]:
        return ["-map", "0:v:0", "-an", "-sn"] + (["-vf", ",".join(self._filters)] if self._filters else [])

    def _reader(self, output: list[str]) -> Generator[Any, None, None]:
        import imageio_ffmpeg

        logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)  # it warns of every resized read
        return imageio_ffmpeg.read_frames(f"file:{self.path.resolve()}", input_params=self._input(),
                                          output_params=output)

    def _meta(self, output: list[str]) -> dict[str, Any]:
        reader = self._reader(output)
        try:
            meta: dict[str, Any] = next(reader)
        except (OSError, RuntimeError, StopIteration, ValueError, IndexError) as exc:
            raise ClipError(f"{self.name}: not a readable video ({_first_line(exc)})") from None
        finally:
            reader.close()
        return meta

    @cached_property
    def _count(self) -> int:
        count = sum(1 for _ in self.frames())
        if count == 0:
            raise ClipError(f"{self.name}: no frames between --start and --end")
        return count

    @property
    def frame_count(self) -> int:
        return self._count

    def frames(self) -> Iterator[np.ndarray]:
        reader = self._reader(self._output())
        width, height = self.size
        try:
            meta = next(reader)
            if tuple(meta["size"]) != (width, height):
                raise ClipError(f"{self.name}: ffmpeg gives {meta['size']} frames, not the {width}x{height} asked")
            for index, data in enumerate(reader):
                if index >= MAX_CLIP_FRAMES:
                    raise ClipError(f"{self.name}: more than {MAX_CLIP_FRAMES} frames; take a part with --start/--end")
                yield np.frombuffer(data, np.uint8).reshape(height, width, 3).astype(np.float32) / 255.0
        except (OSError, RuntimeError, StopIteration, ValueError) as exc:
            raise ClipError(f"{self.name}: cannot decode ({_first_line(exc)})") from None
        finally:
            reader.close()


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.startswith("===")]
    useful = [line for line in lines if "Invalid data" in line or "not found" in line or "denied" in line]
    return re.sub(r"^\[[^]]*\]\s*", "", (useful or lines or [type(exc).__name__])[0])[:200]


@dataclass(eq=False)
class SequenceSource(ClipSource):
    """Numbered pictures (a folder's, in name order, or a printf pattern's) read as stills are."""

    paths: list[Path]
    window: Window
    name: str = ""
    fps: float = SEQUENCE_FPS
    size: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        self.fps = self.window.fps or SEQUENCE_FPS
        first = round((self.window.start or 0.0) * self.fps)
        last = len(self.paths) if self.window.end is None else min(len(self.paths), round(self.window.end * self.fps))
        self.paths = self.paths[first:last]
        if not self.paths:
            raise ClipError(f"{self.name}: no frames between --start and --end")
        if len(self.paths) > MAX_CLIP_FRAMES:
            raise ClipError(f"{self.name}: {len(self.paths)} pictures, more than {MAX_CLIP_FRAMES}")
        picture = load_picture(self.paths[0])
        self._source_size = (picture.width, picture.height)
        self.size = fitted_size(picture.width, picture.height, self.window.resize)

    @property
    def frame_count(self) -> int:
        return len(self.paths)

    def frames(self) -> Iterator[np.ndarray]:
        for path in self.paths:
            picture = load_picture(path)
            if (picture.width, picture.height) != self._source_size:
                raise ClipError(f"{path}: {picture.width}x{picture.height}, not the {self._source_size[0]}x"
                                f"{self._source_size[1]} of the sequence's first picture")
            yield to_float(resize_to(picture.rgb, self.window.resize))


def sequence_paths(path: Path) -> list[Path] | None:
    """The pictures of an image sequence: a folder's (in name order) or a printf pattern's (from the first number
    among 0–4 that exists, up to the first gap); None if `path` is neither a folder nor a pattern."""
    if path.is_dir():
        return sorted((p for p in path.iterdir() if p.suffix.lower() in PICTURE_SUFFIXES and p.is_file()),
                      key=lambda p: p.name)
    if len(PATTERN.findall(path.name)) != 1 or "%" in str(path.parent):
        return None
    first = next((n for n in range(5) if (path.parent / (path.name % n)).is_file()), None)
    if first is None:
        return []
    found: list[Path] = []
    while (candidate := path.parent / (path.name % (first + len(found)))).is_file() and len(found) <= MAX_CLIP_FRAMES:
        found.append(candidate)
    return found


def is_clip(path: str | Path, sequence_folder: bool = True) -> bool:
    """Whether `path` names a clip `open_clip` reads rather than one still: a movie (by its suffix,
    `MOVIE_SUFFIXES`), a printf pattern, or a folder (when `sequence_folder`). Anything else is a picture, as
    before (a GIF too).

    Examples
    --------
    >>> is_clip("a.MP4"), is_clip("frames/f%04d.png"), is_clip("a.gif"), is_clip("a.ppm")
    (True, True, False, False)
    """
    path = Path(path)
    if PATTERN.search(path.name):
        return True
    if path.is_dir():
        return sequence_folder
    return path.suffix.lower() in MOVIE_SUFFIXES


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def open_clip(path: str | Path, start: float | None = None, end: float | None = None, fps: float | None = None,
              resize: int | None = None) -> ClipSource:
    """Open a movie, an image-sequence folder or a ``frame%04d.png`` pattern as a stream of frames.

    `start`/`end` are seconds (None: the whole clip), `fps` resamples a movie (an image sequence plays at it,
    by default `SEQUENCE_FPS`), `resize` scales the frames so their longer side is that many pixels. Any problem
    (a URL or protocol, a file that is not a readable movie, a clip past the limits) is a ClipError, one line.

    Examples
    --------
    >>> open_clip("concat:a.mp4|b.mp4")
    Traceback (most recent call last):
    ...
    genart.generative.video.source.ClipError: concat:a.mp4|b.mp4: only local files are read, not URLs or protocols
    """
    text = str(path)
    window = Window(start, end, fps, resize)
    window.check(text)
    sequence = None if URL.match(text) else sequence_paths(Path(path))
    if sequence is not None:
        if not sequence:
            raise ClipError(f"{text}: no pictures in this sequence")
        return SequenceSource(sequence, window, name=text)
    check_local_file(text)
    path = Path(path)
    return MovieSource(path, window)


def check_local_file(text: str) -> None:
    """Raise ClipError (one line) unless `text` names a local regular file within the picture byte limit, as
    `images.read_regular` checks a still (without reading it: a movie is streamed); a URL or an ffmpeg protocol
    (``concat:``, ``http:``, ...) is refused."""
    if URL.match(text) and not Path(text).exists():
        raise ClipError(f"{text}: only local files are read, not URLs or protocols")
    try:
        info = os.stat(text)
    except FileNotFoundError:
        raise ClipError(f"{text}: no such file") from None
    except OSError as exc:
        raise ClipError(f"{text}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ClipError(f"{text}: not a regular file (a FIFO, socket or device is not read)")
    if info.st_size > (limit := max_picture_bytes()):
        raise ClipError(f"{text}: file of {info.st_size} bytes is larger than {limit} (set {BYTES_VARIABLE} to raise it)")
