"""Benchmark: the soft-circle loss and gradient, numba's analytic code vs PyTorch autodiff.

Issue 4 asks that the default path of the gradient fit be the faster one on a CPU,
measured against an autodiff framework. This compares one loss + gradient evaluation of
`genart.generative.gradient.soft_render.loss_and_grad` (circles, RGB loss, no weight map: what
`fit_circles` calls every step) with the same loss written in PyTorch and differentiated by
autograd: a dense circles × pixels coverage matrix, composited either in closed form with a
cumulative product of the transparencies over the circles ("cumprod") or by a loop over
the circles, back to front ("loop"), in float64 and float32. (torch.compile was tried
on "cumprod" and was slower than eager, so it is left out.)

Target: `skimage.data.astronaut()` area-resized to 256×256; circles from
`seeding.initial_circles` (as `fit_circles` starts); pixel minibatches as the fit draws
them. First the two are checked to agree (float64: loss and every gradient, max
relative difference < 1e-6), then timed (median of `--reps` calls, after warm-up) for
  100 circles, 5% of the pixels (the default minibatch of `fit_circles`),
  100 circles, all pixels,
  500 circles, 5% of the pixels,
numba at the sharpness the fit starts with (1/px) and ends with (POSTER_SHARPNESS; numba
skips pixels far outside a circle, so its cost falls as edges sharpen; torch's dense
cost does not depend on it), torch with 1 thread (the issue's budget: one core; numba's
code is single-threaded) and with torch's default thread count. Numba's compile (afresh,
and from its cache) and torch's first call are reported apart. glibc's malloc is tuned
first (see `_tune_malloc`), in fairness to torch: on the 2-core test machine it took
torch's full-image float64 step from ~1.8 s to ~0.7 s; on the small steps, and on numba,
its effect was within run-to-run noise. `--plain-malloc` leaves malloc as it is.

    pip install torch==2.13.0   # CPU wheel; torch is not a dependency of genart
    python bench/bench_autodiff.py [--reps 30] [--max-seconds 4] [--seed 0] [--plain-malloc]
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
from record import add_quick, figure
from skimage import data

from genart.generative.gradient import seeding
from genart.generative.gradient import soft_render as sr
from genart.generative.gradient.descent import _Batches
from genart.generative.gradient.params import Params
from genart.generative.images import resize_to, to_float

try:
    import torch
except ImportError:
    torch = None

SIZE = 256
CASES = ((100, 0.05), (100, 1.0), (500, 0.05))  # (circles, share of pixels per step)
SHARPS = (1.0, sr.POSTER_SHARPNESS)  # start and end of the fit's sharpness schedule
CHECK_TOL = 1e-6


# --- torch: the loss of `soft_render.loss_and_grad` for circles, RGB, no weight map ---------


def _coverage(geom, px, py, sharp: float):
    """Circles × pixels coverage sigmoid(sharp (r − d)), exactly 0 where numba cuts it off."""
    dx = px[None, :] - geom[:, 0:1]
    dy = py[None, :] - geom[:, 1:2]
    z = sharp * (geom[:, 2:3] - torch.sqrt(dx * dx + dy * dy))
    return torch.where(z < -sr.CUT, torch.zeros((), dtype=z.dtype), torch.sigmoid(z))


def _colour_cumprod(m, col, bg):
    """3 × pixels: "over" compositing as bg·T_n + Σ_k c_k a_k T_k, the circles given front to
    back (k = 0 the front-most), T_k = Π_(j<k) (1 − a_j) the transparency in front of circle k."""
    a = col[:, 3:4] * m
    through = torch.cumprod(1.0 - a, 0)  # through[k] = T_(k+1)
    front = torch.cat([torch.ones_like(through[:1]), through[:-1]])  # T_k
    return bg[:, None] * through[-1] + col[:, :3].T @ (a * front)


_colour_cumprod.front_to_back = True


def _colour_loop(m, col, bg):
    """3 × pixels: "over" compositing one circle after the other, back to front (as numba)."""
    a = col[:, 3:4] * m
    c = bg[:, None].expand(3, m.shape[1])
    for i in range(m.shape[0]):
        c = c + (col[i, :3, None] - c) * a[i]
    return c


def torch_loss(geom, col_raw, bg_raw, px, py, goal, sharp: float, compose):
    """Mean over the sampled pixels of the squared RGB error summed over channels (as numba)."""
    if getattr(compose, "front_to_back", False):  # reverse the n-row parameters, not n × pixels
        geom, col_raw = geom.flip(0), col_raw.flip(0)
    m = _coverage(geom, px, py, sharp)
    c = compose(m, torch.sigmoid(col_raw), torch.sigmoid(bg_raw))
    return ((c - goal) ** 2).sum() / px.shape[0]


class TorchStep:
    """One loss + gradient evaluation in torch, with the parameters as leaf tensors (as a
    torch fit would hold them); the target and pixel indices come from numpy each step."""

    def __init__(self, params: Params, target: np.ndarray, dtype, compose):
        self.leaves = [torch.tensor(a, dtype=dtype, requires_grad=True)
                       for a in (params.geom[:, :3], params.col_raw, params.bg_raw)]
        self.target = torch.tensor(target, dtype=dtype)  # H×W×3
        self.dtype, self.compose = dtype, compose

    def __call__(self, ys: np.ndarray, xs: np.ndarray, sharp: float) -> float:
        for leaf in self.leaves:
            leaf.grad = None
        ty, tx = torch.from_numpy(ys), torch.from_numpy(xs)
        goal = self.target[ty, tx].T  # 3 × pixels
        px, py = tx.to(self.dtype) + 0.5, ty.to(self.dtype) + 0.5
        loss = torch_loss(*self.leaves, px, py, goal, sharp, self.compose)
        loss.backward()
        return float(loss.detach())

    def grads(self) -> list[np.ndarray]:
        return [leaf.grad.double().numpy() for leaf in self.leaves]


# --- numba ---------------------------------------------------------------------------------


class NumbaStep:
    """One call of `loss_and_grad` as `descent.descend` makes it (RGB, no weight map)."""

    def __init__(self, params: Params, target: np.ndarray):
        self.p, self.target = params, target
        self.g = [np.zeros_like(params.geom), np.zeros_like(params.col_raw), np.zeros_like(params.bg_raw)]
        self.no_weight = np.zeros((0, 0))

    def __call__(self, ys: np.ndarray, xs: np.ndarray, sharp: float) -> float:
        p = self.p
        return sr.loss_and_grad(ys, xs, self.target, self.no_weight, False, p.kind, p.nv, p.geom, p.col_raw,
                                p.bg_raw, sharp, p.masks, *self.g)

    def grads(self) -> list[np.ndarray]:
        return [self.g[0][:, :3].copy(), self.g[1].copy(), self.g[2].copy()]


# --- the benchmark -------------------------------------------------------------------------


def _median_ms(step: Callable, args: tuple, reps: int, max_s: float) -> float:
    """Median ms of `step(*args)` over `reps` calls (at least 5, fewer than reps past max_s seconds)."""
    step(*args)  # warm (caches, allocator)
    times = []
    t_end = time.perf_counter() + max_s
    while len(times) < reps and (len(times) < 5 or time.perf_counter() < t_end):
        t0 = time.perf_counter()
        step(*args)
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


_COMPILE = """
import time
import numpy as np
from genart.generative.gradient import soft_render as sr
g, c, b = np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(3)
t0 = time.perf_counter()
sr.loss_and_grad(np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros((4, 4, 3)), np.zeros((0, 0)), False,
                 np.zeros(2, np.int64), np.zeros(2, np.int64), np.ones((2, 3)), c, b, 1.0, np.zeros((0, 4, 4)), g, c, b)
