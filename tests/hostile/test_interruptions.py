"""Long runs stopped part-way: Ctrl-C to the process group (as a terminal sends it), SIGTERM to the
group (as a service manager or `kill -- -PGID` sends it), SIGTERM to genart alone and SIGHUP to the
group (the terminal closed: the shell, or the kernel, hangs its jobs up).

Every command that starts workers, Blender, ffmpeg or scratch files is stopped once it has started
them. Each case must end with exit status 130 (Ctrl-C), 143 (SIGTERM) or 129 (SIGHUP) and one line
`genart ...: interrupted...` (no worker traceback), within the timeout, and leave no process (none
still running LINGER seconds after genart ended), no scratch in $TMPDIR or /dev/shm, and no
`.part` or other file beside its outputs except those an
interrupted command promises (an evolve's best result so far and its checkpoint). A worker
killed outright (as the out-of-memory killer does) is an error: exit 2 and one line saying so,
with the same checks (and a tiled evolve's progress kept in its checkpoint).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.animate.export.blender import find_blender
from genart.errors import UserError
from tests.hostile.conftest import CASES, children, leftovers, process_table, shm

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "assets" / "astronaut.jpg"
STARTUP = 60  # seconds a command may take to reach the state it is stopped in
STOPPING = 30  # seconds it may take to stop
LINGER = 5  # seconds after genart ended by which every process it started must have ended too
STOPS = {  # how a run is stopped: (signal, whole process group?)
    "Ctrl-C to the group": (signal.SIGINT, True),
    "SIGTERM to the group": (signal.SIGTERM, True),
    "SIGTERM to genart": (signal.SIGTERM, False),
    "SIGHUP to the group": (signal.SIGHUP, True),
}
HANGUP = "SIGHUP to genart"  # genart alone hung up (`kill -HUP PID`): its children are not signalled
STOPS[HANGUP] = (signal.SIGHUP, False)
WORKER_KILLED = "SIGKILL to a worker"  # as the kernel's out-of-memory killer sends it: an error, not a stop
STOPS[WORKER_KILLED] = (signal.SIGKILL, False)
TWICE = "Ctrl-C twice to the group"  # an impatient artist: the second lands while genart stops its workers
STOPS[TWICE] = (signal.SIGINT, True)


def descendants(root: int) -> list[int]:
    """Every live process below `root`."""
    parents: dict[int, list[int]] = {}
    for pid, parent in process_table().items():
        parents.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


Ready = Callable[[int, str], bool]  # (genart's pid, what it has printed on stderr) -> whether to stop it now


def stopped(args: list[str], cwd: Path, stop: str, ready: Ready, kept: frozenset[str] = frozenset()) -> str:
    """Run `genart ARGS` in `cwd` (its own process group), wait until `ready`, stop it as `stop` says; assert
    the exit status, one 'interrupted' line after what it printed before, and nothing new but files
    matching the patterns `kept`."""
    signum, group = STOPS[stop]
    tmp = cwd / "tmp"
    tmp.mkdir(exist_ok=True)
    before, shm_before, processes = _listing(cwd), shm(), children()
    with (cwd.parent / f"{cwd.name}.stderr").open("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=log, env={**os.environ, "TMPDIR": str(tmp)}, start_new_session=True)
        deadline = time.monotonic() + STARTUP
        while not ready(process.pid, Path(log.name).read_text()):
            assert process.poll() is None, f"{args} ended before it could be stopped: {log.read()[-2000:]}"
            assert time.monotonic() < deadline, f"{args} did not reach the state to stop it in"
            time.sleep(0.05)
        earlier = len(Path(log.name).read_text().splitlines())
        if stop == WORKER_KILLED:
            os.kill(next(c for c in descendants(process.pid) if "genart" in command_line(c)), signum)
        elif stop == TWICE:
            os.killpg(process.pid, signum)
            time.sleep(0.3)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signum)
        elif group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        try:
            status = process.wait(STOPPING)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise AssertionError(f"{args} did not stop within {STOPPING} s of {stop}") from None
        log.seek(0)
        printed = log.read().splitlines()
    lines = [line for line in printed[earlier:] if line.strip()]
    assert not outlived(processes), f"{args}: processes outlived genart after {stop}"
    command = " ".join(args[:2]) if args[0] == "mosaic" else args[0]  # lines name the sub-command and its verb
    expected = (2, f"genart {command}: error: ") if stop == WORKER_KILLED else \
        (128 + signum, f"genart {command}: interrupted")
    assert status == expected[0], (status, printed[-40:])
    assert len(lines) == 1 and lines[0].startswith(expected[1]), printed[-40:]
    assert stop != WORKER_KILLED or "a worker process died" in lines[0], lines[0]
    new = _listing(cwd) - before - {"tmp"}
    assert all(any(fnmatch.fnmatch(name, pattern) for pattern in kept) for name in new), sorted(new)
    assert not any(".part" in name for name in new), sorted(new)
    assert not list(tmp.iterdir()), list(tmp.iterdir())
    assert shm() == shm_before, shm() ^ shm_before
    CASES["interruptions"] += 1
    return lines[0]


def outlived(processes: set[int]) -> list[str]:
    """The processes started since `processes` still running LINGER seconds from now (then killed), by
    command line; waits no longer than it takes them to end."""
    deadline = time.monotonic() + LINGER
    while children() - processes and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftovers(processes)


def command_line(pid: int) -> str:
    """A process's command line, its words joined by NULs ('' once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def workers(count: int) -> Ready:
    """Ready once genart has run `count` workers or ffmpeg below it for a few polls (the subprocesses
    libraries run while genart imports them last milliseconds)."""
    seen: list[set[int]] = []

    def ready(pid: int, printed: str) -> bool:
        found = {child for child in descendants(pid) if any(w in command_line(child) for w in ("genart", "ffmpeg"))}
        seen.append(found if len(found) >= count else set())
        return len(seen) >= 4 and all(found and found <= earlier for earlier in seen[-4:])
    return ready


