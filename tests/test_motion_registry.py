"""The motion registry: every motion complete and playable; `genart animate --at` stills; requirement errors."""

from __future__ import annotations

import inspect
from typing import get_args

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from genart.animate.easing import EASINGS
from genart.animate.frame import render_rgb
from genart.animate.motions import (
    CLIP_OPTIONS,
    CONTEXT,
    MOTIONS,
    FlyinSettings,
    build_clip,
    get_motion,
    motion_of,
)
from genart.animate.motions.flyin import ORDERS
from genart.animate.motions.video import at_frame
from genart.animate.pipeline import render_frames
from genart.animate.timeline import frame_times
from genart.cli import main
from genart.generative.images import rmse_255
from genart.render.cairo import render_array
from genart.render.scene import Canvas, MosaicLayer, Scene, save
from tests.test_anim import shapes_scene
from tests.test_anim_motions import graph_scene
from tests.test_video_io import clip_of


def flat_mosaic() -> Scene:
    """A 4x3 mosaic with cell colours only: drawn flat when no collection is at hand (tiles=None)."""
    colors = [((i * 37) % 256 / 255, (i * 91) % 256 / 255, (i * 53) % 256 / 255) for i in range(12)]
    layer = MosaicLayer(collection="absent", columns=4, rows=3, tiles=list(range(12)), cell_colors=colors)
    return Scene(canvas=Canvas(width=40, height=30), layers=[layer])


TINY_SCENES = (shapes_scene(n=6, width=40, height=30), graph_scene(), flat_mosaic(), clip_of(4))


def tiny_scene_for(name: str) -> Scene:
    """The first tiny scene that has everything the motion requires."""
    motion = MOTIONS[name]
    found = next((s for s in TINY_SCENES if all(need.present(s) for need in motion.requires)), None)
    assert found is not None, f"no tiny test scene has what {name} requires"
    return found


@pytest.mark.parametrize("name", MOTIONS)
def test_motion_record_is_complete(name):
    motion = get_motion(name)
    assert motion.name == name and motion.help and "\n" not in motion.help and motion.requires
    defaults = motion.settings()
    assert motion.settings.model_validate(defaults.model_dump()) == defaults
    assert motion.default_easing in EASINGS and defaults.easing == motion.default_easing
    assert motion.default_duration is None or motion.default_duration > 0
    assert all(field.description for field in motion.settings.model_fields.values())
    with pytest.raises(ValidationError):
        motion.settings(no_such_option=1)
    # the settings are exactly the builder's options (besides those build_clip applies), with the builder's defaults
    params = inspect.signature(motion.builder).parameters
    options = {k: p for k, p in list(params.items())[1:] if k not in CONTEXT}
    assert set(options) == set(motion.settings.model_fields) - set(CLIP_OPTIONS)
    for key, param in options.items():
        assert param.default == motion.settings.model_fields[key].default, key
    assert motion_of(defaults) is motion


def test_settings_ranges_and_names():
    assert get_args(FlyinSettings.model_fields["order"].annotation) == ORDERS
    for bad in ({"hold": -1}, {"duration": 0}, {"easing": "wobble"}, {"flight": 1.5}, {"fade": float("nan")}):
        with pytest.raises(ValidationError):
            FlyinSettings(**bad)
    with pytest.raises(ValueError, match=r"unknown motion 'spiral' \(known: flyin, growth"):
        get_motion("spiral")


@pytest.mark.parametrize("name", MOTIONS)
def test_every_motion_plays_a_tiny_scene_and_ends_on_it(name):
    scene = tiny_scene_for(name)
    motion = MOTIONS[name]
    clip = build_clip(scene, motion.settings(duration=0.5, hold=0.1), fps=10, tiles=None)
    assert clip.length == pytest.approx(motion.settings().start + 0.6)
    middle = render_rgb(clip.frame_at(clip.length / 2), 64, 48)
    assert middle.shape == (48, 64, 3) and middle.dtype == np.uint8
    end = render_rgb(clip.frame_at(clip.length), 64, 48)
    final = at_frame(scene, scene.video.frames - 1) if name == "video" and scene.video else scene  # a clip: its last
    assert rmse_255(end, render_array(final, 64, 48)) < 1.0  # graphs: dots and segments drawn another way


