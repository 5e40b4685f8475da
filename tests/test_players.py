"""Every export opened in the tool people use, compared with genart's own frames at the same time t.

The picture is one no other test uses: 150 shapes coloured from skimage's stereo motorcycle
(triangles, ellipses, circles and stroked curves, translucent), with a greedy run's prefix
snapshots. At 7 times across each motion (shapes taking off during the stagger, mid-flight,
landing, the end), each player's frame at t is compared with `genart animate --at t` and with
frame t · fps of genart's own PNG sequence (the one clock): Blender's frame t · fps of the
.blend (Cycles, 16 samples, 256 px, Standard view transform), the glTF imported by Blender's
own importer and rendered likewise, lottie-web at goToAndStop(t · 1000) and SMIL at
setCurrentTime(t) in headless Chromium. The glTF Validator reports on every glTF and GLB.

The players are heavy (a browser, Blender): these tests are marked slow; the fast ones check
the exports' structure, the clock and the validator on a tiny export.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import lottie_specs
import numpy as np
import pytest
import skimage.data
from PIL import Image

from genart.render import scene as S
from tests import players

ROOT = Path(__file__).resolve().parent.parent
FPS = 30.0
WIDTH, HEIGHT = 240.0, 150.0  # canvas units
SIZE = (256, 160)  # pixels of every compared frame
FLYIN = ("--motion", "flyin", "--duration", "2", "--hold", "0.5", "--seed", "1")
TIMELAPSE = ("--motion", "timelapse", "--duration", "2", "--hold", "0.5")
# frame numbers (t = k / 30 s): the stagger's first take-offs, shapes in flight while others wait, most
# landed, the last landing, the end (the poster). Odd frames never fall on a time-lapse state's change
# (30 states, each 1/15 s), where which state shows would be a matter of rounding.
FRAMES = (3, 9, 21, 33, 45, 57, 75)
TIMES = [k / FPS for k in FRAMES]


def picture_scene(n: int = 150, seed: int = 28) -> S.Scene:
    """`n` shapes coloured from a photograph, large to small, translucent, over its mean colour; a prefix
    snapshot every 5 shapes (a greedy run's, for the time-lapse)."""
    photo = skimage.data.stereo_motorcycle()[0][16:479]  # cut to the canvas's 1.6 aspect
    picture = np.asarray(Image.fromarray(photo).resize((int(WIDTH), int(HEIGHT)), Image.Resampling.BOX), np.float64)
    rng = np.random.default_rng(seed)
    shapes: list[S.Shape] = []
    for i in range(n):
        reach = 30.0 * (1.0 - i / n) + 5.0
        c = rng.uniform([0, 0], [WIDTH, HEIGHT])
        lo = np.clip(c - reach / 4, 0, [WIDTH - 1, HEIGHT - 1]).astype(int)
        hi = np.clip(c + reach / 4, lo + 1, [WIDTH, HEIGHT]).astype(int)
        color = (*(picture[lo[1]:hi[1], lo[0]:hi[0]].reshape(-1, 3).mean(axis=0) / 255.0), float(rng.uniform(0.7, 0.95)))
        if i % 30 == 7:
            bend, end = c + rng.normal(0, reach, 2), c + rng.normal(0, reach, 2)
            shapes.append(S.Bezier(points=(tuple(c), tuple(bend), tuple(end)), width=3.0, color=color))
        elif i % 10 == 3:
            shapes.append(S.Circle(cx=c[0], cy=c[1], r=reach / 2, color=color))
        elif i % 6 == 5:
            shapes.append(S.Ellipse(cx=c[0], cy=c[1], rx=reach / 2, ry=reach / 4, angle=rng.uniform(-90, 90),
                                    color=color))
        else:
            shapes.append(S.Polygon(points=[tuple(c + rng.normal(0, reach / 2, 2)) for _ in range(3)], color=color))
    background = (*(picture.reshape(-1, 3).mean(axis=0) / 255.0), 1.0)
    return S.Scene(canvas=S.Canvas(width=WIDTH, height=HEIGHT, background=background),
                   layers=[S.ShapesLayer(shapes=shapes)],
                   snapshots=[S.Snapshot(step=k, prefix=k) for k in range(5, n + 1, 5)])


def genart(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def linear_rgb(color: tuple[float, ...]) -> list[float]:
    c = np.clip(np.asarray(color[:3], np.float64), 0.0, 1.0)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).tolist()


EASINGS = ("linear", "smooth", "ease_out_back", "ease_out_bounce")  # the .blend's fly-ins
MOTIONS = {"flyin": FLYIN, "timelapse": TIMELAPSE}


def _runs(commands: list[tuple[str, ...]]) -> None:
    """genart commands, two at a time (this machine's cores)."""
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda args: genart(*args), commands))


