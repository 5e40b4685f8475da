"""The methods registry: settings models, fits of tiny pictures, CLI equality, refinement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from genart.generative.images import Picture, rmse_255, working
from genart.generative.methods import METHODS, MethodError, get_method, settings_error
from genart.generative.methods.hillclimb import HillclimbSettings
from genart.generative.methods.refine import RefineSettings, refine_scene
from genart.generative.mosaic.features import SPACES
from genart.generative.mosaic.index import index_folder
from genart.generative.mosaic.match import MODES
from genart.generative.shapes.registry import NAMES
from genart.render import scene as S
from genart.render.cairo import render_array

ROOT = Path(__file__).resolve().parent.parent
TINY = {
    "hillclimb": {"shapes": 6, "resize": 32, "candidates": 30, "max_age": 10, "repeats": 2, "workers": 1},
    "anneal": {"shapes": 4, "tiles": (2, 2), "resize": 32, "evaluations": 200, "snapshot_every": 100, "workers": 1},
    "gradient": {"shapes": 5, "resize": 32, "steps": 30},
    "gng": {"max_nodes": 30, "epochs": 2, "n_iter_before_neuron_added": 20},
    "mosaic": {"grid": "4"},
}


def astronaut(size: int = 32) -> Picture:
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.BOX))
    return Picture(rgb=rgb, name="astronaut", sha256="0" * 64)


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    """A tiny collection of 20 crops of skimage pictures."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for i in range(20):
        pic = (data.coffee(), data.chelsea(), data.rocket())[i % 3]
        y, x = rng.integers(0, pic.shape[0] - 40), rng.integers(0, pic.shape[1] - 40)
        Image.fromarray(pic[y:y + 40, x:x + 40]).save(folder / f"p{i:02d}.png")
    out = folder / "c.npz"
    index_folder(folder, out, (8, 16), jobs=1)
    return out


@pytest.mark.parametrize("name", sorted(METHODS))
def test_settings_defaults_validate_and_have_a_schema(name: str) -> None:
    model = get_method(name).settings
    assert model.model_config.get("extra") == "forbid"
    model.model_validate({})
    schema = model.model_json_schema()
    for field, info in model.model_fields.items():
        assert not info.is_required() and info.description, field
        assert "default" in schema["properties"][field] or info.default is None, field


def test_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(MethodError, match=r"unknown method 'nope' \(known: hillclimb, anneal, gradient, gng, mosaic\)"):
        get_method("nope")


def test_settings_literals_match_the_engines() -> None:
    assert set(HillclimbSettings.model_json_schema()["properties"]["shape"]["enum"]) == {*NAMES, "combo"}
    mosaic = get_method("mosaic").settings.model_json_schema()["properties"]
    assert tuple(mosaic["match"]["enum"]) == MODES and tuple(mosaic["space"]["enum"]) == SPACES


def test_validation_errors_are_one_line_naming_the_setting() -> None:
    from pydantic import ValidationError

    cases = [({"candidates": 0}, "--candidates must be between 1 and 100000, got 0"),
             ({"resize": 5}, "--resize must be between 8 and 4096, got 5"),
             ({"alpha": 2}, "--alpha must be between 0 and 1, got 2"),
             ({"shapes": 0}, "--shapes (shape count) must be between 1 and 100000, got 0"),
             ({"colour": 1}, "--colour: Extra inputs are not permitted"),
             ({"shapes": 3, "tiles": (2, 2)}, "3 shapes cannot cover 4 tiles")]
    for values, needle in cases:
        with pytest.raises(ValidationError) as caught:
            HillclimbSettings(**values)
        text = settings_error(caught.value, HillclimbSettings, lambda f: f"--{f}")
        assert needle in text and "\n" not in text, text


@pytest.mark.parametrize("name", sorted(METHODS))
def test_every_method_fits_a_tiny_picture(name: str, collection: Path) -> None:
    method = get_method(name)
    values = {**TINY[name], **({"collection": collection} if name == "mosaic" else {})}
    drawing = method.fit(astronaut(), method.settings(**values))
    S.Scene.model_validate(drawing.model_dump())
    assert (drawing.canvas.width, drawing.canvas.height) == (32, 32)
    layer = drawing.layers[0]
    if method.draws_shapes:
        assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == values["shapes"]
        assert drawing.meta["method"] == name and drawing.meta["seconds"] >= 0
    else:
        assert not isinstance(layer, S.ShapesLayer)


def test_hillclimb_via_the_registry_equals_the_cli(tmp_path: Path) -> None:
    picture_file = tmp_path / "a.png"
    Image.fromarray(astronaut(40).rgb).save(picture_file)
    out = tmp_path / "a.scene.json"
    done = subprocess.run([sys.executable, "-m", "genart", "evolve", str(picture_file), "-n", "8", "--resize", "32",
                           "--candidates", "30", "--max-age", "10", "--repeats", "2", "--seed", "5", "--shape",
                           "ellipse", "--quiet", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    from genart.generative.images import load_picture

    settings = HillclimbSettings(shapes=8, resize=32, candidates=30, max_age=10, repeats=2, seed=5, shape="ellipse")
    drawing = get_method("hillclimb").fit(load_picture(picture_file), settings,
                                          checkpoint=tmp_path / "x.ckpt")
    cli = S.load(out)
    assert S.dumps(cli.model_copy(update={"meta": {}})) == S.dumps(drawing.model_copy(update={"meta": {}}))
    assert not (tmp_path / "x.ckpt").exists()


def test_refinement_never_returns_a_worse_scene() -> None:
    picture = astronaut()
    method = get_method("hillclimb")
    drawing = method.fit(picture, method.settings(**TINY["hillclimb"], shape="triangle"))
    target = working(picture, 32).target
    before = rmse_255(render_array(drawing, 32, 32), target)
    refined = refine_scene(drawing, picture, RefineSettings(steps=40, resize=32))
    after = rmse_255(render_array(refined, 32, 32), target)
    assert after <= before + 1e-6
    assert refined.meta["refined"] is True and refined.meta["unrefined_rmse"] == pytest.approx(before, abs=1e-3)
    assert len(refined.layers[0].shapes) == 6 and refined.snapshots[:6] == drawing.snapshots