def busy(seconds: float) -> Ready:
    """Ready once genart has used `seconds` of CPU time: past its imports (about 2 s), inside the work."""
    def ready(pid: int, printed: str) -> bool:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        user, system = stat[stat.rindex(")") + 2 :].split()[11:13]
        return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK") >= seconds
    return ready


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scene of 3,000 random circles: slow enough to animate that a movie can be stopped part-way."""
    rng = np.random.default_rng(0)
    shapes = [{"kind": "circle", "cx": float(x), "cy": float(y), "r": float(r), "color": [*map(float, c), 0.5]}
              for x, y, r, c in zip(rng.uniform(0, 256, 3000), rng.uniform(0, 256, 3000), rng.uniform(2, 30, 3000),
                                    rng.uniform(0, 1, (3000, 3)))]
    path = tmp_path_factory.mktemp("scene") / "s.scene.json"
    path.write_text(json.dumps({"format": "genart.scene", "version": 1, "canvas": {"width": 256, "height": 256},
                                "layers": [{"type": "shapes", "shapes": shapes}]}))
    return path


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 links to one 2,000-px photo: enough decoding for two index workers to be stopped mid-way."""
    folder = tmp_path_factory.mktemp("photos")
    Image.open(PICTURE).resize((2000, 2000)).save(folder / "p0.jpg", quality=95)
    for i in range(1, 400):
        os.link(folder / "p0.jpg", folder / f"p{i}.jpg")
    return folder


