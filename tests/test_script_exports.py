"""The `exports:` of a YAML script: every format of the export registry, the same bytes `genart export`
writes from the fitted scene, on genart's one clock (frame k at k / fps, one more frame at the end),
cached as their own stages; a .blend built by the Blender the user names (slow)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pygltflib as gl
import pytest

from genart.animate.export.blender import find_blender
from genart.animate.timeline import frame_times
from genart.cli import main
from genart.script.cache import cache_folder
from tests.test_run import files, genart_run, made

ROOT = Path(__file__).resolve().parent.parent
FACE = ROOT / "assets" / "scripts" / "face.jpg"
PIECE = """\
genart: 1
seed: 3
inputs:
  face: face.jpg
scenes:
  tris: {from: face, method: hillclimb, shapes: 8, resize: 32, candidates: 30, max_age: 10, repeats: 2, workers: 1}
movie:
  out: out/piece.mp4
  size: 64x48
  fps: 8
  shots:
    - {scene: tris, motion: flyin, duration: 1, hold: 0.25}
exports:
  - {out: out/tris.json, scene: tris, motion: flyin, duration: 1.5, fps: 12}
  - {out: out/tris.svg, shot: 1, width: 300}
  - {out: out/tris.gltf, shot: 1}
  - {out: out/tris.glb, scene: tris, motion: flyin, duration: 2, hold: 0, easing: linear}
"""
# Each export: the motion options and fps of the `genart export` that must write the same bytes, and its length (s).
SAME_AS = {
    "tris.json": (["--duration", "1.5", "--fps", "12"], 12.0, 0 + 1.5 + 1.0),
    "tris.svg": (["--duration", "1", "--hold", "0.25", "--fps", "8", "--width", "300"], 8.0, 1.25),
    "tris.gltf": (["--duration", "1", "--hold", "0.25", "--fps", "8"], 8.0, 1.25),
    "tris.glb": (["--duration", "2", "--hold", "0", "--easing", "linear", "--fps", "30"], 30.0, 2.0),
}
EXPORT_LABELS = {f"export out/{name} (flyin of tris)" for name in SAME_AS}


@pytest.fixture(scope="module", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache directory ($XDG_CACHE_HOME), where genart keeps the scripts' caches: one for the module."""
    home = tmp_path_factory.mktemp("cachehome")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


def make_piece(folder: Path, text: str = PIECE) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(FACE, folder)
    (folder / "piece.yaml").write_text(text)
    return folder / "piece.yaml"


