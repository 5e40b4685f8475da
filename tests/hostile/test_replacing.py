"""Outputs that would destroy what genart reads or what the user keeps: an output that is an input (by its
name, another spelling, a symbolic or a hard link), the same output twice, a file genart names itself (the
Blender builder's data, a report) over a file of the user's, a read-only file. Each is refused in one line
before any work, with every file as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.hostile.conftest import handled, refused

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "assets" / "astronaut.jpg"
SCENE = ('{"format":"genart.scene","version":1,"canvas":{"width":10,"height":10},"layers":[{"type":"shapes","shapes":'
         '[{"kind":"circle","cx":5,"cy":5,"r":3,"color":[0,0,0,1]}]}],"snapshots":[{"step":0,"prefix":0},'
         '{"step":1,"prefix":1}]}')
FAST_EVOLVE = ["-n", "4", "--resize", "32", "--workers", "1", "-q"]
FAST_GNG = ["--resize", "64", "--max-nodes", "20", "--epochs", "1", "-q"]
SECONDS = 15.0  # each refusal is said within this


def _genart(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genart", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def _contents(folder: Path) -> dict[str, bytes]:
    """Every regular file below `folder` (links not followed) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def _refused_quickly(args: list[str], cwd: Path, needle: str = "", env: dict[str, str] | None = None) -> str:
    """`refused`, within SECONDS, and no file's bytes changed either."""
    before = _contents(cwd)
    began = time.monotonic()
    line = refused("replacing", args, cwd, env, needle)
    assert time.monotonic() - began < SECONDS, (args, time.monotonic() - began)
    assert _contents(cwd) == before
    return line


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real collection of four photos."""
    folder = tmp_path_factory.mktemp("photos")
    for i, box in enumerate([(0, 0, 256, 256), (256, 0, 512, 256), (0, 256, 256, 512), (256, 256, 512, 512)]):
        Image.open(PICTURE).crop(box).save(folder / f"p{i}.png")
    out = folder.parent / "c.npz"
    done = _genart(["mosaic", "index", str(folder), "-o", str(out), "-q"], ROOT)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def work(tmp_path: Path, collection: Path) -> Path:
    """A folder with a picture (a.jpg), a scene (s.scene.json, also as s.json) and a collection (c.npz)."""
    shutil.copy(PICTURE, tmp_path / "a.jpg")
    (tmp_path / "s.scene.json").write_text(SCENE)
    (tmp_path / "s.json").write_text(SCENE)
    shutil.copy(collection, tmp_path / "c.npz")
    return tmp_path


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).symlink_to(target)


def _hard_link(name: str, target: str) -> Callable[[Path], None]:
    return lambda folder: os.link(folder / target, folder / name)


def _nothing(folder: Path) -> None:
    pass


MOSAIC = ["mosaic", "build", "c.npz", "a.jpg", "--grid", "4"]
# (how the folder is prepared, the command): each output resolves to an input
REPLACES_AN_INPUT = {
    "evolve same name": (_nothing, ["evolve", "a.jpg", "-o", "a.jpg", *FAST_EVOLVE]),
    "evolve another spelling": (_nothing, ["evolve", "a.jpg", "-o", "./x/../a.jpg", *FAST_EVOLVE]),
    "evolve symbolic link": (_symlink("l.jpg", "a.jpg"), ["evolve", "a.jpg", "-o", "l.jpg", *FAST_EVOLVE]),
    "evolve hard link": (_hard_link("h.png", "a.jpg"), ["evolve", "a.jpg", "-o", "h.png", *FAST_EVOLVE]),
    "evolve input a link": (_symlink("l.jpg", "a.jpg"), ["evolve", "l.jpg", "-o", "a.jpg", *FAST_EVOLVE]),
    "evolve second output": (_nothing, ["evolve", "a.jpg", "-o", "o.png", "-o", "a.jpg", *FAST_EVOLVE]),
    "evolve palette picture": (_nothing, ["evolve", "a.jpg", "--palette-from", "p.png", "-o", "p.png",
                                          *FAST_EVOLVE]),
    "gng": (_nothing, ["gng", "a.jpg", "-o", "a.jpg", *FAST_GNG]),
    "gng hard link": (_hard_link("h.png", "a.jpg"), ["gng", "a.jpg", "-o", "h.png", *FAST_GNG]),
    "mosaic build target": (_nothing, [*MOSAIC, "-o", "a.jpg"]),
    "mosaic build collection": (_symlink("c.png", "c.npz"), [*MOSAIC, "-o", "c.png"]),
    "mosaic index refresh of a photo": (_symlink("photos/x.npz", "p.png"), ["mosaic", "index", "photos", "-o",
                                                                            "photos/x.npz", "-q"]),
    "render": (_nothing, ["render", "s.scene.json", "-o", "s.scene.json"]),
    "render link": (_symlink("l.png", "s.scene.json"), ["render", "s.scene.json", "-o", "l.png"]),
    "animate still": (_symlink("l.png", "s.scene.json"), ["animate", "s.scene.json", "--motion", "flyin", "--at",
                                                          "0", "-o", "l.png", "-q"]),
    "animate movie": (_hard_link("m.gif", "s.scene.json"), ["animate", "s.scene.json", "--motion", "flyin", "-o",
                                                            "m.gif", "-q"]),
    "animate frames": (_hard_link("f00001.png", "s.scene.json"), ["animate", "s.scene.json", "--motion", "flyin",
                                                                  "--fps", "4", "-o", "f%05d.png", "-q"]),
    "export lottie": (_nothing, ["export", "s.json", "--motion", "flyin", "-o", "s.json"]),
    "export builder's data": (_nothing, ["export", "s.json", "--motion", "flyin", "--blender-script", "-o", "s.py"]),
    "export svg link": (_symlink("l.svg", "s.json"), ["export", "s.json", "--motion", "flyin", "-o", "l.svg"]),
    "compose": (_nothing, ["compose", "s.scene.json", "s.json", "-o", "s.json"]),
}


@pytest.mark.parametrize("case", REPLACES_AN_INPUT)
def test_an_output_that_is_an_input_is_refused(work: Path, case: str) -> None:
    prepare, args = REPLACES_AN_INPUT[case]
    shutil.copy(PICTURE, work / "p.png")
    (work / "photos").mkdir()
    Image.open(PICTURE).resize((64, 64)).save(work / "photos" / "p.png")
    prepare(work)
    _refused_quickly(args, work, "input")


TWICE = {
    "render same name": (_nothing, ["render", "s.scene.json", "-o", "a.png", "-o", "a.png"]),
    "render another spelling": (_nothing, ["render", "s.scene.json", "-o", "a.png", "-o", "./a.png"]),
    "render symbolic link": (_symlink("l.png", "a.png"), ["render", "s.scene.json", "-o", "a.png", "-o", "l.png"]),
    "render hard link": (_hard_link("h.png", "a.jpg"), ["render", "s.scene.json", "-o", "a.jpg", "-o", "h.png"]),
    "compose": (_nothing, ["compose", "s.scene.json", "-o", "o.scene.json", "-o", "x/../o.scene.json"]),
    "gng": (_nothing, ["gng", "a.jpg", "-o", "o.png", "-o", "o.png", *FAST_GNG]),
    "mosaic build": (_nothing, [*MOSAIC, "-o", "m.jpg", "-o", "./m.jpg"]),
    "evolve report and checkpoint": (_nothing, ["evolve", "a.jpg", "-o", "o.png", "--checkpoint", "r.html",
                                                "--report", "r.html", *FAST_EVOLVE]),
}


@pytest.mark.parametrize("case", TWICE)
def test_the_same_output_twice_is_refused(work: Path, case: str) -> None:
    prepare, args = TWICE[case]
    prepare(work)
    _refused_quickly(args, work, "twice")


def test_the_builders_data_never_replaces_a_file_of_the_users(work: Path) -> None:
    """`-o build.py` also writes build.json: a build.json of the user's (read-only or not) is refused; one that
    genart wrote (an earlier export) is replaced, and both files are named on the way."""
    args = ["export", "s.json", "--motion", "flyin", "--blender-script", "-o", "build.py"]
    (work / "build.json").write_text('{"mine": true}')
    _refused_quickly(args, work, "build.json")
    (work / "build.json").chmod(0o444)
    _refused_quickly(args, work, "build.json")
    (work / "build.json").unlink()
    done = _genart(args, work)
    assert done.returncode == 0 and "build.json" in done.stdout and "build.py" in done.stdout, done
    first = (work / "build.json").stat().st_mtime_ns
    done = _genart([*args, "--duration", "2"], work)  # its own earlier data is replaced
    assert done.returncode == 0, done.stderr
    assert (work / "build.json").stat().st_mtime_ns != first


@pytest.mark.parametrize("args", [["render", "s.scene.json", "-o", "o.png"],
                                  ["export", "s.json", "--motion", "flyin", "--blender-script", "-o", "o.py"],
                                  ["export", "s.json", "--motion", "flyin", "-o", "o.svg"],
                                  ["animate", "s.scene.json", "--motion", "flyin", "-o", "o.gif", "-q"],
                                  ["compose", "s.scene.json", "-o", "o.scene.json"],
                                  ["mosaic", "index", "photos", "-o", "o.npz", "-q"]], ids=" ".join)
def test_a_read_only_output_is_not_replaced(work: Path, args: list[str]) -> None:
    (work / "photos").mkdir()
    Image.open(PICTURE).resize((64, 64)).save(work / "photos" / "p.png")
    out = work / args[args.index("-o") + 1]
    out.write_bytes(b"keep me")
    out.chmod(0o444)
    _refused_quickly(args, work, "read-only")


REPORTERS = {
    "evolve": ["evolve", "a.jpg", *FAST_EVOLVE],
    "gng": ["gng", "a.jpg", *FAST_GNG],
    "mosaic build": [*MOSAIC],
}


@pytest.mark.parametrize("command", REPORTERS)
def test_a_report_never_replaces_a_file_of_the_users(work: Path, command: str) -> None:
    """A report.html of the user's, beside the output (bare --report) or named (--report PATH), stays as it was;
    a report genart wrote is replaced; the report's path is said on stderr."""
    (work / "out").mkdir()
    (work / "out" / "report.html").write_text("<p>my own report</p>")
    (work / "mine.html").write_text("<p>mine</p>")
    args = [*REPORTERS[command], "-o", "out/o.png"]
    _refused_quickly([*args, "--report"], work, "report.html")
    _refused_quickly([*args, "--report", "mine.html"], work, "mine.html")
    _refused_quickly([*args, "--report", "notes.txt"], work, ".html")
    assert handled("replacing", [*args, "--report", "run.html"], work, outputs=["out/o.png", "run.html"]) == 0
    assert b'<meta name="generator" content="genart' in (work / "run.html").read_bytes()
    done = _genart([*args, "--report", "run.html"], work)  # genart's own report is replaced
    assert done.returncode == 0 and "run.html" in done.stderr, done.stderr


