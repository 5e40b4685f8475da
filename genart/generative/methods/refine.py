"""Joint refinement: a step any method's scene of shapes can take after its fit."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from genart.generative.images import MAX_WORKING, MIN_WORKING, Picture, rmse_255, working
from genart.generative.methods.base import Seconds
from genart.generative.methods.gradient import weight_map
from genart.generative.shapes.registry import CHOICES
from genart.render import scene as S
from genart.render.layers.shapes import shape_ids
from genart.runtime.progress import SILENT, Reporter

if TYPE_CHECKING:
    from genart.generative.gradient.refine import Regrow

REGROW_ROUNDS = 4  # see docs/benchmarks.md: better at the same time on the astronaut, coffee and chelsea


class RefineSettings(BaseModel):
    """The refinement's budget, working size and loss (see `genart.generative.gradient.refine`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seconds: Seconds = Field(default=None, description="refine for this many seconds")
    steps: int | None = Field(default=None, ge=1, le=100_000, description="gradient steps (default 600 when no seconds are given)")
    resize: int = Field(default=256, ge=MIN_WORKING, le=MAX_WORKING, description="working size: longer side in pixels")
    seed: int = Field(default=0, ge=0, description="random seed of the pixel minibatches")
    loss: Literal["rgb", "lab"] = Field(default="rgb", description="error measured in RGB or CIE Lab")
    weights: Path | None = Field(default=None, description="greyscale picture: which areas matter more (white)")
    snapshot_every: int = Field(default=0, ge=0, le=100_000, description="take a time-lapse snapshot every K steps (0: none)")
    rounds: int = Field(default=REGROW_ROUNDS, ge=1, le=100, description="refinement rounds: between two, the tenth of the "
                        "shapes worth least is replaced by new ones, hill-climbed over the others (1: none)")


def _regrow(scene: S.Scene, rounds: int) -> Regrow | None:
    """Regrowing in `rounds` with the hill-climb's search for the scene's shape kind (triangles if not one of its)."""
    from genart.generative.gradient.refine import Regrow
    from genart.generative.hillclimb import ClimbSettings

    if rounds == 1:
        return None
    shape = scene.meta.get("shape")
    climb = ClimbSettings(shape=shape if shape in CHOICES else "triangle", workers=os.cpu_count() or 1)
    return Regrow(climb, rounds=rounds)


def refine_scene(scene: S.Scene, picture: Picture, settings: RefineSettings, reporter: Reporter = SILENT) -> S.Scene:
    """The scene's shapes (its first layer) moved jointly to fit `picture` better; never worse.

    The scene's own snapshots come first, then the refinement's; its `meta` gains
    `refined`, the `unrefined_rmse` of its antialiased render at the working size, and the
    refinement's time in `seconds`.
    """
    from genart.generative.gradient import refine
    from genart.generative.gradient.scene import gradient_scene
    from genart.render.cairo import render_array

    work = working(picture, settings.resize)
    w, h = work.size
    layer = scene.layers[0]
    if not isinstance(layer, S.ShapesLayer):
        raise TypeError(f"only shapes can be refined, not a {layer.type} layer")
    started = time.perf_counter()
    fit = refine(work.target, [S.scaled(s, work.to_working) for s in layer.shapes], scene.canvas.background[:3],
                 steps=settings.steps, seconds=settings.seconds, seed=settings.seed, loss=settings.loss,
                 weights=weight_map(settings.weights, (w, h)), snapshot_every=settings.snapshot_every,
                 regrow=_regrow(scene, settings.rounds), reporter=reporter)
    seconds = float(scene.meta.get("seconds") or 0.0) + time.perf_counter() - started
    meta = {**scene.meta, "refined": True, "unrefined_rmse": round(rmse_255(render_array(scene, w, h), work.target), 4),
            "seconds": round(seconds, 3)}
    return gradient_scene(picture, (w, h), fit, meta, scene.snapshots, shape_ids(layer))
