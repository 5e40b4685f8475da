"""Loading target pictures: clear errors for missing, corrupt or absurd images."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from genart.errors import GenartError
from genart.render.limits import limit_from_env

MAX_SOURCE_PIXELS = 250_000_000  # a bigger picture is refused before it is decoded
BYTES_VARIABLE = "GENART_MAX_PICTURE_BYTES"
DEFAULT_MAX_PICTURE_BYTES = 1 << 30  # a bigger picture file is refused before it is read
MIN_WORKING, MAX_WORKING = 8, 4096  # bounds of a working resolution's longer side


class ImageError(GenartError, ValueError):
    """A picture that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Picture:
    """A decoded picture: RGB uint8 pixels (composited on white where it has transparency), its file name
    and content hash, and its alpha (uint8 H×W) where it has some transparency, else None."""

    rgb: np.ndarray
    name: str
    sha256: str
    alpha: np.ndarray | None = None

    def opaque(self, background: tuple[float, float, float] | None = None) -> Picture:
        """The picture without its alpha: composited on `background` (RGB in [0, 1]; default white, as `rgb`).

        Examples
        --------
        >>> clear = Picture(np.full((1, 1, 3), 255, np.uint8), "a.png", "0", np.zeros((1, 1), np.uint8))
        >>> clear.opaque((0.0, 0.0, 0.0)).rgb.tolist(), clear.opaque().alpha
        ([[[0, 0, 0]]], None)
        """
        if self.alpha is None or background is None:
            return dataclasses.replace(self, alpha=None)
        over = over_black(self) + (1.0 - self.alpha[..., None] / 255.0) * np.asarray(background, np.float64)
        return dataclasses.replace(self, rgb=np.round(np.clip(over, 0.0, 1.0) * 255.0).astype(np.uint8), alpha=None)

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])


