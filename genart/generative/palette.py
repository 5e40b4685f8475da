"""Restricted palettes: the colours evolved shapes may take, given as #rrggbb or taken from a picture.

A palette is a tuple of RGB triples in [0, 1], each an 8-bit level (v / 255), so it is
written back exactly as #rrggbb. Taken from a picture, it is the centres of k-means
clusters of the picture's colours (scipy's `kmeans2`, k-means++ start, fixed seed), so
the same picture and count give the same palette.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.vq import kmeans2

from genart.errors import GenartError
from genart.generative.images import resize_to

Palette = tuple[tuple[float, float, float], ...]
MAX_COLORS = 256
SAMPLE_SIDE = 128  # the picture is clustered at this size (longer side): plenty for a few colours


class PaletteError(GenartError, ValueError):
    """A palette that cannot be used; the message is one line."""


def parse_palette(text: str) -> Palette:
    """'#rrggbb,#rrggbb,...' (the # optional) as a palette."""
    colors = []
    for item in text.split(","):
        value = item.strip().lstrip("#")
        if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
            raise PaletteError(f"expected colours #rrggbb separated by commas, got {item.strip()!r}")
        colors.append(tuple(int(value[i:i + 2], 16) / 255.0 for i in (0, 2, 4)))
    if len(colors) > MAX_COLORS:
        raise PaletteError(f"a palette holds at most {MAX_COLORS} colours, got {len(colors)}")
    return tuple(dict.fromkeys(colors))  # type: ignore[arg-type]


def palette_from(rgb: np.ndarray, colors: int, seed: int = 0) -> Palette:
    """`colors` representative colours of an 8-bit RGB picture (fewer if it has fewer)."""
    if not 1 <= colors <= MAX_COLORS:
        raise PaletteError(f"--colors must be between 1 and {MAX_COLORS}, got {colors}")
    small = resize_to(rgb, SAMPLE_SIDE) if max(rgb.shape[:2]) > SAMPLE_SIDE else rgb
    pixels = small.reshape(-1, 3).astype(np.float64)
    distinct = np.unique(pixels, axis=0)
    if len(distinct) <= colors:
        centres = distinct
    else:
        centres, labels = kmeans2(pixels, colors, minit="++", seed=np.random.default_rng(seed))
        centres = centres[np.unique(labels)]  # no empty clusters
    levels = np.unique(np.clip(np.round(centres), 0, 255), axis=0) / 255.0
    return tuple((float(r), float(g), float(b)) for r, g, b in levels)


def hex_colors(palette: Palette) -> list[str]:
    """The palette as #rrggbb strings."""
    return ["#" + "".join(f"{round(v * 255):02x}" for v in rgb) for rgb in palette]
