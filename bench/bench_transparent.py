"""Benchmark for issue 27: a transparent poster of a picture with alpha vs opaque fits over white and black.

The picture: skimage's astronaut at 256 px with a disc of alpha 255 (radius 90 px) and 0 around it.
For each `-n` (50, 100, 200) and grid (1x1, 2x2), same seed: the transparent fit (the picture's own
alpha, `genart.generative.hillclimb`), rendered antialiased with alpha and composited over white and
over black, against the picture composited over the same; and an opaque fit of each composite,
against it. Prints the RMSEs (0–255), their ratio (the issue asks at most 1.10), the coverage the
poster leaves outside the disc (mean alpha, 0–255) and the times.

    python bench/bench_transparent.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from PIL import Image
from record import add_quick, figure
from skimage import data

from genart.generative import hillclimb_tiles as E
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.images import Picture, rmse_255, working
from genart.render.cairo import render_array


def disc_picture() -> Picture:
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((256, 256), Image.Resampling.BOX))
    yy, xx = np.mgrid[:256, :256]
    alpha = np.where((xx - 128) ** 2 + (yy - 120) ** 2 < 90**2, 255, 0).astype(np.uint8)
    on_white = np.round(rgb * (alpha[..., None] / 255.0) + 255.0 * (1.0 - alpha[..., None] / 255.0))
    return Picture(on_white.astype(np.uint8), "astronaut in a disc", "0" * 64, alpha)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--grids", nargs="+", default=["1x1", "2x2"])
    parser.add_argument("--workers", type=int, default=2)
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.n, args.grids, args.workers = [8], ["1x1"], 1
    pic = disc_picture()
    print(f"{'n':>4} {'grid':<5} {'over':<6} {'transparent':>11} {'opaque':>7} {'ratio':>6} {'alpha outside':>13} "
          f"{'seconds (transparent, opaque)':>30}")
    for n in args.n:
        for grid in args.grids:
            tiles = (int(grid.split("x")[0]), int(grid.split("x")[1]))
            settings = EvolveSettings(shapes=n, climb=ClimbSettings(workers=args.workers), tiles=tiles)
            start = time.perf_counter()
            result = E.evolve(pic, settings)
            seconds = time.perf_counter() - start
            rgba = render_array(tiles_scene(result, pic, settings), 256, 256, alpha=True).astype(np.float64) / 255
            outside = float(rgba[..., 3][pic.alpha == 0].mean() * 255.0) if pic.alpha is not None else 0.0
            for name, level in (("white", 1.0), ("black", 0.0)):
                composite = pic.opaque((level, level, level))
                target = working(composite, 256).target
                shown = rgba[..., :3] * rgba[..., 3:] + level * (1.0 - rgba[..., 3:])
                start = time.perf_counter()
                opaque = E.evolve(composite, settings)
                opaque_seconds = time.perf_counter() - start
                opaque_rmse = rmse_255(render_array(tiles_scene(opaque, composite, settings), 256, 256), target)
                rmse = rmse_255(shown, target)
                print(f"{n:>4} {grid:<5} {name:<6} {rmse:11.2f} {opaque_rmse:7.2f} {rmse / opaque_rmse:6.3f} "
                      f"{outside:13.2f} {seconds:14.1f} {opaque_seconds:15.1f}", flush=True)
                figure(f"{n} {grid} over {name}: transparent / opaque RMSE", rmse / opaque_rmse, "x")


if __name__ == "__main__":
    main()
