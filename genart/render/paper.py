"""Paper and sheets: where a canvas goes on an output page of a given size, with framing and bleed.

A `Sheet` is one output page in device units (pixels for PNG/JPEG/TIFF/SVG, points for
PDF): its size, the map from canvas units onto it, the rectangle the picture is drawn in
and the colour of the rest (the frame's bars). Without paper the sheet is the canvas at a
width; with paper it is the paper (plus bleed) at a DPI, the picture placed by a framing
(genart.render.framing) in the trim area and, with bleed, extended past it by the bleed on
every side.
"""

from __future__ import annotations

from dataclasses import dataclass

from genart.render.fields import Color
from genart.render.framing import Framing, place

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0
PAPER_MM: dict[str, tuple[float, float]] = {
    "A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420), "A4": (210, 297), "A5": (148, 210),
    "A6": (105, 148), "letter": (215.9, 279.4), "legal": (215.9, 355.6), "tabloid": (279.4, 431.8),
}


@dataclass(frozen=True)
class Paper:
    """A paper size (portrait or landscape), the resolution to print it at and the bleed around it."""

    name: str
    landscape: bool = False
    dpi: float = 300.0
    bleed_mm: float = 0.0

    def __post_init__(self) -> None:
        if self.name not in PAPER_MM:
            raise ValueError(f"unknown paper {self.name!r} (known: {', '.join(PAPER_MM)})")
        if not 1.0 <= self.dpi <= 4800.0:
            raise ValueError(f"dpi must be between 1 and 4800, got {self.dpi:g}")
        if not 0.0 <= self.bleed_mm <= 50.0:
            raise ValueError(f"bleed must be between 0 and 50 mm, got {self.bleed_mm:g}")

    @property
    def trim_mm(self) -> tuple[float, float]:
        """(width, height) of the paper in millimetres, as oriented."""
        short, long = sorted(PAPER_MM[self.name])
        return (long, short) if self.landscape else (short, long)

    def units_per_mm(self, vector: bool) -> float:
        """Device units per millimetre: points for a vector page, pixels at the DPI for a raster one."""
        return (POINTS_PER_INCH if vector else self.dpi) / MM_PER_INCH


@dataclass(frozen=True)
class Sheet:
    """An output page in device units: pixel (or point) = canvas unit × scale + offset."""

    width: float
    height: float
    scale_x: float
    scale_y: float
    offset_x: float = 0.0
    offset_y: float = 0.0
    picture: tuple[float, float, float, float] | None = None  # x, y, w, h the picture is drawn in (None: all)
    frame: Color | None = None  # paint of the sheet outside the picture (None: none)
    dpi: float | None = None  # resolution a raster output carries

    @property
    def pixels(self) -> tuple[int, int]:
        """The sheet's size as whole pixels."""
        return max(1, round(self.width)), max(1, round(self.height))


def plain_sheet(width: float, height: float, canvas_width: float, canvas_height: float, dpi: float | None = None) -> Sheet:
    """The canvas stretched onto a width × height page, nothing else on it."""
    return Sheet(width, height, width / canvas_width, height / canvas_height, dpi=dpi)


def _place(view_width: float, view_height: float, width: float, height: float,
           framing: Framing) -> tuple[float, float, float, float, float]:
    """`genart.render.framing.place` into a size in fractional units (to a hundredth): width, height, scale, offsets."""
    p = place(view_width, view_height, max(1, round(width * 100)), max(1, round(height * 100)), framing)
    return p.width / 100, p.height / 100, p.scale / 100, p.offset_x / 100, p.offset_y / 100


def paper_sheet(canvas_width: float, canvas_height: float, paper: Paper, framing: Framing, frame: Color | None,
                vector: bool) -> Sheet:
    """The canvas placed on `paper` (see the module's docstring): points if `vector`, else pixels at its DPI.

    With bleed, the picture fills its part of the trim area grown by the bleed on every side; where that part
    reaches an edge of the trim, it reaches the page's edge (the page is rounded to whole pixels once, so the
    picture covers the bleed to its last pixel).
    """
    k = paper.units_per_mm(vector)
    bleed = paper.bleed_mm * k
    trim_w, trim_h = (side * k if vector else round(side * k) for side in paper.trim_mm)
    placed_w, placed_h, scale, offset_x, offset_y = _place(canvas_width, canvas_height, trim_w, trim_h, framing)
    if framing == "crop":
        trim_w, trim_h = placed_w, placed_h
    # the part of the trim area the picture covers (trim units)
    x0, y0 = max(offset_x, 0.0), max(offset_y, 0.0)
    x1, y1 = min(offset_x + canvas_width * scale, trim_w), min(offset_y + canvas_height * scale, trim_h)
    reaches = (x0 <= 0.5, y0 <= 0.5, x1 >= trim_w - 0.5, y1 >= trim_h - 0.5)  # the trim's left, top, right, bottom
    if framing != "crop":  # the page is the paper's exact size (a raster one rounded once, bleed included)
        trim_w, trim_h = (side * k for side in paper.trim_mm)
    width, height = trim_w + 2 * bleed, trim_h + 2 * bleed
    if not vector:
        width, height = round(width), round(height)
    box = (x0, y0, x1 - x0 + 2 * bleed, y1 - y0 + 2 * bleed)  # page units: the trim starts `bleed` in
    if bleed > 0:  # the picture fills the grown box, which reaches the page's edges where it reaches the trim's
        left, top = (0.0 if reaches[0] else x0), (0.0 if reaches[1] else y0)
        right = width if reaches[2] else x1 + 2 * bleed
        bottom = height if reaches[3] else y1 + 2 * bleed
        box = (left, top, right - left, bottom - top)
        _, _, scale, fill_x, fill_y = _place(canvas_width, canvas_height, box[2], box[3], "fill")
        offset_x, offset_y = left + fill_x, top + fill_y
    return Sheet(width, height, scale, scale, offset_x, offset_y, box, frame, paper.dpi)
