"""`refine`: joint gradient refinement of a finished scene (e.g. a greedy hill-climb's)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from genart.generative import shapes as searched
from genart.generative.gradient.descent import FitResult, Plan, check_target, descend, objective, poster_render
from genart.generative.gradient.lab import image_to_lab
from genart.generative.gradient.params import Shape, from_shapes
from genart.generative.gradient.soft_render import POSTER_SHARPNESS, removal_costs
from genart.generative.hillclimb import ClimbSettings, Evolution
from genart.generative.tiling import tile_bounds
from genart.runtime.progress import SILENT, Reporter

DEFAULT_STEPS = 600
LR_POS = 0.5  # pixels per step at 256 px (scaled with the working size)
LR_COLOR = 0.05  # per step, on the colours' logits
CHUNKS = 2  # fixed parts of each minibatch, one a core (the result does not depend on the cores)


@dataclass(frozen=True)
class Regrow:
    """Prune and regrow during a refinement: its budget split into `rounds`; between two rounds the
    `share` of the shapes whose removal costs least are dropped and as many new ones are hill-climbed
    (`climb`: the greedy hill-climb's search) over the poster render of the others, drawn on top.

    Examples
    --------
    >>> Regrow(ClimbSettings(shape="triangle"), rounds=4, share=0.1).share
    0.1
    """

    climb: ClimbSettings
    rounds: int = 4
    share: float = 0.1

    def __post_init__(self) -> None:
        if self.rounds < 1 or not 0.0 < self.share < 1.0:
            raise ValueError(f"regrow needs rounds ≥ 1 and a share in (0, 1), got {self.rounds} and {self.share}")


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
    workers: int | None = None,
    regrow: Regrow | None = None,
    reporter: Reporter = SILENT,
) -> FitResult:
    """Move every shape of a scene at once to fit `target` better; never return worse.

    `shapes` (circles, ellipses, polygons in target pixels, back to front, RGBA in
    [0, 1]) are composited over the RGB `background`. Geometry, colours and background
    are refined together with edges that start slightly soft and end as sharp as the
    antialiased poster's. Convex polygons of up to 8 vertices move; other polygons keep
    their points (their colour is refined). The result is the best state seen by its
    poster render (`genart.render.cairo`, antialiased), the input included. Budget: `steps`
    and/or `seconds` (default DEFAULT_STEPS steps), shared by the rounds of `regrow` if
    given. Each minibatch's gradient is taken in CHUNKS parts on up to `workers` threads
    (default: all cores); the result does not depend on `workers`. Each step is counted to
    `reporter`.
    """
    started = time.perf_counter()
    if loss not in ("rgb", "lab"):
        raise ValueError(f"loss must be 'rgb' or 'lab', got {loss!r}")
    if len(background) < 3:
        raise ValueError("background must be an RGB colour")
    target, weights = check_target(target, weights)
    if steps is None and seconds is None:
        steps = DEFAULT_STEPS
    rounds = regrow.rounds if regrow else 1
    if steps is not None and steps < rounds:
        raise ValueError(f"steps must be at least 1 a round, got {steps} for {rounds}")
    plan = _plan(target.shape[:2], steps, seconds, batch, snapshot_every, workers, reporter, len(shapes))
    lab = loss == "lab"
    result = FitResult(shapes=list(shapes), background=(float(background[0]), float(background[1]), float(background[2])))
    for r in range(rounds):
        if r and regrow is not None:
            result.shapes = _regrown(target, weights, result.shapes, result.background, regrow, seed + r)
        part, begun = _round(plan, r, rounds, started, steps, seconds), started if r == 0 else time.perf_counter()
        fit = descend(target, from_shapes(result.shapes, result.background, *target.shape[:2]), part, weights=weights,
                      lab=lab, rng=np.random.default_rng(seed + 7919 * r), started=begun)
        result.loss_curve += [(t + begun - started, e) for t, e in fit.loss_curve]
        result.snapshots += [snap.model_copy(update={"step": snap.step + result.steps}) for snap in fit.snapshots]
        result.shapes, result.background, result.steps = fit.shapes, fit.background, result.steps + fit.steps
    return _no_worse(result, shapes, background, target, weights, lab)


def _plan(size: tuple[int, int], steps: int | None, seconds: float | None, batch: float, snapshot_every: int,
          workers: int | None, reporter: Reporter, count: int) -> Plan:
    return Plan(
        steps=steps,
        seconds=seconds,
        sharp=(2.0, POSTER_SHARPNESS),
        sharp_at=0.7,
        lr_pos=LR_POS * max(size) / 256.0,
        lr_angle=0.01,
        lr_color=LR_COLOR,
        batch=batch,
        chunks=CHUNKS,
        workers=workers or os.cpu_count() or 1,
        snapshot_every=snapshot_every,
        reporter=reporter,
        desc=f"refine {count} shapes",
    )


def _round(plan: Plan, r: int, rounds: int, started: float, steps: int | None, seconds: float | None) -> Plan:
    """Round r's share of the budget: an equal part of the steps, of the seconds left an equal part a round left."""
    if rounds == 1:
        return plan
    left = rounds - r
    part_steps = None if steps is None else (steps * (r + 1)) // rounds - (steps * r) // rounds
    part_seconds = None if seconds is None else max(1e-3, (seconds - (time.perf_counter() - started)) / left)
    return Plan(**{**plan.__dict__, "steps": part_steps, "seconds": part_seconds,
                   "desc": f"{plan.desc}, round {r + 1} of {rounds}"})


def _regrown(target: np.ndarray, weights: np.ndarray, shapes: list[Shape], background: tuple[float, float, float],
             regrow: Regrow, seed: int) -> list[Shape]:
    """The shapes without the `share` worth least (by the weighted RGB error), and as many new ones hill-climbed
    over them (by the plain RGB error), on top; as they were when the share rounds to no shape."""
    count = round(regrow.share * len(shapes))
    if count == 0:
        return shapes
    h, w = target.shape[:2]
    params = from_shapes(shapes, background, h, w)
    cost = removal_costs(target, weights, params.kind, params.nv, params.geom, params.col_raw, params.bg_raw,
                         POSTER_SHARPNESS, params.masks)
    weak = set(np.argsort(cost, kind="stable")[:count].tolist())
    kept = [s for i, s in enumerate(shapes) if i not in weak]
    bounds = tile_bounds((0, 0, w, h), (0, 0, w, h), max(w, h) / 256.0, w, h)
    evolution = Evolution(target, poster_render(kept, background, h, w), regrow.climb, bounds, seed, 0, len(shapes))
    pool = ThreadPoolExecutor(regrow.climb.workers) if regrow.climb.workers > 1 else None
    try:
        for _ in range(count):
            p, delta = evolution.search(pool)
            if not delta < 0.0:
                break
            evolution.add(p)
    finally:
        if pool is not None:
            pool.shutdown()
    return kept + [searched.to_drawable(p, c) for p, c in zip(evolution.params, evolution.colors)]


def _no_worse(result: FitResult, shapes: Sequence[Shape], background: Sequence[float], target: np.ndarray,
              weights: np.ndarray, lab: bool) -> FitResult:
    """The result, or the input back if its poster render fits no better (clamped colours can cost a hair)."""
    h, w = target.shape[:2]
    goal = image_to_lab(target) if lab else target
    before = objective(poster_render(shapes, background, h, w), goal, weights, lab)
    after = objective(poster_render(result.shapes, result.background, h, w), goal, weights, lab)
    if after >= before:
        result.shapes, result.background = list(shapes), (float(background[0]), float(background[1]), float(background[2]))
    return result
