"""YAML scripts from someone else (`genart run`): every path a script names stays inside its folder
unless the user passes --allow-outside, no output replaces an input, the script file is judged before
it is read, YAML that refers to itself is one line, --dry-run checks sizes before it hashes, and
--watch outlives a swapped script and waits for a deleted input. Each refusal: one line, exit 2,
nothing written, within 15 s."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest

from genart.script.model import json_schema
from tests.hostile.conftest import refused

SCRIPTS = Path(__file__).resolve().parents[2] / "assets" / "scripts"
QUICK = 15.0  # seconds a refusal may take
POSTER = """\
genart: 1
inputs:
  face: face.jpg
scenes:
  tris: {from: face, method: hillclimb, shapes: 4, resize: 32, candidates: 30, max_age: 10, repeats: 2, workers: 1}
posters:
  - {scene: tris, out: out/tris.png, width: 32}
"""
MOSAIC = """\
genart: 1
inputs:
  face: face.jpg
  snaps: {photos: photos}
scenes:
  tiles: {from: face, method: mosaic, photos: snaps, grid: "4"}
posters:
  - {scene: tiles, out: out/tiles.png, width: 32}
"""
MOVIE = POSTER + """\
movie:
  out: out/piece.mp4
  size: 64x48
  fps: 8
  soundtrack: tone.wav
  shots:
    - {scene: tris, motion: flyin, duration: 1}
"""
EXPORT = POSTER + """\
exports:
  - {scene: tris, motion: flyin, duration: 1, out: out/tris.json}
"""
PLOT = POSTER + """\
plots:
  - {scene: tris, out: out/plot.svg, preview: out/ink.png, hpgl: out/plot.hpgl}
"""
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n"


def env(tmp_path: Path) -> dict[str, str]:
    """genart's environment in a test: its cache (the user's cache directory) inside the test's folder."""
    return {"XDG_CACHE_HOME": str(tmp_path / "cachehome")}


def make_piece(tmp_path: Path, text: str) -> Path:
    """tmp_path/piece, a script folder: piece.yaml holding `text`, face.jpg, tone.wav and six photos."""
    folder = tmp_path / "piece"
    folder.mkdir()
    shutil.copy(SCRIPTS / "face.jpg", folder)
    shutil.copy(SCRIPTS / "tone.wav", folder)
    (folder / "photos").mkdir()
    for photo in sorted((SCRIPTS / "photos").iterdir())[:6]:
        shutil.copy(photo, folder / "photos")
    (folder / "piece.yaml").write_text(text)
    return folder


def refused_quickly(hostile: str, args: list[str], cwd: Path, needle: str = "") -> str:
    """`refused`, within QUICK seconds."""
    began = time.monotonic()
    line = refused(hostile, args, cwd, env(cwd), needle)
    assert time.monotonic() - began < QUICK, line
    return line


def line_of(text: str, fragment: str) -> int:
    """The number of the first line of `text` holding `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def _outside(tmp_path: Path, folder: Path) -> None:
    """Files beside the script's folder, which a script must not reach: a secret, a picture, a sound."""
    (tmp_path / "secret").write_bytes(SECRET)
    (tmp_path / "victim.png").write_bytes(b"the user's own file")
    shutil.copy(SCRIPTS / "face.jpg", tmp_path / "private.jpg")
    shutil.copy(SCRIPTS / "tone.wav", tmp_path / "private.wav")


