"""Picture → 2-D points: grey, blur, threshold, and one point per kept pixel.

The recipe of "Making Art with Growing Neural Gas": grey-scale the picture, blur it a
little (gaussian, sigma about 0.6), keep the dark pixels (Otsu threshold plus an
offset) and turn each kept pixel into a point at its centre, in pixel coordinates
(x right, y down), ready for `genart.generative.gng.train`. A large picture is first brought to
a working resolution (`shrink`) and a large cloud thinned (`subsample`), so the time and
the look do not depend on the picture's size.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from skimage.color import rgb2gray
from skimage.filters import gaussian, threshold_local, threshold_otsu

DEFAULT_OFFSETS = {"otsu": 0.1, "local": -0.05}  # the article's Otsu + 0.1; local: clearly darker only


def blurred_grey(rgb: np.ndarray, sigma: float = 0.6) -> np.ndarray:
    """Grey levels in [0, 1] of an RGB uint8 picture, gaussian-blurred by `sigma` pixels.

    Parameters
    ----------
    rgb : (H, W, 3) uint8 array
    sigma : blur radius in pixels; 0 leaves the grey picture sharp.
    """
    if sigma < 0:
        raise ValueError(f"blur sigma must be at least 0, got {sigma}")
    grey = rgb2gray(rgb)
    return gaussian(grey, sigma=sigma) if sigma > 0 else grey


def binarize(
    grey: np.ndarray,
    threshold: str | float = "otsu",
    offset: float | None = None,
    block_size: int = 35,
    invert: bool = False,
) -> np.ndarray:
    """Which pixels become points: by default the dark ones.

    Parameters
    ----------
    grey : (H, W) float array in [0, 1], e.g. from `blurred_grey`.
    threshold : ``"otsu"`` (one global level, Otsu's method), ``"local"`` (a level per
        pixel, the gaussian-weighted mean of its `block_size` neighbourhood: for
        pictures whose objects have different shades) or a number in [0, 1] (manual).
    offset : added to the Otsu or local level (ignored for a manual level); a larger
        offset keeps more pixels. None: +0.1 for Otsu (the article's), -0.05 for local
        (only pixels clearly darker than their surroundings).
    block_size : odd neighbourhood size in pixels for ``"local"``.
    invert : keep the light pixels instead (those above the level).

    Returns
    -------
    (H, W) bool array: True where a pixel is kept; none for Otsu on a uniform picture,
    which has nothing to separate.
    """
    if isinstance(threshold, str):
        if offset is None:
            offset = DEFAULT_OFFSETS.get(threshold, 0.0)
        if threshold == "otsu":
            if grey.min() == grey.max():
                return np.zeros(grey.shape, bool)
            level: float | np.ndarray = threshold_otsu(grey) + offset
        elif threshold == "local":
            if block_size < 3 or block_size % 2 == 0:
                raise ValueError(f"local threshold block size must be odd and at least 3, got {block_size}")
            level = threshold_local(grey, block_size=block_size, method="gaussian") + offset
        else:
            raise ValueError(f"unknown threshold {threshold!r} (use otsu, local or a number in [0, 1])")
    else:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"manual threshold must be in [0, 1], got {threshold}")
        level = float(threshold)
    return grey > level if invert else grey < level


def mask_points(mask: np.ndarray) -> np.ndarray:
    """(N, 2) float64 pixel-centre coordinates (x, y) of the True pixels, row by row."""
    rows, cols = np.nonzero(mask)
    return np.column_stack([cols + 0.5, rows + 0.5]).astype(np.float64)


def shrink(rgb: np.ndarray, longest: int) -> np.ndarray:
    """The picture with its longer side brought down to `longest` pixels (area-averaged); a picture
    no larger, or `longest` 0, comes back unchanged."""
    h, w = rgb.shape[:2]
    if longest <= 0 or max(h, w) <= longest:
        return rgb
    k = longest / max(h, w)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    return np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., :3])).resize(size, Image.Resampling.BOX))


def subsample(points: np.ndarray, most: int, seed: int = 0) -> np.ndarray:
    """At most `most` of the points (0: all), drawn without replacement with `seed`, kept in their order."""
    if most <= 0 or len(points) <= most:
        return points
    keep = np.sort(np.random.default_rng(seed).choice(len(points), most, replace=False))
    return points[keep]


def sample_colors(rgb: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(N, 3) float colours in [0, 1] of the pixels under points `xy` (clamped to the picture)."""
    h, w = rgb.shape[:2]
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    cols = np.clip(np.floor(xy[:, 0]).astype(np.int64), 0, w - 1)
    rows = np.clip(np.floor(xy[:, 1]).astype(np.int64), 0, h - 1)
    return rgb[rows, cols, :3].astype(np.float64) / 255.0


def parse_crop(text: str) -> tuple[slice, slice]:
    """``"Y0:Y1,X0:X1"`` (numpy-style rows then columns, either bound may be empty) → slices."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"crop {text!r}: expected Y0:Y1,X0:X1")
    out = []
    for part in parts:
        bounds = part.split(":")
        if len(bounds) != 2:
            raise ValueError(f"crop {text!r}: expected Y0:Y1,X0:X1")
        try:
            lo, hi = (int(b) if b.strip() else None for b in bounds)
        except ValueError:
            raise ValueError(f"crop {text!r}: bounds must be whole numbers") from None
        out.append(slice(lo, hi))
    return out[0], out[1]


def crop(rgb: np.ndarray, rows: slice, cols: slice) -> np.ndarray:
    """The picture cut to `rows`, `cols`; an empty cut is a ValueError."""
    out = rgb[rows, cols]
    if out.shape[0] == 0 or out.shape[1] == 0:
        h, w = rgb.shape[:2]
        raise ValueError(f"crop leaves no pixels of the {w}x{h} picture")
    return np.ascontiguousarray(out)
