"""Benchmark for issue 3: greedy hill-climb vs primitive's figures, refinement, and anneal.

Target: `skimage.data.astronaut()` resized to 256×256. RMSE is RGB on the 0–255 scale,
measured on the hard raster render of the written scene at the working resolution
(refinement rows also give the antialiased poster render's, which refinement optimizes).
Prints one table row per run; primitive 1.0's reference figures (measured by the issue's
author, one worker) are printed beside them.

    python bench/bench_evolve.py             # everything (several minutes)
    python bench/bench_evolve.py --only greedy
    python bench/bench_evolve.py --only tiles   # seams, as issue 27 measures them (see also bench_seams.py)
    python bench/bench_evolve.py --only budget  # issue 33: 100 triangles + refinement in 20 s on 2 cores, 3 pictures
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from record import add_quick, figure
from skimage import data

from genart.generative.anneal import AnnealSettings, anneal, anneal_scene
from genart.generative.gradient import refine
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.hillclimb_state import Result
from genart.generative.hillclimb_tiles import evolve
from genart.generative.images import Picture, rmse_255, to_float
from genart.generative.methods.refine import RefineSettings, refine_scene
from genart.generative.seams import SeamGap, seam_gap
from genart.render import cairo, raster
from genart.render import scene as S

RUNNER_ARGS = ["--only", "greedy"]  # bench/run.py's full run (the other parts take several minutes more)
BUDGET_PICTURES = ("astronaut", "coffee", "chelsea")  # the astronaut is the row's; the others were never tuned on
PRIMITIVE = {("triangle", 100): (27.0, 16.0), ("triangle", 200): (21.0, 30.0), ("ellipse", 100): (29.5, 26.0)}


def picture(name: str = "astronaut") -> Picture:
    """A colour picture of `skimage.data` (astronaut, coffee, chelsea...) resized to 256×256."""
    from PIL import Image

    rgb = np.asarray(Image.fromarray(getattr(data, name)()).resize((256, 256), Image.Resampling.BOX))
    return Picture(rgb=rgb, name=name, sha256="0" * 64)


def seam_figures(drawing: S.Scene, result: Result, pic: Picture, tiles: tuple[int, int]) -> SeamGap:
    """The seam figures (`genart.generative.seams`) of the poster rendered at the picture's size."""
    png = cairo.render_array(drawing, pic.width, pic.height)
    return seam_gap(png, pic.rgb, tiles, (result.target.shape[1], result.target.shape[0]))


def hard_rmse(drawing: S.Scene, target: np.ndarray) -> float:
    return rmse_255(raster.render(drawing, target.shape[1], target.shape[0]), target)


def poster_rmse(drawing: S.Scene, target: np.ndarray) -> float:
    return rmse_255(cairo.render_array(drawing, target.shape[1], target.shape[0]), target)


def greedy(pic: Picture, shape: str, n: int, workers: int) -> tuple[S.Scene, float, np.ndarray, np.ndarray]:
    settings = EvolveSettings(shapes=n, climb=ClimbSettings(shape=shape, workers=workers), resize=256)
    start = time.perf_counter()
    result = evolve(pic, settings)
    seconds = time.perf_counter() - start
    return tiles_scene(result, pic, settings), seconds, result.target, result.background


