"""Benchmark: the hand-off exports: time, size and keyframes; keys per easing; the players' fidelity in dB.

1. A 1,000-shape fly-in (bench_flyin's scene: translucent triangles and quads coloured from the
   astronaut) exported to Lottie, SMIL SVG, GLB and glTF (and .blend when `GENART_BLENDER` names a
   Blender): export time (`genart export` in-process, best of --repeats), file size, keyframes.
2. Keyframes per flight for every easing in each interpolation ("cubic": Lottie, "monotone": SMIL,
   "linear": glTF), within `keys.TOLERANCE` of the canvas's side (anchor knots: mean and most).
3. How many keyframes a 20,000-shape fly-in needs in each format, against its bound.
4. With --players: the players of tests/test_players.py (lottie-web and SMIL in Chromium, Blender
   rendering the .blend and importing the glTF) against `genart animate --at t` at its 7 times:
   the least and the median dB, formats × motions.

    python bench/bench_export.py [--repeats 3] [--players]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.players, for --players
from bench_flyin import poster_scene
from record import add_quick, figure

from genart.animate.easing import EASINGS
from genart.animate.export import parts
from genart.animate.export.formats import GLTF_KEYS, LOTTIE_KEYS, SMIL_KEYS
from genart.animate.export.keys import TOLERANCE, part_keys
from genart.animate.motions.flyin import flyin
from genart.cli import main
from genart.render import scene as S

OPTIONS = ("--motion", "flyin", "--duration", "6", "--hold", "1", "--seed", "0")
INTERPOLATIONS = {"Lottie": LOTTIE_KEYS, "SMIL": SMIL_KEYS, "glTF": GLTF_KEYS}


def exports(repeats: int, shapes: int = 1000) -> None:
    drawing = poster_scene(shapes)
    side = max(drawing.canvas.width, drawing.canvas.height)
    print(f"1. {len(drawing.layers[0].shapes)} shapes, fly-in 6 s + 1 s hold, keys within {TOLERANCE:g} of the "
          f"canvas's side ({TOLERANCE * side:.3f} canvas units)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "s.scene.json"
        S.save(drawing, source)
        suffixes = [".json", ".svg", ".glb", ".gltf"] + ([".blend"] if os.environ.get("GENART_BLENDER") else [])
        clip = flyin(drawing, duration=6, hold=1, seed=0)
        for suffix in suffixes:
            out = folder / f"flyin{suffix}"
            best = np.inf
            for _ in range(repeats):
                began = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):  # the path it prints
                    assert main(["export", str(source), *OPTIONS, "-q", "-o", str(out)]) == 0
                best = min(best, time.perf_counter() - began)
            keying = {".json": LOTTIE_KEYS, ".svg": SMIL_KEYS, ".glb": GLTF_KEYS, ".gltf": GLTF_KEYS}.get(suffix)
            count = "" if keying is None else f", {sum(k.count for k in part_keys(parts(clip), side, keying.interpolation) if k):,} keyframes"
            print(f"   {suffix:6} {best:6.2f} s, {out.stat().st_size / 1e6:6.2f} MB{count}", flush=True)
            figure(f"export {suffix}: time", best)
            figure(f"export {suffix}: size", out.stat().st_size / 1e6, "MB")
        if ".blend" not in suffixes:
            print("   (no GENART_BLENDER: the .blend is not timed; tools/blender-env.sh builds a Blender)")


def keys_per_easing(shapes: int = 300) -> None:
    drawing = poster_scene(shapes)
    side = max(drawing.canvas.width, drawing.canvas.height)
    print("\n2. keyframes per flight, 300 shapes: eased progress (shared; scale and turn) / anchor mean, most")
    print(f"   {'easing':18} " + " ".join(f"{name:>16}" for name in INTERPOLATIONS))
    for easing in EASINGS:
        clip = flyin(drawing, duration=6, hold=1, seed=0, easing=easing)
        cells = []
        for keying in INTERPOLATIONS.values():
            keys = next(k for k in part_keys(parts(clip), side, keying.interpolation) if k)
            spans = np.array([a.spans for a in keys.anchors])
            cells.append(f"{keys.eased.spans:4d} / {spans.mean():4.0f}, {spans.max():3d}")
        print(f"   {easing:18} " + " ".join(f"{c:>16}" for c in cells), flush=True)


def bounds(shapes: int = 20_000) -> None:
    drawing = poster_scene(shapes)
    side = max(drawing.canvas.width, drawing.canvas.height)
    clip = flyin(drawing, duration=6, hold=1, seed=0)
    print(f"\n3. {len(drawing.layers[0].shapes):,} shapes (smooth easing): keyframes against each format's bound")
    for name, keying in INTERPOLATIONS.items():
        began = time.perf_counter()
        count = sum(k.count for k in part_keys(parts(clip), side, keying.interpolation) if k)
        verdict = "written" if count <= keying.max_keyframes else "refused"
        print(f"   {name:6} {count:>10,} of {keying.max_keyframes:>10,} ({keying.what}): {verdict}; "
              f"keyed in {time.perf_counter() - began:.1f} s", flush=True)
        figure(f"{name} keyframes of {len(drawing.layers[0].shapes)} shapes", count, "")


def player_table() -> None:
    from tests import players
    from tests.test_players import EASINGS as BLEND_EASINGS
    from tests.test_players import MOTIONS, SIZE, TIMES, make, render_all

    print(f"\n4. players against `genart animate --at t` at t = {', '.join(f'{t:.2f}' for t in TIMES)} s "
          "(least / median dB), tests/test_players.py's 150-shape picture, 256 px")
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        made = make(Path(tmp))
        rendered = render_all(made)
        rows: dict[str, dict[str, list[float]]] = {}
        for motion in MOTIONS:
            at = made["at"][motion]
            for kind, suffix in (("lottie", ".json"), ("smil", ".svg")):
                shots = players.play(kind, made["folder"] / motion / f"a{suffix}", TIMES, SIZE, Path(tmp))
                rows.setdefault({"lottie": "lottie-web", "smil": "SMIL (Chromium)"}[kind], {})[motion] = [
                    players.psnr(s, a) for s, a in zip(shots, at)]
            rows.setdefault("glTF (Blender import)", {})[motion] = [
                players.psnr(f, a) for f, a in zip(rendered[f"gltf {motion}"][0], at)]
            rows.setdefault(".blend (Cycles)", {})[motion] = [
                players.psnr(f, a) for f, a in zip(rendered[f"blend {motion}"][0], at)]
            rows.setdefault("PNG sequence frame t·fps", {})[motion] = [
                players.psnr(made["seq"][motion][round(t * 30)], a) for t, a in zip(TIMES, at)]
        for easing in BLEND_EASINGS:
            if easing != "smooth":
                name = f"flyin {easing}"
                rows[".blend (Cycles)"][name] = [players.psnr(f, a) for f, a in zip(rendered[f"blend {name}"][0],
                                                                                      made["at"][name])]
        columns = sorted({c for row in rows.values() for c in row}, key=lambda c: (c != "flyin", c != "timelapse", c))
        print(f"   {'':26}" + "".join(f"{c:>24}" for c in columns))
        for name, row in rows.items():
            cells = [f"{min(row[c]):.1f} / {np.median(row[c]):.1f}" if c in row else "" for c in columns]
            print(f"   {name:26}" + "".join(f"{cell:>24}" for cell in cells))
        print(f"   (made, rendered and played in {time.perf_counter() - began:.0f} s)")


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--players", action="store_true", help="also the players' dB table (Chromium, Blender)")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        exports(1, 60)
        keys_per_easing(20)
        bounds(200)
        return
    exports(args.repeats)
    keys_per_easing()
    bounds()
    if args.players:
        player_table()


if __name__ == "__main__":
    main_bench()
