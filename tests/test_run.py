"""`genart run`: every example script end to end at a tiny size, caching, changed shots, --watch, the schema."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue

import imageio_ffmpeg
import jsonschema
import pytest
import yaml
from PIL import Image

from genart.animate.timeline import frame_times
from genart.cli import main
from genart.render import scene as S
from genart.script.cache import cache_folder
from genart.script.load import load
from genart.script.model import Transition, json_schema

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "assets" / "scripts"
EXAMPLES = sorted(p.name for p in SCRIPTS.glob("*.yaml"))
MOVIE = ["movie.size=64x48", "movie.fps=8"]
TRIS = ["shapes=8", "resize=32", "candidates=30", "max_age=10", "repeats=2", "workers=1"]
LINES = ["max_nodes=30", "epochs=2", "n_iter_before_neuron_added=20"]
TINY = {  # --set values that make each example tiny
    "hillclimb.yaml": [*(f"scenes.tris.{s}" for s in TRIS), "posters.0.width=64", *MOVIE,
                       "movie.shots.0.duration=1", "movie.shots.0.hold=0.25"],
    "anneal.yaml": ["scenes.annealed.shapes=4", "scenes.annealed.evaluations=200", "scenes.annealed.resize=32",
                    "scenes.annealed.snapshot_every=50", "scenes.annealed.workers=1", "posters.0.width=64", *MOVIE,
                    "movie.shots.0.duration=1"],
    "gradient.yaml": ["scenes.circles.shapes=5", "scenes.circles.steps=30", "scenes.circles.resize=32",
                      "scenes.circles.snapshot_every=5", "posters.0.width=64", *MOVIE, "movie.shots.0.duration=1"],
    "gng.yaml": [*(f"scenes.lines.{s}" for s in LINES), "posters.0.width=64", *MOVIE, "movie.shots.0.duration=1",
                 "movie.shots.0.hold=0.5", "movie.fade_out=0.5"],
    "mosaic.yaml": ["scenes.tiled.grid=6", "posters.0.width=64", *MOVIE, "movie.shots.0.duration=1",
                    "movie.shots.0.hold=0.25"],
    "showcase.yaml": [*(f"scenes.tris.{s}" for s in TRIS), *(f"scenes.lines.{s}" for s in LINES),
                      "scenes.mosaic.grid=6", *(f"posters.{i}.width=64" for i in range(3)), *MOVIE,
                      "movie.fade_out=0.5", *(f"movie.shots.{i}.duration=1" for i in (0, 2, 4)),
                      *(f"movie.shots.{i}.duration=0.25" for i in (1, 3))],
}


@pytest.fixture(scope="module", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache directory ($XDG_CACHE_HOME), where genart keeps the scripts' caches: one for the module."""
    home = tmp_path_factory.mktemp("cachehome")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of assets/scripts, where every example runs once."""
    out = tmp_path_factory.mktemp("scripts") / "scripts"
    shutil.copytree(SCRIPTS, out, ignore=shutil.ignore_patterns("out"))
    return out


def genart_run(*argv: str) -> tuple[int, str]:
    """Run `genart run` in this process; returns the exit status and what it wrote on stderr."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["run", *argv])
    return code, err.getvalue()


def files(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `folder`: (modification time, inode, size)."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(folder))] = (st.st_mtime_ns, st.st_ino, st.st_size)
    return out


def made(stderr: str) -> set[str]:
    """The stages a run made (from its `made    LABEL in S s` lines)."""
    return {line[8:].rsplit(" in ", 1)[0] for line in stderr.splitlines() if line.startswith("made    ")}


def movie_frames(piece_path: Path, sets: list[str]) -> int:
    """The frames the script's movie must hold: each shot's and each cross-fade's, in turn."""
    movie = load(piece_path, sets).script.movie
    assert movie is not None
    total = 0
    for shot in movie.shots:
        length = shot.duration if isinstance(shot, Transition) else shot.start + shot.duration + shot.hold
        total += len(frame_times(length, movie.fps))
    return total


def audio_seconds(path: Path) -> float:
    """The length of a file's first audio stream, decoded."""
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-f",
                          "s16le", "-ac", "1", "-ar", "48000", "-"], capture_output=True, check=True).stdout
    return len(raw) / 2 / 48000


