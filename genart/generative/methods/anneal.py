"""The classic baseline: all polygons of a tile at once, by dual annealing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from genart.generative.images import MAX_WORKING, MIN_WORKING, Picture
from genart.generative.methods.base import Method, Seconds, Workers
from genart.render.scene import Scene
from genart.runtime.progress import SILENT, Reporter

Count = Annotated[int, Field(ge=1, le=32)]


class AnnealMethodSettings(BaseModel):
    """The polygons, the annealing budget and the tile grid (see `genart.generative.anneal`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shapes: int = Field(default=200, ge=1, le=20_000, title="shape count",
                        description="number of shapes in all, shared evenly by the tiles (the rest is dropped)")
    shape: Literal["triangle", "polygon"] = Field(default="triangle", description="polygon kind")
    sides: int = Field(default=4, ge=3, le=8, description="sides of a polygon shape")
    evaluations: int = Field(default=20_000, ge=1, le=10_000_000, description="error evaluations per tile")
    tiles: tuple[Count, Count] = Field(default=(4, 4), description="grid of tiles (columns, rows), each annealed on its own")
    resize: int = Field(default=256, ge=MIN_WORKING, le=MAX_WORKING, description="working size: longer side in pixels")
    seed: int = Field(default=0, ge=0, description="random seed; same seed, same result")
    seconds: Seconds = Field(default=None, description="stop after this many seconds")
    workers: Workers = Field(default=None, description="parallel workers (default: all cores); no effect on the result")
    snapshot_every: int = Field(default=2_000, ge=1, le=10_000_000, description="record each tile's best state every K evaluations")

    @field_validator("shape", mode="before")
    @classmethod
    def _polygons_only(cls, value: object) -> object:
        if value not in ("triangle", "polygon"):
            raise ValueError(f"anneal fits polygons (triangle or polygon), not {value}")
        return value

    @model_validator(mode="after")
    def _covers_tiles(self) -> AnnealMethodSettings:
        cols, rows = self.tiles
        if self.shapes < cols * rows:
            raise ValueError(f"{self.shapes} shapes cannot cover {cols * rows} tiles (at least one each)")
        return self


def fit(picture: Picture, settings: AnnealMethodSettings, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene:
    """Anneal every tile (in parallel processes) and return the polygons' scene; no progress bar."""
    from genart.generative.anneal import AnnealSettings, anneal, anneal_scene

    cols, rows = settings.tiles
    engine = AnnealSettings(polygons=settings.shapes // (cols * rows), sides=3 if settings.shape == "triangle" else settings.sides,
                            evaluations=settings.evaluations, tiles=settings.tiles, resize=settings.resize,
                            seed=settings.seed, seconds=settings.seconds, snapshot_every=settings.snapshot_every,
                            workers=max(1, min(settings.workers or os.cpu_count() or 1, cols * rows)))
    return anneal_scene(anneal(picture, engine), picture, engine)


METHOD = Method(
    name="anneal",
    help="dual annealing of all polygons per tile (the classic baseline)",
    settings=AnnealMethodSettings,
    fit=fit,
    draws_shapes=True,
)
