"""The search families, registered: each family's id is its place here (`Family.id`), and every list of them
(`NAMES`, `COMBO`, `DRAWS`, the `--shape` choices) is built from these records.

Adding a family: its module in `genart.generative.shapes.families` (its record `FAMILY`, id the next
number), one line in `FAMILIES`, and its case in the compiled switch (`genart.generative.shapes`).
"""

from __future__ import annotations

import numpy as np

from genart.generative.shapes.families import (
    bezier,
    circle,
    ellipse,
    line,
    polygon,
    rectangle,
    rotated_ellipse,
    rotated_rectangle,
    triangle,
)
from genart.generative.shapes.family import Family
from genart.render.drawables import Kind

FAMILIES: tuple[Family, ...] = (
    triangle.FAMILY,
    polygon.FAMILY,
    rectangle.FAMILY,
    rotated_rectangle.FAMILY,
    ellipse.FAMILY,
    rotated_ellipse.FAMILY,
    circle.FAMILY,
    bezier.FAMILY,
    line.FAMILY,
)
if [f.id for f in FAMILIES] != list(range(len(FAMILIES))):
    raise RuntimeError("each family's id must be its place in FAMILIES")

COMBO_NAME = "combo"
NAMES: dict[str, int] = {f.name: f.id for f in FAMILIES}
COMBO: tuple[int, ...] = tuple(f.id for f in FAMILIES if f.in_combo)
DRAWS: dict[int, Kind] = {f.id: f.draws for f in FAMILIES}
CHOICES: tuple[str, ...] = (*NAMES, COMBO_NAME)  # the `shape` setting's values


def kinds_for(name: str) -> np.ndarray:
    """Family ids a shape option stands for (`combo` is several).

    Examples
    --------
    >>> kinds_for("circle").tolist(), len(kinds_for("combo")) == len(COMBO)
    ([6], True)
    """
    if name == COMBO_NAME:
        return np.array(COMBO, np.int64)
    if name not in NAMES:
        raise ValueError(f"unknown shape {name!r} (choose from {', '.join(NAMES)} or combo)")
    return np.array([NAMES[name]], np.int64)


def side_counts(kinds: np.ndarray, polygon_sides: int) -> np.ndarray:
    """The vertex count each of `kinds` keeps (`Family.sides_for`), for the compiled `random_shape`."""
    return np.array([FAMILIES[int(k)].sides_for(polygon_sides) for k in kinds], np.int64)
