"""Benchmark for issue 27: tile seams, measured as the issue does (`genart.generative.seams`), with quality and time.

For each picture (skimage's chelsea, the issue's; hubble_deep_field and colorwheel, which the
seam tests use) and each grid (2x2, 3x3, 4x4), `-n` triangles (400) at the default effort and
working size (256 px), on `--workers` (2): the tiled fit's time, its poster RMSE (the
antialiased render at the working size, as `genart evolve` reports it), and the seam figures
on the render at the picture's size (as the written PNG): excess edge at the tile borders,
a quarter tile inside them, and their gap; then the same figures of one untiled fit (same
`-n` and seed) at the same lines. The last column looks for lines the tiles' reach could
leave (a tile's shapes stop between half and all of REACH of a tile past its border): the
most excess edge the tiled poster has over the untiled one on any line 2 px to a full reach
from the borders (3-line groups every 2 px, both sides).

    python bench/bench_seams.py
    python bench/bench_seams.py --pictures chelsea --grids 2x2 --workers 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from record import add_quick, figure
from skimage import data

from genart.generative import hillclimb_tiles as E
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.images import Picture, rmse_255, working
from genart.generative.seams import border_positions, excess_at, seam_gap
from genart.generative.tiling import REACH
from genart.render import scene as S
from genart.render.cairo import render_array

RUNNER_ARGS = ["--pictures", "chelsea", "colorwheel"]  # bench/run.py's full run (within its 10 minutes)
PICTURES = {"chelsea": data.chelsea, "hubble": data.hubble_deep_field, "colorwheel": data.colorwheel}


def worst_reach_line(png: np.ndarray, plain: np.ndarray, picture: np.ndarray, tiles: tuple[int, int],
                     work: tuple[int, int], scale: float) -> float:
    """The most excess edge `png` has over `plain` on lines at the same distance from every border, from 2 px
    to a full reach (REACH of a tile) out."""
    columns, rows = border_positions(work[0], tiles[0], scale), border_positions(work[1], tiles[1], scale)
    reach = REACH * min(work[0] / tiles[0], work[1] / tiles[1]) * scale
    worst = -np.inf
    for d in np.arange(2.0, reach + 1.0, 2.0):
        at_x = [x + side * d for x in columns for side in (-1, 1)]
        at_y = [y + side * d for y in rows for side in (-1, 1)]
        worst = max(worst, excess_at(png, picture, at_x, at_y) - excess_at(plain, picture, at_x, at_y))
    return float(worst)


def fit(pic: Picture, n: int, tiles: tuple[int, int], workers: int) -> tuple[S.Scene, float, tuple[int, int]]:
    settings = EvolveSettings(shapes=n, climb=ClimbSettings(workers=workers), tiles=tiles)
    start = time.perf_counter()
    result = E.evolve(pic, settings)
    seconds = time.perf_counter() - start
    return tiles_scene(result, pic, settings), seconds, (result.target.shape[1], result.target.shape[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", nargs="+", choices=list(PICTURES), default=list(PICTURES))
    parser.add_argument("--grids", nargs="+", default=["2x2", "3x3", "4x4"])
    parser.add_argument("-n", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.pictures, args.grids, args.n, args.workers = ["chelsea"], ["2x2"], 12, 1
    grids = [tuple(int(v) for v in g.split("x")) for g in args.grids]
    fit(Picture(data.chelsea()[:64, :64].copy(), "warm-up", "0" * 64), 8, (2, 2), 1)  # numba's cache loaded
    print(f"{args.n} triangles, default effort, 256 px working size, {args.workers} worker(s); levels 0-255")
    print(f"{'picture':<11} {'grid':<5} {'seconds':>8} {'RMSE':>6} {'border':>7} {'inside':>7} {'gap':>6}   "
          f"{'untiled: border':>15} {'inside':>7} {'gap':>6}   {'worst line within reach':>23}")
    for name in args.pictures:
        pic = Picture(np.ascontiguousarray(PICTURES[name]()[..., :3]), name, "0" * 64)
        target = working(pic, 256).target
        plain, plain_seconds, work = fit(pic, args.n, (1, 1), args.workers)
        plain_png = render_array(plain, pic.width, pic.height)
        scale = max(pic.width / work[0], pic.height / work[1])
        print(f"{name:<11} {'1x1':<5} {plain_seconds:8.1f} {rmse_255(render_array(plain, *work), target):6.2f}")
        for tiles in grids:
            drawing, seconds, _ = fit(pic, args.n, tiles, args.workers)
            png = render_array(drawing, pic.width, pic.height)
            tiled, untiled = seam_gap(png, pic.rgb, tiles, work), seam_gap(plain_png, pic.rgb, tiles, work)
            print(f"{name:<11} {tiles[0]}x{tiles[1]:<3} {seconds:8.1f} {rmse_255(render_array(drawing, *work), target):6.2f} "
                  f"{tiled.border:+7.2f} {tiled.inside:+7.2f} {tiled.gap:+6.2f}   {untiled.border:+15.2f} "
                  f"{untiled.inside:+7.2f} {untiled.gap:+6.2f}   "
                  f"{worst_reach_line(png, plain_png, pic.rgb, tiles, work, scale):+23.2f}", flush=True)
            figure(f"{name} {tiles[0]}x{tiles[1]}: time", seconds)
            figure(f"{name} {tiles[0]}x{tiles[1]}: seam gap", tiled.gap, "levels")


if __name__ == "__main__":
    main()
