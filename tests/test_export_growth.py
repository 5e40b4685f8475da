"""GNG growth exported: its tracks are the movie's frames, its linear keys stay within the bound for every
easing, and lottie-web and SMIL in Chromium play it like `genart animate --at` at 7 times (≥ 30 dB); its glTF
(edges as ribbons of triangles) passes the Khronos validator with no error, and Blender's glTF importer
takes it and renders it close to genart's frames.

The scene is one no other test uses: a Growing Neural Gas of skimage's cameraman at 96 px, with dots,
lines coloured from the picture and 16 snapshots."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from genart.animate.export import growing_of
from genart.animate.export.formats import export_motion
from genart.animate.export.keys import GAP, growth_knots, in_tolerances, tolerances
from genart.animate.export.tracks import EDGE_VALUES, NODE_VALUES
from genart.animate.frame import PLAIN, Dots, Segments
from genart.animate.motions import GrowthSettings, build_clip
from genart.commands.animate import write_still
from genart.render import scene as S
from tests import players

ROOT = Path(__file__).resolve().parent.parent
FPS = 30.0
SIZE = (192, 192)
FRAMES = (3, 10, 21, 30, 39, 52, 70)  # growing fast, rewiring, settling, the end
TIMES = [k / FPS for k in FRAMES]


@pytest.fixture(scope="module")
def gng(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gng")
    Image.fromarray(skimage.data.camera()).resize((96, 96), Image.Resampling.BOX).save(folder / "camera.png")
    out = folder / "camera.scene.json"
    done = subprocess.run([sys.executable, "-m", "genart", "gng", str(folder / "camera.png"), "-o", str(out),
                           "--max-nodes", "120", "--epochs", "3", "--snapshots", "600", "--edge-width", "1.2",
                           "--edge-color", "source", "--node-radius", "1.5", "--node-color", "#203040ff",
                           "--background", "#f4efe6ff", "--seed", "3", "-q"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return out


def _settings(easing: str) -> GrowthSettings:
    return GrowthSettings(duration=2.0, hold=0.5, easing=easing)


def _rows(*columns: np.ndarray) -> np.ndarray:
    rows = np.round(np.column_stack(columns), 6)
    return rows[np.lexsort(rows.T[::-1])]


@pytest.mark.parametrize("easing", ["linear", "ease_out_elastic"])
def test_tracks_are_the_movie_frames(gng: Path, easing: str) -> None:
    clip = build_clip(S.load(gng), _settings(easing), FPS)
    grown = growing_of(clip)
    nodes, edges = grown.nodes.a.shape[1], len(grown.edge_nodes)
    for t in np.linspace(0.0, clip.length, 41):
        segments, dots = clip.frame_at(float(t)).items
        assert isinstance(segments, Segments) and isinstance(dots, Dots)
        u = np.full(nodes, np.clip((t - grown.start) / grown.duration, 0, 1))
        v = grown.values(grown.nodes, np.arange(nodes), u)
        shown, drawn = v[:, 6] > 0, dots.colors[:, 3] > 0
        assert np.array_equal(_rows(v[shown, 0:3], v[shown, 3:7]),
                              _rows(dots.centers[drawn], dots.radii[drawn], dots.colors[drawn]))
        e = grown.values(grown.edges, np.arange(edges), u[:1].repeat(edges))
        shown, drawn = e[:, 8] > 0, segments.colors[:, 3] > 0
        assert np.array_equal(_rows(e[shown, 0:4], e[shown, 5:9]),
                              _rows(segments.starts[drawn], segments.ends[drawn], segments.colors[drawn]))
        assert np.allclose(e[shown, 4], segments.width)


@pytest.mark.parametrize("easing", ["smooth", "ease_out_bounce"])
def test_linear_keys_stay_within_the_bound(gng: Path, easing: str) -> None:
    grown = growing_of(build_clip(S.load(gng), _settings(easing), FPS))
    nodes, edges = tolerances(NODE_VALUES, 96.0), tolerances(EDGE_VALUES, 96.0)
    knots = growth_knots(grown, in_tolerances(nodes), in_tolerances(edges))
    u = np.linspace(0.0, 1.0, 6001)
    steps = np.unique(np.concatenate(knots.edges + knots.nodes))
    gap = GAP / grown.duration
    outside = ~np.any([(u > s - gap) & (u < s) for s in steps[np.diff(steps, prepend=-1) <= gap * 1.01]], axis=0)
    for pieces, scale, keyed in ((grown.nodes, nodes, knots.nodes), (grown.edges, edges, knots.edges)):
        for element, at in enumerate(keyed):
            exact = grown.values(pieces, element, u) / scale
            keys = grown.values(pieces, element, at) / scale
            played = np.column_stack([np.interp(u, at, keys[:, d]) for d in range(keys.shape[1])])
            assert np.abs(played - exact)[outside].max() <= 1.0 + 1e-9


@pytest.mark.slow
def test_lottie_and_smil_play_like_genart_and_gltf_validates(gng: Path, tmp_path: Path) -> None:
    drawing = S.load(gng)
    settings = _settings("smooth")
    outs = {suffix: tmp_path / f"growth{suffix}" for suffix in (".json", ".svg", ".glb")}
    for suffix, out in outs.items():
        clip, _ = export_motion(drawing, settings, out, FPS, SIZE[0] if suffix == ".svg" else None)
    stills = []
    for k, t in enumerate(TIMES):  # what `genart animate --at` writes, in this process
        write_still(clip, t, tmp_path / f"at{k}.png", SIZE, PLAIN, False)
        stills.append(np.asarray(Image.open(tmp_path / f"at{k}.png").convert("RGB")))
    done = subprocess.run([sys.executable, "-m", "genart", "animate", str(gng), "--motion", "growth", "--duration", "2",
                           "--hold", "0.5", "--easing", "smooth", "--at", repr(TIMES[3]), "--size", "192x192", "-q",
                           "-o", str(tmp_path / "cli.png")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert np.array_equal(np.asarray(Image.open(tmp_path / "cli.png").convert("RGB")), stills[3])
    for kind, suffix in (("lottie", ".json"), ("smil", ".svg")):
        shots = players.play(kind, outs[suffix], TIMES, SIZE, tmp_path)
        scores = [players.psnr(shot, still) for shot, still in zip(shots, stills)]
        assert min(scores) >= 30.0, (kind, [round(s, 1) for s in scores])
    report = players.validate_gltf(outs[".glb"])
    assert report["issues"]["numErrors"] == 0, report["issues"]["messages"][:3]
    assert report["info"]["animationCount"] == 1 and report["info"]["drawCallCount"] > 300


@pytest.mark.slow
def test_blender_imports_the_growth_gltf_and_renders_genart_frames(gng: Path, tmp_path: Path) -> None:
    """Blender's own glTF importer takes the growth's .glb (ribbons, discs, TRS keys, colours by
    KHR_animation_pointer) and Cycles renders it close to `genart animate --at` at two times: 26.5 and
    27.5 dB measured (2026-12-07), the same at 64 samples. The differences lie along the lines' edges and on
    translucent edges: a glTF's colours are linear light, as its spec has it, so Blender blends there in
    linear light where genart blends sRGB values. The bound is 25 dB (the issue asks for the import)."""
    drawing = S.load(gng)
    out = tmp_path / "growth.glb"
    clip, _ = export_motion(drawing, _settings("linear"), out, FPS)
    frames = FRAMES[1::3]
    stills = []
    for k, frame in enumerate(frames):
        write_still(clip, frame / FPS, tmp_path / f"at{k}.png", SIZE, PLAIN, False)
        stills.append(np.asarray(Image.open(tmp_path / f"at{k}.png").convert("RGB")))
    background = np.clip(np.asarray(drawing.canvas.background[:3], np.float64), 0.0, 1.0)
    linear = np.where(background <= 0.04045, background / 12.92, ((background + 0.055) / 1.055) ** 2.4)
    job = {"file": str(out), "frames": list(frames), "size": list(SIZE), "fps": FPS,
           "canvas": [drawing.canvas.width, drawing.canvas.height], "background": linear.tolist()}
    (shots,), (facts,) = players.render([job], tmp_path)
    assert facts["objects"] > 300 and facts["fps"] == pytest.approx(FPS)
    scores = [players.psnr(shot, still) for shot, still in zip(shots, stills)]
    assert min(scores) >= 25.0, [round(s, 1) for s in scores]
