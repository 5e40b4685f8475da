"""Reading one photo into what a collection keeps of it: thumbnails, a perceptual hash, colour features.

Each readable photo, turned as its EXIF orientation says, is cropped to its centre square and
reduced to thumbnails at a few sizes plus an 8×8 grid of mean colours; its perceptual hash finds
near duplicates (`genart.generative.mosaic.duplicates`). A file that cannot be read is recorded
with its error, never raised.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

from genart.generative.images import decoding, upright
from genart.generative.mosaic.collection import GRID, LAB_GRID
from genart.generative.mosaic.features import block_means, to_lab
from genart.generative.mosaic.scan import FileItem

MAX_PHOTO_PIXELS = 100_000_000


@dataclass
class Features:
    """What reading a run of files yields, per file: the error (None when read), hash and colour features."""

    errors: list[str | None]
    phash: np.ndarray  # (k,) uint64 perceptual hashes
    rgb_grid: np.ndarray  # (k, GRID, GRID, 3) float32 mean RGB in [0, 1]
    lab_grid: np.ndarray  # (k, LAB_GRID, LAB_GRID, 3) float32 CIE Lab block means
    lab_mean: np.ndarray  # (k, 3) float32

    @classmethod
    def of_rgb(cls, errors: list[str | None], phash: np.ndarray, rgb_grid: np.ndarray) -> Features:
        """Features with the Lab ones computed from the RGB grids."""
        lab = to_lab(rgb_grid)
        return cls(errors, phash, rgb_grid, block_means(lab, LAB_GRID), lab.mean(axis=(1, 2)))

    @classmethod
    def empty(cls, n: int) -> Features:
        """Features of `n` files, all zero."""
        return cls([None] * n, np.zeros(n, np.uint64), np.zeros((n, GRID, GRID, 3), np.float32),
                   np.zeros((n, LAB_GRID, LAB_GRID, 3), np.float32), np.zeros((n, 3), np.float32))

    def put(self, at: np.ndarray, other: Features) -> None:
        """Set the files at positions `at` to `other`'s."""
        for k, error in zip(at.tolist(), other.errors):
            self.errors[k] = error
        for name in _ARRAYS:
            getattr(self, name)[at] = getattr(other, name)

    @classmethod
    def joined(cls, parts: list[Features]) -> Features:
        """The features of runs of files, one run after another."""
        if not parts:
            return cls.empty(0)
        return cls([e for part in parts for e in part.errors],
                   *(np.concatenate([getattr(part, name) for part in parts]) for name in _ARRAYS))


_ARRAYS = ("phash", "rgb_grid", "lab_grid", "lab_mean")  # the array fields of Features, in order


class Sent(io.BytesIO):
    """A photo's bytes that travelled to a worker; shown as its path, so Pillow's errors read as they would here."""

    def __init__(self, data: bytes, path: Path) -> None:
        super().__init__(data)
        self.path = path

    def __repr__(self) -> str:
        return repr(str(self.path))


def _open_rgb(path: Path | Sent, draft: int) -> Image.Image:
    with decoding(), Image.open(path) as im:
        if im.size[0] * im.size[1] > MAX_PHOTO_PIXELS:
            raise ValueError(f"{im.size[0]}x{im.size[1]} is too large")
        im.draft("RGB", (draft, draft))
        im.load()
        upright(im)
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
        return im.convert("RGB")


def read_photo(path: Path | Sent, sizes: tuple[int, ...]) -> tuple[int, dict[int, np.ndarray], np.ndarray]:
    """One photo's perceptual hash, centre-square thumbnails by size and 8×8 mean-RGB grid in [0, 1]."""
    im = _open_rgb(path, max(max(sizes), 4 * GRID))
    w, h = im.size
    side = min(w, h)
    if side < 1:
        raise ValueError("image is empty")
    left, top = (w - side) // 2, (h - side) // 2
    square = im.crop((left, top, left + side, top + side))
    thumbs = {s: np.asarray(square.resize((s, s), Image.Resampling.LANCZOS, reducing_gap=3.0)) for s in sizes}
    small = np.asarray(square.resize((4 * GRID, 4 * GRID), Image.Resampling.BOX), np.float32) / 255.0
    return int(str(imagehash.phash(im)), 16), thumbs, block_means(small[None], GRID)[0]


def read_run(folder: Path, items: list[FileItem], sizes: tuple[int, ...],
             thumbs: dict[int, np.ndarray], start: int, sent: list[bytes | str] | None = None) -> Features:
    """Read files into rows start, start + 1, ... of `thumbs`; their features, with errors recorded, not raised.

    With `sent`, file k is read from `sent[k]`: its bytes, or the error reading it gave.
    """
    errors: list[str | None] = [None] * len(items)
    phash = np.zeros(len(items), np.uint64)
    grid = np.zeros((len(items), GRID, GRID, 3), np.float32)
    for k, (rel, _, _) in enumerate(items):
        given = None if sent is None else sent[k]
        if isinstance(given, str):
            errors[k] = given
            continue
        try:
            h, made, grid[k] = read_photo(folder / rel if given is None else Sent(given, folder / rel), sizes)
        except Exception as exc:  # Pillow raises many types for corrupt files
            errors[k] = error_text(exc)
            continue
        phash[k] = h
        for s, thumb in made.items():
            thumbs[s][start + k] = thumb
    return Features.of_rgb(errors, phash, grid)


def error_text(exc: Exception) -> str:
    """An exception as the one line a collection records for a file that could not be read."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
