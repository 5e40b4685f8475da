"""Building a mosaic: cut the target into cells, match tiles, describe it as a scene layer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genart.generative.images import Picture
from genart.generative.mosaic.collection import Collection
from genart.generative.mosaic.features import cell_colors, cell_features, tile_features
from genart.generative.mosaic.match import Assignment, MatchError, match
from genart.render.scene import Canvas, Meta, MosaicLayer, Scene, Source

MAX_CELLS = 1_000_000


def grid_size(width: int, height: int, grid: str | None = None, cell_px: float | None = None) -> tuple[int, int]:
    """(columns, rows) from `grid` ("100x80", or "100": 100 columns and rows keeping cells square) or `cell_px`."""
    if (grid is None) == (cell_px is None):
        raise MatchError("give exactly one of a grid (e.g. 100x100) or a cell size in pixels")
    if cell_px is not None:
        if cell_px <= 0:
            raise MatchError(f"cell size must be positive, got {cell_px}")
        columns, rows = max(1, round(width / cell_px)), max(1, round(height / cell_px))
    else:
        parts = (grid or "").lower().split("x")
        try:
            numbers = [int(p) for p in parts]
        except ValueError:
            raise MatchError(f"grid {grid!r} is not COLUMNSxROWS or COLUMNS") from None
        if len(numbers) not in (1, 2) or min(numbers) < 1:
            raise MatchError(f"grid {grid!r} is not COLUMNSxROWS or COLUMNS with positive numbers")
        columns = numbers[0]
        rows = numbers[1] if len(numbers) == 2 else max(1, round(columns * height / width))
    if columns * rows > MAX_CELLS:
        raise MatchError(f"{columns}x{rows} is {columns * rows} cells (at most {MAX_CELLS})")
    return columns, rows


@dataclass(frozen=True)
class Mosaic:
    """A matched mosaic: its scene layer and the matching's cost."""

    layer: MosaicLayer
    assignment: Assignment


def plan_mosaic(
    collection: Collection,
    target: np.ndarray,
    columns: int,
    rows: int,
    mode: str = "nearest",
    reuse: int = 2,
    no_adjacent_repeats: bool = False,
    blend: float = 0.0,
    features: str = "6x6",
    space: str = "rgb",
    collection_name: str | None = None,
) -> Mosaic:
    """Match the collection's tiles to the cells of `target` (RGB uint8) and describe the result."""
    if not 0.0 <= blend <= 1.0:
        raise MatchError(f"blend must be between 0 and 1, got {blend}")
    if mode == "unique" and columns * rows > len(collection):
        raise MatchError(f"unique needs at least as many tiles as cells: {columns}x{rows} = {columns * rows} cells "
                         f"but the collection has {len(collection)} tiles (use --match budget or a smaller grid)")
    try:
        cells = cell_features(target, columns, rows, features, space)
        tiles = tile_features(collection, features, space)
    except ValueError as exc:
        raise MatchError(str(exc)) from None
    result = match(cells, tiles, mode, reuse, columns, rows, no_adjacent_repeats)
    colors = cell_colors(target, columns, rows)
    layer = MosaicLayer.model_construct(
        type="mosaic", name="mosaic", collection=collection_name or str(collection.path), columns=columns, rows=rows,
        tiles=[int(t) for t in result.tiles], cell_colors=[tuple(float(v) for v in c) for c in colors], blend=float(blend),
    )
    return Mosaic(layer, result)


def mosaic_scene(picture: Picture, mosaic: Mosaic, meta: Meta | None = None) -> Scene:
    """A scene holding the mosaic layer (validated) on a canvas of columns × rows square cells, as wide as the picture."""
    layer = MosaicLayer.model_validate(mosaic.layer.model_dump())
    cell = picture.width / layer.columns
    info: Meta = {"optimizer": "mosaic", "cost": round(mosaic.assignment.cost, 4)}
    info.update(meta or {})
    return Scene(canvas=Canvas(width=picture.width, height=cell * layer.rows), source=Source(name=picture.name, sha256=picture.sha256),
                 meta=info, layers=[layer])
