"""The gradient-descent loop shared by fitting and refinement: minibatches, Adam, schedules."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from genart.generative.gradient import seeding
from genart.generative.gradient.adam import Adam
from genart.generative.gradient.lab import image_to_lab
from genart.generative.gradient.params import Params, Shape, background, to_shapes
from genart.generative.gradient.soft_render import CIRCLE, ELLIPSE, LAB_SCALE, loss_and_grad, removal_costs, render_soft
from genart.generative.images import rmse_255
from genart.render import cairo
from genart.render.fields import rgba
from genart.render.scene import Canvas, Scene, ShapesLayer, Snapshot
from genart.runtime.progress import SILENT, Count, Progress, Reporter


@dataclass
class FitResult:
    """Fitted shapes (canvas units = target pixels), background, time-lapse and RMSE curve."""

    shapes: list[Shape]
    background: tuple[float, float, float]
    snapshots: list[Snapshot] = field(default_factory=list)
    loss_curve: list[tuple[float, float]] = field(default_factory=list)  # (seconds, RGB RMSE 0–255)
    steps: int = 0  # gradient steps taken
    interrupted: bool = False  # stopped early by Ctrl-C or SIGTERM


class DescentInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during `descend`; `result` is the best state seen so far (`interrupted` set)."""

    def __init__(self, result: FitResult) -> None:
        super().__init__()
        self.result = result


@dataclass(frozen=True)
class Plan:
    """How to descend: budget, softness and learning-rate schedules, sampling, extras.

    Sharpness (1/px) goes geometrically from sharp[0] to sharp[1] over the first
    `sharp_at` of the run and stays there; learning rates follow a cosine from their
    base value to `lr_end` × base. `lr_pos` is in pixels per step. Each minibatch is
    split into `chunks` fixed parts whose gradients are summed in a fixed order, on up
    to `workers` threads: the result depends on `chunks`, never on `workers`.
    """

    steps: int | None
    seconds: float | None
    sharp: tuple[float, float] = (0.5, 8.0)
    sharp_at: float = 0.85
    lr_pos: float = 1.0
    lr_angle: float = 0.02
    lr_color: float = 0.05
    lr_end: float = 0.05
    batch: float = 0.1
    chunks: int = 1
    workers: int = 1
    reseed_at: tuple[float, ...] = ()
    reseed_share: float = 0.05  # share of the circles re-seeded each time (those worth least)
    snapshot_every: int = 0
    eval_every: int = 100
    desc: str = "gradient"  # what the run is called in its counts (the progress bar's title)
    reporter: Reporter = SILENT  # counted to after each step, and shown each evaluated render as it asks


