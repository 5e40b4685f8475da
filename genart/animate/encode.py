"""Encoding rendered frames to MP4 (H.264), WebM (VP9), MOV (ProRes 4444), GIF and PNG
sequences, atomically.

MP4, WebM and MOV go through the ffmpeg binary that `imageio-ffmpeg` ships, fed raw BGRA
frames on a pipe; they are constant frame rate, so a merged frame lasting k/fps is sent
k times (H.264/VP9 store a repeat almost for free). Frames for outputs that keep alpha
are straight (not premultiplied) BGRA: MOV is ProRes 4444 with a 16-bit alpha
(prores_ks, yuva444p10le), WebM with `EncodeSettings.alpha` is VP9 yuva420p (decode it
with libvpx-vp9: ffmpeg's own vp9 decoder drops alpha). A PNG sequence (`NAME%05d.png`,
numbered from 0) holds RGBA frames, constant rate too; it is written into a temporary
folder beside its frames and moved into place only when every frame is written. GIF stores per-frame delays in
centiseconds, rounded cumulatively so a 2.00 s movie lasts exactly 2.00 s. Two GIF tiers:
'fast' quantizes each frame with Pillow; 'best' builds one global palette over the whole
movie with ffmpeg's palettegen and dithers with paletteuse (sierra2_4a), spooling frames
to a temporary file so memory stays flat; the spool is refused before the first frame if
the frames announced would leave less than SPOOL_MARGIN bytes free on its disk, stops
with an error before it would, and is removed on every exit.

Every failure (ffmpeg's exit status, a full disk, a full spool) leaves no file at the
target, keeps the previous one, and raises WriteError with one line (for ffmpeg, the
last line of what it reported).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Protocol

import imageio_ffmpeg
import numpy as np
from PIL import Image

from genart.errors import GenartError
from genart.render.atomic import WriteError, atomic_path, write_error
from genart.runtime.children import child, wait

FORMATS = ("mp4", "webm", "mov", "gif", "png")
ALPHA_FORMATS = ("webm", "mov", "png")  # formats that can keep transparency
SEQUENCE = re.compile(r"[^%]*%0?\d*d[^%]*\.png", re.IGNORECASE)  # a PNG sequence's file name pattern
GIF_QUALITIES = ("fast", "best")
COLOR_PARAMS = [  # exact BT.709 conversion, tagged so players decode the colours as drawn
    "-sws_flags", "accurate_rnd+full_chroma_int", "-vf", "scale=out_color_matrix=bt709:out_range=tv",
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
]
SPOOL_MARGIN = 256 * 2**20  # bytes the GIF frame spool leaves free on its disk


class EncodeError(GenartError, RuntimeError):
    """ffmpeg failed, or the frame spool would not fit; the message is one line."""


class Encodable(Protocol):
    """A frame to encode: opaque BGRA pixels and a display duration; released once written."""

    pixels: np.ndarray
    duration: float

    def release(self) -> None: ...


@dataclass(frozen=True)
class Audio:
    """Sound for a movie: the audio of the local file `path` from `start` seconds on (the movie's length of it)."""

    path: Path
    start: float = 0.0


AUDIO_CODECS = {"mp4": "aac", "mov": "aac", "webm": "libopus"}


@dataclass(frozen=True)
class EncodeSettings:
    """Encoder knobs: H.264 `crf`/`preset`, VP9 `vp9_crf`, the GIF tier, whether to keep
    alpha (WebM yuva420p; MOV and PNG always keep it), and the `audio` to mux in (MP4, WebM, MOV)."""

    crf: int = 20
    preset: str = "superfast"
    vp9_crf: int = 34
    gif_quality: str = "fast"
    alpha: bool = False
    audio: Audio | None = None


def _audio_args(audio: Audio | None, fmt: str) -> tuple[list[str], list[str]]:
    """ffmpeg's input and output arguments muxing `audio` into a movie of `fmt` (none: no sound). The file is
    read as a local file only (`-protocol_whitelist file`), a clip without sound gives a silent movie."""
    if audio is None:
        return [], ["-an"]
    source = ["-protocol_whitelist", "file", "-ss", f"{audio.start:.6f}", "-i", f"file:{audio.path.resolve()}"]
    return source, ["-map", "0:v:0", "-map", "1:a:0?", "-c:a", AUDIO_CODECS[fmt], "-af", "apad", "-shortest"]


@dataclass(frozen=True)
class EncodeResult:
    """What was written: frames stored, and the movie's length in seconds."""

    frames_out: int
    seconds: float


def format_of(path: str | Path) -> str:
    """'mp4', 'webm', 'mov', 'gif' or 'png' (a sequence, NAME%05d.png) from the file name;
    anything else raises ValueError."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "png" and SEQUENCE.fullmatch(Path(path).name):
        return "png"
    if suffix not in FORMATS or suffix == "png":
        raise ValueError(f"{path}: unknown movie format (use .mp4, .webm, .mov, .gif, or NAME%05d.png for PNG frames)")
    return suffix


def encode(
    frames: Iterable[Encodable],
    path: str | Path,
    size: tuple[int, int],
    fps: float,
    settings: EncodeSettings = EncodeSettings(),
    frame_count: int | None = None,
) -> EncodeResult:
    """Write `frames` (each `size` = (w, h)) to `path`; the format follows the extension.

    `frame_count`, where known, is the most frames `frames` will yield: a GIF spool that
    could not hold them is refused (WriteError) before the first frame is asked for. A
    generator of frames is closed on return, error or stop, so its renderers stop then.
    """
    try:
        return _encode(frames, path, size, fps, settings, frame_count)
    finally:
        if isinstance(frames, Generator):
            frames.close()


def _encode(frames: Iterable[Encodable], path: str | Path, size: tuple[int, int], fps: float,
            settings: EncodeSettings, frame_count: int | None) -> EncodeResult:
    fmt = format_of(path)
    if fmt in ("mp4", "webm") and (size[0] % 2 or size[1] % 2):
        raise ValueError(f"{fmt} (yuv420p) needs an even width and height, got {size[0]}x{size[1]}")
    if settings.gif_quality not in GIF_QUALITIES:
        raise ValueError(f"unknown GIF quality {settings.gif_quality!r} (use fast or best)")
    if settings.audio is not None and fmt not in AUDIO_CODECS:
        raise ValueError(f"{fmt} cannot hold sound (use .mp4, .webm or .mov)")
    if settings.alpha and fmt not in ALPHA_FORMATS:
        raise ValueError(f"{fmt} cannot keep alpha (use .mov, .webm or PNG frames)")
    if fmt == "gif" and settings.gif_quality == "best" and frame_count is not None:
        folder = Path(tempfile.gettempdir())
        frame_bytes, budget = size[0] * size[1] * 4, _spool_budget(folder)
        if frame_count * frame_bytes > budget:
            raise WriteError(path, str(_spool_too_small(folder, frame_count, frame_bytes, budget)))
    try:
        if fmt == "png":
            return _png_sequence(frames, Path(path), fps)
        with atomic_path(path) as tmp:
            if fmt == "gif" and settings.gif_quality == "best":
                return _gif_best(frames, tmp, size, fps)
            if fmt == "gif":
                return _gif_fast(frames, tmp)
            return _video(frames, tmp, size, fps, fmt, settings)
    except EncodeError as exc:
        raise WriteError(path, str(exc)) from None


def _last_error(log: str) -> str:
    """ffmpeg's last meaningful log line, without its '[muxer @ 0x...]' prefixes."""
    for line in reversed(log.splitlines()):
        line = re.sub(r"^(\[[^\]]*\]\s*)+", "", line).strip()
        if line and not line.startswith("Last message repeated"):
            return line
    return "no message"


@contextlib.contextmanager
def _ffmpeg(args: list[str], stdin: int | None = None, stdout: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ffmpeg with `args` for the block, as a `child` (it ends with genart: killed on an error or a stop);
    after the block, raise EncodeError unless it exited 0."""
    with tempfile.TemporaryFile() as log:
        with child([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", *args], stdin=stdin,
                   stdout=stdout if stdout is not None else subprocess.DEVNULL, stderr=log) as process:
            try:
                yield process
            except BrokenPipeError:
                pass  # ffmpeg stopped reading: its exit status and log say why
            finally:
                for stream in (process.stdin, process.stdout):
                    if stream is not None:
                        with contextlib.suppress(BrokenPipeError):
                            stream.close()
            status = wait(process)
        if status != 0:
            log.seek(0)
            raise EncodeError(f"ffmpeg failed: {_last_error(log.read().decode(errors='replace'))}")


def _video(frames: Iterable[Encodable], tmp: Path, size: tuple[int, int], fps: float, fmt: str, s: EncodeSettings) -> EncodeResult:
    if fmt == "mp4":
        codec, pix_fmt, params = "libx264", "yuv420p", ["-preset", s.preset, "-crf", str(s.crf), "-movflags", "+faststart"]
    elif fmt == "mov":
        codec, pix_fmt, params = "prores_ks", "yuva444p10le", ["-profile:v", "4444", "-alpha_bits", "16", "-vendor", "apl0"]
    else:
        codec, pix_fmt = "libvpx-vp9", "yuva420p" if s.alpha else "yuv420p"
        params = ["-b:v", "0", "-crf", str(s.vp9_crf), "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"]
    params += COLOR_PARAMS
    raw_input = ["-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{size[0]}x{size[1]}", "-pix_fmt", "bgra",
                 "-r", str(Fraction(fps).limit_denominator())]
    sound, muxing = _audio_args(s.audio, fmt)
    sent = 0
    elapsed = 0.0
    with _ffmpeg(["-y", *raw_input, "-i", "-", *sound, *muxing, "-vcodec", codec, "-pix_fmt", pix_fmt, *params, str(tmp)],
                 stdin=subprocess.PIPE) as process:
        pipe: IO[bytes] = process.stdin  # type: ignore[assignment]
        for frame in frames:
            elapsed += frame.duration
            repeats = round(elapsed * fps) - sent  # cumulative: no drift from rounding
            for _ in range(max(repeats, 0)):
                pipe.write(frame.pixels.data)
            sent += max(repeats, 0)
            frame.release()
    return EncodeResult(sent, sent / fps)


def _png_sequence(frames: Iterable[Encodable], pattern: Path, fps: float) -> EncodeResult:
    """Frames as RGBA PNGs named `pattern % k` (k from 0), one per 1/fps; all are written or none.

    They are written into a temporary folder beside them, then moved into place.
    """
    folder = pattern.parent
    if not folder.is_dir():
        raise WriteError(pattern, f"folder {folder} does not exist")
    try:
        with tempfile.TemporaryDirectory(prefix=".genart-frames-", dir=folder) as spool:
            names: list[str] = []
            elapsed = 0.0
            for frame in frames:
                elapsed += frame.duration
                repeats = round(elapsed * fps) - len(names)  # cumulative: no drift from rounding
                if repeats > 0:
                    h, w = frame.pixels.shape[:2]
                    image = Image.frombuffer("RGBA", (w, h), np.ascontiguousarray(frame.pixels), "raw", "BGRA", 0, 1)
                    buffer = io.BytesIO()  # Pillow ignores short writes to files: encode here, write with checks
                    image.save(buffer, format="PNG", compress_level=1)
                    for _ in range(repeats):
                        names.append(pattern.name % len(names))
                        (Path(spool) / names[-1]).write_bytes(buffer.getbuffer())
                frame.release()
            if not names:
                raise ValueError("no frames to write")
            for name in names:
                os.replace(Path(spool) / name, folder / name)
    except OSError as exc:
        raise write_error(pattern, exc) from None
    return EncodeResult(len(names), len(names) / fps)


def _centiseconds(frames: Iterable[Encodable]) -> Iterable[tuple[Encodable, int]]:
    """Frames with their GIF delays, rounded cumulatively; frames shorter than 1 cs are merged away."""
    elapsed, shown = 0.0, 0
    for frame in frames:
        elapsed += frame.duration
        delay = round(elapsed * 100) - shown
        if delay <= 0:
            frame.release()
            continue
        shown += delay
        yield frame, delay


def _rgb_image(bgra: np.ndarray) -> Image.Image:
    h, w = bgra.shape[:2]
    return Image.frombuffer("RGBA", (w, h), np.ascontiguousarray(bgra), "raw", "BGRA", 0, 1).convert("RGB")


def _save_gif(tmp: Path, images: list[Image.Image], delays: list[int]) -> EncodeResult:
    if not images:
        raise ValueError("no frames to write")
    buffer = io.BytesIO()  # Pillow ignores short writes to files: encode in memory, write with checks
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:], duration=[10 * d for d in delays], loop=0,
    )
    tmp.write_bytes(buffer.getbuffer())
    return EncodeResult(len(images), sum(delays) / 100.0)


def _gif_fast(frames: Iterable[Encodable], tmp: Path) -> EncodeResult:
    images, delays = [], []
    for frame, delay in _centiseconds(frames):
        images.append(_rgb_image(frame.pixels).quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE))
        delays.append(delay)
        frame.release()
    return _save_gif(tmp, images, delays)


def _gif_best(frames: Iterable[Encodable], tmp: Path, size: tuple[int, int], fps: float) -> EncodeResult:
    w, h = size
    raw_input = ["-f", "rawvideo", "-pix_fmt", "bgra", "-s", f"{w}x{h}", "-r", str(fps)]
    with tempfile.TemporaryDirectory(prefix="genart-gif-") as folder:
        raw, palette = Path(folder) / "frames.bgra", Path(folder) / "palette.png"
        delays = _spool(frames, raw, w * h * 4)
        with _ffmpeg(["-y", *raw_input, "-i", str(raw), "-vf", "palettegen=max_colors=256:reserve_transparent=0:stats_mode=full",
                      "-frames:v", "1", "-update", "1", str(palette)], stdin=subprocess.DEVNULL):
            pass
        colors = np.asarray(Image.open(palette).convert("RGB")).reshape(-1, 3)
        mapping = Image.new("P", (1, 1))
        mapping.putpalette(colors.reshape(-1).tolist())
        images = []
        with _ffmpeg([*raw_input, "-i", str(raw), "-i", str(palette), "-lavfi", "paletteuse=dither=sierra2_4a",
                      "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE) as dithered:
            out: IO[bytes] = dithered.stdout  # type: ignore[assignment]
            for _ in delays:
                data = out.read(w * h * 3)
                if len(data) != w * h * 3:
                    break  # ffmpeg stopped early: its exit status says why, else the check below
                rgb = Image.frombytes("RGB", (w, h), data)
                images.append(rgb.quantize(palette=mapping, dither=Image.Dither.NONE))
        if len(images) != len(delays):
            raise EncodeError("ffmpeg paletteuse returned fewer frames than it was given")
    return _save_gif(tmp, images, delays)


def _spool(frames: Iterable[Encodable], raw: Path, frame_bytes: int) -> list[int]:
    """Append each frame's pixels to `raw`; returns the GIF delays.

    Refuses (EncodeError) before the spool would leave less than SPOOL_MARGIN free on its disk.
    """
    budget = _spool_budget(raw.parent)
    delays: list[int] = []
    with open(raw, "wb") as spool:
        for frame, delay in _centiseconds(frames):
            if (len(delays) + 1) * frame_bytes > budget:
                raise _spool_too_small(raw.parent.parent, len(delays) + 1, frame_bytes, budget)
            spool.write(frame.pixels.data)
            delays.append(delay)
            frame.release()
    if not delays:
        raise ValueError("no frames to write")
    return delays


def _spool_budget(folder: Path) -> int:
    """Bytes a frame spool in `folder` may use: its disk's free space less SPOOL_MARGIN."""
    return shutil.disk_usage(folder).free - SPOOL_MARGIN


def _spool_too_small(folder: Path, frames: int, frame_bytes: int, budget: int) -> EncodeError:
    return EncodeError(
        f"the GIF frame spool in {folder} would need more than the {max(budget, 0) / 2**20:.0f} MiB "
        f"it may use there ({frames} frames of {frame_bytes / 2**20:.1f} MiB); "
        "set TMPDIR to a larger disk, use --gif-quality fast, or a shorter or smaller movie"
    )
