"""The cache of `genart run`: a bad record or entry is a miss (made again, one warning line), never a
crash or a hang; a `.genart-cache` folder that arrives with someone else's script folder is neither read
nor written (genart's cache is in the user's own cache directory); two runs at once in one folder keep
both their records."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.test_scripts import POSTER, env, make_piece

TIMEOUT = 120


def genart_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`genart run ARGS` in `tmp_path`, with the user's cache directory in it."""
    return subprocess.run([sys.executable, "-m", "genart", "run", *args], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, **env(tmp_path)}, timeout=TIMEOUT)


def made(done: subprocess.CompletedProcess[str]) -> int:
    """How many stages the run made (from its summary line)."""
    summary = [line for line in done.stderr.splitlines() if " made, " in line]
    assert summary, done.stderr
    return int(summary[-1].rsplit(": ", 1)[1].split()[0])


def the_cache(tmp_path: Path) -> Path:
    """The folder where the run kept its cache, wherever that is."""
    return next(tmp_path.rglob("hashes.json")).parent


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# (the record, what it is made to hold: a text, or a FIFO or a folder in its place)
BAD_RECORDS = [
    ("hashes.json", '{"/x": 5}'),
    ("hashes.json", '{"{picture}": ["a", "b", "c", "d"]}'),
    ("hashes.json", '{"{picture}": [1, 2, 3]}'),
    ("hashes.json", "[1, 2]"),
    ("hashes.json", "not JSON"),
    ("hashes.json", _deep(100_000)),
    ("hashes.json", "fifo"),
    ("hashes.json", "folder"),
    ("outputs.json", '{"{poster}": []}'),
    ("outputs.json", '{"{poster}": {"key": 5, "stamp": "x"}}'),
    ("outputs.json", '{"{poster}": {"key": "000000000000000000000000", "stamp": [1, 2, true]}}'),
    ("outputs.json", '{"{poster}": null, "other": {"stamp": [1e400]}}'),
    ("outputs.json", "fifo"),
]


@pytest.mark.parametrize(("record", "holds"), BAD_RECORDS,
                         ids=[f"{record}:{holds[:24]}" for record, holds in BAD_RECORDS])
def test_a_bad_cache_record_is_a_miss_with_one_warning(tmp_path: Path, record: str, holds: str) -> None:
    folder = make_piece(tmp_path, POSTER)
    assert genart_run(tmp_path, "piece/piece.yaml", "-q").returncode == 0
    path = the_cache(tmp_path) / record
    path.unlink()
    if holds == "fifo":
        os.mkfifo(path)
    elif holds == "folder":
        path.mkdir()
    else:
        picture, poster = (folder / "face.jpg").resolve(), (folder / "out" / "tris.png").resolve()
        path.write_text(holds.replace("{picture}", str(picture)).replace("{poster}", str(poster)))
    done = genart_run(tmp_path, "piece/piece.yaml")
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and record in warnings[0] and "Traceback" not in done.stderr, done.stderr
    if holds == "folder":  # genart replaces no folder, even in its cache: said in one line
        assert done.returncode == 2 and f"cannot write {path}: it is a directory" in done.stderr, done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert made(done) == (1 if record == "outputs.json" else 0), done.stderr  # the poster, drawn again
    if holds not in ("fifo", "folder"):  # genart's own record is whole again
        assert genart_run(tmp_path, "piece/piece.yaml").stderr.count("warning") == 0


