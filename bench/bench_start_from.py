"""Benchmark for `--start-from` (issue 31): fitting on from a poster with half its shapes deleted.

skimage's `coffee` (at 160 px wide) is fitted with N triangles (seed 3), written as SVG, and every
other shape is deleted from the SVG's XML (as a user deleting them in Inkscape would). The cut
file is fitted on back to N shapes, the kept shapes fixed, then once more with a joint refinement
of `--refine` seconds. It prints each poster's RMSE (RGB, 0–255, cairosvg's render of the SVG
against the picture), the seconds each fit took, and the RMSE of a fresh fit of N shapes for
comparison.

    python bench/bench_start_from.py
    python bench/bench_start_from.py --shapes 400 --refine 10
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import cairosvg
import numpy as np
import skimage.data
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import add_quick, figure

import genart

SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)
ET.register_namespace("inkscape", "http://www.inkscape.org/namespaces/inkscape")


def svg_rmse(svg: Path, picture: np.ndarray) -> float:
    """RMSE of cairosvg's render of an SVG against the picture, at its size."""
    png = cairosvg.svg2png(url=str(svg), output_width=picture.shape[1], output_height=picture.shape[0])
    drawn = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.float64)
    return float(np.sqrt(((drawn - picture.astype(np.float64)) ** 2).mean()))


def cut_half(svg: Path, out: Path) -> int:
    """Delete every other shape (odd ids) from an SVG poster's XML; the shapes kept."""
    tree = ET.parse(svg)
    layer = next(g for g in tree.getroot().iter(f"{{{SVG}}}g") if g.get("id") == "layer-0")
    for element in list(layer):
        if int(element.get("id", "shape-0").removeprefix("shape-")) % 2:
            layer.remove(element)
    tree.write(out)
    return len(layer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", type=int, default=200)
    parser.add_argument("--refine", type=float, default=5.0)
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.shapes, args.refine = 20, 0.5
    picture = np.asarray(Image.fromarray(skimage.data.coffee()).resize((160, 107), Image.Resampling.LANCZOS))
    options = {"shapes": args.shapes, "seed": 3, "resize": 160, "progress": False}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        Image.fromarray(picture).save(work / "coffee.png")
        began = time.perf_counter()
        genart.fit(work / "coffee.png", **options).render(work / "full.svg")
        fresh = time.perf_counter() - began
        kept = cut_half(work / "full.svg", work / "cut.svg")
        fresh_rmse, cut_rmse = svg_rmse(work / "full.svg", picture), svg_rmse(work / "cut.svg", picture)
        print(f"fresh fit of {args.shapes}: RMSE {fresh_rmse:.2f} ({fresh:.1f} s)")
        print(f"cut to {kept}: RMSE {cut_rmse:.2f}")
        figure("fresh fit: RMSE", fresh_rmse, "")
        figure("cut in half: RMSE", cut_rmse, "")
        for refine in (None, args.refine):
            began = time.perf_counter()
            genart.fit(work / "coffee.png", start_from=work / "cut.svg", refine_seconds=refine,
                       **options).render(work / "on.svg")
            seconds = time.perf_counter() - began
            label = f"fitted on to {args.shapes}" + (f", refined {refine:g} s" if refine else ", kept fixed")
            rmse = svg_rmse(work / "on.svg", picture)
            print(f"{label}: RMSE {rmse:.2f} ({seconds:.1f} s)")
            figure(f"{'refined' if refine else 'kept fixed'}: RMSE", rmse, "")
            figure(f"{'refined' if refine else 'kept fixed'}: time", seconds)


if __name__ == "__main__":
    main()