def row(label: str, rmse: float, seconds: float, ref: tuple[float, float] | None = None) -> None:
    extra = f"   primitive: {ref[0]:.1f} in {ref[1]:.0f} s" if ref else ""
    print(f"{label:<44} RMSE {rmse:6.2f}  {seconds:7.2f} s{extra}", flush=True)
    figure(f"{label}: RMSE", rmse, "")
    figure(f"{label}: time", seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("greedy", "refine", "anneal", "tiles", "budget"), default=None)
    add_quick(parser)
    args = parser.parse_args()
    pic = picture()
    if args.quick:
        quick(pic)
        return
    start = time.perf_counter()
    greedy(pic, "triangle", 2, 1)
    greedy(pic, "ellipse", 2, 1)
    print(f"warm-up (numba compile or cache load): {time.perf_counter() - start:.2f} s")
    if args.only in (None, "greedy"):
        for shape in ("triangle", "ellipse"):
            for workers in (1, 2):
                for n in (50, 100, 200):
                    drawing, seconds, target, _ = greedy(pic, shape, n, workers)
                    ref = PRIMITIVE.get((shape, n)) if workers == 1 else None
                    row(f"hillclimb {n:3d} {shape}s, {workers} worker(s)", hard_rmse(drawing, target), seconds, ref)
    if args.only in (None, "tiles"):
        chelsea = Picture(rgb=data.chelsea(), name="chelsea", sha256="0" * 64)
        for tiles in ((2, 2), (4, 4)):
            settings = EvolveSettings(shapes=400, climb=ClimbSettings(workers=2), tiles=tiles, resize=256)
            result = evolve(chelsea, settings)
            seam = seam_figures(tiles_scene(result, chelsea, settings), result, chelsea, tiles)
            row(f"hillclimb 400 triangles, chelsea, {tiles[0]}x{tiles[1]} tiles", result.rmse, result.seconds)
            print(f"    excess edge at tile borders {seam.border:+.2f}, a quarter tile inside {seam.inside:+.2f} "
                  f"(gap {seam.gap:+.2f} levels)", flush=True)
    if args.only in (None, "refine"):
        for (shape, n), (ref_rmse, ref_seconds) in PRIMITIVE.items():
            drawing, seconds, target, background = greedy(pic, shape, n, 1)
            before = hard_rmse(drawing, target)
            start = time.perf_counter()
            fit = refine(target, drawing.layers[0].shapes, background, seconds=ref_seconds - seconds - 1.0)
            total = seconds + time.perf_counter() - start
            refined = S.Scene(canvas=S.Canvas(width=256, height=256, background=(*fit.background, 1.0)),
                              layers=[S.ShapesLayer(shapes=fit.shapes)])
            after = hard_rmse(refined, target)
            print(f"hillclimb + refine {n} {shape}s, 1 worker: greedy {before:.2f} -> {after:.2f} "
                  f"in {total:.1f} s; primitive {ref_rmse} in {ref_seconds:.0f} s "
                  f"({100 * (1 - after / ref_rmse):.1f}% below); poster render: "
                  f"greedy {poster_rmse(drawing, target):.2f} -> {poster_rmse(refined, target):.2f}", flush=True)
    if args.only in (None, "budget"):
        for name in BUDGET_PICTURES:
            budget(picture(name))
    if args.only in (None, "anneal"):
        for evaluations in (2_000, 20_000):
            settings = AnnealSettings(polygons=200 // 16, evaluations=evaluations, tiles=(4, 4), workers=2)
            result = anneal(pic, settings)
            drawing = anneal_scene(result, pic, settings)
            row(f"anneal 4x4 tiles x 12 triangles, {evaluations} evals/tile, 2 workers",
                hard_rmse(drawing, to_float(pic.rgb)), result.seconds)


def budget(pic: Picture, seconds: float = 20.0, workers: int = 2, shapes: int = 100) -> None:
    """Issue 33's row: 100 triangles, greedy then `genart evolve`'s refinement, `seconds` in all on `workers` cores."""
    started, cpu = time.perf_counter(), time.process_time()
    drawing, greedy_seconds, target, _ = greedy(pic, "triangle", shapes, workers)
    before = hard_rmse(drawing, target)
    settings = RefineSettings(seconds=seconds - (time.perf_counter() - started))
    refined = refine_scene(drawing, pic, settings)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    after, poster = hard_rmse(refined, target), poster_rmse(refined, target)
    print(f"{shapes} triangles + refine, {pic.name}, {workers} workers, {seconds:.0f} s: greedy {before:.2f} in "
          f"{greedy_seconds:.1f} s -> {after:.2f} (refinement {total - greedy_seconds:.1f} s, {settings.rounds} rounds); "
          f"poster {poster_rmse(drawing, target):.2f} -> {poster:.2f}; {total:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    figure(f"{shapes} triangles + refine in {seconds:.0f} s, {pic.name}: RMSE", after, "")
    figure(f"{shapes} triangles + refine in {seconds:.0f} s, {pic.name}: poster RMSE", poster, "")


def quick(pic: Picture) -> None:
    """A few shapes of each part, on a 64-px picture: the bench runs (bench/run.py --quick)."""
    from PIL import Image

    small = Picture(rgb=np.asarray(Image.fromarray(pic.rgb).resize((64, 64), Image.Resampling.BOX)), name="astronaut",
                    sha256="0" * 64)
    settings = EvolveSettings(shapes=6, climb=ClimbSettings(workers=1), resize=64)
    result = evolve(small, settings)
    drawing = tiles_scene(result, small, settings)
    row("hillclimb 6 triangles, 64 px", hard_rmse(drawing, result.target), result.seconds)
    fit = refine(result.target, drawing.layers[0].shapes, result.background, seconds=0.5)
    refined = S.Scene(canvas=drawing.canvas, layers=[S.ShapesLayer(shapes=fit.shapes)])
    row("hillclimb + refine 6 triangles, 64 px", hard_rmse(refined, result.target), result.seconds + 0.5)
    budget(small, seconds=1.0, workers=1, shapes=6)
    annealed = anneal(small, AnnealSettings(polygons=2, evaluations=200, tiles=(2, 2), workers=1))
    row("anneal 2x2 tiles x 2 triangles, 200 evals/tile", hard_rmse(anneal_scene(annealed, small,
        AnnealSettings(polygons=2, evaluations=200, tiles=(2, 2), workers=1)), to_float(small.rgb)), annealed.seconds)


if __name__ == "__main__":
    main()