@pytest.fixture(scope="module")
def piece(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The script above, run once."""
    script = make_piece(tmp_path_factory.mktemp("exports") / "piece")
    code, err = genart_run(str(script))
    assert code == 0, err
    assert made(err) >= EXPORT_LABELS, err
    return script


def test_exports_are_what_genart_export_writes_from_the_fitted_scene(piece: Path, tmp_path: Path) -> None:
    """Each export holds the bytes `genart export` writes from the scene the run fitted, with the same motion
    settings (a `shot: N` entry: the movie's shot, at the movie's fps)."""
    scenes = list(cache_folder(piece.parent).glob("scene-*.scene.json.gz"))
    assert len(scenes) == 1
    for name, (options, _, _) in SAME_AS.items():
        out = tmp_path / name
        assert main(["export", str(scenes[0]), "--motion", "flyin", "--seed", "3", *options, "-q", "-o", str(out)]) == 0
        assert (piece.parent / "out" / name).read_bytes() == out.read_bytes(), name


def test_exports_keep_the_one_clock(piece: Path) -> None:
    """Lottie runs frame 0 to the frame at or past the end at its fps, the SMIL animations last the shot's length,
    and no glTF key lies past it."""
    out = piece.parent / "out"
    _, fps, length = SAME_AS["tris.json"]
    lottie = json.loads((out / "tris.json").read_text())
    assert lottie["fr"] == fps and lottie["ip"] == 0 and lottie["op"] == len(frame_times(length, fps)) == 31
    _, fps, length = SAME_AS["tris.svg"]
    svg = ET.parse(out / "tris.svg").getroot()
    assert svg.get("width") == "300"
    durations = {el.get("dur") for el in svg.iter() if el.get("dur") is not None}
    assert durations == {f"{length:g}s"}, durations
    assert len(frame_times(length, fps)) == 11  # the movie's shot: frames 0 .. 10 at 1/8 s, the last at 1.25 s
    for name in ("tris.gltf", "tris.glb"):
        _, fps, length = SAME_AS[name]
        doc = gl.GLTF2().load(str(out / name))
        ends = [doc.accessors[sampler.input].max[0] for a in doc.animations for sampler in a.samplers]
        assert ends and max(ends) <= length + 1e-6, (name, max(ends))


def test_an_unchanged_script_exports_nothing_again_and_an_edited_entry_itself_alone(piece: Path) -> None:
    before = files(piece.parent)
    code, err = genart_run(str(piece))
    assert code == 0 and not made(err), err
    assert files(piece.parent) == before
    code, err = genart_run(str(piece), "--set", "exports.1.width=200")
    assert code == 0 and made(err) == {"export out/tris.svg (flyin of tris)"}, err
    assert ET.parse(piece.parent / "out" / "tris.svg").getroot().get("width") == "200"
    changed = {name for name, stamp in files(piece.parent).items() if before.get(name) != stamp}
    assert changed == {"out/tris.svg"}
    code, err = genart_run(str(piece))  # back as it was: made again from the same key, the others untouched
    assert code == 0 and made(err) == {"export out/tris.svg (flyin of tris)"}, err


def test_dry_run_lists_the_exports_and_only_exports_makes_them(piece: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(piece), "--dry-run", "--set", "exports.0.fps=24"]) == 0
    out = capsys.readouterr().out
    plan = [line.split(maxsplit=2)[1:] for line in out.splitlines() if line.startswith("#   ")]
    assert ["run", "export out/tris.json (flyin of tris)"] in plan
    assert ["cached", "export out/tris.glb (flyin of tris)"] in plan and ["cached", "movie out/piece.mp4"] in plan
    code, err = genart_run(str(piece), "--only", "exports", "--force")
    assert code == 0 and made(err) == {"scene tris (hillclimb)", *EXPORT_LABELS}, err


# (what the script above says, what a mistaken one says instead, where the line points to in it, the line's end)
MISTAKES = [
    ("scene: tris, motion: flyin, duration: 1.5", "scene: trs, motion: flyin, duration: 1.5", "trs",
     r"exports\[0\]\.scene: no scene 'trs' \(did you mean tris\?\)$"),
    ("shot: 1, width", "shot: 2, width", "2, width", r"exports\[1\]\.shot: no shot 2: the movie has 1 shot$"),
    ("motion: flyin, duration: 1.5", "motion: growth, duration: 1.5", "growth",
     r"exports\[0\]\.motion: growth needs a graph layer"),
    ("fps: 12}", "fps: 12, width: 10}", "10}", r"exports\[0\]\.width: Lottie JSON takes no width \(only \.svg does\)$"),
    ("out/tris.json", "out/a.gif", "out/a.gif",
     r"exports\[0\]\.out: out/a\.gif: unknown export format \(use \.json, \.svg, \.gltf, \.glb or \.blend\)$"),
    ("out/tris.json", "out/a.py", "out/a.py",
     r"exports\[0\]\.out: out/a\.py: Blender builder script and its data: only genart export --blender-script "
     r"writes it"),
    ("out/tris.json", "out/piece.mp4", "out/piece.mp4, scene", r"exports\[0\]\.out: out/piece\.mp4: unknown export"),
    ("out/tris.gltf", "out/tris.json", "out/tris.json, shot", r"exports\[2\]\.out: out/tris\.json is also written "
                                                                r"at line 14$"),
    ("{out: out/tris.gltf, shot: 1}", "{out: out/tris.gltf}", "{out: out/tris.gltf}",
     r"exports\[2\]: no motion: name one of flyin, growth, mosaic_zoom, timelapse, video or a shot"),
    ("easing: linear", "easng: linear", "easng", r"exports\[3\]\.easng: unknown key \(did you mean easing\?\)$"),
]


@pytest.mark.parametrize(("given", "mistaken", "at", "said"), MISTAKES)
def test_export_entries_and_what_they_name_are_checked(tmp_path: Path, given: str, mistaken: str, at: str,
                                                       said: str) -> None:
    """What an export names must exist, be played by its scene and carried by its format: one line located at
    the mistake, before any work, and nothing written."""
    assert given in PIECE
    text = PIECE.replace(given, mistaken, 1)
    line = next(n for n, words in enumerate(text.splitlines(), 1) if at in words and n > 13)
    script = make_piece(tmp_path / "piece", text)
    code, err = genart_run(str(script))
    lines = err.strip().splitlines()
    where = f"piece.yaml:{line}:{text.splitlines()[line - 1].index(at) + 1}: "
    assert code == 2 and len(lines) == 1 and where in lines[0] and re.search(said, lines[0]), (where, lines)
    assert sorted(p.name for p in script.parent.iterdir()) == ["face.jpg", "piece.yaml"]


@pytest.mark.slow
def test_a_blend_export_is_built_by_the_blender_of_the_person_running_genart(tmp_path: Path) -> None:
    """`.blend` through `genart run`, by $GENART_BLENDER (the script names none): Blender opens it and finds the
    fly-in's frame range at the export's fps (frame 0 to the frame at or past the end); cached on a re-run."""
    blender = os.environ.get("GENART_BLENDER")
    if not blender:
        pytest.fail("set GENART_BLENDER to a Python with bpy (tools/blender-env.sh builds one) to test .blend exports")
    text = PIECE.split("movie:")[0] + "exports:\n  - {out: out/tris.blend, scene: tris, motion: flyin, duration: 1, " \
                                      "hold: 0.5, fps: 10}\n"
    script = make_piece(tmp_path / "piece", text)
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "GENART_BLENDER": blender}
    run = [sys.executable, "-m", "genart", "run", str(script)]
    done = subprocess.run(run, capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "made    export out/tris.blend (flyin of tris)" in done.stderr
    probe = tmp_path / "probe.py"
    probe.write_text("import bpy, sys\nbpy.ops.wm.open_mainfile(filepath=sys.argv[-1])\ns = bpy.context.scene\n"
                     "print('RANGE', s.frame_start, s.frame_end, s.render.fps / s.render.fps_base)\n")
    seen = find_blender(blender).run(probe, [str(script.parent / "out" / "tris.blend")], "probe")
    facts = next(line.split()[1:] for line in seen.splitlines() if line.startswith("RANGE"))
    assert [int(facts[0]), int(facts[1]), float(facts[2])] == [0, len(frame_times(1.5, 10.0)) - 1, 10.0]
    assert sorted(p.name for p in (script.parent / "out").iterdir()) == ["tris.blend"]  # no .blend1, no scratch
    again = subprocess.run(run, capture_output=True, text=True, env=environment, timeout=300)
    assert again.returncode == 0 and "cached  export out/tris.blend (flyin of tris)" in again.stderr, again.stderr
