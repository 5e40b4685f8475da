"""A GNG growth as a .blend: Cycles renders of it equal `genart animate --at`, before and after re-timing it in
Blender (the modifier's Duration and Easing), and its neutral data replays genart's growth exactly.

The picture is one no other test uses: skimage's clock, 96 × 72 px, a GNG of 20 nodes with a snapshot every 1000
signals, its edges coloured from the picture; renders at 128 × 96 px (4/3 of the canvas: whole pixels), 8 samples.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from genart.animate.export.blend import blender_data, graph_transitions
from genart.animate.frame import Dots, Segments, render_rgb
from genart.animate.motions.growth import growth
from genart.render import scene as S
from tests import players
from tests.test_blend import assert_close, genart_stills, render_edited

ROOT = Path(__file__).resolve().parent.parent
SIZE = (128, 96)
FPS = 10.0
GROWTH = ("--motion", "growth", "--duration", "3", "--hold", "0.5", "--easing", "smooth")
RETIMED = {"Duration": 2.0, "Easing": "ease_out_back"}
FRAMES = [1, 5, 9, 14, 20, 27, 35]  # the first nodes, growing, most grown, rewiring, the last snapshot, held
RETIMED_FRAMES = [2, 4, 6]  # eased progress 0.41, 0.74, 0.91 (ease_out_back overshoots past 1 by 0.45)


@pytest.fixture(scope="module")
def clock_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A GNG scene of skimage's clock with snapshots (`genart gng`)."""
    folder = tmp_path_factory.mktemp("growth")
    picture = folder / "clock.png"
    Image.fromarray(skimage.data.clock()).resize((96, 72), Image.Resampling.BOX).save(picture)
    out = folder / "clock.scene.json"
    done = subprocess.run([sys.executable, "-m", "genart", "gng", str(picture), "--max-nodes", "20", "--epochs", "6",
                           "--n-iter-before-neuron-added", "50", "--snapshots", "1000", "--edge-width", "2",
                           "--node-radius", "1.5", "--edge-color", "source", "-q", "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return out


def test_transitions_replay_the_growth_exactly(clock_scene: Path) -> None:
    """At any time, the transition genart plays, its keys blended at its local progress, is genart's own frame."""
    clip = growth(S.load(clock_scene), duration=3.0, hold=0.5, easing="ease_out_back")
    steps = graph_transitions(clip)
    assert len(steps) == len(clip.states) - 1 > 5
    for t in np.linspace(0.0, clip.length, 41):
        x = float(np.clip(clip.ease(clip.progress(float(t))), 0.0, 1.0))
        step, lo, hi = next(((s, a, b) for j, (s, a, b) in enumerate(steps)
                             if (x >= a or j == 0) and (x < b or j == len(steps) - 1)))
        f = float(np.clip((x - lo) / (hi - lo), 0.0, 1.0))
        edges, nodes = clip.frame_at(float(t)).items
        assert isinstance(edges, Segments) and isinstance(nodes, Dots)

        def blend(keys: np.ndarray, f: float = f) -> np.ndarray:
            return keys[:, 0] + (keys[:, 1] - keys[:, 0]) * f

        start = blend(step.starts)
        end = start + (blend(step.ends) - start) * np.where(step.grows, f, 1.0)[:, None]
        assert np.allclose(start, edges.starts) and np.allclose(end, edges.ends)
        assert np.allclose(step.edge_colors[:, 3] * blend(step.edge_opacity[..., None])[:, 0], edges.colors[:, 3])
        assert np.allclose(blend(step.nodes), nodes.centers) and np.allclose(blend(step.radii[..., None])[:, 0],
                                                                               nodes.radii)
        assert np.allclose(step.node_colors[:, 3] * blend(step.node_opacity[..., None])[:, 0], nodes.colors[:, 3])


def test_growth_data_names_no_drawable(clock_scene: Path) -> None:
    data = blender_data(growth(S.load(clock_scene)), FPS)
    assert [(layer["geometry"], layer["motion"]) for layer in data["layers"]] == [("segments", "graph"), ("dots", "graph")]
    assert data["layers"][0]["inputs"] == {"Start": 0.0, "Duration": 8.0, "Easing": "linear"}
    assert not {"circle", "bezier", "polygon", "ellipse"} & set(json.dumps(data).lower().replace('"', " ").split())


@pytest.mark.slow
def test_growth_blend_renders_genart_frames_and_retimes(clock_scene: Path, tmp_path: Path) -> None:
    out = tmp_path / "growth.blend"
    done = subprocess.run([sys.executable, "-m", "genart", "export", str(clock_scene), *GROWTH, "--fps", f"{FPS:g}",
                           "--blender", players.blender(), "-q", "-o",
                           str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    job = {"file": str(out), "size": list(SIZE), "samples": 8,
           "edits": [{"inputs": {}, "frames": FRAMES}, {"inputs": RETIMED, "frames": RETIMED_FRAMES}]}
    as_built, retimed = render_edited([job], tmp_path)[0]
    times = [f / FPS for f in FRAMES]
    print("growth dB", assert_close("growth .blend in Cycles", as_built, genart_stills(clock_scene, GROWTH, times, SIZE, tmp_path), times,
                                    33.0))
    again = (*GROWTH[:2], "--duration", "2", "--hold", "0.5", "--easing", "ease_out_back")
    times = [f / FPS for f in RETIMED_FRAMES]
    stills = genart_stills(clock_scene, again, times, SIZE, tmp_path)
    print("re-timed dB", assert_close("growth re-timed in Blender", retimed, stills, times, 33.0))
    before = growth(S.load(clock_scene), duration=3.0, hold=0.5, easing="smooth")
    unchanged = [render_rgb(before.frame_at(t), *SIZE) for t in times]
    assert max(players.psnr(a, b) for a, b in zip(retimed, unchanged)) < 25.0  # the edit did re-time it
