"""Benchmark for issue 31's plots: how close the ink of a pen plot comes to the picture, and what vpype's order saves.

The picture is skimage's `logo` (on white, 128 px), fitted with 300 triangles (seed 3), and
plotted on A5 (8 mm margin) with a 0.3 mm pen; for each choice of pens and hatch spacing it
prints the time of the plot (overlay and hatching; vpype's order), the summary line, the pen-up
travel of the strokes in scene order (as genart makes them, each hatch line drawn one way) and
after vpype's order, and the RMSE (RGB, 0–255) against the picture of: the ink preview (at
`--dpi`, the picture's part of the page shrunk to the picture's size by area averaging), the
scene's poster (cairo) and a blank page (the floor), and of the ink preview against the poster. Then the same for a GNG drawing of
skimage's `horse` (400 nodes), whose baseline is its edges drawn one by one in scene order
(a line drawing: its ink is compared with its poster; against the filled silhouette the figure means little).

    python bench/bench_plot.py
    python bench/bench_plot.py --dpi 300
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import skimage.data
import skimage.transform
from PIL import Image
from record import add_quick, figure

import genart
from genart.plot.document import optimize, pen_up_mm, summary, to_document
from genart.plot.preview import ink_preview
from genart.plot.settings import PlotSettings
from genart.plot.strokes import scene_strokes
from genart.render import cairo
from genart.render import scene as S


def logo_picture() -> np.ndarray:
    """skimage's logo composited on white, 128 × 128 RGB uint8."""
    logo = skimage.data.logo()
    alpha = logo[..., 3:4] / 255.0
    rgb = logo[..., :3] * alpha + 255.0 * (1.0 - alpha)
    return (skimage.transform.resize(rgb / 255.0, (128, 128), anti_aliasing=True) * 255).astype(np.uint8)


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def ink_rmse(document, page, drawing: S.Scene, picture: np.ndarray, dpi: float) -> float:
    """RMSE of the ink preview's picture area, shrunk to the picture's size (area averaging), against it."""
    ink = ink_preview(document, dpi)
    per_mm = ink.shape[1] / page.width_mm
    x0, y0, x1, y1 = (round(v * per_mm) for v in page.picture_mm(drawing.canvas.width, drawing.canvas.height))
    h, w = picture.shape[:2]
    shrunk = np.asarray(Image.fromarray(ink[y0:y1, x0:x1]).resize((w, h), Image.Resampling.BOX))
    return rmse(shrunk, picture)


def plot_row(drawing: S.Scene, picture: np.ndarray, settings: PlotSettings, dpi: float, label: str,
             baseline=None) -> None:
    began = time.perf_counter()
    strokes = scene_strokes(drawing, settings)
    hatched = time.perf_counter()
    raw = to_document(strokes, settings.pen_mm)
    document = optimize(raw)
    ordered = time.perf_counter()
    before = pen_up_mm(raw) if baseline is None else baseline(strokes.page)
    after = pen_up_mm(document)
    print(f"{label}: overlay+hatch {hatched - began:.1f} s, vpype order {ordered - hatched:.1f} s")
    print(f"  {summary(document, settings.speed_mm_s, settings.lift_seconds).line()}")
    print(f"  pen up: scene order {before / 1000:.2f} m, vpype's order {after / 1000:.2f} m ({after / before:.1%})")
    h, w = picture.shape[:2]
    poster = cairo.render_array(drawing, w, h)
    ink = ink_rmse(document, strokes.page, drawing, picture, dpi)
    print(f"  RMSE of the ink preview: vs the picture {ink:.2f}, "
          f"vs the poster {ink_rmse(document, strokes.page, drawing, poster, dpi):.2f}")
    figure(f"{label}: time", ordered - began)
    figure(f"{label}: pen up after vpype's order", after / before, "x")
    figure(f"{label}: ink preview RMSE", ink, "")


def graph_baseline(drawing: S.Scene):
    layer = next(layer for layer in drawing.layers if isinstance(layer, S.GraphLayer))

    def travel(page) -> float:
        pos = {i: np.array(p) * page.scale for i, p in zip(layer.ids, layer.xy)}
        ends = [(pos[a], pos[b]) for a, b in layer.edges]
        return float(sum(np.hypot(*(ends[i + 1][0] - ends[i][1])) for i in range(len(ends) - 1)))
    return travel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=float, default=150.0, help="the ink preview's resolution (default 150)")
    add_quick(parser)
    args = parser.parse_args()
    picture = logo_picture()
    began = time.perf_counter()
    shapes, choices = (20, ((4, 0.6),)) if args.quick else (300, ((4, 0.3), (4, 0.6), (8, 0.3), (2, 0.3), (("black",), 0.3)))
    drawing = genart.fit(picture, method="hillclimb", shapes=shapes, seed=3, candidates=40, max_age=15, repeats=1,
                         progress=False).document
    print(f"logo, {shapes} triangles fitted in {time.perf_counter() - began:.1f} s")
    poster = cairo.render_array(drawing, 128, 128)
    print(f"RMSE vs the picture: poster {rmse(poster, picture):.2f}, blank page {rmse(np.full_like(picture, 255), picture):.2f}")
    for pens, spacing in choices:
        settings = PlotSettings(paper="A5", margin_mm=8, pen_mm=0.3, spacing_mm=spacing, pens=pens)
        plot_row(drawing, picture, settings, args.dpi, f"pens {pens if isinstance(pens, int) else pens[0]}, "
                                                       f"spacing {spacing} mm")
    horse = np.repeat((skimage.data.horse() * 255).astype(np.uint8)[..., None], 3, axis=2)
    graph = genart.fit(horse, method="gng", seed=1, max_nodes=40 if args.quick else 400, resize=160, progress=False).document
    small = np.asarray(Image.fromarray(horse).resize((round(graph.canvas.width), round(graph.canvas.height)),
                                                     Image.Resampling.BOX))
    plot_row(graph, small, PlotSettings(paper="A5", margin_mm=8), args.dpi, "horse, GNG of 400 nodes",
             graph_baseline(graph))


if __name__ == "__main__":
    main()
