"""Photo mosaic benchmark: indexing speed-up, match quality and matching time.

    python bench/make_collection.py /tmp/photos --count 10000
    python bench/bench_mosaic.py /tmp/photos --work /tmp/mosaic_bench
    python bench/bench_mosaic.py            # makes (once) and uses /tmp/genart-bench/photos-10000

Quality: a 100×100-cell mosaic of skimage's astronaut (512²) drawn with 16-px tiles,
area-downsampled to 512 px and compared with the target (RMSE on 0–255, SSIM over RGB).
Indexing runs --rounds times with 1 and with 2 processes, alternating (so a slow spell of
the machine hits both), and the speed-up is the ratio of the medians. Other times are the
best of --repeat runs; numba compile time is kept out (a warm-up call first).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import skimage.data as data
from make_collection import make_collection
from PIL import Image
from record import add_quick, figure
from skimage.metrics import structural_similarity

from genart.generative.mosaic.build import plan_mosaic
from genart.generative.mosaic.collection import Collection
from genart.generative.mosaic.features import cell_features, tile_features
from genart.generative.mosaic.image import cell_bands, write_mosaic_image
from genart.generative.mosaic.index import index_folder
from genart.generative.mosaic.match import assign, match

RUNNER_ARGS = ["--rounds", "3"]  # bench/run.py's full run
MADE = Path("/tmp/genart-bench")  # where collections made for want of a photos folder are kept


def best_of(repeat: int, fn):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def quality(collection: Collection, tiles: list[int], target: np.ndarray, grid: int = 100) -> tuple[float, float]:
    layer = plan_mosaic(collection, target, 1, 1).layer.model_copy(update={"columns": grid, "rows": grid, "tiles": tiles, "cell_colors": None})
    img = np.concatenate([b.copy() for b in cell_bands(collection, layer, 16)])
    small = np.asarray(Image.fromarray(img).resize(target.shape[1::-1], Image.Resampling.BOX), np.float64)
    rmse = float(np.sqrt(np.mean((small - target) ** 2)))
    return rmse, float(structural_similarity(small, target.astype(np.float64), channel_axis=2, data_range=255))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", type=Path, nargs="?", help="photo folder (default: a made one, kept in /tmp/genart-bench)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/mosaic_bench"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=7, help="indexing runs per process count (default 7)")
    parser.add_argument("--skip-index", action="store_true")
    add_quick(parser)
    args = parser.parse_args()
    count, grid, half, subset, cell_px = (400, 20, 10, 200, 16) if args.quick else (10_000, 100, 50, 5000, 64)
    if args.quick:
        args.rounds, args.repeat, args.work = 1, 1, MADE / "quick-work"
    if args.photos is None:
        args.photos = MADE / f"photos-{count}"
        if not args.photos.is_dir():
            make_collection(args.photos, count, 0, progress=False)
    args.work.mkdir(parents=True, exist_ok=True)
    coll = args.work / "collection.npz"

    if not args.skip_index:
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.rounds):
            for jobs in (1, 2):
                out = args.work / f"index{jobs}.npz"
                out.unlink(missing_ok=True)
                t, report = best_of(1, lambda out=out, jobs=jobs: index_folder(args.photos, out, jobs=jobs))
                times[jobs].append(t)
                print(f"index {report.processed} photos, {jobs} process(es): {t:.1f} s ({report.processed / t:.0f} photos/s); "
                      f"{report.tiles} tiles, {report.duplicates} near-duplicates")
        one, two = float(np.median(times[1])), float(np.median(times[2]))
        print(f"index medians: 1 process {one:.1f} s, 2 processes {two:.1f} s: speed-up {one / two:.2f}×")
        figure("index, 1 process", one)
        figure("index, 2 processes", two)
        figure("index speed-up", one / two, "x", "higher")
        (args.work / "index2.npz").replace(coll)
        t, report = best_of(args.repeat, lambda: index_folder(args.photos, coll))
        print(f"re-index unchanged folder: {t:.2f} s ({report.processed} read, {report.reused} reused)")

    t, collection = best_of(args.repeat, lambda: Collection.load(coll))
    print(f"load collection ({len(collection)} tiles, {coll.stat().st_size / 1e6:.0f} MB): {t * 1000:.0f} ms")
    target = data.astronaut()
    match(np.zeros((2, 3)), np.ones((3, 3)), "nearest", columns=2, rows=1, no_adjacent_repeats=True)  # numba warm-up
    for features, space in (("mean", "rgb"), ("mean", "lab"), ("4x4", "lab"), ("4x4", "rgb"), ("6x6", "rgb"), ("8x8", "rgb")):
        t, mosaic = best_of(args.repeat, lambda f=features, c=space: plan_mosaic(collection, target, grid, grid, "nearest", features=f, space=c))
        rmse, ssim = quality(collection, mosaic.layer.tiles, target, grid)
        print(f"nearest {features:>4} {space}: RMSE {rmse:.2f}  SSIM {ssim:.3f}  ({t:.2f} s features + match)")
        figure(f"nearest {features} {space}: RMSE", rmse, "")
    t, mosaic = best_of(1, lambda: plan_mosaic(collection, target, grid, grid, "nearest", no_adjacent_repeats=True))
    rmse, ssim = quality(collection, mosaic.layer.tiles, target, grid)
    print(f"nearest 6x6 rgb, no adjacent repeats: RMSE {rmse:.2f}  SSIM {ssim:.3f}  ({t:.2f} s)")

    cells = cell_features(target, half, half, "6x6")
    tiles = tile_features(collection, "6x6")[:subset]
    assign(np.random.rand(3000, 3), np.random.rand(3000, 3))  # numba warm-up of the auction
    t, exact_cost = best_of(1, lambda: _exact_cost(cells, tiles))
    print(f"unique {half**2:,} cells over {subset:,} tiles, exact (linear_sum_assignment): {t:.2f} s, cost {exact_cost:.6g}")
    t, result = best_of(1, lambda: assign(cells, tiles, 1))
    figure(f"unique {half**2} cells over {subset} tiles: time", t)
    print(f"unique {half**2:,} cells over {subset:,} tiles, auction: {t:.2f} s, {100 * (result.cost / exact_cost - 1):.3f}% above "
          f"the optimum (certified <= {100 * (result.cost / result.bound - 1):.3f}%)")
    greedy_cost = _greedy_cost(cells, tiles)
    print(f"  greedy pass for comparison: cost {greedy_cost:.6g} ({100 * (greedy_cost / exact_cost - 1):.0f}% worse)")
    t, result = best_of(1, lambda: match(cells, tiles[: subset // 4], "budget", reuse=2))
    print(f"budget K=2, {half**2:,} cells over {subset // 4:,} tiles: {t:.2f} s, most uses {np.bincount(result.tiles).max()}")
    big = cell_features(target, grid, grid, "6x6")
    t, result = best_of(1, lambda: assign(big, tiles, 2))
    figure(f"budget K=2, {grid**2} cells over {subset} tiles: time", t)
    print(f"budget K=2, {grid**2:,} cells over {subset:,} tiles: {t:.2f} s, most uses {np.bincount(result.tiles).max()}, "
          f"certified within {100 * (result.cost / result.bound - 1):.3f}% of the optimum; peak RSS {_rss():.0f} MB")
    alltiles = tile_features(collection, "6x6")
    n = min(grid * grid, len(alltiles)) // grid * grid
    t, result = best_of(1, lambda: assign(cell_features(target, grid, n // grid, "6x6"), alltiles, 1))
    print(f"unique {n:,} cells over {len(alltiles):,} tiles: {t:.2f} s, certified within "
          f"{100 * (result.cost / result.bound - 1):.3f}% of the optimum; peak RSS {_rss():.0f} MB")
    figure(f"unique {n} cells over {len(alltiles)} tiles: time", t)
    figure(f"unique {n} cells over {len(alltiles)} tiles: certified gap", 100 * (result.cost / result.bound - 1), "%")

    mosaic = plan_mosaic(collection, target, grid, grid, "nearest")
    tracemalloc.start()
    t, _ = best_of(1, lambda: write_mosaic_image(collection, mosaic.layer, args.work / "big.png", cell_px))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = (args.work / "big.png").stat().st_size / 1e6
    side = grid * cell_px
    print(f"stream {side:,}x{side:,} PNG ({grid}x{grid} cells of {cell_px} px, {size:.0f} MB): {t:.1f} s, peak traced memory "
          f"{peak / 1e6:.1f} MB (one RGB copy would be {side * side * 3 / 1e6:.0f} MB)")
    figure(f"stream {side}-px PNG: time", t)
    figure(f"stream {side}-px PNG: peak traced memory", peak / 1e6, "MB")
    print(f"process peak RSS: {_rss():.0f} MB")


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _exact_cost(cells: np.ndarray, tiles: np.ndarray) -> float:
    from scipy.optimize import linear_sum_assignment

    from genart.generative.mosaic.match import cost_matrix

    cost = cost_matrix(cells, tiles)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].sum())


def _greedy_cost(cells: np.ndarray, tiles: np.ndarray) -> float:
    """Cells in order of their best match each take their nearest tile still free."""
    from genart.generative.mosaic.match import cost_matrix

    cost = cost_matrix(cells, tiles)
    free = np.ones(len(tiles), bool)
    total = 0.0
    for i in np.argsort(cost.min(axis=1)):
        j = int(np.argmin(np.where(free, cost[i], np.inf)))
        free[j] = False
        total += float(cost[i, j])
    return total


if __name__ == "__main__":
    main()
