"""Pens and ink: the colours of the pens, and which pen at which hatch coverage shows a colour best.

A hatch of coverage f (the share of the paper its lines cover) in a pen of colour P, seen from
afar on white paper W, shows W - f (W - P) (sRGB values averaged, as the preview shrunk to the
picture's size shows it). A colour c is inked by the pen whose best such tint is nearest to c in
Lab (CIE76), at the coverage f that brings the tint nearest to c along the line from W to P (f in
[0, 1]): a dark colour is hatched densely, a light one sparsely, white not at all.

Pens chosen from the scene (`choose_pens`) are the colours of clusters (weighted k-means in Lab,
seeded: the same scene gives the same pens): for each cluster, the direction from paper to its
colours, taken as deep as the darkest twentieth of its area reaches, so the densest hatch of the
pen can show its darkest colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from skimage.color import rgb2lab

from genart.outputs import color
from genart.render.layers.base import hex_color

PAPER = np.ones(3)
KMEANS_ROUNDS = 40
KMEANS_SEED = 0
DEEP_SHARE = 0.05  # a chosen pen reaches as deep as its cluster's darkest twentieth (by area)


@dataclass(frozen=True)
class Pen:
    """Pen `number` (1, 2, ...: its layer) of sRGB colour `rgb` in [0, 1]."""

    number: int
    rgb: tuple[float, float, float]

    @property
    def hex(self) -> str:
        """The pen's colour as #rrggbb."""
        return hex_color(self.rgb)

    @property
    def label(self) -> str:
        """The layer's name: the pen number first (what vpype and AxiDraw's extension read), then the colour."""
        return f"{self.number} {self.hex}"


def pens_from(colours: Sequence[str]) -> list[Pen]:
    """Pens of colour names or #rrggbb, numbered from 1 (a bad colour is a UserError).

    Examples
    --------
    >>> [p.label for p in pens_from(["#1d3557", "black"])]
    ['1 #1d3557', '2 #000000']
    """
    rgbs = [color(text) for text in colours]
    return [Pen(i + 1, (r, g, b)) for i, (r, g, b, _) in enumerate(rgbs)]


def _lab(rgb: np.ndarray) -> np.ndarray:
    return rgb2lab(np.clip(rgb, 0.0, 1.0).reshape(-1, 1, 3)).reshape(-1, 3)


def ink(colors: np.ndarray, pens: Sequence[Pen]) -> tuple[np.ndarray, np.ndarray]:
    """For (N, 3) sRGB `colors`: the index in `pens` of the pen that shows each best, and the coverage it needs.

    Examples
    --------
    >>> which, coverage = ink(np.array([[0.5, 0.5, 0.5], [1.0, 0.6, 0.6], [1.0, 1.0, 1.0]]),
    ...                       pens_from(["black", "red"]))
    >>> which.tolist(), np.round(coverage, 2).tolist()
    ([0, 1, 0], [0.5, 0.4, 0.0])
    """
    target = _lab(colors)
    errors, coverages = [], []
    for pen in pens:
        reach = PAPER - np.asarray(pen.rgb)
        depth = float(reach @ reach)
        f = np.clip((PAPER - colors) @ reach / depth, 0.0, 1.0) if depth > 0 else np.zeros(len(colors))
        errors.append(np.linalg.norm(_lab(PAPER - f[:, None] * reach) - target, axis=1))
        coverages.append(f)
    which = np.argmin(np.array(errors), axis=0)
    return which, np.array(coverages)[which, np.arange(len(colors))]


def _kmeans(points: np.ndarray, weights: np.ndarray, count: int) -> np.ndarray:
    """Cluster labels of weighted k-means (k-means++ start, seeded; Lloyd's rounds)."""
    rng = np.random.default_rng(KMEANS_SEED)
    centres = [points[int(np.argmax(weights))]]
    for _ in range(1, count):
        gap = np.min([np.sum((points - c) ** 2, axis=1) for c in centres], axis=0) * weights
        if gap.sum() <= 0:
            break
        centres.append(points[rng.choice(len(points), p=gap / gap.sum())])
    means = np.array(centres)
    for _ in range(KMEANS_ROUNDS):
        labels = np.argmin(((points[:, None, :] - means[None]) ** 2).sum(axis=2), axis=1)
        for k in range(len(means)):
            mine = labels == k
            if weights[mine].sum() > 0:
                means[k] = np.average(points[mine], axis=0, weights=weights[mine])
    return np.argmin(((points[:, None, :] - means[None]) ** 2).sum(axis=2), axis=1)


def _deep_pen(colors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The pen colour of one cluster: from paper along its mean direction, as deep as its darkest DEEP_SHARE."""
    reach = PAPER - colors
    direction = np.average(reach, axis=0, weights=weights)
    norm = float(np.linalg.norm(direction))
    if norm < 1e-6:
        return np.zeros(3)  # a cluster of white: a black pen, which it will not use
    direction /= norm
    depth = reach @ direction
    order = np.argsort(depth)[::-1]
    reached = np.cumsum(weights[order]) >= DEEP_SHARE * weights.sum()
    deepest = float(depth[order][int(np.argmax(reached))])
    return np.clip(PAPER - max(deepest, norm) * direction, 0.0, 1.0)


def choose_pens(colors: np.ndarray, weights: np.ndarray, count: int) -> list[Pen]:
    """`count` pens for (N, 3) sRGB `colors` showing with `weights` (their areas), see the module's docstring.

    Examples
    --------
    >>> colours = np.array([[0.9, 0.5, 0.5], [0.6, 0.0, 0.0], [0.5, 0.5, 0.9], [0.1, 0.1, 0.5]])
    >>> [p.hex for p in choose_pens(colours, np.ones(4), 2)]
    ['#14149a', '#a90000']
    """
    weights = np.asarray(weights, np.float64)
    keep = weights > 0
    colors, weights = colors[keep], weights[keep]
    if len(colors) == 0:
        return [Pen(1, (0.0, 0.0, 0.0))]
    labels = _kmeans(_lab(colors), weights, min(count, len(colors)))
    chosen = [_deep_pen(colors[labels == k], weights[labels == k]) for k in np.unique(labels)]
    chosen.sort(key=lambda rgb: float(_lab(rgb[None])[0, 0]))  # darkest first: pen 1
    return [Pen(i + 1, (float(r), float(g), float(b))) for i, (r, g, b) in enumerate(chosen)]

