"""`refine`: joint gradient refinement of a finished scene (e.g. a greedy hill-climb's)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from genart.generative.gradient.descent import FitResult, Plan, check_target, descend, objective, poster_render
from genart.generative.gradient.lab import image_to_lab
from genart.generative.gradient.params import Shape, from_shapes
from genart.generative.gradient.soft_render import POSTER_SHARPNESS
from genart.runtime.progress import SILENT, Reporter

DEFAULT_STEPS = 600


def refine(
    target: np.ndarray,
    shapes: Sequence[Shape],
    background: Sequence[float],
    *,
    steps: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    batch: float = 0.1,
    loss: str = "rgb",
    weights: np.ndarray | None = None,
    snapshot_every: int = 0,
    reporter: Reporter = SILENT,
) -> FitResult:
    """Move every shape of a scene at once to fit `target` better; never return worse.

    `shapes` (circles, ellipses, polygons in target pixels, back to front, RGBA in
    [0, 1]) are composited over the RGB `background`. Geometry, colours and background
    are refined together with edges that start slightly soft and end as sharp as the
    antialiased poster's. Convex polygons of up to 8 vertices move; other polygons keep
    their points (their colour is refined). The result is the best state seen by its
    poster render (`genart.render.cairo`, antialiased), the input included. Budget: `steps`
    and/or `seconds` (default DEFAULT_STEPS steps). Each step is counted to `reporter`.
    """
    started = time.perf_counter()
    if loss not in ("rgb", "lab"):
        raise ValueError(f"loss must be 'rgb' or 'lab', got {loss!r}")
    if len(background) < 3:
        raise ValueError("background must be an RGB colour")
    target, weights = check_target(target, weights)
    if steps is None and seconds is None:
        steps = DEFAULT_STEPS
    h, w = target.shape[:2]
    params = from_shapes(shapes, background, h, w)
    plan = Plan(
        steps=steps,
        seconds=seconds,
        sharp=(2.0, POSTER_SHARPNESS),
        sharp_at=0.7,
        lr_pos=0.25 * max(h, w) / 256.0,
        lr_angle=0.01,
        lr_color=0.02,
        batch=batch,
        snapshot_every=snapshot_every,
        reporter=reporter,
        desc=f"refine {len(shapes)} shapes",
    )
    lab = loss == "lab"
    result = descend(target, params, plan, weights=weights, lab=lab, rng=np.random.default_rng(seed), started=started)
    goal = image_to_lab(target) if lab else target
    before = objective(poster_render(shapes, background, h, w), goal, weights, lab)
    after = objective(poster_render(result.shapes, result.background, h, w), goal, weights, lab)
    if after >= before:  # nothing better than the input (clamped colours can cost a hair)
        result.shapes, result.background = list(shapes), (float(background[0]), float(background[1]), float(background[2]))
    return result

