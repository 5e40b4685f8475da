"""How a scene is plotted: paper, margin, pen, hatching, pens, speed; checked once, as one-line UserErrors."""

from __future__ import annotations

from dataclasses import dataclass

from genart.errors import UserError
from genart.render.paper import PAPER_MM

MAX_PENS = 16  # more pens than a plotter session changes by hand is a mistake
MIN_SPACING_MM = 0.05  # finer hatching would take forever and tear the paper


@dataclass(frozen=True)
class PlotSettings:
    """The options of `genart plot` (and of `genart.api.Scene.plot`), checked.

    `pens` is a list of colours (#rrggbb, names) or a count of pens to choose from the scene's
    colours; `angles` the hatch angle in degrees of each shapes layer (cycled), `turn` the angle
    added per shape; `spacing_mm` the spacing of the densest hatch; `speed_mm_s` the pen's
    speed and `lift_seconds` the time of one pen lift, for the estimate of the plot's time.

    Examples
    --------
    >>> PlotSettings(paper="A5", margin_mm=5).margin_mm
    5
    >>> PlotSettings(pen_mm=0)
    Traceback (most recent call last):
    ...
    genart.errors.UserError: pen width must be in (0, 10] mm, got 0
    """

    paper: str = "A4"
    landscape: bool = False
    margin_mm: float = 10.0
    pen_mm: float = 0.3
    spacing_mm: float = 0.3
    angles: tuple[float, ...] = (45.0,)
    turn: float = 0.0
    outlines: bool = False
    pens: tuple[str, ...] | int = 1
    speed_mm_s: float = 50.0
    lift_seconds: float = 0.2
    option: str = ""  # how messages name the options: "--" on the command line

    def __post_init__(self) -> None:
        o = self.option
        if self.paper not in PAPER_MM:
            raise UserError(f"unknown {o}paper {self.paper!r} (known: {', '.join(PAPER_MM)})")
        short = min(PAPER_MM[self.paper])
        _check_range(f"{o}margin", self.margin_mm, 0.0, short / 2 - 1.0, "mm", low_open=False)
        _check_range("pen width" if not o else f"{o}pen-width", self.pen_mm, 0.0, 10.0, "mm")
        _check_range(f"{o}spacing", self.spacing_mm, MIN_SPACING_MM - 1e-12, 100.0, "mm")
        _check_range(f"{o}speed", self.speed_mm_s, 0.0, 10_000.0, "mm/s")
        _check_range(f"{o}lift-seconds" if o else "lift_seconds", self.lift_seconds, 0.0, 60.0, "s", low_open=False)
        if not self.angles or len(self.angles) > 1000:
            raise UserError(f"{o}angle takes 1 to 1000 angles, got {len(self.angles)}")
        for angle in (*self.angles, self.turn):
            _check_range(f"{o}angle", angle, -360.0, 360.0, "degrees", low_open=False)
        if isinstance(self.pens, int) and not 1 <= self.pens <= MAX_PENS:
            raise UserError(f"{o}pens must be 1 to {MAX_PENS} pens, got {self.pens}")
        if isinstance(self.pens, tuple) and not 1 <= len(self.pens) <= MAX_PENS:
            raise UserError(f"{o}pens must name 1 to {MAX_PENS} colours, got {len(self.pens)}")


def _check_range(name: str, value: float, low: float, high: float, unit: str, low_open: bool = True) -> None:
    """A UserError unless low < value <= high (low <= value with `low_open` off), a finite number."""
    above = value > low if low_open else value >= low
    if not (above and value <= high):  # NaN fails both
        bracket = "(" if low_open else "["
        raise UserError(f"{name} must be in {bracket}{low:g}, {high:g}] {unit}, got {value:g}")


def parse_pens(text: str, option: str = "--") -> tuple[str, ...] | int:
    """`--pens` as given: a count ("3") or colours separated by commas ("#1d3557,#e63946,black").

    Examples
    --------
    >>> parse_pens("3")
    3
    >>> parse_pens("#1d3557, red")
    ('#1d3557', 'red')
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    colours = tuple(part.strip() for part in text.split(",") if part.strip())
    if not colours:
        raise UserError(f"{option}pens needs a count or colours separated by commas, got {text!r}")
    return colours


def parse_angles(text: str, option: str = "--") -> tuple[float, ...]:
    """`--angle` as given: degrees, one per shapes layer, separated by commas.

    Examples
    --------
    >>> parse_angles("45,-45")
    (45.0, -45.0)
    """
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise UserError(f"{option}angle takes degrees separated by commas, got {text!r}") from None