@pytest.mark.parametrize("kind", ["fifo", "link out", "folder"])
def test_a_cache_entry_that_is_not_a_file_is_a_miss(tmp_path: Path, kind: str) -> None:
    make_piece(tmp_path, POSTER)
    assert genart_run(tmp_path, "piece/piece.yaml", "-q").returncode == 0
    scene = next(the_cache(tmp_path).glob("scene-*.scene.json.gz"))
    scene.unlink()
    (tmp_path / "elsewhere.scene.json.gz").write_bytes(b"a user's own file")
    if kind == "fifo":
        os.mkfifo(scene)
    elif kind == "link out":
        scene.symlink_to(tmp_path / "elsewhere.scene.json.gz")
    else:
        scene.mkdir()
    done = genart_run(tmp_path, "piece/piece.yaml", "--set", "posters.0.width=24", "-q")
    lines = done.stderr.splitlines()
    if kind == "folder":  # genart replaces no folder, even in its cache: said in one line, before any work
        assert done.returncode == 2 and len(lines) == 1 and "it is a directory" in lines[0], done.stderr
    else:
        assert done.returncode == 0 and len(lines) == 1 and "not a regular file; made again" in lines[0], lines
        assert scene.is_file() and not scene.is_symlink()
    assert (tmp_path / "elsewhere.scene.json.gz").read_bytes() == b"a user's own file"


def test_a_shared_folders_cache_is_neither_written_nor_read(tmp_path: Path) -> None:
    """A `.genart-cache` in a script folder from someone else: a link leading out, and entries under the
    very keys of the piece (a scene file that is a link to another scene, records claiming the outputs)."""
    honest = tmp_path / "honest"
    honest.mkdir()
    make_piece(honest, POSTER)
    assert genart_run(honest, "piece/piece.yaml", "-q").returncode == 0
    scene_name = next(honest.rglob("scene-*.scene.json.gz")).name
    poster = (honest / "piece" / "out" / "tris.png").read_bytes()

    folder = make_piece(tmp_path, POSTER)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / scene_name).symlink_to(tmp_path / "private.scene.json")
    (tmp_path / "private.scene.json").write_text(json.dumps({  # someone's own scene, which the link would leak
        "format": "genart.scene", "version": 1, "canvas": {"width": 64, "height": 64}, "layers": [{"type": "shapes",
        "shapes": [{"kind": "circle", "cx": 32, "cy": 32, "r": 20, "color": [0.9, 0.2, 0.1, 0.8]}]}]}))
    (folder / ".genart-cache").symlink_to("../elsewhere")
    before = sorted(p.name for p in elsewhere.iterdir())
    done = genart_run(tmp_path, "piece/piece.yaml", "-q")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == before, "genart wrote into a folder the link led to"
    assert (folder / "out" / "tris.png").read_bytes() == poster, "the poster is not the fit of the picture"


def test_two_runs_at_once_in_one_folder_keep_both_records(tmp_path: Path) -> None:
    folder = make_piece(tmp_path, POSTER)
    (folder / "piece.yaml").unlink()
    for name, shapes in (("a", 4), ("b", 5)):
        (folder / f"{name}.yaml").write_text(POSTER.replace("shapes: 4", f"shapes: {shapes}")
                                             .replace("out/tris.png", f"out/{name}.png"))
    runs = [subprocess.Popen([sys.executable, "-m", "genart", "run", f"piece/{name}.yaml", "-q"], cwd=tmp_path,
                             env={**os.environ, **env(tmp_path)}, stderr=subprocess.PIPE, text=True)
            for name in ("a", "b")]
    for run in runs:
        _, err = run.communicate(timeout=TIMEOUT)
        assert run.returncode == 0, err
    records = json.loads((the_cache(tmp_path) / "outputs.json").read_text())
    assert {Path(p).name for p in records} == {"a.png", "b.png"}, records
    for name in ("a", "b"):
        again = genart_run(tmp_path, f"piece/{name}.yaml")
        assert again.returncode == 0 and made(again) == 0, again.stderr


def test_the_cache_is_in_the_users_cache_directory(tmp_path: Path) -> None:
    folder = make_piece(tmp_path, POSTER)
    shutil.rmtree(folder / "photos")
    assert genart_run(tmp_path, "piece/piece.yaml", "-q").returncode == 0
    assert the_cache(tmp_path).is_relative_to(tmp_path / "cachehome" / "genart" / "run")
    assert {p.name for p in folder.iterdir()} == {"face.jpg", "tone.wav", "piece.yaml", "out"}
