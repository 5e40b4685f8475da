"""Growing Neural Gas speed and quality on the article's workload and at 100,000 points; the whole `genart gng` command.

    python bench/bench_gng.py [--repeat 5] [--skip-large] [--quick]

Prints one table row per workload: points, max nodes, signals, best-of-N wall time after
compilation (the compile or on-disk cache load is timed separately, on a tiny run),
final node and edge counts, mean point-to-nearest-node distance and components. Then the
whole command, `genart gng astronaut.png -o out.scene.json` on the {size}-px astronaut, as a fresh
process each time (interpreter, imports and numba's cache loading included): one first run
(which may compile and fill the cache), then the median and CPU time of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import skimage
from PIL import Image
from record import add_quick, figure

from genart.generative import gng
from genart.generative import points as pts
from genart.generative.components import count_components

ARTICLE = gng.GNGParams(step=0.2, neighbour_step=0.005, max_edge_age=50, max_nodes=2400,
                        n_iter_before_neuron_added=100, after_split_error_decay_rate=0.5,
                        error_decay_rate=0.995, min_distance_for_update=0.01, epochs=20, shuffle=True)


def article_points() -> np.ndarray:
    """astronaut()[30:180, 150:300], grey, blur 0.6, Otsu + 0.1: about 11,900 points."""
    face = skimage.data.astronaut()[30:180, 150:300]
    return pts.mask_points(pts.binarize(pts.blurred_grey(face, 0.6), "otsu", 0.1))


def large_points(n: int = 100_000) -> np.ndarray:
    """n dark pixels of the whole 512 x 512 astronaut (Otsu + 0.1), drawn without replacement."""
    cloud = pts.mask_points(pts.binarize(pts.blurred_grey(skimage.data.astronaut(), 0.6), "otsu", 0.1))
    return cloud[np.random.default_rng(0).choice(len(cloud), n, replace=False)]


def best_of(repeat: int, points: np.ndarray, params: gng.GNGParams) -> tuple[float, gng.GNGResult]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = gng.train(points, params)
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def whole_command(repeat: int, size: int = 512) -> None:
    """`genart gng` on the astronaut at `size` px, fresh processes: the first run apart, then the median of `repeat`."""
    with tempfile.TemporaryDirectory() as tmp:
        picture = Path(tmp) / "astronaut.png"
        Image.fromarray(skimage.data.astronaut()).resize((size, size), Image.Resampling.BOX).save(picture)
        argv = [sys.executable, "-m", "genart", "gng", str(picture), "-o", str(Path(tmp) / "out.scene.json"), "--quiet"]
        times, cpus = [], []
        for run in range(repeat + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            if run == 0:
                print(f"genart gng, {size}-px astronaut, first run: {seconds:.2f} s ({cpu:.2f} s CPU)")
                figure(f"genart gng {size} px, first run", seconds)
            else:
                times.append(seconds)
                cpus.append(cpu)
    if not times:
        return
    print(f"genart gng, {size}-px astronaut, whole command: median {statistics.median(times):.2f} s, best {min(times):.2f} s, "
          f"CPU {statistics.median(cpus):.2f} s (median of {repeat}; load average {os.getloadavg()[0]:.1f})")
    figure(f"genart gng {size} px, whole command, median", statistics.median(times))
    figure(f"genart gng {size} px, whole command, CPU", statistics.median(cpus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per workload; the best is reported")
    parser.add_argument("--skip-large", action="store_true", help="only the article's workload")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.skip_large = 1, True

    start = time.perf_counter()
    gng.train(np.random.default_rng(0).uniform(0, 10, (50, 2)), gng.GNGParams(max_nodes=5, epochs=1))
    print(f"first call (numba compile or cache load): {time.perf_counter() - start:.2f} s")

    article = ARTICLE.model_copy(update={"epochs": 2, "max_nodes": 200}) if args.quick else ARTICLE
    workloads = [("article: astronaut face", article_points(), article)]
    if not args.skip_large:
        workloads.append(("100k points, 10k nodes", large_points(),
                          gng.GNGParams(**{**vars(ARTICLE), "max_nodes": 10_000})))
    print("| workload | points | max nodes | epochs | signals | time (best of "
          f"{args.repeat}) | µs / signal | nodes | edges | mean distance (px) | components |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, points, params in workloads:
        seconds, result = best_of(args.repeat, points, params)
        graph = result.graph
        print(f"| {name} | {len(points):,} | {params.max_nodes:,} | {result.epochs} | {result.signals:,} | "
              f"{seconds:.3f} s | {1e6 * seconds / result.signals:.2f} | {len(graph.ids):,} | "
              f"{len(graph.edges):,} | {gng.mean_distance(points, graph):.3f} | "
              f"{count_components(graph.ids, graph.edges)} |", flush=True)
        figure(f"{name}: time", seconds)
        figure(f"{name}: µs per signal", 1e6 * seconds / result.signals, "µs")
        figure(f"{name}: mean distance", gng.mean_distance(points, graph), "px")
    whole_command(0 if args.quick else args.repeat, 128 if args.quick else 512)


if __name__ == "__main__":
    main()