def max_picture_bytes() -> int:
    """The largest picture file read: $GENART_MAX_PICTURE_BYTES, else DEFAULT_MAX_PICTURE_BYTES."""
    try:
        return limit_from_env(BYTES_VARIABLE, DEFAULT_MAX_PICTURE_BYTES)
    except ValueError as exc:
        raise ImageError(str(exc)) from None


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else (a folder, a FIFO, a device, a
    larger file) raises ImageError before it is opened for reading, OSError where it cannot be read."""
    mode, size = os.stat(path).st_mode, os.stat(path).st_size
    if stat.S_ISDIR(mode):
        raise ImageError(f"{path}: is a directory, not an image")
    if not stat.S_ISREG(mode):
        raise ImageError(f"{path}: not a regular file (a FIFO, socket or device is not read)")
    if size > limit:
        raise ImageError(f"{path}: file of {size} bytes is larger than {limit} (set {BYTES_VARIABLE} to raise it)")
    with open(path, "rb", buffering=0) as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ImageError(f"{path}: file grew past {limit} bytes while it was read")
    return data


def load_picture(path: str | Path, max_pixels: int = MAX_SOURCE_PIXELS) -> Picture:
    """Read an image file as 8-bit RGB (alpha composited on white), turned as its EXIF orientation says
    (`upright`); raise ImageError on any problem.

    Deeper greyscale pictures are scaled by their real range: 16-bit (`I;16`) by 65535 → 255;
    32-bit integer (`I`) by the smallest range holding its values (0..255 as is, 0..65535 as
    16-bit, else 0..2³¹−1), negative values refused; float (`F`) with values in [0, 1] as such,
    otherwise normalised from its minimum to its maximum, non-finite values refused.
    Only a regular file of at most `max_picture_bytes()` is read (`read_regular`).
    """
    path = Path(path)
    try:
        data = read_regular(path, max_picture_bytes())
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        with decoding(), Image.open(io.BytesIO(data)) as im:
            w, h = im.size
            if w * h > max_pixels:
                raise ImageError(f"{path}: {w}x{h} is too large (at most {max_pixels} pixels)")
            im.load()
            upright(im)
            rgb = _rgb_of(im, path)
            alpha = _alpha_of(im)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: image is too large to decode safely") from None
    except Exception as exc:  # Pillow raises many types for corrupt files
        raise ImageError(f"{path}: not a readable image ({type(exc).__name__}: {exc})") from None
    if rgb.size == 0:
        raise ImageError(f"{path}: image is empty")
    return Picture(rgb=rgb, name=path.name, sha256=hashlib.sha256(data).hexdigest(), alpha=alpha)


@contextlib.contextmanager
def decoding() -> Iterator[None]:
    """Warnings while a picture from anyone is opened and decoded: a decompression bomb's is an error;
    Pillow's about broken metadata ("Corrupt EXIF data", "Truncated File Read") are dropped, as the
    metadata is (the pixels are what counts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def upright(im: Image.Image) -> None:
    """Turn a loaded picture, in place, the way its EXIF Orientation tag says a viewer shows it (a phone
    photo taken upright is often stored sideways, tagged 6 or 8). Without the tag, with a value outside
    1..8, or with an EXIF block that cannot be read, the picture stays as stored (call it in `decoding`,
    and that is silent)."""
    try:
        ImageOps.exif_transpose(im, in_place=True)
    except MemoryError:
        raise
    except Exception:  # Pillow raises many types for a broken EXIF block
        pass


def _rgb_of(im: Image.Image, path: Path) -> np.ndarray:
    """8-bit RGB pixels of an opened picture of any mode, deep greyscale by its real range (see load_picture)."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        level = np.asarray(im).astype(np.float64) / 257.0
    elif im.mode in ("I", "F"):
        level = _levels(np.asarray(im).astype(np.float64), im.mode == "F", path)
    else:
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            white = Image.new("RGBA", im.size, (255, 255, 255, 255))
            im = Image.alpha_composite(white, im)
        return np.asarray(im.convert("RGB"), dtype=np.uint8)
    grey = np.round(level).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def _alpha_of(im: Image.Image) -> np.ndarray | None:
    """The picture's alpha (uint8), or None where it has none or is opaque everywhere."""
    if im.mode not in ("RGBA", "LA", "PA") and not (im.mode == "P" and "transparency" in im.info):
        return None
    alpha = np.asarray(im.convert("RGBA"))[..., 3].copy()
    return None if bool((alpha == 255).all()) else alpha


def over_black(picture: Picture) -> np.ndarray:
    """The picture composited on black (float64 RGB in [0, 1]): its premultiplied colour, taken back from
    `rgb` (on white) and `alpha` (to within half a level)."""
    rgb = picture.rgb.astype(np.float64) / 255.0
    if picture.alpha is None:
        return rgb
    return np.clip(rgb - (1.0 - picture.alpha[..., None] / 255.0), 0.0, 1.0)


def composites(picture: Picture, longest: int | None) -> np.ndarray:
    """The target of a fit with alpha: the picture over black, then over white, at its working resolution
    (float64 H×W×6 in [0, 1]; resizing is linear, so both stay composites of one picture)."""
    black = np.round(over_black(picture) * 255.0).astype(np.uint8)
    layers = [to_float(resize_to(rgb, longest)).astype(np.float64) for rgb in (black, picture.rgb)]
    return np.concatenate(layers, axis=2)


def _levels(values: np.ndarray, is_float: bool, path: Path) -> np.ndarray:
    """Integer or float greyscale values mapped onto 0..255 (see load_picture)."""
    if values.size == 0:
        return values
    if not np.isfinite(values).all():
        raise ImageError(f"{path}: float picture with values that are not finite (NaN or infinity)")
    lo, hi = float(values.min()), float(values.max())
    if is_float:
        if lo >= 0.0 and hi <= 1.0:
            return values * 255.0
        return (values - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(values)
    if lo < 0:
        raise ImageError(f"{path}: integer picture with negative values (min {lo:g})")
    return values / (1.0 if hi <= 255 else 257.0 if hi <= 65535 else (2**31 - 1) / 255.0)


def resize_to(rgb: np.ndarray, longest: int | None) -> np.ndarray:
    """Resize so the longer side is `longest` pixels (area-averaging); None keeps the size."""
    if longest is None:
        return rgb
    if not MIN_WORKING <= longest <= MAX_WORKING:
        raise ImageError(f"working size (--resize) must be between {MIN_WORKING} and {MAX_WORKING} pixels, got {longest}")
    h, w = rgb.shape[:2]
    scale = longest / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if size == (w, h):
        return rgb
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BOX if scale < 1 else Image.Resampling.BICUBIC))


def to_float(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB → float32 in [0, 1]."""
    return rgb.astype(np.float32) / 255.0


def rmse_255(a: np.ndarray, b: np.ndarray) -> float:
    """RGB root-mean-square error on the 0–255 scale between two images (float [0,1] or uint8)."""
    fa = a.astype(np.float64) / (255.0 if a.dtype == np.uint8 else 1.0)
    fb = b.astype(np.float64) / (255.0 if b.dtype == np.uint8 else 1.0)
    return float(np.sqrt(np.mean((fa - fb) ** 2)) * 255.0)


@dataclass(frozen=True)
class Working:
    """A picture at its working resolution (float64 RGB in [0, 1]) and its scale to picture units."""

    target: np.ndarray
    to_picture: float  # picture units per working pixel
    to_working: float  # working pixels per picture unit

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in working pixels."""
        return int(self.target.shape[1]), int(self.target.shape[0])


def working_scale(picture: Picture, width: int, height: int) -> float:
    """Picture units per pixel of a width × height working size, so that it covers the whole picture.

    A working size rounds the picture's aspect, so its two sides scale by slightly different
    factors; the larger one is taken: scenes keep the picture's exact size as their canvas
    and shapes scaled by it reach every edge of it (overflowing one by under half a working pixel).
    """
    return max(picture.width / width, picture.height / height)


def working(picture: Picture, longest: int | None) -> Working:
    """The picture resized so its longer side is `longest` pixels (None: as it is), with its scales."""
    target = to_float(resize_to(picture.rgb, longest)).astype(np.float64)
    h, w = target.shape[:2]
    scale = working_scale(picture, w, h)
    return Working(target, scale, 1.0 / scale)
