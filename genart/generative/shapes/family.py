"""What a search family declares: one record, in the family's own module (`genart.generative.shapes.families`).

A family is a way of searching for one drawable kind (`genart.render.drawables.Kind`):
triangles, k-gons, rectangles and rotated rectangles are all polygons once drawn. Its record
names it (the `--shape` choice), says the drawable it makes and how many vertices its
parameter vector holds, and gives its compiled entry points (random, mutate, scanlines: the
optimizer reaches them through the one switch in `genart.generative.shapes`) and its
conversion to the scene's drawable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from genart.render import drawables
from genart.render.fields import Color


@dataclass(frozen=True)
class Family:
    """One search family.

    Parameters
    ----------
    id
        Its number in `p[KIND]`, and in checkpoints: its place in `registry.FAMILIES`; never renumbered.
    name
        The `--shape` choice (and YAML `shape:` value) that searches it.
    draws
        The drawable kind its shapes become.
    sides
        The vertex count it keeps in `p[SIDES]`; None: the run's polygon `--sides`.
    random, mutate
        Compiled `(p, bounds, rng) -> None`: a random shape in bounds (kind, sides and alpha already set in `p`),
        and one small random change kept in bounds.
    scanlines
        Compiled `(p, height, width, out, pts, xs) -> int`: its rows of pixels (`genart.generative.shapes.scanlines`).
    drawable
        `(p, color) -> drawables.Shape` in the parameter vector's pixels.
    in_combo
        Whether `--shape combo` searches it too.

    Examples
    --------
    >>> from genart.generative.shapes.registry import FAMILIES
    >>> FAMILIES[0].name, FAMILIES[0].sides_for(6)
    ('triangle', 3)
    """

    id: int
    name: str
    draws: drawables.Kind
    sides: int | None
    random: Any
    mutate: Any
    scanlines: Any
    drawable: Callable[[np.ndarray, Color], drawables.Shape]
    in_combo: bool = True

    def sides_for(self, polygon_sides: int) -> int:
        """The vertex count its shapes keep in a run whose polygons have `polygon_sides` sides."""
        return polygon_sides if self.sides is None else self.sides