@pytest.mark.parametrize("name", MOTIONS)
def test_a_scene_lacking_what_a_motion_requires_is_one_line_through_the_cli(tmp_path, capsys, name):
    with pytest.raises(ValueError, match=f"^{name} needs .*, but this scene has no "):
        MOTIONS[name].check(Scene(canvas=Canvas(width=8, height=6)))
    path = tmp_path / "empty.scene.json"
    save(Scene(canvas=Canvas(width=8, height=6)), path)
    out = tmp_path / "x.mp4"
    assert main(["animate", str(path), "--motion", name, "-o", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{name} needs " in err and "this scene has no" in err
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--motion", "flyin", "--reverse"], "--reverse applies to --motion mosaic_zoom only"),
    (["--motion", "growth", "--seed", "3"], "--seed applies to --motion flyin and mosaic_zoom only"),
    (["--motion", "flyin", "--hold", "-1"], "--hold must be between 0 and 3600, got -1"),
    (["--motion", "flyin", "--easing", "wobble"], "unknown easing 'wobble'"),
])
def test_motion_options_are_checked_against_the_motion(tmp_path, capsys, args, message):
    path = tmp_path / "s.scene.json"
    save(shapes_scene(n=4), path)
    assert main(["animate", str(path), *args, "-o", str(tmp_path / "x.mp4"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("name, scene", [("flyin", shapes_scene(n=12)), ("growth", graph_scene()),
                                         ("timelapse", shapes_scene(n=12))])
def test_still_is_the_movie_frame_at_that_time(tmp_path, capsys, name, scene):
    path = tmp_path / "s.scene.json"
    save(scene, path)
    fps, size, index = 10, (64, 48), 5
    settings = MOTIONS[name].settings(duration=1.0, hold=0.2)
    clip = build_clip(scene, settings, fps)
    t = float(frame_times(clip.length, fps)[index])
    movie = []
    for frame in render_frames(clip, size, fps, workers=0):
        movie.append(frame.pixels[..., 2::-1].copy())
        frame.release()
    out = tmp_path / "still.png"
    assert main(["animate", str(path), "--motion", name, "--at", repr(t), "-o", str(out), "--size", "64x48",
                 "--fps", str(fps), "--duration", "1", "--hold", "0.2"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    with Image.open(out) as im:
        still = np.asarray(im)
    assert still.shape == (48, 64, 3)
    assert np.array_equal(still, movie[index])
    assert not np.array_equal(still, movie[0])


def test_still_default_size_is_1280_on_the_longer_side(tmp_path):
    path = tmp_path / "s.scene.json"
    save(shapes_scene(n=3, width=40, height=30), path)
    out = tmp_path / "end.png"
    assert main(["animate", str(path), "--motion", "flyin", "--at", "0", "-o", str(out)]) == 0
    with Image.open(out) as im:
        assert im.size == (1280, 960)


@pytest.mark.parametrize("args, message", [
    (["--at", "-0.5", "-o", "{d}/f.png"], "--at -0.5 is outside the clip (0 to 2 s)"),
    (["--at", "2.01", "-o", "{d}/f.png"], "--at 2.01 is outside the clip (0 to 2 s)"),
    (["--at", "1", "-o", "{d}/f.mp4"], "with --at the output is a still: use a .png file"),
    (["-o", "{d}/f.png"], "a .png is a still: give --at SECONDS"),
    (["--at", "1", "-o", "{d}/f.png", "--dedupe"], "--dedupe applies to movies"),
])
def test_bad_still_requests_are_one_line_and_write_nothing(tmp_path, capsys, args, message):
    path = tmp_path / "s.scene.json"
    save(shapes_scene(n=4), path)
    argv = ["animate", str(path), "--motion", "flyin", "--duration", "1", "--hold", "1", "--size", "16",
            *[a.format(d=tmp_path) for a in args]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("genart animate: error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scene.json"]
