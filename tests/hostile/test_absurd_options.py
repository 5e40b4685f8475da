"""Absurd option values: one line naming the option, before any work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.conftest import refused

PICTURE = Path(__file__).resolve().parents[2] / "assets" / "astronaut.jpg"
CASES = [
    ["gng", "--max-nodes", "1000000000"], ["gng", "--n-start-nodes", "1000000000"], ["gng", "--sigma", "1e9"],
    ["gng", "--edge-width", "nan"], ["gng", "--node-radius", "inf"], ["gng", "--node-radius", "1e9"],
    ["evolve", "--candidates", "1000000000"], ["evolve", "--refine-seconds", "inf"], ["evolve", "-n", "1000000"],
    ["evolve", "--method", "gradient", "--steps", "1000000000"], ["evolve", "--method", "gradient", "-n", "1000000"],
    ["evolve", "--seconds", "inf"], ["evolve", "--workers", "100000"],
]


@pytest.mark.parametrize("case", CASES, ids=" ".join)
def test_absurd_options_are_refused(tmp_path: Path, case: list[str]) -> None:
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    command, *options = case
    option = "shape count" if options[-2] == "-n" else options[-2]  # evolve names -n by its long name
    refused("absurd options", [command, "a.jpg", "-o", "o.png", *options], tmp_path, needle=option)


@pytest.mark.parametrize("options", [["--hold", "1e9"], ["--hold", "inf"], ["--hold", "100000"], ["--drop-rate", "1e6"],
                                     ["--duration", "3600", "--hold", "3600", "--loop"]], ids=" ".join)
def test_absurd_movie_options_are_refused(tmp_path: Path, options: list[str]) -> None:
    (tmp_path / "s.scene.json").write_text(
        '{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"layers":[{"type":"shapes","shapes":'
        '[{"kind":"circle","cx":1,"cy":1,"r":1,"color":[0,0,0,1]}]}],"snapshots":[{"step":0,"prefix":0}]}')
    refused("absurd options", ["animate", "s.scene.json", "--motion", "timelapse", "-o", "m.mp4", *options], tmp_path)


@pytest.mark.parametrize("meta", ['{"a":' + "9" * 5000 + "}", '{"a":1e999}', '{"a":-1e999}'])
def test_absurd_numbers_in_a_scene(tmp_path: Path, meta: str) -> None:
    (tmp_path / "s.scene.json").write_text(
        '{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"meta":' + meta + "}")
    refused("absurd options", ["info", "s.scene.json"], tmp_path)


def test_a_vanishing_canvas(tmp_path: Path) -> None:
    (tmp_path / "s.scene.json").write_text('{"format":"genart.scene","version":1,"canvas":{"width":1e-300,"height":1}}')
    refused("absurd options", ["render", "s.scene.json", "-o", "s.png"], tmp_path, needle="canvas")


def test_index_refuses_other_names_and_too_many_jobs(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    shutil.copy(PICTURE, tmp_path / "photos" / "a.jpg")
    refused("absurd options", ["mosaic", "index", "photos", "-o", "c.txt"], tmp_path, needle=".npz")
    refused("absurd options", ["mosaic", "index", "photos", "-o", "c.npz", "--jobs", "200"], tmp_path,
            needle="--jobs")


def test_animate_refuses_more_workers_than_cores(tmp_path: Path) -> None:
    (tmp_path / "s.scene.json").write_text(
        '{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"layers":[{"type":"shapes","shapes":'
        '[{"kind":"circle","cx":1,"cy":1,"r":1,"color":[0,0,0,1]}]}]}')
    refused("absurd options", ["animate", "s.scene.json", "--motion", "flyin", "--workers", "64", "-o", "m.mp4"],
            tmp_path, needle="--workers")
