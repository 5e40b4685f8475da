"""`genart run`: broken scripts give one line naming file, line and column, exit 2, and leave nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from genart.cli import main
from genart.generative.methods import METHODS
from genart.script.contents import scene_contents

SCRIPTS = Path(__file__).resolve().parent.parent / "assets" / "scripts"

GOOD = """\
genart: 1
seed: 7
inputs:
  face: face.jpg
  snaps: {photos: photos}
scenes:
  tris: {from: face, method: hillclimb, shapes: 8}
  lines: {from: face, method: gng, max_nodes: 30}
  tiles: {from: face, method: mosaic, photos: snaps, grid: "4"}
posters:
  - {scene: tris, out: out/tris.png}
movie:
  out: out/piece.mp4
  size: 64x64
  soundtrack: tone.wav
  shots:
    - {scene: tris, motion: flyin, duration: 1}
    - {transition: crossfade, duration: 0.5}
    - {scene: lines, motion: growth, duration: 1}
"""

# (what to replace in GOOD, its replacement, the line the error names, the message after "piece.yaml:LINE:COL: ")
BROKEN = [
    ("shapes: 8", "shapes: -3", 7, r"scenes\.tris\.shapes: must be at least 1, got -3"),
    ("shapes: 8", "shpes: 8", 7, r"scenes\.tris\.shpes: unknown key \(did you mean shapes\?\)"),
    ("shapes: 8}", "shapes: 8, shape: triangel}", 7,
     r"scenes\.tris\.shape: 'triangel' is not one of triangle, .* \(did you mean triangle\?\)"),
    ("method: hillclimb", "method: hilclimb", 7,
     r"scenes\.tris\.method: unknown method 'hilclimb' \(did you mean hillclimb\?\)"),
    ("face, method: hillclimb, shapes: 8}", "face, shapes: 8}", 7, r"scenes\.tris: no method: name one of hillclimb, .*"),
    ("motion: flyin", "motion: flyinn", 17,
     r"movie\.shots\[0\]\.motion: unknown motion 'flyinn' \(did you mean flyin\?\)"),
    ("duration: 1}\n    - {tr", "duration: 1, easing: ease_out_bak}\n    - {tr", 17,
     r"movie\.shots\[0\]\.easing: unknown easing 'ease_out_bak' \(did you mean ease_out_back\?\)"),
    ("face: face.jpg", "face: nope.jpg", 4, r"inputs\.face: nope\.jpg: no such file"),
    ("photos: photos}", "photos: fotos}", 5, r"inputs\.snaps\.photos: fotos: no such folder"),
    ("{scene: tris, motion", "{scene: tri, motion", 17,
     r"movie\.shots\[0\]\.scene: no scene 'tri' \(did you mean tris\?\)"),
    ("{scene: tris, motion: flyin", "{scene: tiles, motion: flyin", 17,
     r"movie\.shots\[0\]\.motion: flyin needs shapes, but scene tiles \(mosaic\) will have no shapes"),
    ("max_nodes: 30}", "max_nodes: 30, snapshots: none}", 19,
     r"movie\.shots\[2\]\.motion: growth needs a graph layer and snapshots, but scene lines \(gng\) will have no "
     r"snapshots"),
    ("motion: flyin, duration: 1}", "motion: flyin, duration: -1}", 17,
     r"movie\.shots\[0\]\.duration: must be greater than 0(\.0)?, got -1"),
    ("motion: growth, duration: 1}", "motion: growth, duration: 1, hold: -2}", 19,
     r"movie\.shots\[2\]\.hold: must be at least 0(\.0)?, got -2"),
    ("crossfade, duration: 0.5}", "crossfade, duration: 0}", 18,
     r"movie\.shots\[1\]\.duration: must be greater than 0(\.0)?, got 0"),
    ("seed: 7", "seed: !!python/object/apply:os.system [echo hacked]", 2,
     r"YAML tag !!python/object/apply:os\.system is not allowed \(scripts hold plain values only\)"),
    ("face: face.jpg", "face: !env HOME", 4, r"YAML tag !env is not allowed \(scripts hold plain values only\)"),
    ("seed: 7", "seed: [7", 3, r"YAML syntax: .*"),
    ("  lines: {", "  tris: {", 8, r"scenes\.tris: given twice"),
    ("genart: 1", "genart: 2", 1, r"genart: input should be 1"),
    ("genart: 1\n", "\n", 2, r"genart is missing"),
    ("scenes:", "sceness:", 6, r"sceness: unknown key \(did you mean scenes\?\)"),
    ("{from: face, method: hillclimb", "{from: snaps, method: hillclimb", 7,
     r"scenes\.tris\.from: snaps is a photo folder, not a picture"),
    ("out: out/tris.png", "out: out/tris.bmp", 11, r"posters\[0\]\.out: unknown output format .*"),
    ("out: out/piece.mp4", "out: out/piece.gif", 13, r"movie\.out: out/piece\.gif: a movie is \.mp4 or \.webm"),
    ("    - {scene: tris, motion: flyin, duration: 1}\n    - {transition: crossfade, duration: 0.5}\n",
     "    - {transition: crossfade, duration: 0.5}\n    - {scene: tris, motion: flyin, duration: 1}\n", 17,
     r"movie\.shots\[0\]: a transition goes between two shots"),
    ("size: 64x64", "size: 65x64", 14, r"movie\.size: 65x64: both sides must be even, from 2 to 7680 px"),
    ("soundtrack: tone.wav", "soundtrack: song.ogg", 15, r"movie\.soundtrack: song\.ogg: no such file"),
    ("soundtrack: tone.wav", "soundtrack: face.jpg", 15, r"movie\.soundtrack: face\.jpg: not a sound file genart reads .*"),
    ("out: out/tris.png}", "out: out/tris.png}\n  - {scene: lines, out: out/../out/tris.png}", 12,
     r"posters\[1\]\.out: out/\.\./out/tris\.png is also written at line 11"),
    ('photos: snaps, grid: "4"}', 'photos: snaps, grid: "4", collection: c.npz}', 9,
     r"scenes\.tiles\.collection: a script names it by `photos:` \(an input\)"),
    ("posters:", "postres:", 10, r"postres: unknown key \(did you mean posters\?\)"),
    ("  tris: {from", "  my tris: {from", 7, r"scenes\.my tris: names are letters, digits, .*"),
    ("transition: crossfade", "transition: fade", 18,
     r"movie\.shots\[1\]\.transition: 'fade' is not one of crossfade \(did you mean crossfade\?\)"),
    # a key already given is never what an unknown one meant: `shapse` beside `shape` meant `shapes`
    ("shapes: 8}", "shape: triangle, shapse: 8}", 7, r"scenes\.tris\.shapse: unknown key \(did you mean shapes\?\)"),
    # PyYAML's jargon said in plain words (the position kept)
    ("seed: 7", "seed: 7: 8", 2, r"YAML syntax: a ':' where a value was expected: quote a value that holds ': ', "
                                 r"or check the indentation"),
    ("seed: 7\n", "seed: 7\n  extra: 1\n", 3, r"YAML syntax: a ':' where a value was expected.*"),
    ("seed: 7", "seed: 7\n\tinputs: {}", 3, r"YAML syntax: a tab: indent YAML with spaces"),
    ("seed: 7", "seed: *seven", 2, r"YAML syntax: an alias \(\*name\) used before its anchor \(&name\) is set"),
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cachehome"))  # the user's cache directory
    shutil.copy(SCRIPTS / "face.jpg", tmp_path)
    shutil.copy(SCRIPTS / "tone.wav", tmp_path)
    (tmp_path / "photos").mkdir()
    for photo in sorted((SCRIPTS / "photos").iterdir())[:6]:
        shutil.copy(photo, tmp_path / "photos")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["run", *argv])
    return code, capsys.readouterr().err


def _left(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"face.jpg", "tone.wav", "photos", "piece.yaml"}


def test_the_good_script_is_good(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "piece.yaml").write_text(GOOD)
    code, err = _run(capsys, str(folder / "piece.yaml"), "--dry-run")
    assert code == 0, err
    assert _left(folder) == set()  # a dry run writes nothing


@pytest.mark.parametrize(("old", "new", "line", "message"), BROKEN,
                         ids=[f"{i}:{b[1][:30]}" for i, b in enumerate(BROKEN)])
def test_a_broken_script_names_its_line(folder: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                                        line: int, message: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    (folder / "piece.yaml").write_text(text)
    code, err = _run(capsys, str(folder / "piece.yaml"))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err, err
    m = re.fullmatch(r"genart run: error: (.*)piece\.yaml:(\d+):(\d+): (.*)\n", err)
    assert m is not None, err
    assert re.fullmatch(message, m[4]), m[4]
    assert int(m[2]) == line, err
    assert _left(folder) == set(), "a broken script leaves nothing behind"


def test_the_column_points_at_the_value(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace("shapes: 8", "shapes: -3")
    (folder / "piece.yaml").write_text(text)
    _, err = _run(capsys, str(folder / "piece.yaml"))
    assert f":7:{text.splitlines()[6].index('-3') + 1}: scenes.tris.shapes:" in err  # at the value
    text = GOOD.replace("shapes: 8", "shpes: 8")
    (folder / "piece.yaml").write_text(text)
    _, err = _run(capsys, str(folder / "piece.yaml"))
    assert f":7:{text.splitlines()[6].index('shpes') + 1}: scenes.tris.shpes: unknown key" in err  # at the key


@pytest.mark.parametrize(("option", "message"), [
    ("scenes.tris.shapes=0", r"--set scenes\.tris\.shapes=0: scenes\.tris\.shapes: must be at least 1, got 0"),
    ("scenes.tris.shpes=3", r"--set scenes\.tris\.shpes=3: scenes\.tris\.shpes: unknown key \(did you mean shapes\?\)"),
    ("movie.shots.0.easing=bounce", r"--set movie\.shots\.0\.easing=bounce: movie\.shots\[0\]\.easing: unknown easing .*"),
    ("movie.shots.9.duration=2", r"--set movie\.shots\.9\.duration=2: movie\.shots is a list: give an item's number "
                                 r"\(0 to 2\)"),
    ("seed", r"--set seed: give PATH=VALUE, e\.g\. .*"),
    ("seed=[1", r"--set seed=\[1: YAML syntax: .*"),
])
def test_set_values_are_validated_like_the_file(folder: Path, capsys: pytest.CaptureFixture[str], option: str,
                                                message: str) -> None:
    (folder / "piece.yaml").write_text(GOOD)
    code, err = _run(capsys, str(folder / "piece.yaml"), "--set", option)
    assert code == 2 and err.count("\n") == 1, err
    assert re.fullmatch(f"genart run: error: {message}\n", err), err
    assert _left(folder) == set()


def test_only_names_a_part(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "piece.yaml").write_text(GOOD)
    code, err = _run(capsys, str(folder / "piece.yaml"), "--only", "lnes", "--dry-run")
    assert code == 2 and "--only lnes: no such part of" in err and "(did you mean lines?)" in err


def test_missing_script(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, str(folder / "nope.yaml"))
    assert code == 2 and err == f"genart run: error: {folder / 'nope.yaml'}: no such file\n"


def test_every_method_says_what_its_scene_holds() -> None:
    for method in METHODS.values():
        assert scene_contents(method, method.settings())


def test_a_control_character_is_one_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = folder / "piece.yaml"
    script.write_text("genart: 1\nseed: \x00\n")
    assert main(["run", str(script)]) == 2
    err = capsys.readouterr().err.strip()
    assert "YAML syntax: unacceptable character" in err and "\n" not in err
