"""Framing: a canvas (or a view of it) placed in an output of another aspect ratio.

- `fit`: the whole picture shows, scaled to fit and centred; the bars take a colour.
- `fill`: the output is covered, scaled to cover; what overflows is cut, around `focus`
  (fractions of the view: (0.5, 0.5) keeps the centre).
- `crop`: the output itself is cut to the picture's aspect (it becomes smaller than the
  size asked, never larger): no bars and nothing cut from the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FRAMINGS = ("fit", "fill", "crop")
Framing = Literal["fit", "fill", "crop"]


@dataclass(frozen=True)
class Placement:
    """Output size in pixels and the map from view units to it: pixel = (unit - view origin) × scale + offset."""

    width: int
    height: int
    scale: float
    offset_x: float
    offset_y: float


def place(
    view_width: float,
    view_height: float,
    width: int,
    height: int,
    framing: Framing = "fit",
    focus: tuple[float, float] = (0.5, 0.5),
    even: bool = False,
) -> Placement:
    """Where a `view_width` × `view_height` view goes in a `width` × `height` output.

    With `crop` the output shrinks to the view's aspect (to even sides if `even`, as
    video encoders need); `fit` and `fill` keep the size asked.
    """
    if framing not in FRAMINGS:
        raise ValueError(f"unknown framing {framing!r} (known: {', '.join(FRAMINGS)})")
    if view_width <= 0 or view_height <= 0 or width < 1 or height < 1:
        raise ValueError("view and output sizes must be positive")
    fx, fy = (min(max(f, 0.0), 1.0) for f in focus)
    if framing == "crop":
        scale = min(width / view_width, height / view_height)
        step = 2 if even else 1
        w = max(step, min(width, step * round(view_width * scale / step)))
        h = max(step, min(height, step * round(view_height * scale / step)))
        scale = max(w / view_width, h / view_height)  # cover the rounded size exactly
        return Placement(w, h, scale, (w - view_width * scale) / 2, (h - view_height * scale) / 2)
    pick = min if framing == "fit" else max
    scale = pick(width / view_width, height / view_height)
    spare_x, spare_y = width - view_width * scale, height - view_height * scale
    if framing == "fit":
        return Placement(width, height, scale, spare_x / 2, spare_y / 2)
    return Placement(width, height, scale, spare_x * fx, spare_y * fy)