# (name, the script (its {t} is the test's folder), the text that names the path, the key refused,
#  links to make in the script's folder)
OUTSIDE: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("poster absolute", POSTER.replace("out/tris.png", "{t}/victim.png"), "victim.png", "posters[0].out", {}),
    ("poster ..", POSTER.replace("out/tris.png", "../victim.png"), "victim.png", "posters[0].out", {}),
    ("poster through a linked folder", POSTER.replace("out/tris.png", "away/victim.png"), "victim.png",
     "posters[0].out", {"away": ".."}),
    ("poster is a link out", POSTER.replace("out/tris.png", "mine.png"), "mine.png", "posters[0].out",
     {"mine.png": "../victim.png"}),
    ("movie ..", MOVIE.replace("out/piece.mp4", "../../made.mp4"), "made.mp4", "movie.out", {}),
    ("export ..", EXPORT.replace("out/tris.json", "../made.json"), "made.json", "exports[0].out", {}),
    ("export absolute", EXPORT.replace("out/tris.json", "{t}/made.glb"), "made.glb", "exports[0].out", {}),
    ("export .. inside its name", EXPORT.replace("out/tris.json", "out/../../made.svg"), "made.svg", "exports[0].out",
     {}),
    ("export through a linked folder", EXPORT.replace("out/tris.json", "away/made.gltf"), "made.gltf",
     "exports[0].out", {"away": ".."}),
    ("export is a link out", EXPORT.replace("out/tris.json", "mine.json"), "mine.json", "exports[0].out",
     {"mine.json": "../victim.png"}),
    ("plot ..", PLOT.replace("out/plot.svg", "../made.svg"), "made.svg", "plots[0].out", {}),
    ("plot preview absolute", PLOT.replace("out/ink.png", "{t}/victim.png"), "victim.png", "plots[0].preview", {}),
    ("plot HPGL is a link out", PLOT.replace("out/plot.hpgl", "mine.hpgl"), "mine.hpgl", "plots[0].hpgl",
     {"mine.hpgl": "../victim.png"}),
    ("picture absolute", POSTER.replace("face: face.jpg", "face: {t}/secret"), "secret", "inputs.face", {}),
    ("picture ..", POSTER.replace("face: face.jpg", "face: ../secret"), "secret", "inputs.face", {}),
    ("picture is a link out", POSTER.replace("face: face.jpg", "face: key.jpg"), "key.jpg", "inputs.face",
     {"key.jpg": "../secret"}),
    ("picture of another user", POSTER.replace("face: face.jpg", "face: /etc/shadow"), "shadow", "inputs.face", {}),
    ("photos are /", MOSAIC.replace("{photos: photos}", "{photos: /}"), "{photos: /}", "inputs.snaps.photos", {}),
    ("photos ..", MOSAIC.replace("{photos: photos}", "{photos: ..}"), "{photos: ..}", "inputs.snaps.photos", {}),
    ("a photo is a link out", MOSAIC, "{photos: photos}", "inputs.snaps.photos",
     {"photos/zz.jpg": "../../private.jpg"}),
    ("soundtrack ..", MOVIE.replace("tone.wav", "../private.wav"), "private.wav", "movie.soundtrack", {}),
    ("soundtrack is a link out", MOVIE.replace("tone.wav", "song.wav"), "song.wav", "movie.soundtrack",
     {"song.wav": "../private.wav"}),
]


@pytest.mark.parametrize(("text", "names", "key", "links"), [case[1:] for case in OUTSIDE],
                         ids=[case[0] for case in OUTSIDE])
def test_a_path_out_of_the_scripts_folder_is_refused_before_it_is_read(tmp_path: Path, text: str, names: str,
                                                                       key: str, links: dict[str, str]) -> None:
    text = text.replace("{t}", str(tmp_path))
    folder = make_piece(tmp_path, text)
    _outside(tmp_path, folder)
    for name, target in links.items():
        (folder / name).symlink_to(target)
    line = refused_quickly("script paths", ["run", "piece/piece.yaml"], tmp_path,
                           needle=f"piece.yaml:{line_of(text, names)}:")
    assert f": {key}: " in line and "outside the script's folder" in line and "--allow-outside" in line, line
    assert "image" not in line and "readable" not in line, line  # the file was not read, so nothing is said of it
    assert (tmp_path / "victim.png").read_bytes() == b"the user's own file"


