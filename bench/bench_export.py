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
5. With --motions: the other motions, each exported to every format of the registry that carries it, on
   the tests' own scenes and times (growth: tests/test_export_growth.py's GNG; mosaic zoom:
   tests/test_export_zoom.py's mosaic; video: tests/test_video_export.py's clip): file sizes, and each
   player's frames (lottie-web and SMIL in Chromium, the .blend in Cycles, the .glb imported into
   Blender) against `genart animate --at t`: the least and the median dB.

    python bench/bench_export.py [--repeats 3] [--players] [--motions] [--samples 16]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.players, for --players
from bench_flyin import poster_scene
from record import add_quick, figure

from genart.animate.easing import EASINGS
from genart.animate.export import parts
from genart.animate.export.formats import FORMATS, GLTF_KEYS, LOTTIE_KEYS, SMIL_KEYS, builder_data, export_motion
from genart.animate.export.keys import TOLERANCE, part_keys
from genart.animate.frame import PLAIN
from genart.animate.motions import MosaicZoomSettings, MotionSettings, VideoSettings
from genart.animate.motions.flyin import flyin
from genart.cli import main
from genart.commands.animate import write_still
from genart.generative.mosaic.collection import open_tiles
from genart.render import scene as S
from genart.render.cairo import TileSource
from genart.render.layers.mosaic import jpeg_uri

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


@dataclass(frozen=True)
class Case:
    """One motion of a test's scene, as its test exports and plays it."""

    motion: str
    scene: Path
    settings: MotionSettings
    fps: float
    times: list[float]
    size: tuple[int, int]
    svg_width: float | None = None  # the SMIL export's --width (None: the export's default)
    tiles: TileSource | None = None


class Folders:
    """The one thing the tests' fixtures ask of pytest's tmp_path_factory: a new folder per name."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir()
        return folder


def motion_cases(folder: Path, quick: bool) -> list[Case]:
    """The tests' scenes and times, built by the tests' own fixtures (`__wrapped__`: the function pytest wraps);
    in quick mode only the video clip (made in memory)."""
    from tests import test_export_growth as growth_test
    from tests import test_export_zoom as zoom_test
    from tests import test_video_export as video_test

    clip = S.save(video_test.moving_clip(), folder / "clip.scene.json")
    cases = [Case("video", clip, VideoSettings(), video_test.FPS, video_test.TIMES, video_test.SIZE)]
    if quick:
        return cases
    gng = growth_test.gng.__wrapped__(Folders(folder))
    mosaic = zoom_test.mosaic.__wrapped__(Folders(folder))
    layer = next(layer for layer in S.load(mosaic).layers if isinstance(layer, S.MosaicLayer))
    zoom = MosaicZoomSettings(duration=2.0, hold=0.5, target="2,3")  # tests/test_export_zoom.py's ZOOM
    return [Case("growth", gng, growth_test._settings("smooth"), growth_test.FPS, growth_test.TIMES,
                 growth_test.SIZE, svg_width=growth_test.SIZE[0]),
            Case("mosaic_zoom", mosaic, zoom, zoom_test.FPS, zoom_test.TIMES, zoom_test.SIZE,
                 tiles=open_tiles(layer, mosaic)), *cases]


PLAYED = {".json": "lottie", ".svg": "smil"}  # the browser formats and how players.play opens them
RENDERED = (".blend", ".glb")  # rendered by Cycles (the .glb through Blender's glTF importer); .gltf holds the same


def _frames(case: Case) -> list[int]:
    frames = [round(t * case.fps) for t in case.times]
    assert np.allclose(np.array(frames) / case.fps, case.times), (case.motion, "the tests' times are frames")
    return frames


def _blender_job(case: Case, out: Path, samples: int) -> dict[str, object]:
    job: dict[str, object] = {"file": str(out), "frames": _frames(case), "size": list(case.size), "samples": samples}
    if out.suffix == ".glb":  # an imported glTF has no camera or world: the render's own, as the tests give them
        drawing = S.load(case.scene)
        background = np.clip(np.asarray(drawing.canvas.background[:3], np.float64), 0.0, 1.0)
        linear = np.where(background <= 0.04045, background / 12.92, ((background + 0.055) / 1.055) ** 2.4)
        job.update(fps=case.fps, canvas=[drawing.canvas.width, drawing.canvas.height], background=linear.tolist())
    return job


def describe(drawing: S.Scene) -> str:
    """What a test's scene holds: its graph, its mosaic or its clip."""
    if drawing.video is not None:
        return f"{drawing.video.frames} frames, {len(drawing.video.tracks)} tracks"
    layer = drawing.layers[0]
    if isinstance(layer, S.GraphLayer):
        return f"{len(layer.ids)} nodes, {len(layer.edges)} edges, {len(drawing.snapshots or [])} snapshots"
    if isinstance(layer, S.MosaicLayer):
        return f"{layer.columns} × {layer.rows} cells, {len(set(layer.tiles))} distinct tiles"
    return f"{type(layer).__name__}"


def _megabytes(out: Path) -> float:
    """The export's size; a builder script's with its data."""
    files = [out, builder_data(out)] if out.suffix == ".py" else [out]
    return sum(f.stat().st_size for f in files) / 1e6