def check_target(target: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The target as float64 H×W×3 in [0, 1] and the weight map normalized to mean 1."""
    target = np.asarray(target)
    if target.ndim != 3 or target.shape[2] != 3 or target.shape[0] < 1 or target.shape[1] < 1:
        raise ValueError(f"target must be an H×W×3 image, got shape {target.shape}")
    target = target.astype(np.float64)
    if not np.isfinite(target).all() or target.min() < 0.0 or target.max() > 1.0:
        raise ValueError("target values must be finite and in [0, 1]")
    h, w = target.shape[:2]
    if weights is None:
        return target, np.ones((h, w))
    weights = np.asarray(weights, np.float64)
    if weights.shape != (h, w):
        raise ValueError(f"weight map must be {h}×{w} like the target, got shape {weights.shape}")
    if not np.isfinite(weights).all() or weights.min() < 0.0 or weights.mean() <= 0.0:
        raise ValueError("weight map values must be finite, non-negative and not all zero")
    return target, weights / weights.mean()


def _budget(plan: Plan) -> tuple[int | None, float | None]:
    if plan.steps is not None and plan.steps < 1:
        raise ValueError(f"steps must be at least 1, got {plan.steps}")
    if plan.seconds is not None and not plan.seconds > 0:
        raise ValueError(f"seconds must be positive, got {plan.seconds}")
    if not 0.0 < plan.batch <= 1.0:
        raise ValueError(f"batch must be a fraction in (0, 1], got {plan.batch}")
    if plan.chunks < 1 or plan.workers < 1:
        raise ValueError(f"chunks and workers must be at least 1, got {plan.chunks} and {plan.workers}")
    return plan.steps, plan.seconds


def objective(img: np.ndarray, goal: np.ndarray, weights: np.ndarray, lab: bool) -> float:
    """The fitted loss of a whole image: weighted mean squared error in RGB or scaled Lab."""
    diff = (image_to_lab(img) - goal) * LAB_SCALE if lab else img - goal
    return float(((diff**2).sum(2) * weights).mean())


def poster_render(shapes: Sequence[Shape], bg: Sequence[float], h: int, w: int) -> np.ndarray:
    """The poster render (antialiased, as the PNG, SVG and PDF show it) of shapes over an RGB background."""
    scene = Scene.model_construct(
        canvas=Canvas(width=w, height=h, background=rgba([*bg[:3], 1.0])), layers=[ShapesLayer(shapes=list(shapes))]
    )
    return cairo.render_array(scene, threads=1).astype(np.float64) / 255.0


class _Batches:
    """Pixel minibatches: consecutive chunks of a shuffled order, each sorted for locality."""

    def __init__(self, h: int, w: int, fraction: float, rng: np.random.Generator):
        self.w, self.total, self.rng = w, h * w, rng
        self.size = min(self.total, max(64, round(fraction * self.total)))
        self.order, self.at = rng.permutation(self.total), 0

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        if self.at + self.size > self.total:
            self.order, self.at = self.rng.permutation(self.total), 0
        chunk = np.sort(self.order[self.at : self.at + self.size])
        self.at += self.size
        ys, xs = np.divmod(chunk, self.w)
        return ys, xs


def _learning_rates(params: Params, plan: Plan) -> list[np.ndarray]:
    lr_geom = np.full(params.geom.shape, plan.lr_pos)
    if params.geom.shape[1] > 4:
        lr_geom[params.kind == ELLIPSE, 4] = plan.lr_angle
    return [lr_geom, np.full(params.col_raw.shape, plan.lr_color), np.full(params.bg_raw.shape, plan.lr_color)]


def descend(
    target: np.ndarray,
    params: Params,
    plan: Plan,
    *,
    weights: np.ndarray,
    lab: bool,
    rng: np.random.Generator,
    started: float,
) -> FitResult:
    """Optimize `params` in place; return the best state seen, judged on its poster render.

    `started` is the `time.perf_counter()` at which the caller's work began (the
    seconds budget and the loss curve count from it). Each step is counted to
    `plan.reporter` (in steps, or in seconds with a time budget alone). Ctrl-C (or SIGTERM
    turned into KeyboardInterrupt) ends the descent at once and raises `DescentInterrupted`
    with the best state seen, the current one included.
    """
    run = _Descent(target, params, plan, weights, lab, rng, started)
    stopped: KeyboardInterrupt | None = None
    try:
        run.evaluate(0, plan.snapshot_every > 0)
        while (frac := run.share_done()) < 1.0:
            run.step(frac)
    except KeyboardInterrupt as exc:
        stopped, run.result.interrupted = exc, True
        params.clamp(*target.shape[:2])  # a step cut short may have left values out of range
    finally:
        run.gradient.close()
    run.evaluate(run.steps_done, plan.snapshot_every > 0 and run.steps_done % plan.snapshot_every != 0)
    run.count(final=True)
    result = run.finish()
    if stopped is not None:
        raise DescentInterrupted(result) from stopped
    return result


class _Descent:
    """The state of one `descend`: the optimizer, the minibatches, the best state seen, the result so far."""

    def __init__(self, target: np.ndarray, params: Params, plan: Plan, weights: np.ndarray, lab: bool,
                 rng: np.random.Generator, started: float) -> None:
        self.steps, self.seconds = _budget(plan)
        self.target, self.params, self.plan, self.weights, self.lab, self.rng = target, params, plan, weights, lab, rng
        self.started = started
        h, w = target.shape[:2]
        self.goal = image_to_lab(target) if lab else target
        self.weight_arg = weights if (weights != 1.0).any() else np.zeros((0, 0))
        self.adam = Adam([params.geom, params.col_raw, params.bg_raw])
        self.lrs0 = _learning_rates(params, plan)
        self.gradient = _ChunkedGradient(plan.chunks, plan.workers)
        self.batches = _Batches(h, w, plan.batch, rng)
        self.reseeds = sorted(plan.reseed_at)
        self.result = FitResult(shapes=[], background=(0.0, 0.0, 0.0))
        self.best: tuple[float, Params] = (math.inf, params.copy())
        self.last_rmse = math.nan
        self.steps_done = 0
        self.count()

    def share_done(self) -> float:
        """How much of the budget is spent: steps or seconds, whichever is further along."""
        elapsed = time.perf_counter() - self.started
        steps, seconds = self.steps, self.seconds
        return max(self.steps_done / steps if steps else 0.0, elapsed / seconds if seconds else 0.0)

    def step(self, frac: float) -> None:
        """One Adam step on a minibatch at the softness and learning rate of `frac`; re-seed and evaluate when due."""
        plan, params = self.plan, self.params
        h, w = self.target.shape[:2]
        sharp = plan.sharp[0] * (plan.sharp[1] / plan.sharp[0]) ** min(1.0, frac / plan.sharp_at)
        decay = plan.lr_end + (1.0 - plan.lr_end) * 0.5 * (1.0 + math.cos(math.pi * frac))
        ys, xs = self.batches.next()
        grads = self.gradient(ys, xs, self.goal, self.weight_arg, self.lab, params, sharp)
        self.adam.step([params.geom, params.col_raw, params.bg_raw], grads, self.lrs0, decay)
        params.clamp(h, w)
        self.steps_done += 1
        if self.reseeds and frac >= self.reseeds[0]:
            self.reseeds.pop(0)
            _reseed(params, self.adam, self.target, self.weights, sharp, plan.reseed_share, self.rng)
            self.lrs0 = _learning_rates(params, plan)
        snap = plan.snapshot_every > 0 and self.steps_done % plan.snapshot_every == 0
        if snap or self.steps_done % plan.eval_every == 0:
            self.evaluate(self.steps_done, snap)
        self.count()

    def evaluate(self, step: int, snapshot: bool) -> None:
        """Render the poster, record its RMSE (and a snapshot), keep it if best; show it to a watcher that asks."""
        params, target, h, w = self.params, self.target, *self.target.shape[:2]
        img = poster_render(to_shapes(params), background(params), h, w)
        self.last_rmse = rmse_255(img, target)
        self.result.loss_curve.append((time.perf_counter() - self.started, self.last_rmse))
        reporter = self.plan.reporter
        if reporter.due():
            reporter.report(Progress("steps", step, self.steps or 0, "step", self.result.loss_curve[-1][0],
                                     self.last_rmse, target, lambda: img, self.seconds))
        score = objective(img, self.goal, self.weights, self.lab)
        if score < self.best[0]:
            self.best = (score, params.copy())
        if snapshot:
            layer = ShapesLayer(shapes=to_shapes(params))
            self.result.snapshots.append(Snapshot(step=step, loss=self.last_rmse, layers=[layer]))

    def count(self, final: bool = False) -> None:
        """Tell the reporter how far the descent is: steps, or seconds with a time budget alone."""
        note = "" if math.isnan(self.last_rmse) else f"rmse {self.last_rmse:.2f}"
        if self.steps is not None:
            count = Count(self.plan.desc, self.steps_done, self.steps, "step", note, final)
        else:
            seconds = self.seconds or 0.0
            count = Count(self.plan.desc, min(seconds, time.perf_counter() - self.started), seconds, "s", note, final)
        self.plan.reporter.count(count)

    def finish(self) -> FitResult:
        """The best state seen, put back into `params` and the result."""
        final, params, result = self.best[1], self.params, self.result
        params.geom, params.col_raw, params.bg_raw = final.geom, final.col_raw, final.bg_raw
        result.shapes, result.background, result.steps = to_shapes(final), background(final), self.steps_done
        return result


class _ChunkedGradient:
    """The minibatch's mean gradient as the pixel-weighted sum of `chunks` parts, on up to `workers` threads."""

    def __init__(self, chunks: int, workers: int) -> None:
        self.chunks = chunks
        self.pool = ThreadPoolExecutor(min(chunks, workers)) if chunks > 1 and workers > 1 else None

    def __call__(self, ys: np.ndarray, xs: np.ndarray, goal: np.ndarray, weight: np.ndarray, lab: bool,
                 params: Params, sharp: float) -> list[np.ndarray]:
        """The gradients with respect to geom, col_raw and bg_raw (new arrays)."""
        bounds = np.linspace(0, ys.shape[0], self.chunks + 1).round().astype(np.int64)

        def part(k: int) -> tuple[int, list[np.ndarray]]:
            grads = [np.zeros_like(params.geom), np.zeros_like(params.col_raw), np.zeros_like(params.bg_raw)]
            lo, hi = bounds[k], bounds[k + 1]
            loss_and_grad(ys[lo:hi], xs[lo:hi], goal, weight, lab, params.kind, params.nv, params.geom,
                          params.col_raw, params.bg_raw, sharp, params.masks, *grads)
            return hi - lo, grads

        parts = list(self.pool.map(part, range(self.chunks)) if self.pool else map(part, range(self.chunks)))
        if self.chunks == 1:
            return parts[0][1]
        total = float(ys.shape[0])
        return [sum(n / total * grads[j] for n, grads in parts) for j in range(3)]  # type: ignore[misc]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _reseed(params: Params, adam: Adam, target: np.ndarray, weights: np.ndarray, sharp: float,
            share: float, rng: np.random.Generator) -> None:
    """Re-seed the circles worth least (removing them would cost least) at the worst spots, in front."""
    h, w = target.shape[:2]
    n = len(params.kind)
    args = (params.kind, params.nv, params.geom, params.col_raw, params.bg_raw, sharp, params.masks)
    cost = removal_costs(target, weights, *args)
    circles = np.flatnonzero(params.kind == CIRCLE)
    weak = circles[np.argsort(cost[circles], kind="stable")][: max(1, round(share * n))]
    order = np.concatenate([np.setdiff1d(np.arange(n), weak), weak])
    params.reorder(order)
    adam.reorder(order)
    rows = np.arange(n - weak.size, n)
    adam.reset(rows)
    params.col_raw[rows, 3] = -40.0  # render without them: they are placed afresh
    img = render_soft(h, w, params.kind, params.nv, params.geom, params.col_raw, params.bg_raw, sharp, params.masks)
    seeding.reseed(params, rows, target, img, weights, rng)

