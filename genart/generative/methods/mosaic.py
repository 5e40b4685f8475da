"""Photo mosaics: each cell of a grid over the picture gets the best-matching tile of a collection."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from genart.generative.images import Picture
from genart.generative.methods.base import Method, MethodError
from genart.render.scene import Meta, Scene
from genart.runtime.progress import SILENT, Progress, Reporter

PREVIEW_WIDTH = 1024  # pixels across the mosaic a reporter is shown, at most (a pixel a cell at least)


class MosaicSettings(BaseModel):
    """The collection, the grid (exactly one of `grid` or `cell`) and how tiles are matched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    collection: Path | None = Field(default=None, description="collection file made by `genart mosaic index` (required)")
    grid: str | None = Field(default=None, description="cells across x down (e.g. 100x80), or just across (cells stay square)")
    cell: float | None = Field(default=None, gt=0.0, le=1_000_000.0, allow_inf_nan=False, description="cell size in picture pixels (instead of a grid)")
    match: Literal["nearest", "budget", "unique"] = Field(
        default="nearest", description="nearest: best tile per cell; budget: each tile at most `reuse` times; unique: each tile once")
    reuse: int = Field(default=2, ge=1, le=1_000_000, description="uses allowed per tile when matching on a budget")
    no_adjacent_repeats: bool = Field(default=False, description="never show the same tile in side-by-side cells")
    blend: float = Field(default=0.0, ge=0.0, le=1.0, description="shift each tile's colours toward its cell's colour")
    features: str = Field(default="6x6", description="colour features compared: mean, or an NxN grid of means (N at most 16)")
    space: Literal["rgb", "lab"] = Field(
        default="rgb", description="colour space the features are compared in (rgb: least squared error; lab: perceptual)")


def fit(picture: Picture, settings: MosaicSettings, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene:
    """Match the collection's tiles to the picture's cells and return the mosaic's scene; `reporter`
    sees the picture while the tiles are matched, then (always) the matched mosaic."""
    from genart.generative.mosaic.build import grid_size, mosaic_scene, plan_mosaic
    from genart.generative.mosaic.collection import Collection, CollectionError
    from genart.generative.mosaic.image import cell_bands
    from genart.generative.mosaic.match import MatchError

    if settings.collection is None:
        raise MethodError("a mosaic needs a collection file (made by `genart mosaic index`)")
    start = time.perf_counter()
    try:
        collection = Collection.load(settings.collection)
        columns, rows = grid_size(picture.width, picture.height, settings.grid, settings.cell)
        if reporter.due():
            reporter.report(Progress("match", 0, columns * rows, "cell", time.perf_counter() - start, None,
                                     picture.rgb, lambda: picture.rgb, grid=(columns, rows)))
        mosaic = plan_mosaic(collection, picture.rgb, columns, rows, settings.match, settings.reuse,
                             settings.no_adjacent_repeats, settings.blend, settings.features, settings.space)
    except (CollectionError, MatchError) as exc:
        raise MethodError(str(exc)) from None
    tile_px = max(1, min(64, PREVIEW_WIDTH // columns))
    reporter.report(Progress(
        "match", columns * rows, columns * rows, "cell", time.perf_counter() - start, None, picture.rgb,
        lambda: np.concatenate([band.copy() for band in cell_bands(collection, mosaic.layer, tile_px)]),
        grid=(columns, rows)))
    meta: Meta = {"match": settings.match, "features": settings.features, "space": settings.space,
            "match_seconds": round(time.perf_counter() - start, 3)}
    if settings.match == "budget":
        meta["reuse"] = settings.reuse
    return mosaic_scene(picture, mosaic, meta)


METHOD = Method(
    name="mosaic",
    help="photo mosaic: the best-matching photo of a collection in each cell",
    settings=MosaicSettings,
    fit=fit,
)