def test_a_bare_report_goes_beside_the_first_output_and_says_so(work: Path) -> None:
    (work / "out").mkdir()
    done = _genart(["evolve", "a.jpg", *FAST_EVOLVE, "-o", "out/o.png", "--report"], work)
    assert done.returncode == 0 and (work / "out" / "report.html").is_file(), done.stderr
    assert done.stderr.strip() == f"genart evolve: report written to {Path('out') / 'report.html'}", done.stderr


QUIET = {
    "evolve": (["evolve", "a.jpg", "-n", "4", "--resize", "32", "--workers", "1", "-o", "o.png"], ["o.png"]),
    "gng": (["gng", "a.jpg", "--resize", "64", "--max-nodes", "20", "--epochs", "1", "-o", "o.png"], ["o.png"]),
    "render": (["render", "s.scene.json", "-o", "o.png"], ["o.png"]),
    "compose": (["compose", "s.scene.json", "s.json", "-o", "o.scene.json"], ["o.scene.json"]),
    "info": (["info", "s.scene.json"], None),
    "export": (["export", "s.json", "--motion", "flyin", "-o", "o.svg"], ["o.svg"]),
    "export builder": (["export", "s.json", "--motion", "flyin", "--blender-script", "-o", "o.py"],
                       ["o.py", "o.json"]),
    "animate": (["animate", "s.scene.json", "--motion", "flyin", "--size", "32", "--fps", "4", "-o", "o.gif"],
                ["o.gif"]),
    "animate still": (["animate", "s.scene.json", "--motion", "flyin", "--at", "0", "-o", "o.png"], ["o.png"]),
    "mosaic index": (["mosaic", "index", "photos", "-o", "o.npz"], ["o.npz"]),
    "mosaic build": ([*MOSAIC, "-o", "o.png"], ["o.png"]),
}


