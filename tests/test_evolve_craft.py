"""Issue 14, evolve: restricted palettes, Ctrl-C/SIGTERM writing the shapes so far, folders of pictures."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from genart.generative import hillclimb_tiles as E
from genart.generative.hillclimb import ClimbSettings
from genart.generative.hillclimb_scene import tiles_scene
from genart.generative.hillclimb_settings import EvolveSettings
from genart.generative.images import Picture
from genart.generative.palette import PaletteError, palette_from, parse_palette
from genart.render import scene as S

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--candidates", "30", "--max-age", "10", "--repeats", "2", "-q"]
PALETTE = parse_palette("#1a1a1a,#f0e8d8,#8a5a3a,#c09060")


def chelsea(size: int = 40) -> Picture:
    rgb = np.asarray(Image.fromarray(data.chelsea()).resize((size, size * 3 // 4), Image.Resampling.BOX))
    return Picture(rgb=rgb, name="chelsea", sha256="0" * 64)


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def test_palette_parsing_and_picking() -> None:
    assert parse_palette("#ff0000, 00FF00,#ff0000") == ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    with pytest.raises(PaletteError, match="#rrggbb"):
        parse_palette("#ff00zz")
    rgb = data.chelsea()
    colours = palette_from(rgb, 5)
    assert colours == palette_from(rgb, 5) and len(colours) == 5
    assert all(abs(v * 255 - round(v * 255)) < 1e-9 for c in colours for v in c)
    two = np.zeros((4, 4, 3), np.uint8)
    two[2:] = 255
    assert palette_from(two, 8) == ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))  # no more colours than the picture has


@pytest.mark.parametrize(("shape", "tiles"), [("triangle", (1, 1)), ("combo", (2, 2))])
def test_palette_scene_uses_only_palette_colours(shape: str, tiles: tuple[int, int]) -> None:
    pic = chelsea()
    cfg = EvolveSettings(shapes=24, climb=ClimbSettings(shape=shape, candidates=30, max_age=10, repeats=2,
                                                     palette=PALETTE), tiles=tiles, resize=None)
    result = E.evolve(pic, cfg)
    palette = np.asarray(PALETTE)
    drawing = tiles_scene(result, pic, cfg)
    colours = [s.color[:3] for s in drawing.layers[0].shapes] + [drawing.canvas.background[:3]]
    assert len(colours) == 25
    for colour in colours:
        assert np.abs(palette - np.asarray(colour)).max(axis=1).min() < 1e-9
    assert all(d < 0 for t in result.tiles for d in t.deltas)  # every shape lowers the error
    assert drawing.meta["palette"] == "#1a1a1a,#f0e8d8,#8a5a3a,#c09060"


@pytest.mark.slow
def test_palette_from_a_picture_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "source.png"
    Image.fromarray(data.astronaut()).resize((32, 32)).save(source)
    out = tmp_path / "p.scene.json"
    done = run_cli("evolve", "assets/astronaut.jpg", "-n", "10", "--resize", "32", *FAST, "--tiles", "2x2",
                   "--palette-from", str(source), "--colors", "3", "-o", str(out))
    assert done.returncode == 0, done.stderr
    drawing = S.load(out)
    palette = np.asarray(palette_from(np.asarray(Image.open(source).convert("RGB")), 3))
    for shape in drawing.layers[0].shapes:  # the file keeps 4 decimals
        assert np.abs(palette - np.asarray(shape.color[:3])).max(axis=1).min() < 1e-4
    done = run_cli("evolve", "assets/astronaut.jpg", "--palette", "#12", "-o", str(out))
    assert done.returncode == 2 and "#rrggbb" in done.stderr and len(done.stderr.splitlines()) == 1
    done = run_cli("evolve", "assets/astronaut.jpg", "--method", "gradient", "--palette", "#123456", "-o", str(out))
    assert done.returncode == 2 and "--palette applies to --method hillclimb only" in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "status", "tiles"), [(signal.SIGINT, 130, "1x1"), (signal.SIGTERM, 143, "2x2")])
def test_interrupt_writes_the_shapes_so_far(tmp_path: Path, sig: int, status: int, tiles: str) -> None:
    picture = tmp_path / "in.png"
    Image.fromarray(data.chelsea()).resize((128, 96)).save(picture)
    png, scene = tmp_path / "out.png", tmp_path / "out.scene.json"
    ckpt = Path(f"{png}.ckpt")
    # the default search effort: far from done (or from a perfect fit) when the signal comes
    args = ["evolve", str(picture), "-n", "100000", "--seconds", "600", "--resize", "128", "--tiles", tiles,
            "--workers", "1", "-q", "-o", str(png), "-o", str(scene)]
    proc = subprocess.Popen([sys.executable, "-m", "genart", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if ckpt.exists() and sum(len(t["params"]) for t in json.loads(ckpt.read_text())["tiles"]) >= 8:
            break
        time.sleep(0.2)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "interrupted after" in lines[0] and "--resume" in lines[0] and str(png) in lines[0]
    drawing = S.load(scene)
    count = len(drawing.layers[0].shapes)
    assert drawing.meta["interrupted"] is True and drawing.meta["shapes"] == count >= 8
    assert Image.open(png).size == (128, 96)
    saved = json.loads(ckpt.read_text())
    assert sum(len(t["params"]) for t in saved["tiles"]) == count
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.slow
def test_a_folder_of_pictures(tmp_path: Path) -> None:
    folder, outs = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    outs.mkdir()
    for name, size in (("a", 24), ("b", 30), ("c", 20)):
        Image.fromarray(data.chelsea()).resize((size, size)).save(folder / f"{name}.png")
    (folder / "broken.jpg").write_bytes(b"not a picture")
    loud = [a for a in FAST if a != "-q"]  # a line for each picture, and the tally
    done = run_cli("evolve", str(folder), "-n", "4", "--resize", "16", *loud, "-o", f"{outs}/{{name}}.png",
                   "-o", f"{outs}/{{name}}.scene.json")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in outs.iterdir()) == [f"{n}.{e}" for n in "abc" for e in ("png", "scene.json")]
    assert Image.open(outs / "b.png").size == (30, 30) and len(S.load(outs / "c.scene.json").layers[0].shapes) == 4
    assert [line.split(":")[0] for line in done.stdout.splitlines()[:3]] == ["[1/4] a.png", "[2/4] b.png", "[4/4] c.png"]
    assert "1 skipped, 0 failed" in done.stdout
    assert done.stderr.count("warning") == 1 and "broken.jpg" in done.stderr
    (outs / "c.png").unlink()
    (outs / "c.png").mkdir()  # one picture's output cannot be written: the others still are, exit 1
    done = run_cli("evolve", str(folder), "-n", "4", "--resize", "16", *loud, "-o", f"{outs}/{{name}}.png")
    assert done.returncode == 1 and "c.png" in done.stderr and "2 evolved, 1 skipped, 1 failed" in done.stdout
    done = run_cli("evolve", str(folder), "-n", "4", "--resize", "16", *FAST, "-o", f"{outs}/{{name}}.png")
    assert done.returncode == 1 and done.stdout.splitlines() == [f"{outs}/a.png", f"{outs}/b.png"]  # -q: the files
    done = run_cli("evolve", str(folder), "-n", "4", "-o", f"{folder}/{{name}}.scene.json")
    assert done.returncode == 2 and "folder of pictures" in done.stderr  # the next run would read them
    done = run_cli("evolve", str(folder), "-o", f"{outs}/x.png")
    assert done.returncode == 2 and "{name}" in done.stderr
