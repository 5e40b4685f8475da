"""The scene of a hill-climb run: its shapes in source-picture units, in the order they were fitted."""

from __future__ import annotations

from typing import Any

import numpy as np

from genart.generative import shapes
from genart.generative.figures import ALPHA_AUTO
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result, rmse_of
from genart.generative.images import Picture, working_scale
from genart.generative.palette import hex_colors
from genart.generative.start_from import Start
from genart.render import scene as S


def tiles_scene(result: Result, picture: Picture, settings: EvolveSettings, start: Start | None = None) -> S.Scene:
    """The evolved shapes as one scene in source-picture units, in the order they were fitted, with a
    snapshot after each shape (its fit RMSE); after the `start`'s shapes, kept as they are with their ids (the
    new ones numbered after them). A fit with alpha has a transparent background."""
    h, w = result.target.shape[:2]
    scale = working_scale(picture, w, h)
    kept = list(start.shapes) if start is not None else []
    first_id = start.next_id if start is not None else 0
    drawables = []
    snapshots = []
    sse = result.blank
    for step, (i, k) in enumerate(result.order(), 1):
        x0, y0 = result.reaches[i][:2]
        tile = result.tiles[i]
        drawables.append(shapes.to_drawable(np.asarray(tile.params[k]), np.asarray(tile.colors[k]), scale, x0, y0))
        sse += tile.deltas[k]
        snapshots.append(S.Snapshot(step=step, loss=round(rmse_of(sse, result.target.size), 4),
                                    prefix=len(kept) + step))
    c = settings.climb
    meta: dict[str, Any] = {
        "generator": "genart evolve", "method": "hillclimb", "shape": c.shape, "alpha": c.alpha or ALPHA_AUTO,
        "tiles": f"{settings.tiles[0]}x{settings.tiles[1]}", "working_width": w, "working_height": h,
        "seed": settings.seed, "fit_rmse": round(result.rmse, 4), "seconds": round(result.seconds, 3),
        "candidates": c.candidates, "max_age": c.max_age, "repeats": c.repeats}
    if result.with_alpha:
        meta["fitted"] = "with alpha (over black and over white)"
    if c.palette:
        meta["palette"] = ",".join(hex_colors(c.palette))
    if start is not None:
        meta.update(started_from=len(kept))
    if result.interrupted:
        meta.update(interrupted=True, shapes=len(kept) + result.count, shapes_asked=len(kept) + settings.shapes)
    ids = [*(start.ids if start is not None else []), *range(first_id, first_id + len(drawables))]
    red, green, blue = (float(v) for v in result.background[:3])
    background = (0.0, 0.0, 0.0, 0.0) if result.with_alpha else (red, green, blue, 1.0)
    return S.Scene(
        canvas=S.Canvas(width=picture.width, height=picture.height, background=background),
        source=S.Source(name=picture.name, sha256=picture.sha256),
        meta=meta,
        layers=[S.ShapesLayer(name="shapes", shapes=[*kept, *drawables], ids=ids)],
        snapshots=snapshots,
    )