def check_poster(path: Path, width: int | None) -> None:
    if path.suffix == ".png":
        with Image.open(path) as im:
            im.load()
            assert im.width == width
    elif path.suffix == ".svg":
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg") and len(list(root.iter())) > 3
    else:
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_end_to_end_and_then_is_cached(folder: Path, name: str) -> None:
    script = folder / name
    sets = [f"--set={s}" for s in TINY[name]]
    code, err = genart_run(str(script), *sets)
    assert code == 0, err
    piece = load(script, TINY[name])
    for poster, path in zip(piece.script.posters, piece.posters):
        check_poster(path, poster.width)
    movie = piece.script.movie
    assert movie is not None and piece.movie is not None
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(piece.movie))
    assert frames == movie_frames(script, TINY[name])
    assert seconds == pytest.approx(frames / movie.fps, abs=0.01)
    reader = imageio_ffmpeg.read_frames(str(piece.movie))
    assert next(reader)["size"] == (64, 48)
    reader.close()
    if piece.soundtrack is not None:
        assert audio_seconds(piece.movie) == pytest.approx(frames / movie.fps, abs=0.03)
    scenes = list(cache_folder(folder).glob("scene-*.scene.json.gz"))
    assert scenes
    for cached in scenes:
        S.load(cached)
    before = files(folder), files(cache_folder(folder))
    began = time.perf_counter()
    code, err = genart_run(str(script), *sets)
    assert time.perf_counter() - began < 1.0
    assert code == 0 and not made(err), err
    assert (files(folder), files(cache_folder(folder))) == before, "an unchanged script rewrites nothing"


def test_a_changed_shot_is_rendered_alone(folder: Path) -> None:
    script = folder / "showcase.yaml"
    sets = [f"--set={s}" for s in TINY["showcase.yaml"]]
    assert genart_run(str(script), *sets)[0] == 0
    before = files(folder) | {f"cache/{name}": s for name, s in files(cache_folder(folder)).items()}
    code, err = genart_run(str(script), *sets, "--set=movie.shots.4.hold=0.5")
    assert code == 0, err
    assert made(err) == {"shot 3 (mosaic_zoom of mosaic)", "crossfade 2", "movie out/showcase.mp4"}
    after = files(folder) | {f"cache/{name}": s for name, s in files(cache_folder(folder)).items()}
    changed = {name for name in after if before.get(name) != after[name]}
    new_segments = {n for n in changed if n.startswith(("cache/shot-", "cache/fade-"))}
    assert len(new_segments) == 2  # the shot and the cross-fade into it; the others are reused as they are
    assert changed - new_segments == {"out/showcase.mp4", "cache/outputs.json"}
    movie = folder / "out" / "showcase.mp4"
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(movie))
    assert frames == movie_frames(script, [*TINY["showcase.yaml"], "movie.shots.4.hold=0.5"])
    assert audio_seconds(movie) == pytest.approx(frames / 8, abs=0.03)


def test_dry_run_prints_the_plan_and_writes_nothing(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = folder / "hillclimb.yaml"
    sets = [f"--set={s}" for s in TINY["hillclimb.yaml"]]
    assert genart_run(str(script), *sets)[0] == 0
    before = files(folder)
    assert main(["run", str(script), *sets, "--set=movie.shots.0.easing=linear", "--dry-run"]) == 0
    out = capsys.readouterr().out
    resolved = yaml.safe_load(out)
    assert resolved["scenes"]["tris"]["shapes"] == 8 and resolved["movie"]["shots"][0]["easing"] == "linear"
    plan = [line.split() for line in out.splitlines() if line.startswith("#   ")]
    assert [p[1:3] for p in plan] == [["cached", "scene"], ["cached", "poster"], ["cached", "poster"],
                                      ["run", "shot"], ["run", "movie"]]
    assert files(folder) == before


def test_only_and_force(tmp_path: Path) -> None:
    shutil.copytree(SCRIPTS, tmp_path / "s", ignore=shutil.ignore_patterns("out"))
    script = tmp_path / "s" / "showcase.yaml"
    sets = [f"--set={s}" for s in TINY["showcase.yaml"]]
    code, err = genart_run(str(script), *sets, "--only", "lines")
    assert code == 0 and made(err) == {"scene lines (gng)", "poster out/showcase-lines.pdf"}, err
    code, err = genart_run(str(script), *sets, "--only", "lines", "--force")
    assert code == 0 and made(err) == {"scene lines (gng)", "poster out/showcase-lines.pdf"}, err
    code, err = genart_run(str(script), *sets, "--only", "movie")
    assert code == 0, err
    assert "scene lines (gng)" not in made(err) and "movie out/showcase.mp4" in made(err)  # a part run before is kept
    assert not (tmp_path / "s" / "out" / "showcase-tris.png").exists()


def test_the_published_schema_is_current_and_accepts_the_examples() -> None:
    published = json.loads((ROOT / "genart" / "script" / "schema.json").read_text())
    assert published == json_schema(), "regenerate genart/script/schema.json (docs/scripts.md: the published schema)"
    for name in EXAMPLES:
        jsonschema.validate(yaml.safe_load((SCRIPTS / name).read_text()), published)


def _lines(stream: object, into: Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line.rstrip("\n"))


def _wait_for(lines: Queue[str], text: str, seen: list[str], timeout: float = 90.0) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=0.5)
        except Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no {text!r} in {seen}")