@pytest.mark.parametrize("command", QUIET)
def test_q_is_accepted_everywhere_and_leaves_only_the_files_written(work: Path, command: str) -> None:
    """-q: no progress bar and no line but the files written (info: its description), one a line."""
    (work / "photos").mkdir()
    Image.open(PICTURE).resize((64, 64)).save(work / "photos" / "p.png")
    args, written = QUIET[command]
    done = _genart([*args, "-q"], work)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-2000:]
    if written is None:
        assert done.stdout.startswith("format: genart.scene"), done.stdout
    else:
        assert done.stdout.splitlines() == written, done.stdout


def _triangles(path: Path, count: int, seed: int) -> None:
    """A scene of `count` random triangles, written as genart writes it."""
    from genart.render import scene as S

    rng = np.random.default_rng(seed)
    shapes = [S.Polygon(points=[tuple(p) for p in rng.uniform(0, 100, (3, 2))], color=(0.5, 0.2, 0.1, 0.5))
              for _ in range(count)]
    S.save(S.Scene(canvas=S.Canvas(width=100, height=100), layers=[S.ShapesLayer(shapes=shapes)]), path)


@pytest.fixture(scope="module")
def big_parts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """15 scenes of 20,000 triangles each (the issue's compose), each well within the scene limit."""
    folder = tmp_path_factory.mktemp("parts")
    _triangles(folder / "p0.scene.json", 20_000, 0)
    parts = [folder / f"p{i}.scene.json" for i in range(15)]
    for part in parts[1:]:
        shutil.copy(parts[0], part)
    return parts


