"""Benchmark: a 10,000-triangle scene rendered to a 1920-px PNG with cairo (issue 2).

The triangles imitate an evolved scene: centres uniform over a 256-unit canvas, sizes
log-uniform from 1 to 20 units (a few large, many small), random translucent colours,
so the 10,000 shapes cover the canvas about ten times over. Prints the best of 5 (--quick: 1,000 triangles, 256 px, best of 2).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
from record import add_quick, figure

from genart.render import cairo
from genart.render import scene as S


def triangle_scene(n: int = 10_000, seed: int = 0) -> S.Scene:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 256, (n, 1, 2))
    sizes = np.exp(rng.uniform(np.log(1), np.log(20), (n, 1, 1)))
    points = centres + rng.normal(0, 1, (n, 3, 2)) * sizes
    colors = np.concatenate([rng.uniform(0, 1, (n, 3)), rng.uniform(0.2, 0.8, (n, 1))], axis=1)
    shapes = [S.Polygon(points=[tuple(p) for p in tri], color=tuple(c)) for tri, c in zip(points, colors)]
    return S.Scene(canvas=S.Canvas(width=256, height=256), layers=[S.ShapesLayer(shapes=shapes)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick(parser)
    args = parser.parse_args()
    n, width, repeats = (1_000, 256, 2) if args.quick else (10_000, 1920, 5)
    drawing = triangle_scene(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.png")
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            cairo.render_png(drawing, path, width=width)
            times.append(time.perf_counter() - start)
        size = os.path.getsize(path)
    print(f"{n:,} triangles -> {width}x{width} PNG: best {min(times):.3f} s, median {np.median(times):.3f} s "
          f"({os.cpu_count()} cores, PNG {size / 1e6:.1f} MB)")
    figure(f"{n} triangles to a {width}-px PNG, best", min(times))
    figure(f"{n} triangles to a {width}-px PNG, median", float(np.median(times)))


if __name__ == "__main__":
    main()
