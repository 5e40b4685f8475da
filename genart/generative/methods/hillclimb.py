"""The greedy hill-climb: one shape at a time, in tiles that take turns (see `hillclimb_tiles`), with checkpoints."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from genart.generative.hillclimb import ClimbSettings, kernels_cached
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_tiles import EvolveInterrupted, evolve, warm_up
from genart.generative.images import MAX_WORKING, MIN_WORKING, Picture
from genart.generative.methods.base import Kernels, Method, MethodError, Seconds, Workers
from genart.generative.palette import MAX_COLORS
from genart.generative.shapes.registry import CHOICES
from genart.generative.start_from import Start
from genart.render.scene import Scene
from genart.runtime.interrupt import Interrupted
from genart.runtime.progress import SILENT, Reporter

if TYPE_CHECKING:
    ShapeName = str
else:
    ShapeName = Literal[CHOICES]  # the families' names and combo (`genart.generative.shapes.registry`)
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_EVOLVE_SHAPES = 100_000  # with its snapshots, a scene of as many shapes stays within the scene limit
MAX_TILES = 1024  # tiles in all


class HillclimbSettings(BaseModel):
    """Everything the greedy hill-climb needs (see `genart.generative.hillclimb_tiles`)."""

    # validated here, once: the engine takes the frozen view `engine()` builds

    model_config = ConfigDict(extra="forbid", frozen=True)

    shapes: int = Field(default=200, ge=1, le=MAX_EVOLVE_SHAPES, title="shape count", description="number of shapes in all")
    shape: ShapeName = Field(default="triangle", description="shape kind, or combo: a mix of them")
    sides: int = Field(default=4, ge=3, le=8, description="sides of a polygon shape")
    alpha: float = Field(default=0.0, ge=0.0, le=1.0,
                         description="shape opacity in (0, 1], or auto (the default; stored as 0): optimized per shape")
    background: tuple[Unit, Unit, Unit] | None = Field(
        default=None, description="background colour #rrggbb (or RGB in [0, 1]), or auto (the default): the "
                                  "picture's mean colour")

    @field_validator("alpha", mode="before")
    @classmethod
    def _auto_alpha(cls, value: Any) -> Any:
        return 0.0 if value == "auto" else value

    @field_validator("background", mode="before")
    @classmethod
    def _hex_background(cls, value: Any) -> Any:
        if value == "auto":
            return None
        if isinstance(value, str) and re.fullmatch(r"#?[0-9A-Fa-f]{6}", value):
            digits = value.lstrip("#")
            return tuple(int(digits[i:i + 2], 16) / 255.0 for i in (0, 2, 4))
        return value
    tiles: tuple[int, int] = Field(default=(1, 1), description="grid of tiles (columns, rows) fitted in parallel, each with a derived seed; their shapes "
                                        "reach into the neighbours, so no seam shows")
    resize: int = Field(default=256, ge=MIN_WORKING, le=MAX_WORKING, description="working size: longer side in pixels")
    seed: int = Field(default=0, ge=0, description="random seed; same seed, same result")
    seconds: Seconds = Field(default=None, description="stop after this many seconds")
    target_rmse: float | None = Field(
        default=None, ge=0.0, le=255.0, allow_inf_nan=False, description="stop when the RGB RMSE (0-255, of the pixel-centre render) reaches this")
    workers: Workers = Field(default=None, description="parallel workers (default: all cores); no effect on the result")
    candidates: int = Field(default=500, ge=1, le=100_000, description="random candidates per search")
    max_age: int = Field(default=100, ge=0, le=100_000, description="failed mutations before a climb stops")
    repeats: int = Field(default=8, ge=1, le=1_000, description="independent climbs per shape")
    palette: tuple[tuple[Unit, Unit, Unit], ...] = Field(
        default=(), max_length=MAX_COLORS,
        description="the only colours shapes (and the auto background) may take, as #rrggbb,#rrggbb,...; "
                    "default: any colour")

    @model_validator(mode="after")
    def _runnable(self) -> HillclimbSettings:
        cols, rows = self.tiles
        if cols < 1 or rows < 1 or cols * rows > MAX_TILES:
            raise ValueError(f"tiles must be at least 1x1 and at most {MAX_TILES} in all, got {cols}x{rows}")
        if self.shapes < cols * rows:
            raise ValueError(f"{self.shapes} shapes cannot cover {cols * rows} tiles (at least one each)")
        return self

    def engine(self) -> EvolveSettings:
        """The engine's frozen view of these settings (the workers resolved to a count).

        Examples
        --------
        >>> settings = HillclimbSettings(shapes=50, shape="circle", tiles=(2, 1), workers=1)
        >>> settings.engine().quotas
        [25, 25]
        """
        climb = ClimbSettings(shape=self.shape, sides=self.sides, alpha=self.alpha, candidates=self.candidates,
                              max_age=self.max_age, repeats=self.repeats, workers=self.workers or os.cpu_count() or 1,
                              palette=self.palette)
        return EvolveSettings(shapes=self.shapes, climb=climb, tiles=self.tiles, resize=self.resize, seed=self.seed,
                              background=self.background, target_rmse=self.target_rmse, seconds=self.seconds)


def fit(picture: Picture, settings: HillclimbSettings, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None,
        start: Start | None = None) -> Scene:
    """Evolve the shapes (checkpointed to `checkpoint`, if given; the tiles on the Dask `scheduler`, or
    $GENART_SCHEDULER, if given) and return their scene; a picture with `alpha` is fitted with it, for a
    transparent poster, unless the settings name a background (it is then fitted composited on that).
    With a `start`, its shapes are kept and the new ones fitted on top of them, `shapes` in all.
    Ctrl-C or SIGTERM raises `Interrupted` with the scene of the shapes so far."""
    if picture.alpha is not None and settings.background is not None:
        picture = picture.opaque(settings.background)
    engine = settings.engine()
    if start is not None:
        fresh = settings.shapes - len(start.shapes)
        cells = settings.tiles[0] * settings.tiles[1]
        if fresh < cells:
            raise MethodError(f"{settings.shapes} shapes in all leave {max(fresh, 0)} to add to the {len(start.shapes)} "
                              f"kept (at least one a tile): ask for at least {len(start.shapes) + cells}")
        engine = replace(engine, shapes=fresh)
    try:
        result = evolve(picture, engine, checkpoint=checkpoint, resume=resume, reporter=reporter,
                        scheduler=scheduler, start=start)
    except EvolveInterrupted as stop:
        raise Interrupted(tiles_scene(stop.result, picture, engine, start)) from stop
    return tiles_scene(result, picture, engine, start)


METHOD = Method(
    name="hillclimb",
    help="greedy, one shape at a time (default)",
    settings=HillclimbSettings,
    fit=fit,
    draws_shapes=True,
    checkpoints=True,
    fits_alpha=True,
    kernels=Kernels(kernels_cached, warm_up),
    fit_from=fit,
)
