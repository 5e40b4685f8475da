"""The search families' records: every list of them comes from the registry, the compiled switch reaches each
family's own entry points, and a generic fingerprinted checkpoint file (`genart.generative.checkpoint`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import get_args

import numpy as np
import pytest
from PIL import Image
from pydantic import BaseModel

from genart.cli import main
from genart.commands.evolve import register
from genart.generative import shapes
from genart.generative.checkpoint import CheckpointError, CheckpointFile
from genart.generative.fastrng import randint, stream
from genart.generative.methods.hillclimb import HillclimbSettings
from genart.generative.shapes.layout import ALPHA, KIND, SIDES, SIZE
from genart.generative.shapes.registry import CHOICES, COMBO, DRAWS, FAMILIES, NAMES, kinds_for, side_counts
from genart.render import drawables

BOUNDS = np.array([2.0, 3.0, 60.0, 44.0, 0.0, 0.25])  # strict bounds: shapes stay inside
H, W = 48, 64


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_the_switch_reaches_each_familys_own_entry_points(family) -> None:
    """random_shape, mutate and scanlines (the one switch) do what the family's record names, and its drawable is
    of the kind it declares, inside the bounds."""
    sides = side_counts(np.array([family.id]), 6)
    p, own = np.zeros(SIZE), np.zeros(SIZE)
    rng, own_rng = stream(5, family.id), stream(5, family.id)
    shapes.random_shape(p, np.array([family.id]), sides, 0.5, BOUNDS, rng)
    randint(own_rng, 1)  # random_shape picks the kind first
    own[KIND], own[SIDES], own[ALPHA] = family.id, family.sides_for(6), 0.5
    family.random(own, BOUNDS, own_rng)
    np.testing.assert_array_equal(p, own)
    for _ in range(20):
        shapes.mutate(p, False, BOUNDS, rng)
        family.mutate(own, BOUNDS, own_rng)
    np.testing.assert_array_equal(p, own)
    lines, pts, xs = shapes.buffers(H)
    n = shapes.scanlines(p, H, W, lines, pts, xs)
    own_lines = np.zeros_like(lines)
    assert n > 0 and family.scanlines(p, H, W, own_lines, pts, xs) == n
    np.testing.assert_array_equal(lines[:n], own_lines[:n])
    assert lines[:n, 0].min() >= BOUNDS[1] - 1 and lines[:n, 0].max() <= BOUNDS[3]
    assert lines[:n, 1].min() >= BOUNDS[0] - 1 and lines[:n, 2].max() <= BOUNDS[2] + 1
    shape = shapes.to_drawable(p, np.array([0.2, 0.4, 0.6]))
    assert drawables.drawable_of(shape).kind == family.draws == DRAWS[family.id]
    assert shape.color == pytest.approx((0.2, 0.4, 0.6, 0.5))


def test_every_list_of_families_comes_from_the_registry() -> None:
    """Ids are places in FAMILIES; NAMES, COMBO, the settings' choices and the CLI's --shape choices follow it."""
    assert [f.id for f in FAMILIES] == list(range(len(FAMILIES)))
    assert list(NAMES) == [f.name for f in FAMILIES] and (*NAMES, "combo") == CHOICES
    assert tuple(f.id for f in FAMILIES if f.in_combo) == COMBO and "polygon" not in [FAMILIES[i].name for i in COMBO]
    assert get_args(HillclimbSettings.model_fields["shape"].annotation) == CHOICES
    sub = argparse.ArgumentParser().add_subparsers()
    register(sub)
    evolve = sub.choices["evolve"]
    shape = next(a for a in evolve._actions if a.dest == "shape")
    assert tuple(shape.choices) == CHOICES
    assert kinds_for("combo").tolist() == list(COMBO) and kinds_for("bezier").tolist() == [NAMES["bezier"]]
    with pytest.raises(ValueError, match="unknown shape 'hexagon'"):
        kinds_for("hexagon")


def test_the_side_rule_is_the_records() -> None:
    """The vertex count each family keeps: fixed, or the run's --sides for the polygon family."""
    counts = dict(zip(NAMES, side_counts(np.arange(len(FAMILIES)), 7).tolist()))
    assert counts == {"triangle": 3, "polygon": 7, "rectangle": 4, "rotated_rectangle": 4, "ellipse": 4,
                      "rotated_ellipse": 4, "circle": 4, "bezier": 3, "line": 2}
    assert {f.draws for f in FAMILIES} == set(drawables.REGISTRY)


@pytest.mark.parametrize(("args", "message"), [
    (["--tiles", "40x40"], "tiles must be at least 1x1 and at most 1024 in all, got 40x40"),
    (["--tiles", "0x2"], "tiles must be at least 1x1 and at most 1024 in all, got 0x2"),
    (["-n", "3", "--tiles", "2x2"], "3 shapes cannot cover 4 tiles (at least one each)"),
])
def test_settings_are_refused_once_in_one_line(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    """The settings model refuses what the engine cannot run, before any work, in the command's one line."""
    picture = tmp_path / "p.png"
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(picture)
    assert main(["evolve", str(picture), "-o", str(tmp_path / "o.png"), *args]) == 2
    assert capsys.readouterr().err.splitlines() == [f"genart evolve: error: {message}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png"]


class Steps(BaseModel):
    format: str
    version: int
    fingerprint: str
    steps: list[float]


class GradientError(CheckpointError):
    """An optimizer's own one-line error."""


def test_a_fingerprinted_checkpoint_file_round_trips_and_refuses_what_is_not_its_own(tmp_path: Path) -> None:
    """Any optimizer's document round-trips; another run's, another version, or a file that is no checkpoint is
    refused (in the optimizer's own error) and left as it was."""
    path = tmp_path / "run.ckpt"
    store = CheckpointFile(path, "f1", 3, GradientError)
    store.claim()
    store.save({"steps": [0.5, 1.5]})
    assert json.loads(path.read_text()) == {"format": "genart.checkpoint", "version": 3, "fingerprint": "f1",
                                            "steps": [0.5, 1.5]}
    assert store.load(Steps).steps == [0.5, 1.5]
    saved = path.read_bytes()
    with pytest.raises(GradientError, match="made from another picture or other settings"):
        CheckpointFile(path, "f2", 3, GradientError).claim()
    with pytest.raises(GradientError, match="version: this genart reads version 4, got 3"):
        CheckpointFile(path, "f1", 4, GradientError).load(Steps)
    with pytest.raises(GradientError, match=r"MiB, more than this run's"):
        store.load(Steps, 10, "more than this run's")
    assert path.read_bytes() == saved
    path.write_text('{"format": "genart.checkpoint", "version": 3, "fingerprint": "f1", "steps": "x"}')
    with pytest.raises(GradientError, match=r"^checkpoint .*run.ckpt: steps: Input should be a valid list$"):
        store.load(Steps)
    path.write_text("notes")
    with pytest.raises(GradientError, match="not a genart checkpoint"):
        store.claim()
    assert path.read_text() == "notes"
    store.remove()
    assert not path.exists()
    with pytest.raises(GradientError, match="none to resume from"):
        store.load(Steps)