def test_allow_outside_is_the_users_to_give(tmp_path: Path) -> None:
    """--allow-outside on the command line lets a trusted script read and write beside its folder."""
    text = POSTER.replace("face: face.jpg", "face: ../private.jpg").replace("out/tris.png", "../made/tris.png")
    folder = make_piece(tmp_path, text)
    _outside(tmp_path, folder)
    done = subprocess.run([sys.executable, "-m", "genart", "run", "piece/piece.yaml", "-q", "--allow-outside"],
                          cwd=tmp_path, env={**os.environ, **env(tmp_path)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "made" / "tris.png").stat().st_size > 0


@pytest.mark.parametrize("grant", ["key", "--set"])
def test_a_script_cannot_grant_allow_outside(tmp_path: Path, grant: str) -> None:
    text = POSTER.replace("out/tris.png", "../victim.png")
    text = text + "allow_outside: true\n" if grant == "key" else text
    folder = make_piece(tmp_path, text)
    _outside(tmp_path, folder)
    sets = ["--set", "allow_outside=true"] if grant == "--set" else []
    line = refused_quickly("script paths", ["run", "piece/piece.yaml", *sets], tmp_path)
    assert "allow_outside: unknown key" in line, line


# (name, the script, the key refused, the file the output would replace: made how)
REPLACED: list[tuple[str, str, str, str]] = [
    ("poster is its picture", POSTER.replace("out/tris.png", "face.jpg"), "posters[0].out", "inputs.face"),
    ("poster is a hard link of its picture", POSTER.replace("out/tris.png", "copy.jpg"), "posters[0].out",
     "inputs.face"),
    ("poster is a link to its picture", POSTER.replace("out/tris.png", "alias.jpg"), "posters[0].out",
     "inputs.face"),
    ("poster goes through a linked folder onto its picture", POSTER.replace("out/tris.png", "here/face.jpg"),
     "posters[0].out", "inputs.face"),
    ("poster is a photo", MOSAIC.replace("out/tiles.png", "photos/p00.jpg"), "posters[0].out", "photo folder"),
    ("poster goes into the photo folder", MOSAIC.replace("out/tiles.png", "photos/new.png"), "posters[0].out",
     "photo folder"),
    ("movie is its soundtrack", MOVIE.replace("tone.wav", "sound.mp4").replace("out/piece.mp4", "sound.mp4"),
     "movie.out", "movie.soundtrack"),
    ("export is a link to its picture", EXPORT.replace("out/tris.json", "alias.glb"), "exports[0].out", "inputs.face"),
    ("export is the script", EXPORT.replace("out/tris.json", "piece.yaml"), "exports[0].out", "unknown export format"),
    ("export goes into the photo folder", EXPORT.replace("out/tris.json", "photos/a.json").replace(
        "  face: face.jpg\n", "  face: face.jpg\n  snaps: {photos: photos}\n"), "exports[0].out", "photo folder"),
]


PROGRAMS: list[tuple[str, str, list[str], str]] = [  # (name, the script, its --set options, the key refused)
    ("blender of an export", EXPORT.replace("out: out/tris.json", "out: out/tris.blend, blender: ./evil"), [],
     "exports[0].blender"),
    ("blender of the script", EXPORT + "blender: ./evil\n", [], "blender"),
    ("blender by --set", EXPORT.replace("out/tris.json", "out/tris.blend"), ["--set", "exports.0.blender=./evil"],
     "exports[0].blender"),
    ("blender of a scene", EXPORT.replace("workers: 1}", "workers: 1, blender: ./evil}"), [], "scenes.tris.blender"),
]


@pytest.mark.parametrize(("text", "sets", "key"), [case[1:] for case in PROGRAMS], ids=[case[0] for case in PROGRAMS])
def test_a_script_names_no_blender(tmp_path: Path, text: str, sets: list[str], key: str) -> None:
    """The Blender that builds a .blend is the user's to choose (genart run --blender, $GENART_BLENDER): a script
    that names one is refused in one line, and the program it names never runs."""
    folder = make_piece(tmp_path, text)
    evil = folder / "evil"
    evil.write_text(f"#!/bin/sh\ntouch {tmp_path}/ran\n")
    evil.chmod(0o755)
    line = refused_quickly("script programs", ["run", "piece/piece.yaml", *sets], tmp_path, needle=f": {key}: ")
    assert "no program to run" in line and "--blender" in line and "$GENART_BLENDER" in line, line
    assert not (tmp_path / "ran").exists()


# (name, what the export says instead of out/tris.json's entry, the key refused, what the line says)
NO_EXPORT: list[tuple[str, str, str, str]] = [
    ("unknown suffix", "{scene: tris, motion: flyin, out: out/tris.gif}", "exports[0].out", "unknown export format"),
    ("no suffix", "{scene: tris, motion: flyin, out: out/tris}", "exports[0].out", "unknown export format"),
    ("the builder script", "{scene: tris, motion: flyin, out: out/build.py}", "exports[0].out", "--blender-script"),
    ("unknown shot", "{shot: 3, out: out/tris.json}", "exports[0].shot", "no shot 3: the script has no movie"),
    ("unknown scene", "{scene: tri, motion: flyin, out: out/tris.json}", "exports[0].scene", "did you mean tris?"),
    ("a motion no format carries", "{scene: tris, motion: mosaic_zoom, out: out/tris.json}", "exports[0].motion",
     "mosaic_zoom needs a mosaic"),
]


@pytest.mark.parametrize(("entry", "key", "said"), [case[1:] for case in NO_EXPORT], ids=[case[0] for case in NO_EXPORT])
def test_an_export_of_no_format_or_of_nothing_is_one_line(tmp_path: Path, entry: str, key: str, said: str) -> None:
    text = EXPORT.replace("{scene: tris, motion: flyin, duration: 1, out: out/tris.json}", entry)
    make_piece(tmp_path, text)
    line = refused_quickly("script exports", ["run", "piece/piece.yaml"], tmp_path,
                           needle=f"piece.yaml:{line_of(text, entry)}:")
    assert f": {key}: " in line and said in line, line


@pytest.mark.parametrize(("text", "key", "replaced"), [case[1:] for case in REPLACED],
                         ids=[case[0] for case in REPLACED])
def test_an_output_never_replaces_an_input(tmp_path: Path, text: str, key: str, replaced: str) -> None:
    folder = make_piece(tmp_path, text)
    os.link(folder / "face.jpg", folder / "copy.jpg")
    (folder / "alias.jpg").symlink_to("face.jpg")
    (folder / "alias.glb").symlink_to("face.jpg")
    (folder / "here").symlink_to(".")
    subprocess.run([sys.executable, "-c", "import imageio_ffmpeg, subprocess, sys; subprocess.run([imageio_ffmpeg."
                    "get_ffmpeg_exe(), '-v', 'error', '-i', sys.argv[1], '-c:a', 'aac', sys.argv[2]], check=True)",
                    folder / "tone.wav", folder / "sound.mp4"], check=True)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    line = refused_quickly("outputs onto inputs", ["run", "piece/piece.yaml"], tmp_path)
    assert f": {key}: " in line and replaced in line, line
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_an_output_inside_the_cache_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genart.script.cache import cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", env(tmp_path)["XDG_CACHE_HOME"])
    cache = cache_folder(tmp_path / "piece")
    folder = make_piece(tmp_path, POSTER.replace("out/tris.png", f"{cache}/scene-0.scene.json"))
    assert folder == tmp_path / "piece"
    line = refused_quickly("outputs onto inputs", ["run", "piece/piece.yaml", "--allow-outside"], tmp_path)
    assert ": posters[0].out: " in line and "genart's cache" in line, line


@pytest.mark.parametrize("kind", ["fifo", "dev-zero link", "folder", "2 MB", "sparse 8 GB"])
def test_a_script_file_is_judged_before_it_is_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "piece.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero link":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "2 MB":
        path.write_text("genart: 1\n" + "# a comment line of a very long script\n" * 52_000)
    else:
        with open(path, "wb") as file:
            file.truncate(8 << 30)
    line = refused_quickly("script files", ["run", "piece.yaml"], tmp_path, needle="piece.yaml: ")
    assert ("1 MiB" in line) == (kind in ("2 MB", "sparse 8 GB")), line


@pytest.mark.parametrize(("text", "needle"), [
    ("a: &a [*a]\n", "recursive alias"),
    ("genart: 1\nscenes: &s {x: {y: *s}}\n", "recursive alias"),
    ("genart: 1\nx: " + "[" * 100_000 + "\n", "nests too deeply"),
    ("genart: 1\nx: " + "[" * 500 + "]" * 500 + "\n", "nests too deeply"),
    ("genart: 1\nx: " + "{a: " * 300 + "1" + "}" * 300 + "\n", "nests too deeply"),
])
def test_yaml_that_holds_itself_or_nests_without_end_is_one_line(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "piece.yaml").write_text(text)
    refused_quickly("script YAML", ["run", "piece.yaml"], tmp_path, needle=needle)


def _sparse(path: Path, size: int) -> None:
    path.unlink(missing_ok=True)
    with open(path, "wb") as file:
        file.truncate(size)


@pytest.mark.parametrize("which", ["picture", "photo"])
def test_dry_run_checks_sizes_before_it_hashes(tmp_path: Path, which: str) -> None:
    folder = make_piece(tmp_path, POSTER if which == "picture" else MOSAIC)
    _sparse(folder / ("face.jpg" if which == "picture" else "photos/huge.jpg"), 20 << 30)
    line = refused_quickly("script sizes", ["run", "piece/piece.yaml", "--dry-run"], tmp_path)
    assert "larger than" in line and ("inputs.face" if which == "picture" else "inputs.snaps.photos") in line, line


def _text_fields(schema: dict[str, Any], node: Any, path: str, seen: set[str], found: set[str]) -> None:
    """Add to `found` the dotted names (MODEL.field) of every field under `node` that may hold free text (a
    string with no choices and no pattern)."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _text_fields(schema, schema["$defs"][name], name, seen, found)
        return
    if node.get("type") == "string" and not {"enum", "const", "pattern"} & node.keys():
        found.add(path)
    for key, value in node.get("properties", {}).items():
        _text_fields(schema, value, f"{path}.{key}", seen, found)
    for value in node.get("patternProperties", {}).values():
        _text_fields(schema, value, path, seen, found)
    for key in ("anyOf", "oneOf", "allOf", "items", "additionalProperties"):
        for part in node[key] if isinstance(node.get(key), list) else [node.get(key)]:
            _text_fields(schema, part, path, seen, found)


# Every free-text field of the script format and what it is: none names a program to run or an address.
TEXT_FIELDS = {
    "genart script.inputs": "a picture file, kept inside the script's folder",
    "PhotosInput.photos": "a folder, kept inside the script's folder (and so is each of its photos)",
    "Poster.out": "a file, kept inside the script's folder",
    "Movie.out": "a file, kept inside the script's folder",
    "Movie.soundtrack": "a file, kept inside the script's folder",
    "FlyinExport.out": "a file, kept inside the script's folder",
    "GrowthExport.out": "a file, kept inside the script's folder",
    "MosaicZoomExport.out": "a file, kept inside the script's folder",
    "TimelapseExport.out": "a file, kept inside the script's folder",
    "VideoExport.out": "a file, kept inside the script's folder",
    "ShotExport.out": "a file, kept inside the script's folder",
    "MosaicZoomExport.target": "ROW,COL or tile:ID",
    "Movie.size": "WIDTHxHEIGHT",
    "MosaicScene.grid": "COLSxROWS, or a column count",
    "MosaicScene.features": "mean, or NxN",
    "GngScene.crop": "Y0:Y1,X0:X1",
    "MosaicZoomShot.target": "ROW,COL or tile:ID",
    "Plot.out": "a file, kept inside the script's folder",
    "Plot.preview": "a file, kept inside the script's folder",
    "Plot.hpgl": "a file, kept inside the script's folder",
    "Plot.paper": "a paper size's name (A4, letter, ...), checked against genart's papers",
    "Plot.pens": "a pen's colour (#rrggbb or a colour name), parsed as a colour when the plot is made",
    "Plot.device": "a plotter's name, looked up in vpype's plotter configuration (the user's, never the script's)",
}


def test_no_script_field_names_a_program_or_an_address() -> None:
    """A script's free-text fields are all known: paths (kept in the folder, tested above), sizes, crops, cells
    and easing names; a new one must be judged before it is added to this list."""
    schema = json_schema()
    found: set[str] = set()
    _text_fields(schema, schema, schema["title"], set(), found)
    easings = {field for field in found if field.endswith(("Shot.easing", "Export.easing"))}
    assert easings and found - easings == set(TEXT_FIELDS), found - easings ^ set(TEXT_FIELDS)


def _lines(stream: Any, into: Queue[str]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))


class Watcher:
    """`genart run --watch -q` on a script, its stderr lines read as they come."""

    def __init__(self, tmp_path: Path, script: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "genart", "run", "--watch", "-q", str(script)],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=tmp_path,
                                        env={**os.environ, **env(tmp_path), "PYTHONUNBUFFERED": "1"})
        self.lines: Queue[str] = Queue()
        self.seen: list[str] = []
        threading.Thread(target=_lines, args=(self.process.stderr, self.lines), daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except Empty:
                assert self.process.poll() is None, ("the watcher died", self.seen)
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no {pattern!r} in {self.seen}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def test_watch_outlives_a_swapped_script_and_waits_for_a_deleted_input(tmp_path: Path) -> None:
    folder = make_piece(tmp_path, POSTER)
    script = folder / "piece.yaml"
    watcher = Watcher(tmp_path, script)
    try:
        assert "2 made, 0 cached" in watcher.wait_for(r"\d made")
        watcher.wait_for("watching")
        (folder / "new.yaml").write_text(POSTER.replace("width: 32", "width: 24"))
        os.replace(folder / "new.yaml", script)  # an editor's save
        assert "1 made, 1 cached" in watcher.wait_for(r"\d made")
        watcher.wait_for("watching")
        script.unlink()
        assert "piece.yaml: no such file" in watcher.wait_for("error")
        watcher.wait_for("watching")
        script.write_text(POSTER)
        watcher.wait_for(r"\d made")
        watcher.wait_for("watching")
        os.mkfifo(folder / "fifo")
        os.replace(folder / "fifo", script)
        assert "not a regular file" in watcher.wait_for("error", timeout=QUICK)
        watcher.wait_for("watching")
        script.unlink()
        script.symlink_to("/dev/zero")
        assert "not a regular file" in watcher.wait_for("error", timeout=QUICK)
        watcher.wait_for("watching")
        script.unlink()
        script.write_text(POSTER)
        watcher.wait_for(r"\d made")
        watcher.wait_for("watching")
        (folder / "face.jpg").rename(tmp_path / "face.jpg")  # an input deleted: said, and waited for
        assert "inputs.face: face.jpg: no such file" in watcher.wait_for("error")
        watcher.wait_for("watching")
        shutil.copy(tmp_path / "face.jpg", folder / "face.jpg")
        assert "changed: face.jpg" in watcher.wait_for("changed")
        watcher.wait_for(r"\d made")
    finally:
        watcher.stop()
    assert not any("Traceback" in line or "internal error" in line for line in watcher.seen), watcher.seen