@pytest.fixture(params=[name for name in STOPS if name not in (WORKER_KILLED, TWICE, HANGUP)])
def stop(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def blender() -> None:
    """A Blender, found as genart finds one (`blender` on PATH, else $GENART_BLENDER); the test fails without."""
    try:
        find_blender()
    except UserError as exc:
        pytest.fail(f"this test needs Blender: {exc}")


def blender_started(tmp: Path) -> Ready:
    """Ready once the Blender genart runs has started: it has made its scratch folder below `tmp` ($TMPDIR)."""
    def ready(pid: int, printed: str) -> bool:
        return any("blender_builder" in command_line(child) for child in descendants(pid)) and \
            any(tmp.rglob("blender_*"))
    return ready


def _picture(folder: Path) -> Path:
    shutil.copy(PICTURE, folder / "a.jpg")
    return folder / "a.jpg"


def test_tiled_hillclimb_keeps_its_result_and_checkpoint(tmp_path: Path, stop: str) -> None:
    _picture(tmp_path)
    line = stopped(["evolve", "a.jpg", "-o", "o.png", "-n", "5000", "--tiles", "2x2", "--workers", "2", "-q"],
                   tmp_path, stop, workers(2), frozenset({"o.png", "o.png.ckpt"}))
    assert "--resume" in line
    assert Image.open(tmp_path / "o.png").size == Image.open(PICTURE).size


def test_anneal_workers(tmp_path: Path, stop: str) -> None:
    _picture(tmp_path)
    stopped(["evolve", "a.jpg", "--method", "anneal", "-o", "o.png", "--workers", "2", "-q"], tmp_path, stop,
            workers(2), frozenset({"o.png"}))


def test_gradient(tmp_path: Path, stop: str) -> None:
    _picture(tmp_path)
    stopped(["evolve", "a.jpg", "--method", "gradient", "-n", "300", "--steps", "100000", "-o", "o.png", "-q"],
            tmp_path, stop, busy(5), frozenset({"o.png"}))


def test_gng(tmp_path: Path, stop: str) -> None:
    _picture(tmp_path)
    stopped(["gng", "a.jpg", "-o", "g.png", "--max-nodes", "5000", "--epochs", "1000", "-q"], tmp_path, stop, busy(5),
            frozenset({"g.png"}))


def test_index_workers_and_shared_memory(tmp_path: Path, photos: Path, stop: str) -> None:
    started = workers(2)
    stopped(["mosaic", "index", str(photos), "-o", "c.npz", "--jobs", "2", "-q"], tmp_path, stop,
            lambda pid, printed: started(pid, printed) and any(n.startswith("genart-index-") for n in shm()))


def test_movie_workers_and_ffmpeg(tmp_path: Path, scene: Path, stop: str) -> None:
    shutil.copy(scene, tmp_path)
    stopped(["animate", "s.scene.json", "--motion", "flyin", "--duration", "30", "--size", "720x720", "-o", "m.mp4",
             "--workers", "2", "-q"], tmp_path, stop, workers(3))  # two render workers and ffmpeg


def test_blend_export_and_blender(tmp_path: Path, scene: Path, stop: str, blender: None) -> None:
    shutil.copy(scene, tmp_path)
    stopped(["export", "s.scene.json", "--motion", "flyin", "-o", "x.blend"], tmp_path, stop,
            blender_started(tmp_path / "tmp"))


def test_gif_spool(tmp_path: Path, scene: Path, stop: str) -> None:
    shutil.copy(scene, tmp_path)
    stopped(["animate", "s.scene.json", "--motion", "flyin", "--duration", "30", "--size", "720x720", "-o", "m.gif",
             "--gif-quality", "best", "--workers", "2", "-q"], tmp_path, stop,
            lambda pid, printed: any((tmp_path / "tmp").glob("genart-gif-*/frames.bgra")))


def test_gif_palette(tmp_path: Path, stop: str) -> None:
    """Stopped while ffmpeg makes or applies the GIF's palette, after the spool is full."""
    (tmp_path / "s.scene.json").write_text(json.dumps({
        "format": "genart.scene", "version": 1, "canvas": {"width": 64, "height": 64}, "layers": [{"type": "shapes",
        "shapes": [{"kind": "circle", "cx": 32, "cy": 32, "r": 20, "color": [0.9, 0.2, 0.1, 0.8]}]}]}))
    stopped(["animate", "s.scene.json", "--motion", "flyin", "--duration", "20", "--size", "480x480", "-o", "m.gif",
             "--gif-quality", "best", "--workers", "2", "-q"], tmp_path, stop,
            lambda pid, printed: any("palette" in command_line(child) for child in descendants(pid)))


def test_script_movie(tmp_path: Path, stop: str) -> None:
    (tmp_path / "piece.yaml").write_text(
        "genart: 1\ninputs:\n  face: a.jpg\nscenes:\n  tris: {from: face, method: hillclimb, shapes: 300, resize: 64}\n"
        "movie:\n  out: m.mp4\n  size: 720x720\n  shots:\n    - {scene: tris, motion: flyin, duration: 60}\n")
    _picture(tmp_path)
    stopped(["run", "piece.yaml", "-q"], tmp_path, stop, workers(3), frozenset({".genart-cache", ".genart-cache/*"}))


def test_script_watch(tmp_path: Path, stop: str) -> None:
    _picture(tmp_path)
    (tmp_path / "piece.yaml").write_text(
        "genart: 1\ninputs:\n  face: a.jpg\nscenes:\n  tris: {from: face, method: hillclimb, shapes: 4, resize: 32}\n"
        "posters:\n  - {scene: tris, out: p.png, width: 32}\n")
    done = subprocess.run([sys.executable, "-m", "genart", "run", "piece.yaml", "-q"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made = frozenset(_listing(tmp_path))
    stopped(["run", "piece.yaml", "--watch", "-q"], tmp_path, stop, lambda pid, printed: "watching" in printed, made)


@pytest.mark.parametrize("command", ["evolve", "index", "animate"])
def test_a_killed_worker_is_one_line_and_nothing_is_left(tmp_path: Path, photos: Path, scene: Path, command: str) -> None:
    _picture(tmp_path)
    shutil.copy(scene, tmp_path)
    args, kept = {
        "evolve": (["evolve", "a.jpg", "-o", "o.png", "-n", "5000", "--tiles", "2x2", "--workers", "2", "-q"],
                   frozenset({"o.png.ckpt"})),
        "index": (["mosaic", "index", str(photos), "-o", "c.npz", "--jobs", "2", "-q"], frozenset()),
        "animate": (["animate", "s.scene.json", "--motion", "flyin", "--duration", "30", "--size", "720x720", "-o",
                     "m.mp4", "--workers", "2", "-q"], frozenset()),
    }[command]
    line = stopped(args, tmp_path, WORKER_KILLED, workers(2), kept)
    if command == "evolve":
        assert "progress kept in o.png.ckpt" in line and (tmp_path / "o.png.ckpt").is_file()


def test_ctrl_c_twice(tmp_path: Path, scene: Path) -> None:
    """A second Ctrl-C while genart stops its workers changes nothing: the same clean end."""
    _picture(tmp_path)
    stopped(["evolve", "a.jpg", "-o", "o.png", "-n", "5000", "--tiles", "2x2", "--workers", "2", "-q"], tmp_path, TWICE,
            workers(2), frozenset({"o.png", "o.png.ckpt"}))
    shutil.copy(scene, tmp_path)
    stopped(["animate", "s.scene.json", "--motion", "flyin", "--duration", "30", "--size", "720x720", "-o", "m.mp4",
             "--workers", "2", "-q"], tmp_path, TWICE, workers(3), frozenset({"o.png", "o.png.ckpt"}))
