"""Benchmark for issue 17: a big tiled poster on 1 and 2 local workers and on a 2-worker Dask LocalCluster (twice).

The picture is `skimage.data.astronaut()` at a working size of `--size` px (1,024 by
default) with `--shapes` triangles (20,000), in tiles of about `--tile-px` px (128).
Prints, per backend (the cluster on its workers' first run and again on the same workers): the
time, the speed-ups, the RMSE (RGB, 0–255, hard raster render at the working size) and the seam figures (`genart.generative.seams`, as `bench_seams.py`);
every backend must give the same scene. Then the per-shape cost and an extrapolation (said
so) to a 16-worker cluster and a 4,096-px poster: the tile jobs' schedule (`Plan`: a job starts once
the jobs before it whose reach boxes touch its own are drawn, so the border work, which the tiles'
reach does, runs in waves) replayed for that grid on 16 workers, each job costing what a job of the
same round cost per shape in the 1-worker run (drawn at random among them, seeded), plus that
run's time outside the jobs (this process: target, drawing, scheduling) for as many shapes, as if it
did not overlap the jobs. The full size takes many minutes on a 2-core machine; `--size 512 --shapes 5000`
is a quicker look.

    python bench/bench_poster.py                       # 1,024 px, 20,000 triangles
    python bench/bench_poster.py --size 512 --shapes 5000
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from bench_evolve import hard_rmse
from PIL import Image
from record import add_quick, figure
from skimage import data

import genart.generative.hillclimb_schedule as schedule
import genart.generative.hillclimb_tiles as E
from genart.bars import BarReporter
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result, TileState
from genart.generative.images import Picture
from genart.generative.seams import seam_gap
from genart.generative.tiling import reach_boxes, tile_boxes, tile_classes
from genart.render import cairo
from genart.render import scene as S

RUNNER_ARGS = ["--size", "512", "--shapes", "3000"]  # bench/run.py's full run: the small poster (4x4 tiles)

@dataclass
class Run:
    label: str
    seconds: float
    drawing: S.Scene
    result: Result
    pic: Picture
    jobs: list[tuple[int, int, float]] = field(default_factory=list)  # (round, shapes, seconds) of each tile job


@contextlib.contextmanager
def timed_jobs(into: list[tuple[int, int, float]], chunk: int) -> Iterator[None]:
    """Record (round, shapes, seconds) of every tile job run in this process (a 1-worker run runs them here)."""
    grow = schedule._grow_tile

    def timed(*args):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        grown = grow(*args)
        into.append((args[6] // chunk, len(grown.params), time.perf_counter() - start))
        return grown

    schedule._grow_tile = timed
    try:
        yield
    finally:
        schedule._grow_tile = grow


def picture(size: int) -> Picture:
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.LANCZOS))
    return Picture(rgb=rgb, name="astronaut", sha256="0" * 64)


def run(label: str, pic: Picture, settings: EvolveSettings, scheduler: str | None) -> Run:
    jobs: list[tuple[int, int, float]] = []
    timing = timed_jobs(jobs, settings.chunk) if settings.climb.workers == 1 and scheduler is None \
        else contextlib.nullcontext()
    start = time.perf_counter()
    with timing:
        result = E.evolve(pic, settings, reporter=BarReporter(), scheduler=scheduler)
    return Run(label, time.perf_counter() - start, tiles_scene(result, pic, settings), result, pic, jobs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="working size, px (1024)")
    parser.add_argument("--shapes", type=int, default=20000, help="triangles (20000)")
    parser.add_argument("--tile-px", type=int, default=128, help="about this many px a tile side (128)")
    parser.add_argument("--skip-one", action="store_true", help="leave out the 1-worker run")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.size, args.shapes, args.tile_px, args.skip_one = 128, 40, 64, True
    from distributed import LocalCluster

    pic = picture(args.size)
    grid = max(1, round(args.size / args.tile_px))
    print(f"astronaut at {args.size}x{args.size}, {args.shapes} triangles, {grid}x{grid} tiles, "
          "default effort (500 candidates, 8 repeats)", flush=True)
    runs: list[Run] = []
    for workers in ((2,) if args.skip_one else (1, 2)):
        settings = EvolveSettings(shapes=args.shapes, climb=ClimbSettings(workers=workers), tiles=(grid, grid),
                                    resize=args.size)
        runs.append(run(f"local, {workers} worker{'s' * (workers > 1)}", pic, settings, None))
        report(runs[-1])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        settings = EvolveSettings(shapes=args.shapes, climb=ClimbSettings(workers=2), tiles=(grid, grid), resize=args.size)
        runs.append(run("Dask LocalCluster, 2 workers", pic, settings, cluster.scheduler_address))
        report(runs[-1])
        # the same cluster again: its workers have imported genart and loaded the kernels (a local pool's
        # forked workers inherit them; a cluster's start them once, on its first run)
        runs.append(run("Dask, the same workers again", pic, settings, cluster.scheduler_address))
        report(runs[-1])
    dumps = {S.dumps(r.drawing.model_copy(update={"meta": {}})) for r in runs}
    print(f"same scene on every backend: {len(dumps) == 1}")
    two, cluster_run, warm = runs[-3], runs[-2], runs[-1]
    print(f"cluster vs local at 2 workers: {cluster_run.seconds / two.seconds:.3f}x the time "
          f"(its workers' first run; {warm.seconds / two.seconds:.3f}x on their second)")
    figure("same scene on every backend", float(len(dumps) == 1), "", "higher")
    for r in runs:
        figure(f"{r.label}: time", r.seconds)
    figure("cluster vs local at 2 workers", cluster_run.seconds / two.seconds, "x")
    figure("cluster vs local at 2 workers, warm workers", warm.seconds / two.seconds, "x")
    if not args.skip_one:
        one = runs[0]
        print(f"2 workers vs 1: {one.seconds / two.seconds:.2f}x")
        figure("2 workers vs 1", one.seconds / two.seconds, "x", "higher")
        per_shape = one.seconds / one.result.count
        print(f"per-shape cost, one worker: {per_shape * 1000:.1f} ms ({args.tile_px}-px tiles)")
        extrapolate(one, args)
    print("primitive at this size and shape count: not measured (its published figures are for 256 px and "
          "at most 200 shapes; see bench_evolve.py)")


def report(r: Run) -> None:
    png = cairo.render_array(r.drawing, r.pic.width, r.pic.height)
    seam = seam_gap(png, r.pic.rgb, _grid(r.result), (r.result.target.shape[1], r.result.target.shape[0]))
    print(f"{r.label:<30} {r.seconds:8.1f} s  RMSE {hard_rmse(r.drawing, r.result.target):6.2f}  excess edge at tile "
          f"borders {seam.border:+.2f}, a quarter tile inside {seam.inside:+.2f} (gap {seam.gap:+.2f} levels)", flush=True)


def _grid(result: Result) -> tuple[int, int]:
    columns = len({x0 for x0, _, _, _ in result.boxes})
    return columns, len(result.boxes) // columns


def waves(size: int, tile_px: int, shapes: int, workers: int, seconds: Callable[[int, int, int], float]) -> float:
    """When the last tile job of a `size`-px poster of `shapes` shapes in `tile_px`-px tiles ends on `workers`
    workers, the jobs started as the run starts them (`Plan`, earliest first) and tile i's job from its shape
    `first`, of `count` shapes, taking `seconds(i, first, count)`."""
    grid = max(1, round(size / tile_px))
    settings = EvolveSettings(shapes=shapes, tiles=(grid, grid), resize=size)
    boxes = tile_boxes(size, size, grid, grid)
    result = Result(np.zeros((1, 1, 3)), np.zeros(3), boxes, reach_boxes(size, size, grid, grid),
                    [TileState() for _ in boxes], settings.chunk, tile_classes(grid, grid), 0.0)
    plan = schedule.Plan(result, settings.quotas)
    now, ends, counts = 0.0, [], {}
    while True:
        for i in plan.ready()[: workers - len(counts)]:
            plan.start(i)
            first = len(result.tiles[i].params)
            counts[i] = plan.upto(i) - first
            heapq.heappush(ends, (now + seconds(i, first, counts[i]), i))
        if not ends:
            return now
        now, i = heapq.heappop(ends)
        result.tiles[i].params += [[]] * counts.pop(i)
        plan.drawn(i)


def extrapolate(one: Run, args: argparse.Namespace) -> None:
    """A 4,096-px poster on 16 workers, from the 1-worker run's job costs (an extrapolation, not a run)."""
    size, workers = 4096, 16
    shapes = args.shapes * (size // args.size) ** 2  # the same density of shapes
    chunk = one.result.chunk
    by_round: dict[int, list[float]] = {}
    for round_, count, seconds in one.jobs:
        if count:
            by_round.setdefault(round_, []).append(seconds / count)
    pooled = [cost for costs in by_round.values() for cost in costs]
    rng = np.random.default_rng(0)

    def cost(i: int, first: int, count: int) -> float:
        return count * float(rng.choice(by_round.get(first // chunk, pooled)))

    grid = max(1, round(size / args.tile_px))
    jobs = waves(size, args.tile_px, shapes, workers, cost)
    outside = (one.seconds - sum(seconds for _, _, seconds in one.jobs)) / one.result.count * shapes
    here = waves(args.size, args.tile_px, args.shapes, 2, cost)
    print(f"the schedule replayed for this poster on 2 workers: {here:.1f} s of tile jobs "
          f"({sum(seconds for _, _, seconds in one.jobs) / here:.2f}x faster than the 1-worker run's jobs one after another)")
    print(f"EXTRAPOLATED (not run): {size} px, {shapes} triangles, {grid}x{grid} tiles of {args.tile_px} px, "
          f"{workers} workers: tile jobs (border work included) ≈ {jobs / 60:.1f} min, this process's own work "
          f"≈ {outside / 60:.1f} min: ≈ {(jobs + outside) / 60:.1f} min in all")
    figure(f"extrapolated {size} px on {workers} workers", jobs + outside)


if __name__ == "__main__":
    main()
