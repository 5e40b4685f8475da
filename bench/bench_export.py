"""Benchmark: exporting a 1,000-shape fly-in to Lottie, SMIL SVG, glTF and Blender; time, size, fidelity.

The scene is bench_flyin's (1,000 translucent triangles and quads coloured from the
astronaut). For each format: the export time (`genart export` in-process, best of
--repeats), the file size, and for Lottie (rlottie) and SVG (headless Chromium, if
installed) the PSNR of their frames against genart's own at three times. The `.blend` is
timed when `GENART_BLENDER` names a Blender (`tools/blender-env.sh`).

    python bench/bench_export.py [--repeats 3] [--size 384]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_flyin import poster_scene

from genart.animate.frame import render_rgb
from genart.animate.motions.flyin import flyin
from genart.cli import main
from genart.render import scene as S

TIMES = (1.5, 3.0, 4.5)
OPTIONS = ("--motion", "flyin", "--duration", "6", "--hold", "1", "--seed", "0")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b) ** 2).mean())
    return 10 * np.log10(255.0**2 / max(mse, 1e-9))


def lottie_psnr(path: Path, clip, w: int, h: int) -> list[float]:  # type: ignore[no-untyped-def]
    from rlottie_python import LottieAnimation

    anim = LottieAnimation.from_data(path.read_text())
    out = []
    for t in TIMES:
        got = np.asarray(anim.render_pillow_frame(frame_num=round(t * 30), width=w, height=h).convert("RGB"))
        out.append(psnr(got, render_rgb(clip.frame_at(round(t * 30) / 30), w, h)))
    return out


def svg_psnr(path: Path, clip, w: int, h: int, folder: Path) -> list[float] | None:  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    svg = path.read_text()
    out = []
    for t in TIMES:
        page = folder / "at.html"
        page.write_text(f'<html><body style="margin:0">{svg}<script>const s=document.querySelector("svg");'
                        f"s.pauseAnimations();s.setCurrentTime({t});</script></body></html>")
        shot = folder / "at.png"
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--force-device-scale-factor=1", f"--window-size={w},{h}", f"--screenshot={shot}",
                        page.as_uri()], capture_output=True, timeout=120, check=True)
        got = np.asarray(Image.open(shot).convert("RGB"))[:h, :w]
        out.append(psnr(got, render_rgb(clip.frame_at(t), w, h)))
    return out


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=384, help="width of the compared frames")
    args = parser.parse_args()
    drawing = poster_scene(1000)
    clip = flyin(drawing, duration=6, hold=1, seed=0)
    w = args.size
    h = round(w * drawing.canvas.height / drawing.canvas.width)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "s.scene.json"
        S.save(drawing, source)
        print(f"scene: {len(drawing.layers[0].shapes)} shapes; fly-in 6 s + 1 s hold; PSNR at {TIMES} s, {w}x{h}")
        suffixes = [".json", ".svg", ".glb", ".gltf"] + ([".blend"] if os.environ.get("GENART_BLENDER") else [])
        if ".blend" not in suffixes:
            print("no GENART_BLENDER: the .blend export is not timed (tools/blender-env.sh builds a Blender)")
        for suffix in suffixes:
            out = folder / f"flyin{suffix}"
            best = np.inf
            for _ in range(args.repeats):
                began = time.perf_counter()
                code = main(["export", str(source), *OPTIONS, "--width", str(w), "-o", str(out)]
                            if suffix == ".svg" else ["export", str(source), *OPTIONS, "-o", str(out)])
                best = min(best, time.perf_counter() - began)
                assert code == 0
            line = f"{suffix:6} export {best:.2f} s, {out.stat().st_size / 1e6:.2f} MB"
            if suffix == ".json":
                line += "; rlottie PSNR " + ", ".join(f"{v:.1f}" for v in lottie_psnr(out, clip, w, h)) + " dB"
            if suffix == ".svg":
                values = svg_psnr(out, clip, w, h, folder)
                line += ("; Chromium PSNR " + ", ".join(f"{v:.1f}" for v in values) + " dB" if values else
                         "; Chromium not installed: no PSNR")
            print(line, flush=True)


if __name__ == "__main__":
    main_bench()