def make(folder: Path) -> dict:
    """In `folder`: the scene, genart's PNG sequences and `--at` stills of each motion (and of each .blend easing),
    and every export: Lottie, SMIL, glTF and GLB of both motions, a .blend of each easing's fly-in and of the
    time-lapse."""
    source = folder / "motorcycle.scene.json"
    S.save(picture_scene(), source)
    motions = {**MOTIONS, **{f"flyin {e}": (*FLYIN, "--easing", e) for e in EASINGS if e != "smooth"}}
    size = ("--size", f"{SIZE[0]}x{SIZE[1]}", "-q")
    commands = []
    for name, motion in motions.items():
        (folder / name).mkdir()
        if name in MOTIONS:
            commands.append(("animate", str(source), *motion, "--fps", f"{FPS:g}", *size, "-o", f"{folder / name}/seq/"))
            for suffix, extra in ((".json", ()), (".svg", ("--width", str(SIZE[0]))), (".glb", ()), (".gltf", ())):
                commands.append(("export", str(source), *motion, *extra, "-q", "-o", str(folder / name / f"a{suffix}")))
        commands += [("animate", str(source), *motion, "--at", repr(t), *size, "-o", str(folder / name / f"at{k}.png"))
                     for k, t in zip(FRAMES, TIMES)]
        commands.append(("export", str(source), *motion, "--blender", players.blender(), "-q", "-o",
                         str(folder / name / "a.blend")))
    _runs(commands)

    def read(path: Path) -> np.ndarray:
        return np.asarray(Image.open(path).convert("RGB"))

    return {"folder": folder, "source": source,
            "seq": {name: [read(p) for p in sorted((folder / name / "seq").glob("*.png"))] for name in MOTIONS},
            "at": {name: [read(folder / name / f"at{k}.png") for k in FRAMES] for name in motions}}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return make(tmp_path_factory.mktemp("players"))


def _check(what: str, frames: list[np.ndarray], made: dict, motion: str, bound: float, against_sequence: bool = True,
           reference: str | None = None) -> list[float]:
    """Each frame against `--at t` (and frame t · fps of the PNG sequence) at TIMES, at least `bound` dB."""
    at = made["at"][reference or motion]
    measured = [players.psnr(frame, still) for frame, still in zip(frames, at)]
    failures = [f"t = {t:.3f} s: {db:.1f} dB" for t, db in zip(TIMES, measured) if db < bound]
    if against_sequence:
        seq = made["seq"][motion]
        by_frame = [players.psnr(frame, seq[k]) for frame, k in zip(frames, FRAMES)]
        failures += [f"t = {t:.3f} s: {db:.1f} dB against frame {k}" for t, db, k in zip(TIMES, by_frame, FRAMES)
                     if db < bound]
    assert not failures, f"{what} (bound {bound} dB): " + "; ".join(failures)
    return measured


