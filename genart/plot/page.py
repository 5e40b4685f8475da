"""Where the canvas goes on the paper: scaled to fit inside the margins and centred, in millimetres."""

from __future__ import annotations

from dataclasses import dataclass

from genart.render.framing import place
from genart.render.paper import Paper

PLACE_STEPS = 1000  # `place` works in whole units: the page in thousandths of a millimetre


@dataclass(frozen=True)
class Page:
    """The paper in millimetres and the map from canvas units onto it: mm = unit × scale + offset."""

    width_mm: float
    height_mm: float
    scale: float
    offset_x: float
    offset_y: float

    def picture_mm(self, canvas_width: float, canvas_height: float) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the canvas on the page, in mm."""
        return (self.offset_x, self.offset_y, self.offset_x + canvas_width * self.scale,
                self.offset_y + canvas_height * self.scale)


def page_for(canvas_width: float, canvas_height: float, paper: str, landscape: bool, margin_mm: float) -> Page:
    """The canvas fitted inside `paper` less `margin_mm` on every side (the poster's paper sizes and `fit`).

    Examples
    --------
    >>> page = page_for(100, 100, "A4", False, 10)
    >>> page.width_mm, page.height_mm, round(page.scale, 3), round(page.offset_y, 3)
    (210, 297, 1.9, 53.5)
    """
    width, height = Paper(paper, landscape).trim_mm
    inner_w, inner_h = width - 2 * margin_mm, height - 2 * margin_mm
    p = place(canvas_width, canvas_height, round(inner_w * PLACE_STEPS), round(inner_h * PLACE_STEPS), "fit")
    return Page(width, height, p.scale / PLACE_STEPS, margin_mm + p.offset_x / PLACE_STEPS,
                margin_mm + p.offset_y / PLACE_STEPS)
