"""Soft circles fitted all at once by gradient descent through a differentiable renderer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from genart.generative.images import MAX_WORKING, MIN_WORKING, Picture, load_picture, working
from genart.generative.methods.base import Method, Seconds
from genart.render.scene import Meta, Scene
from genart.runtime.interrupt import Interrupted
from genart.runtime.progress import SILENT, Reporter


def weight_map(path: Path | None, size: tuple[int, int]) -> np.ndarray | None:
    """The greyscale picture at `path` as an H×W float map in [0, 1] of the working `size` (W, H), or None."""
    if path is None:
        return None
    from PIL import Image

    grey = Image.fromarray(load_picture(path).rgb).convert("L").resize(size, Image.Resampling.BOX)
    return np.asarray(grey, np.float64) / 255.0


class GradientSettings(BaseModel):
    """The circles, the descent's budget and its loss (see `genart.generative.gradient.fit_circles`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shapes: int = Field(default=200, ge=1, le=20_000, title="shape count", description="number of circles")
    shape: Literal["circle"] = Field(default="circle", description="shape kind: gradient descent fits circles")
    resize: int = Field(default=256, ge=MIN_WORKING, le=MAX_WORKING, description="working size: longer side in pixels")
    seed: int = Field(default=0, ge=0, description="random seed; with a step budget, same seed, same result")
    seconds: Seconds = Field(default=None, description="stop after this many seconds")
    steps: int | None = Field(default=None, ge=1, le=100_000, description="gradient steps (default 2000, or as many as --seconds allow)")
    loss: Literal["rgb", "lab"] = Field(default="rgb", description="error measured in RGB or CIE Lab")
    weights: Path | None = Field(default=None, description="greyscale picture: which areas matter more (white)")
    snapshot_every: int = Field(default=0, ge=0, le=100_000, description="take a time-lapse snapshot every K steps (0: none)")

    @field_validator("shape", mode="before")
    @classmethod
    def _circles_only(cls, value: object) -> object:
        if value != "circle":
            raise ValueError(f"gradient fits circles (circle), not {value}")
        return value


def fit(picture: Picture, settings: GradientSettings, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene:
    """Fit the circles at the working size and return their scene; Ctrl-C or SIGTERM raises
    `Interrupted` with the best circles so far."""
    from genart.generative.gradient import fit_circles
    from genart.generative.gradient.descent import DescentInterrupted
    from genart.generative.gradient.scene import gradient_scene

    target = working(picture, settings.resize).target
    h, w = target.shape[:2]
    started = time.perf_counter()
    meta: Meta = {"generator": "genart evolve", "method": "gradient", "shape": "circle", "seed": settings.seed,
                  "loss": settings.loss}
    try:
        result = fit_circles(target, settings.shapes, steps=settings.steps, seconds=settings.seconds,
                             seed=settings.seed, loss=settings.loss, weights=weight_map(settings.weights, (w, h)),
                             snapshot_every=settings.snapshot_every, reporter=reporter)
    except DescentInterrupted as stop:
        meta |= {"seconds": round(time.perf_counter() - started, 3), "steps_run": stop.result.steps,
                 "interrupted": True}
        raise Interrupted(gradient_scene(picture, (w, h), stop.result, meta)) from stop
    meta["seconds"] = round(time.perf_counter() - started, 3)
    return gradient_scene(picture, (w, h), result, meta)


METHOD = Method(
    name="gradient",
    help="soft circles by gradient descent",
    settings=GradientSettings,
    fit=fit,
    draws_shapes=True,
)