def motion_exports(case: Case, folder: Path, blender: str | None) -> tuple[list[np.ndarray], dict[str, Path]]:
    """`genart animate --at` stills of the case at its times, and its export to every format carrying it."""
    drawing = S.load(case.scene)
    outs: dict[str, Path] = {}
    for suffix, found in FORMATS.items():
        if case.motion not in found.motions or (suffix == ".blend" and blender is None):
            continue
        outs[suffix] = folder / f"{case.motion}-{suffix[1:]}{suffix}"  # a builder's data is X.json: not the Lottie's
        clip, _ = export_motion(drawing, case.settings, outs[suffix], case.fps,
                                case.svg_width if suffix == ".svg" else None, blender, case.tiles)
    stills = []
    for k, at in enumerate(case.times):  # what `genart animate --at` writes (tests/test_export_*.py check it)
        write_still(clip, at, folder / f"{case.motion}-at{k}.png", case.size, PLAIN, False)
        stills.append(np.asarray(Image.open(folder / f"{case.motion}-at{k}.png").convert("RGB")))
    return stills, outs


PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina",
          "colorwheel")  # skimage's colour photos, as mosaic tiles


def tile_cost(sides: tuple[int, ...] = (256, 512, 1024)) -> None:
    """What one photo tile costs a Lottie or SMIL mosaic zoom: its embedded JPEG (base64), the mean of PHOTOS."""
    import skimage.data

    photos = [Image.fromarray(getattr(skimage.data, name)()[..., :3]) for name in PHOTOS]
    squares = [photo.crop(((photo.width - min(photo.size)) // 2, (photo.height - min(photo.size)) // 2,
                           (photo.width + min(photo.size)) // 2, (photo.height + min(photo.size)) // 2))
               for photo in photos]
    cells = []
    for side in sides:
        kilobytes = np.mean([len(jpeg_uri(np.asarray(square.resize((side, side), Image.Resampling.LANCZOS))))
                             for square in squares]) / 1e3
        figure(f"mosaic zoom tile {side} px: embedded size", kilobytes, "kB")
        cells.append(f"{kilobytes:.0f} kB at {side} px")
    print(f"   a photo tile embedded (JPEG in base64, the mean of {len(squares)} of skimage's): {', '.join(cells)}")


def motion_table(quick: bool, samples: int) -> None:
    """Part 5: every motion but the shapes' two to every format carrying it; sizes and each player's dB."""
    from tests import players

    blender = None if quick else players.blender()
    print(f"\n5. motions × formats: size; least / median dB of each player against `genart animate --at t` "
          f"(Cycles {samples} samples)" + (" (quick: the video clip's sizes, no player)" if quick else ""))
    began, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = motion_cases(folder, quick)
        made = {case.motion: motion_exports(case, folder, blender) for case in cases}
        scores: dict[tuple[str, str], list[float]] = {}
        if not quick:
            jobs = [(case, suffix, _blender_job(case, made[case.motion][1][suffix], samples))
                    for case in cases for suffix in RENDERED if suffix in made[case.motion][1]]
            rendered, _ = players.render([job for _, _, job in jobs], folder)
            for (case, suffix, _), frames in zip(jobs, rendered):
                scores[case.motion, suffix] = [players.psnr(f, s) for f, s in zip(frames, made[case.motion][0])]
            for case in cases:
                stills, outs = made[case.motion]
                for suffix, kind in PLAYED.items():
                    shots = players.play(kind, outs[suffix], case.times, case.size, folder)
                    scores[case.motion, suffix] = [players.psnr(f, s) for f, s in zip(shots, stills)]
        for case in cases:
            outs = made[case.motion][1]
            print(f"   {case.motion} ({describe(S.load(case.scene))}; {len(case.times)} times, "
                  f"{case.size[0]}×{case.size[1]} px, {case.fps:g} fps):")
            for suffix in FORMATS:
                if suffix not in outs:
                    carried = case.motion in FORMATS[suffix].motions
                    print(f"     {suffix:6} " + ("(no Blender)" if carried else "leaves it out (refused)"))
                    continue
                size = _megabytes(outs[suffix])
                figure(f"{case.motion} {suffix}: size", size, "MB")
                cell = f"     {suffix:6} {size:7.3f} MB"
                if (case.motion, suffix) in scores:
                    values = scores[case.motion, suffix]
                    cell += f"   {min(values):5.1f} / {np.median(values):5.1f} dB   " + \
                        " ".join(f"{v:.1f}" for v in values)
                    figure(f"{case.motion} {suffix}: least dB", min(values), "dB", "higher")
                    figure(f"{case.motion} {suffix}: median dB", float(np.median(values)), "dB", "higher")
                print(cell, flush=True)
    if not quick:
        tile_cost()
    print(f"   (made, exported, rendered and played in {time.perf_counter() - began:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} s CPU in this process)")


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--players", action="store_true", help="also the players' dB table (Chromium, Blender)")
    parser.add_argument("--motions", action="store_true",
                        help="also growth, mosaic zoom and video in every format carrying them: sizes, players' dB")
    parser.add_argument("--samples", type=int, default=16, help="Cycles samples of --motions' renders")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        exports(1, 60)
        keys_per_easing(20)
        bounds(200)
        motion_table(quick=True, samples=args.samples)
        return
    exports(args.repeats)
    keys_per_easing()
    bounds()
    if args.players:
        player_table()
    if args.motions:
        motion_table(quick=False, samples=args.samples)


if __name__ == "__main__":
    main_bench()