def test_watch_reruns_on_save_reports_a_broken_edit_and_recovers(tmp_path: Path) -> None:
    shutil.copy(SCRIPTS / "face.jpg", tmp_path)
    script = tmp_path / "piece.yaml"
    good = ("genart: 1\ninputs: {face: face.jpg}\nscenes:\n  tris: {from: face, method: hillclimb, shapes: 4, "
            "resize: 32, candidates: 30, max_age: 10, repeats: 2, workers: 1}\n"
            "posters: [{scene: tris, out: out/tris.png, width: 32}]\n")
    script.write_text(good)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # $XDG_CACHE_HOME: the module's (see user_cache)
    watcher = subprocess.Popen([sys.executable, "-m", "genart", "run", "--watch", "-q", str(script)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    lines: Queue[str] = Queue()
    threading.Thread(target=_lines, args=(watcher.stderr, lines), daemon=True).start()
    seen: list[str] = []
    try:
        assert "2 made" in _wait_for(lines, "made", seen)
        _wait_for(lines, "watching", seen)
        script.write_text(good.replace("shapes: 4", "shapes: 5"))
        _wait_for(lines, "changed: piece.yaml", seen)
        assert "2 made, 0 cached" in _wait_for(lines, "made", seen)
        _wait_for(lines, "watching", seen)
        script.write_text(good.replace("shapes: 4", "shapes: -1"))
        error = _wait_for(lines, "error", seen)
        assert "piece.yaml:4:" in error and "scenes.tris.shapes: must be at least 1, got -1" in error
        _wait_for(lines, "watching", seen)
        script.write_text(good)  # back to the first version: its scene is in the cache, its poster is drawn again
        assert "1 made, 1 cached" in _wait_for(lines, "made", seen)
        assert (tmp_path / "out" / "tris.png").is_file()
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(timeout=20)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()
    assert not any("Traceback" in line for line in seen), seen


def test_edited_code_remakes_what_it_makes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stage is keyed by the code that makes it, not only by genart's version (an editable install keeps
    its version while its code changes): other optimizer code re-fits the scene and redraws what shows it;
    other motion code re-renders the segments only."""
    from genart.script import cache

    script = folder / "hillclimb.yaml"
    sets = [f"--set={s}" for s in TINY["hillclimb.yaml"]]
    assert genart_run(str(script), *sets)[0] == 0
    real = cache.code_fingerprint
    monkeypatch.setattr(cache, "code_fingerprint", lambda kind: real(kind) + ("-edited" if kind == "scene" else ""))
    code, err = genart_run(str(script), *sets)
    assert code == 0 and made(err) == {"scene tris (hillclimb)", "poster out/hillclimb.png", "poster out/hillclimb.svg",
                                       "shot 1 (flyin of tris)", "movie out/hillclimb.mp4"}, err
    monkeypatch.setattr(cache, "code_fingerprint", lambda kind: real(kind) + ("-edited" if kind != "poster" else ""))
    code, err = genart_run(str(script), *sets)
    assert code == 0 and made(err) == {"shot 1 (flyin of tris)", "movie out/hillclimb.mp4"}, err


def test_the_fingerprint_follows_the_source_it_covers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genart.script import code

    shutil.copytree(code.PACKAGE, tmp_path / "genart", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(code, "PACKAGE", tmp_path / "genart")
    code.code_fingerprint.cache_clear()
    before = {kind: code.code_fingerprint(kind) for kind in code.STAGE_CODE}
    with open(tmp_path / "genart" / "generative" / "hillclimb.py", "a") as source:
        source.write("\n# an edit\n")
    code.code_fingerprint.cache_clear()
    after = {kind: code.code_fingerprint(kind) for kind in code.STAGE_CODE}
    code.code_fingerprint.cache_clear()
    assert {kind for kind in before if before[kind] != after[kind]} == {"scene"}
