"""`fit_circles`: N soft circles fitted to a picture by gradient descent."""

from __future__ import annotations

import time

import numpy as np

from genart.generative.gradient import seeding
from genart.generative.gradient.descent import FitResult, Plan, check_target, descend
from genart.generative.gradient.soft_render import POSTER_SHARPNESS
from genart.runtime.progress import SILENT, Reporter

DEFAULT_STEPS = 2000


def fit_circles(
    target: np.ndarray,
    n: int,
    *,
    steps: int | None = None,
    seconds: float | None = None,
    seed: int = 0,
    batch: float = 0.05,
    loss: str = "rgb",
    weights: np.ndarray | None = None,
    snapshot_every: int = 0,
    reporter: Reporter = SILENT,
) -> FitResult:
    """Fit `n` circles to `target` (float H×W×3 in [0, 1]); canvas units are its pixels.

    Circles start greedily (each the best of many candidates drawn where the error is
    largest), then all move at once by Adam on pixel minibatches (`batch` = sampled fraction
    of pixels per step) while their edges go from blurred to as sharp as the antialiased
    poster's. Every 5% of the run until 60%, the 10% of circles whose removal would cost
    least are re-seeded in front at the best spots (this escapes the depth-order trap).
    The budget is `steps` and/or `seconds` (whichever ends first; default
    DEFAULT_STEPS steps); with `steps` alone the same seed gives the same result.
    `loss` is "rgb" or "lab" (squared error in CIE Lab); `weights` an optional H×W map of
    how much each pixel matters. A snapshot is taken every `snapshot_every` steps; `reporter`
    is counted to after each step and shown the poster render at each evaluation, as it asks.
    The result is the best state seen, judged on its poster (antialiased) render.
    """
    started = time.perf_counter()
    if loss not in ("rgb", "lab"):
        raise ValueError(f"loss must be 'rgb' or 'lab', got {loss!r}")
    if n < 1:
        raise ValueError(f"number of circles must be at least 1, got {n}")
    target, weights = check_target(target, weights)
    if steps is None and seconds is None:
        steps = DEFAULT_STEPS
    h, w = target.shape[:2]
    rng = np.random.default_rng(seed)
    params = seeding.initial_circles(target, n, weights, rng)
    plan = Plan(
        steps=steps,
        seconds=seconds,
        sharp=(1.0, POSTER_SHARPNESS),
        lr_pos=max(h, w) / 256.0,
        batch=batch,
        reseed_at=tuple(np.arange(1, 13) * 0.05),
        reseed_share=0.1,
        snapshot_every=snapshot_every,
        desc=f"{n} circles",
        reporter=reporter,
    )
    return descend(target, params, plan, weights=weights, lab=loss == "lab", rng=rng, started=started)
