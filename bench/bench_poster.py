"""Benchmark for issue 17: a big tiled poster on 1 and 2 local workers and on a 2-worker Dask LocalCluster.

The picture is `skimage.data.astronaut()` at a working size of `--size` px (1,024 by
default) with `--shapes` triangles (20,000), in tiles of about `--tile-px` px (128) and
the seam pass. Prints, per backend: the time of the tile rounds and of the seam pass, the
total, the speed-ups, the RMSE (RGB, 0–255, hard raster render at the working size) and
the seam check (mean |error| within 3 px of a tile border vs elsewhere, as
`bench_evolve.py --only tiles` does); every backend must give the same scene. Then the
per-tile-shape cost and an extrapolation (said so) to a 16-worker cluster and a 4,096-px
poster. The full size takes many minutes on a 2-core machine; `--size 512 --shapes 5000`
is a quicker look.

    python bench/bench_poster.py                       # 1,024 px, 20,000 triangles
    python bench/bench_poster.py --size 512 --shapes 5000
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
from bench_evolve import hard_rmse, seam_errors
from PIL import Image
from skimage import data

import genart.generative.hillclimb_tiles as E
from genart.generative.hillclimb import ClimbSettings
from genart.generative.images import Picture
from genart.render import scene as S


@dataclass
class Run:
    label: str
    tiles_seconds: float
    seam_seconds: float
    drawing: S.Scene
    result: E.Result

    @property
    def seconds(self) -> float:
        return self.tiles_seconds + self.seam_seconds


def picture(size: int) -> Picture:
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.LANCZOS))
    return Picture(rgb=rgb, name="astronaut", sha256="0" * 64)


def run(label: str, pic: Picture, settings: E.EvolveSettings, scheduler: str | None) -> Run:
    """One poster; the seam pass's start is noted by wrapping `_seam_evolution`."""
    seam_started: list[float] = []
    original = E._seam_evolution

    def noted(result: E.Result, cfg: E.EvolveSettings):  # type: ignore[no-untyped-def]
        seam_started.append(time.perf_counter())
        return original(result, cfg)

    E._seam_evolution = noted  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        result = E.evolve(pic, settings, progress=True, scheduler=scheduler)
        end = time.perf_counter()
    finally:
        E._seam_evolution = original  # type: ignore[assignment]
    drawing = E.tiles_scene(result, pic, settings)
    return Run(label, seam_started[0] - start, end - seam_started[0], drawing, result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="working size, px (1024)")
    parser.add_argument("--shapes", type=int, default=20000, help="triangles (20000)")
    parser.add_argument("--tile-px", type=int, default=128, help="about this many px a tile side (128)")
    parser.add_argument("--skip-one", action="store_true", help="leave out the 1-worker run")
    args = parser.parse_args()
    from distributed import LocalCluster

    pic = picture(args.size)
    grid = max(1, round(args.size / args.tile_px))
    print(f"astronaut at {args.size}x{args.size}, {args.shapes} triangles, {grid}x{grid} tiles "
          f"(+ {round(args.shapes * E.SEAM_SHARE)} seam shapes), default effort (500 candidates, 8 repeats)", flush=True)
    runs: list[Run] = []
    for workers in ((2,) if args.skip_one else (1, 2)):
        settings = E.EvolveSettings(n=args.shapes, climb=ClimbSettings(workers=workers), tiles=(grid, grid),
                                    resize=args.size)
        runs.append(run(f"local, {workers} worker{'s' * (workers > 1)}", pic, settings, None))
        report(runs[-1])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        settings = E.EvolveSettings(n=args.shapes, climb=ClimbSettings(workers=2), tiles=(grid, grid), resize=args.size)
        runs.append(run("Dask LocalCluster, 2 workers", pic, settings, cluster.scheduler_address))
        report(runs[-1])
    dumps = {S.dumps(r.drawing.model_copy(update={"meta": {}})) for r in runs}
    print(f"same scene on every backend: {len(dumps) == 1}")
    two, cluster_run = runs[-2], runs[-1]
    print(f"cluster vs local at 2 workers: {cluster_run.seconds / two.seconds:.3f}x the time "
          f"(tiles {cluster_run.tiles_seconds / two.tiles_seconds:.3f}x)")
    tile_shapes = sum(len(t.params) for t in runs[0].result.tiles)
    seam_shapes = len(runs[0].result.seams.params)
    if not args.skip_one:
        one = runs[0]
        print(f"2 workers vs 1: {one.seconds / two.seconds:.2f}x overall, {one.tiles_seconds / two.tiles_seconds:.2f}x "
              f"on the tiles (the seam pass runs on this machine's threads)")
        per_shape = one.tiles_seconds / tile_shapes
        per_seam = one.seam_seconds / max(seam_shapes, 1)
        print(f"per-tile-shape cost, one worker: {per_shape * 1000:.1f} ms ({args.tile_px}-px tiles); "
              f"seam shape: {per_seam * 1000:.1f} ms")
        extrapolate(per_shape, per_seam, args)
    print("primitive at this size and shape count: not measured (its published figures are for 256 px and "
          "at most 200 shapes; see bench_evolve.py)")


def report(r: Run) -> None:
    border, interior = seam_errors(r.drawing, r.result)
    print(f"{r.label:<30} tiles {r.tiles_seconds:8.1f} s  seams {r.seam_seconds:7.1f} s  total {r.seconds:8.1f} s  "
          f"RMSE {hard_rmse(r.drawing, r.result.target):6.2f}  |error| at tile borders {border:.2f}, "
          f"elsewhere {interior:.2f} (ratio {border / interior:.3f})", flush=True)


def extrapolate(per_shape: float, per_seam: float, args: argparse.Namespace) -> None:
    """A 4,096-px poster on 16 workers, from the measured costs (an extrapolation, not a run)."""
    size, workers = 4096, 16
    shapes = args.shapes * (size // args.size) ** 2  # the same density of shapes
    grid = size // args.tile_px
    seam = round(shapes * E.SEAM_SHARE)
    tiles_seconds = (shapes - seam) * per_shape / workers
    seam_seconds = seam * per_seam * (size / args.size)  # a seam shape spans rows in proportion to the size
    print(f"EXTRAPOLATED (not run): {size} px, {shapes} triangles, {grid}x{grid} tiles of {args.tile_px} px, "
          f"{workers} workers: tiles ≈ {tiles_seconds / 60:.0f} min, seam pass (one machine, serial per shape, "
          f"{seam} shapes) ≈ {seam_seconds / 60:.0f} min on one core")


if __name__ == "__main__":
    main()