def test_compose_never_writes_a_scene_it_could_not_read_back(tmp_path: Path, big_parts: list[Path]) -> None:
    """15 x 20,000 triangles are 1,200,000 elements: refused before writing, naming the limit reading uses."""
    for part in big_parts:
        os.link(part, tmp_path / part.name)
    names = [part.name for part in big_parts]
    line = _refused_quickly(["compose", *names, "-o", "all.scene.json", "-o", "all.png"], tmp_path, "GENART_MAX_ELEMENTS")
    assert "1000000" in line or "1,000,000" in line, line


LOW_LIMIT = {"GENART_MAX_ELEMENTS": "60"}
SCENE_WRITERS = {
    "evolve": ["evolve", "a.jpg", *FAST_EVOLVE[2:], "-n", "20", "-o", "o.scene.json"],
    "gng": ["gng", "a.jpg", *FAST_GNG, "-o", "o.scene.json"],
    "mosaic build": [*MOSAIC[:-1], "10", "-o", "o.scene.json"],
    "compose": ["compose", "t.scene.json", "t.scene.json", "-o", "o.scene.json"],
}


@pytest.mark.parametrize("command", SCENE_WRITERS)
def test_no_command_writes_a_scene_beyond_the_limit_of_reading(work: Path, command: str) -> None:
    """With the limit lowered to 60 elements, every scene writer refuses a larger scene in one line naming it."""
    _triangles(work / "t.scene.json", 10, 1)  # 40 elements: readable; twice it is not
    line = _refused_quickly(SCENE_WRITERS[command], work, "GENART_MAX_ELEMENTS", LOW_LIMIT)
    assert "60" in line, line


@pytest.mark.parametrize("size", [(1, 5000), (5000, 1), (2, 3000)])
def test_a_picture_too_thin_to_fit_says_so(tmp_path: Path, size: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(tmp_path / "thin.png")
    line = _refused_quickly(["evolve", "thin.png", "-o", "o.png", "-n", "4", "-q"], tmp_path, f"{size[0]}x{size[1]}")
    assert "thin.png" in line and "aspect" in line, line