print(time.perf_counter() - t0)
"""


def _tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds to 1 GiB, so that torch's large temporaries are
    reused from the heap rather than mapped afresh (zero-filled pages, page faults) on every
    call: without it eager torch spends much of a big step in the kernel. False if not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        return bool(libc.mallopt(-3, 1 << 30) and libc.mallopt(-1, 1 << 30))  # M_MMAP_, M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        return False


def _numba_compile_seconds() -> float:
    """Seconds to compile `loss_and_grad` with an empty numba cache (in a child process)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = subprocess.run([sys.executable, "-c", _COMPILE], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| / max |b| (0 when both are 0)."""
    scale = float(np.abs(b).max()) if np.size(b) else 0.0
    diff = float(np.abs(a - b).max()) if np.size(b) else 0.0
    return diff / scale if scale > 0 else diff


def _elementwise_rel(a: np.ndarray, b: np.ndarray) -> float:
    """max over entries of |a − b| / |b|, over the entries with |b| > 1e-9 × max |b|."""
    keep = np.abs(b) > 1e-9 * np.abs(b).max()
    return float((np.abs(a - b)[keep] / np.abs(b)[keep]).max())


def numba_only(reps: int, max_seconds: float, seed: int) -> None:
    """numba's loss + gradient alone (no torch, or --quick): the median ms of each case at the final sharpness."""
    target = to_float(resize_to(data.astronaut(), SIZE))
    h, w = target.shape[:2]
    for n, share in CASES:
        params = seeding.initial_circles(target, n, np.ones((h, w)), np.random.default_rng(seed))
        ys, xs = _Batches(h, w, share, np.random.default_rng(seed + 1)).next()
        ms = _median_ms(NumbaStep(params, target), (ys, xs, SHARPS[-1]), reps, max_seconds)
        print(f"numba loss + gradient, {n} circles, {share:.0%} px, sharp {SHARPS[-1]:g}: {ms:.2f} ms")
        figure(f"numba, {n} circles, {share:.0%} px", ms, "ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=30, help="timed calls per figure, median taken (default 30)")
    ap.add_argument("--max-seconds", type=float, default=4.0, help="stop a figure's calls after this (default 4)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the circles and minibatches (default 0)")
    ap.add_argument("--plain-malloc", action="store_true", help="keep glibc's malloc thresholds (slower torch)")
    add_quick(ap)
    args = ap.parse_args()
    if torch is None or args.quick:
        if torch is None:
            print("torch is not installed: pip install torch==2.13.0 (CPU wheel) to compare with it; numba alone:")
        numba_only(args.reps if not args.quick else 3, args.max_seconds, args.seed)
        return
    tuned = not args.plain_malloc and _tune_malloc()
    default_threads = torch.get_num_threads()
    print(f"torch {torch.__version__} (default {default_threads} threads), numpy {np.__version__}; malloc: "
          + ("mmap/trim thresholds 1 GiB (--plain-malloc for glibc's defaults)" if tuned else "as is"))

    target = to_float(resize_to(data.astronaut(), SIZE))
    h, w = target.shape[:2]
    ones = np.ones((h, w))

    rng = np.random.default_rng(args.seed)
    tiny = seeding.initial_circles(target[:16, :16], 2, ones[:16, :16], rng)  # compiles (or loads) seeding
    t0 = time.perf_counter()
    NumbaStep(tiny, target[:16, :16])(*_Batches(16, 16, 1.0, rng).next(), 1.0)
    stats = sr.loss_and_grad.stats
    how = "loaded from numba's cache" if sum(stats.cache_hits.values()) else "compiled"
    print(f"numba loss_and_grad first call (16×16, 2 circles; {how}): {time.perf_counter() - t0:.2f} s; "
          f"compiled afresh (empty cache, another process): {_numba_compile_seconds():.2f} s")
    t0 = time.perf_counter()
    TorchStep(tiny, target[:16, :16], torch.float64, _colour_cumprod)(*_Batches(16, 16, 1.0, rng).next(), 1.0)
    print(f"torch first call (same 16×16 problem, float64): {1e3 * (time.perf_counter() - t0):.1f} ms")

    setups = {}
    for n in sorted({n for n, _ in CASES}):
        t0 = time.perf_counter()
        setups[n] = seeding.initial_circles(target, n, ones, np.random.default_rng(args.seed))
        print(f"{n} circles seeded in {time.perf_counter() - t0:.1f} s")

    # 1. agreement, float64
    torch.set_num_threads(1)
    print("\n1. agreement, float64: relative difference max |torch − numba| / max |numba| of the loss and of\n"
          "   each gradient (geom, col_raw, bg_raw); entrywise: the largest |torch − numba| / |numba| of any\n"
          "   gradient entry (those above 1e-9 × the largest); busy: share of circle × pixel pairs with\n"
          "   nonzero coverage (numba visits only those, torch computes all)")
    worst = 0.0
    for n, share in CASES:
        params = setups[n]
        ys, xs = _Batches(h, w, share, np.random.default_rng(args.seed + 1)).next()
        for sharp in SHARPS:
            ref = NumbaStep(params, target)
            ref_loss = ref(ys, xs, sharp)
            ref_g = ref.grads()
            px, py = (torch.from_numpy(v).double() + 0.5 for v in (xs, ys))
            busy = float((_coverage(torch.from_numpy(params.geom[:, :3]), px, py, sharp) > 0).double().mean())
            print(f"   {n} circles, {share:.0%} px, sharp {sharp:g}: loss {ref_loss:.6f}, busy {busy:.1%}")
            for name, compose in (("cumprod", _colour_cumprod), ("loop", _colour_loop)):
                tst = TorchStep(params, target, torch.float64, compose)
                loss = tst(ys, xs, sharp)
                g = tst.grads()
                rels = [abs(loss - ref_loss) / abs(ref_loss)] + [_rel(a, b) for a, b in zip(g, ref_g)]
                elem = max(_elementwise_rel(a, b) for a, b in zip(g, ref_g))
                worst = max(worst, *rels)
                print(f"      torch {name:7s}: loss {rels[0]:.1e}, geom {rels[1]:.1e}, col {rels[2]:.1e}, "
                      f"bg {rels[3]:.1e}; entrywise {elem:.1e}")
    print(f"   worst {worst:.1e} (tolerance {CHECK_TOL:g})")
    assert worst < CHECK_TOL, f"torch and numba disagree: {worst:.2e}"

    # 2. timings
    variants: list[tuple[str, Callable[[Params], Callable], int, float]] = []
    for sharp in SHARPS:
        variants.append((f"numba, sharp {sharp:g}", lambda p: NumbaStep(p, target), 1, sharp))
    for threads in sorted({1, default_threads}):
        for dtype, dname in ((torch.float64, "f64"), (torch.float32, "f32")):
            for name, compose in (("cumprod", _colour_cumprod), ("loop", _colour_loop)):
                variants.append((f"torch {name} {dname}, {threads} thr",
                                 lambda p, d=dtype, c=compose: TorchStep(p, target, d, c), threads, SHARPS[-1]))
    table: dict[str, list[float]] = {}
    for n, share in CASES:
        params = setups[n]
        ys, xs = _Batches(h, w, share, np.random.default_rng(args.seed + 1)).next()
        for label, make, threads, sharp in variants:
            torch.set_num_threads(threads)
            ms = _median_ms(make(params), (ys, xs, sharp), args.reps, args.max_seconds)
            table.setdefault(label, []).append(ms)
    torch.set_num_threads(default_threads)

    print(f"\n2. one loss + gradient evaluation, ms (median of up to {args.reps}); "
          f"in brackets: time / numba's at sharp {SHARPS[-1]:g}")
    heads = [f"{n} circles, {share:.0%} px ({max(64, round(share * h * w))})" for n, share in CASES]
    print(f"   {'backend':26s}" + "".join(f"{hd:>32s}" for hd in heads))
    base = table[f"numba, sharp {SHARPS[-1]:g}"]
    for label, row in table.items():
        cells = "".join(f"{ms:22.2f} ({ms / b:6.1f}×)" for ms, b in zip(row, base))
        print(f"   {label:26s}{cells}")
    print("   fastest torch variant vs numba (numba: one thread):")
    for k, hd in enumerate(heads):
        lo, hi = base[k], table[f"numba, sharp {SHARPS[0]:g}"][k]
        print(f"      {hd}: numba {lo:.2f} ms (sharp {SHARPS[-1]:g}) to {hi:.2f} ms (sharp {SHARPS[0]:g})")
        for threads in sorted({1, default_threads}):
            ms, label = min((row[k], label) for label, row in table.items()
                            if label.startswith("torch") and label.endswith(f" {threads} thr"))
            print(f"         {label}: {ms:.2f} ms, torch / numba = {ms / lo:.1f} to {ms / hi:.1f}")


if __name__ == "__main__":
    main()