@pytest.mark.slow
@pytest.mark.parametrize("motion", MOTIONS)
def test_png_sequence_is_the_still_at_every_frame_time(made: dict, motion: str) -> None:
    """The one clock: frame k of genart's PNG sequence is `--at k / fps`, and the last frame is the poster."""
    seq = made["seq"][motion]
    assert len(seq) == round(2.5 * FPS) + 1  # 0 … 2.5 s: one frame more than 2.5 s · 30 fps, at t = 2.5
    _check("PNG sequence", [seq[k] for k in FRAMES], made, motion, 40.0, against_sequence=False)
    poster = np.asarray(Image.fromarray(seq[-1]))
    assert players.psnr(poster, made["at"][motion][-1]) == float("inf")


@pytest.mark.slow
@pytest.mark.parametrize("motion", MOTIONS)
def test_lottie_web_plays_genart_frames(made: dict, motion: str, tmp_path: Path) -> None:
    out = made["folder"] / motion / "a.json"
    doc = json.loads(out.read_text())
    errors = list(jsonschema.Draft202012Validator(json.loads(Path(lottie_specs.schema_path()).read_text()))
                  .iter_errors(doc))
    assert not errors, errors[0].message
    _check("lottie-web", players.play("lottie", out, TIMES, SIZE, tmp_path), made, motion, 30.0)


@pytest.mark.slow
@pytest.mark.parametrize("motion", MOTIONS)
def test_smil_in_chromium_plays_genart_frames(made: dict, motion: str, tmp_path: Path) -> None:
    _check("SMIL in Chromium", players.play("smil", made["folder"] / motion / "a.svg", TIMES, SIZE, tmp_path), made,
           motion, 30.0)


def render_all(made: dict) -> dict[str, tuple[list[np.ndarray], dict]]:
    """Blender's renders (Cycles, 16 samples, 256 px) at FRAMES: each .blend, and the GLB of the fly-in and the
    .gltf of the time-lapse imported by Blender's glTF importer, all in one Blender."""
    folder = made["folder"]
    background = linear_rgb(picture_scene().canvas.background)
    jobs = {f"blend {name}": {"file": str(folder / name / "a.blend")} for name in made["at"]}
    jobs["gltf flyin"] = {"file": str(folder / "flyin" / "a.glb")}
    jobs["gltf timelapse"] = {"file": str(folder / "timelapse" / "a.gltf")}
    for job in jobs.values():
        job.update({"frames": list(FRAMES), "size": list(SIZE), "fps": FPS, "canvas": [WIDTH, HEIGHT],
                    "background": background})
    frames, facts = players.render(list(jobs.values()), folder)
    return dict(zip(jobs, zip(frames, facts)))


@pytest.fixture(scope="module")
def rendered(made: dict) -> dict[str, tuple[list[np.ndarray], dict]]:
    return render_all(made)


@pytest.mark.slow
@pytest.mark.parametrize("motion", MOTIONS)
@pytest.mark.parametrize("suffix", [".glb", ".gltf"])
def test_gltf_validator_finds_nothing(made: dict, motion: str, suffix: str) -> None:
    report = players.validate_gltf(made["folder"] / motion / f"a{suffix}")
    issues = report["issues"]
    assert issues["numErrors"] == 0 and issues["numWarnings"] == 0, issues["messages"][:5]
    assert report["info"]["animationCount"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("motion", MOTIONS)
def test_blender_imports_the_gltf_and_renders_genart_frames(rendered: dict, made: dict, motion: str) -> None:
    frames, facts = rendered[f"gltf {motion}"]
    assert facts["objects"] == 150 and facts["fps"] == pytest.approx(FPS)
    _check("glTF imported by Blender", frames, made, motion, 30.0)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["flyin", *(f"flyin {e}" for e in EASINGS if e != "smooth"), "timelapse"])
def test_blend_renders_genart_frames(rendered: dict, made: dict, name: str) -> None:
    frames, facts = rendered[f"blend {name}"]
    assert facts["engine"] == "CYCLES" and facts["view"] == "Standard"
    assert facts["fps"] == pytest.approx(FPS) and facts["range"] == [0, round(2.5 * FPS)]
    _check(".blend in Blender", frames, made, name.split()[0], 33.0, against_sequence=name in MOTIONS, reference=name)
