"""Engines report only through their Reporter; the bars are drawn from its counts (genart.bars).

Every engine that runs long (GNG, gradient descent, the photo indexer, the frame renderer) sends a
count when it starts, after every unit and a final one when it ends; listening changes no result.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.animate.motions.flyin import flyin
from genart.animate.pipeline import render_frames
from genart.api import fit_picture, settings_of
from genart.bars import BarReporter
from genart.errors import SettingsError
from genart.generative.gng_params import GNGParams
from genart.generative.images import Picture
from genart.generative.methods.gng import GNGSettings
from genart.generative.methods.gradient import GradientSettings
from genart.generative.mosaic.index import index_folder
from genart.runtime.progress import SILENT, Count, Progress
from tests.test_anim import shapes_scene


class Recorder:
    """A reporter that wants every event and keeps every count and event."""

    def __init__(self) -> None:
        self.counts: list[Count] = []
        self.events: list[Progress] = []

    def due(self) -> bool:
        return True

    def report(self, progress: Progress) -> None:
        progress.picture()  # as a watcher would
        self.events.append(progress)

    def count(self, count: Count) -> None:
        self.counts.append(count)


def _picture() -> Picture:
    yy, xx = np.mgrid[0:48, 0:64]
    rgb = np.full((48, 64, 3), 255, np.uint8)
    rgb[(xx - 20) ** 2 + (yy - 24) ** 2 < 12**2] = (20, 40, 200)
    rgb[(xx - 46) ** 2 + (yy - 20) ** 2 < 8**2] = (200, 30, 10)
    return Picture(rgb=rgb, name="discs", sha256="0" * 64)


def _one_run(counts: list[Count], label: str, unit: str, total: float) -> None:
    """The counts of one run: from its start (0, or the seconds already spent) to a final count, never
    backwards, all under its label."""
    assert counts and {c.label for c in counts} == {label} and {c.unit for c in counts} == {unit}
    assert (counts[0].done == 0 or unit == "s" and counts[0].done < total) and counts[-1].final and not any(c.final for c in counts[:-1])
    assert all(a.done <= b.done for a, b in zip(counts, counts[1:])) and counts[-1].done <= total
    assert {c.total for c in counts} == {total}


FITS = {"gng": ({"max_nodes": 40, "epochs": 3, "snapshots": "none"}, "gng", "epoch", 3),
        "gradient": ({"shapes": 8, "steps": 30, "resize": 32}, "8 circles", "step", 30),
        "gradient-seconds": ({"shapes": 4, "seconds": 0.3, "resize": 32}, "4 circles", "s", 0.3)}


@pytest.mark.parametrize("case", FITS)
def test_a_fit_counts_its_run_and_listening_changes_nothing(case: str) -> None:
    values, label, unit, total = FITS[case]
    method = case.split("-")[0]
    settings = settings_of(GNGSettings if method == "gng" else GradientSettings, values)
    recorder = Recorder()
    watched = fit_picture(_picture(), method, settings, progress=False, reporter=recorder)
    _one_run(recorder.counts, label, unit, total)
    assert recorder.events and recorder.events[-1].picture().shape[:2] == recorder.events[-1].target.shape[:2]
    if unit != "s":  # a step or epoch budget: the same result whoever listens
        plain = fit_picture(_picture(), method, settings, progress=False, reporter=SILENT)
        assert plain.layers == watched.layers and plain.snapshots == watched.snapshots
        assert recorder.counts[-1].done == total and len(recorder.counts) == total + 2


def test_the_indexer_and_the_renderer_count_their_units(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(0)
    for k in range(5):
        Image.fromarray((rng.random((20, 30, 3)) * 255).astype(np.uint8)).save(photos / f"p{k}.png")
    recorder = Recorder()
    index_folder(photos, tmp_path / "c.npz", (8,), jobs=1, reporter=recorder)
    _one_run(recorder.counts, "indexing", "photo", 5)
    assert recorder.counts[-1].done == 5
    recorder = Recorder()
    frames = []
    for frame in render_frames(flyin(shapes_scene(n=4), duration=0.5, hold=0.0), (32, 18), 10, workers=0,
                               reporter=recorder, desc="flyin"):
        frames.append(frame.index)
        frame.release()
    _one_run(recorder.counts, "flyin", "frame", len(frames))
    assert [c.done for c in recorder.counts] == [*range(len(frames) + 1), len(frames)]


def test_bars_show_the_counts_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """The bar reads as tqdm's did: title, counts, unit and the run's note; the events reach the watcher."""
    recorder = Recorder()
    with BarReporter(recorder) as bars:
        fit_picture(_picture(), "gng", settings_of(GNGSettings, FITS["gng"][0]), progress=False, reporter=bars)
    err = capsys.readouterr().err
    assert "gng: 100%" in err and "3/3" in err and "epoch" in err and "edges=" in err and "nodes=" in err
    assert recorder.events and not recorder.counts  # the bars take the counts; the watcher sees the events
    with BarReporter() as bars:
        bars.count(Count("2 circles", 0, 2.0, "s"))
        bars.count(Count("2 circles", 2.0, 2.0, "s", "rmse 3.25", final=True))
    assert "2.0/2.0 s" in capsys.readouterr().err


def test_a_transient_bar_is_wiped(capsys: pytest.CaptureFixture[str]) -> None:
    """A movie's frame bar (leave=False) leaves nothing on its line, so the caller's line stands alone."""
    with BarReporter(leave=False) as bars:
        bars.count(Count("flyin mp4", 0, 2, "frame"))
        bars.count(Count("flyin mp4", 2, 2, "frame", final=True))
    err = capsys.readouterr().err
    assert "flyin mp4" in err and err.replace("\r", "\n").split("\n")[-1].strip() == ""


def test_gng_settings_are_checked_once_by_their_model() -> None:
    """The gas's ranges are GNGParams' own, so the settings' view needs no second check; a bad one is one line."""
    for name, info in GNGParams.model_fields.items():
        assert set(map(repr, info.metadata)) <= set(map(repr, GNGSettings.model_fields[name].metadata)), name
    gas = GNGSettings(max_nodes=30, seed=4).gas()
    assert isinstance(gas, GNGParams) and (gas.max_nodes, gas.seed, gas.neighbour_step) == (30, 4, 0.005)
    with pytest.raises(SettingsError, match=r"^n_start_nodes must be between 2 and 1000, got 1$"):
        settings_of(GNGSettings, {"n_start_nodes": 1})
    with pytest.raises(SettingsError, match=r"^error_decay_rate must be in \(0, 1\], got 0$"):
        settings_of(GNGSettings, {"error_decay_rate": 0})
