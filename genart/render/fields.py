"""Field types shared by every scene model: colours, coordinates, lengths, the frozen base model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_CANVAS = 1_000_000.0  # canvas units per side

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Coord = Annotated[float, Field(ge=-MAX_CANVAS, le=MAX_CANVAS, allow_inf_nan=False)]
Length = Annotated[float, Field(ge=0.0, le=MAX_CANVAS, allow_inf_nan=False)]
Color = tuple[Unit, Unit, Unit, Unit]
RGB = tuple[Unit, Unit, Unit]
Point = tuple[Coord, Coord]


def rgba(values: Iterable[float]) -> Color:
    """Four numbers (red, green, blue, alpha) as a colour tuple."""
    r, g, b, a = (float(v) for v in values)
    return (r, g, b, a)


class Model(BaseModel):
    """A scene-file record: unknown fields are refused and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
