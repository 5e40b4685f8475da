"""Make the gallery's pictures again (assets/readme/), each with the genart commands the docs show beside it.

    .venv/bin/python tools/gallery.py                          # every picture, into assets/readme/
    .venv/bin/python tools/gallery.py --out /tmp/gallery flyin.gif mosaic.jpg
    .venv/bin/python tools/gallery.py --list                   # the pictures, and what each is made from

Every command is printed before it runs; the first that fails stops the script (exit status 1).
A picture made from others (the alpha composite from `circles100` and the line art) makes them
first unless they are already in the output folder. Intermediate files (scenes, photo
collections, movies) go to a temporary folder, or to `--work DIR` to keep them. The Blender
frames need a Blender (`blender` on PATH or $GENART_BLENDER, see `tools/blender-env.sh`); the two
screenshots need Chromium. Not part of the test run: about 10 minutes on 2 cores.

The source pictures that are not genart's work are made here too: the astronaut's face
(`skimage.data.astronaut()[30:180, 150:300]`) and three words for `gng --count-components`.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ASTRONAUT = ROOT / "assets" / "astronaut.jpg"
PREVIEW_ADDRESS = re.compile(r"preview at (http://127\.0\.0\.1:\d+/)")


def shown(words: list[str]) -> str:
    """A command as printed: the repository's own paths relative to it, this Python as `python`."""
    return shlex.join(["python" if w == sys.executable else w.replace(f"{ROOT}/", "") for w in words])


class GalleryError(RuntimeError):
    """A step that failed: its command and why."""


@dataclass
class Studio:
    """Where pictures are made: the gallery folder `out`, a folder for what they are made from, `work`."""

    out: Path
    work: Path

    def run(self, *args: str | Path, cwd: Path | None = None) -> str:
        """Run a command (printed first) and return its stdout; a failure raises GalleryError."""
        words = [str(a) for a in args]
        print("$ " + shown(words), flush=True)
        done = subprocess.run(words, cwd=cwd or ROOT, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise GalleryError(f"{shown(words)} exited with status {done.returncode}")
        return done.stdout

    def genart(self, *args: str | Path, cwd: Path | None = None) -> str:
        return self.run(sys.executable, "-m", "genart", *args, cwd=cwd)

    def python(self, *args: str | Path) -> str:
        return self.run(sys.executable, *args)


@dataclass(frozen=True)
class Piece:
    """Gallery files made together, the gallery files they are made from, and how."""

    files: tuple[str, ...]
    needs: tuple[str, ...]
    make: Callable[[Studio], None]


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise GalleryError("the screenshots need Chromium (Debian: apt-get install chromium)")
    return found


def screenshot(s: Studio, url: str, out: Path, wait: float, size: tuple[int, int] = (900, 487)) -> None:
    """A screenshot of a page `wait` seconds after it opens in headless Chromium (a 1400-px-wide window,
    scaled down to `size`), taken over its DevTools protocol: a page that keeps its event stream open
    never finishes loading, so Chromium's own --screenshot would wait for the run to end."""
    import websocket  # websocket-client, of the test extra

    window = (1400, round(1400 * size[1] / size[0]))
    with tempfile.TemporaryDirectory(prefix="genart-gallery-chromium-") as profile:
        command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   f"--window-size={window[0]},{window[1]}", "--force-device-scale-factor=1",
                   "--remote-debugging-port=0", f"--user-data-dir={profile}", url]
        print("$ " + shown(command) + " &", flush=True)
        browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text().strip()):
                if time.monotonic() > deadline:
                    raise GalleryError("Chromium did not open its DevTools port within 30 s")
                time.sleep(0.1)
            time.sleep(wait)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
                page = next(t for t in json.load(reply) if t["type"] == "page")
            socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
            socket.send(json.dumps({"id": 1, "method": "Page.captureScreenshot", "params": {"format": "png"}}))
            while (answer := json.loads(socket.recv())).get("id") != 1:
                pass
            socket.close()
        finally:
            browser.terminate()
            browser.wait(timeout=30)
    if "error" in answer:
        raise GalleryError(f"Chromium took no screenshot of {url}: {answer['error']}")
    picture = Image.open(io.BytesIO(base64.b64decode(answer["result"]["data"]))).convert("RGB")
    picture.resize(size, Image.Resampling.LANCZOS).save(out)
    print(f"# wrote {out.name}", flush=True)


def side_by_side(pictures: list[Path], out: Path, cell: int, quality: int = 85) -> None:
    """Pictures cut to squares and scaled to `cell` px, in a row, as one JPEG."""
    row = Image.new("RGB", (cell * len(pictures), cell), "white")
    for i, path in enumerate(pictures):
        picture = Image.open(path).convert("RGB")
        side = min(picture.size)
        left, top = (picture.width - side) // 2, (picture.height - side) // 2
        row.paste(picture.crop((left, top, left + side, top + side)).resize((cell, cell), Image.Resampling.LANCZOS), (i * cell, 0))
    row.save(out, quality=quality)
    print(f"# wrote {out.name}", flush=True)


# -- the pieces ----------------------------------------------------------------------------------------


def evolve_astronaut(s: Studio) -> None:
    s.genart("evolve", ASTRONAUT, "-n", "200", "-o", s.out / "evolve_astronaut.scene.json",
             "-o", s.out / "evolve_astronaut.png", "-o", s.out / "evolve_astronaut.svg")


def ellipses_refined(s: Studio) -> None:
    s.genart("evolve", ASTRONAUT, "--shape", "ellipse", "-n", "200", "--refine-seconds", "20",
             "-o", s.out / "evolve_ellipses_refined.png")


def circles(count: int, seconds: int) -> Callable[[Studio], None]:
    def make(s: Studio) -> None:
        s.genart("evolve", ASTRONAUT, "--method", "gradient", "-n", str(count), "--seconds", str(seconds),
                 "--workers", "1", "--width", "512", "-o", s.out / f"circles{count}.png",
                 "-o", s.out / f"circles{count}.scene.json.gz")
    return make


def poster(s: Studio) -> None:
    scene = s.out / "poster_astronaut.scene.json.gz"
    s.genart("evolve", ASTRONAUT, "-n", "300", "--seed", "1", "-o", scene)
    for dpi, out in (("300", "poster_astronaut_a4.pdf"), ("40", "poster_astronaut_a4.png")):
        s.genart("render", scene, "--paper", "A4", "--dpi", dpi, "--bleed", "3", "--framing", "fill",
                 "--outline", "0.6:#1a1a1a", "-o", s.out / out)


def face(s: Studio) -> None:
    from skimage import data

    Image.fromarray(data.astronaut()[30:180, 150:300]).save(s.out / "gng_astronaut_face.png")
    print("# wrote gng_astronaut_face.png: skimage.data.astronaut()[30:180, 150:300]", flush=True)


def words(s: Studio) -> None:
    picture = Image.new("RGB", (420, 80), "white")
    ImageDraw.Draw(picture).text((210, 40), "growing neural gas", fill="black", anchor="mm",
                                 font=ImageFont.load_default(size=40))
    picture.save(s.out / "gng_words_source.png")
    print("# wrote gng_words_source.png: three words in Pillow's default font", flush=True)


def line_art(s: Studio) -> None:
    source = s.out / "gng_astronaut_face.png"
    s.genart("gng", source, "-q", "--width", "600", "-o", s.out / "gng_astronaut.png")
    s.genart("gng", source, "-q", "--width", "600", "--edge-color", "source", "--edge-width", "0.45",
             "-o", s.out / "gng_astronaut_colour.png")


def three_words(s: Studio) -> None:
    said = s.genart("gng", s.out / "gng_words_source.png", "-q", "--sigma", "3", "--max-nodes", "600",
                    "--epochs", "10", "--count-components", "--width", "840", "-o", s.out / "gng_words.png")
    print(said.strip(), flush=True)


def photos(s: Studio, count: int) -> Path:
    """A made-up photo folder of `count` photos (bench/make_collection.py), made once per work folder."""
    folder = s.work / f"photos{count}"
    if not folder.is_dir():
        s.python(ROOT / "bench" / "make_collection.py", folder, "--count", str(count), "--seed", "0")
    return folder


def mosaic(s: Studio) -> None:
    from skimage import data

    collection = s.work / "photos10000.npz"
    s.genart("mosaic", "index", photos(s, 10000), "-o", collection, "-q")
    target = s.work / "astronaut512.png"
    Image.fromarray(data.astronaut()).save(target)
    s.genart("mosaic", "build", collection, target, "--grid", "100", "--tile-px", "12", "--quality", "85",
             "-o", s.out / "mosaic.jpg")
    big = s.work / "mosaic_big.png"
    s.genart("mosaic", "build", collection, target, "--grid", "100", "--tile-px", "64", "-o", big)
    Image.open(big).crop((1920, 1280, 2560, 1920)).convert("RGB").save(s.out / "mosaic_crop.jpg", quality=85)
    print("# wrote mosaic_crop.jpg: the crop (1920, 1280, 2560, 1920) of the 64-px-tile mosaic", flush=True)


GIF = ("--gif-quality", "best", "--dedupe", "--no-progress")


def flyin_and_timelapse(s: Studio) -> None:
    scene = s.work / "astronaut.scene.json"
    s.genart("evolve", ASTRONAUT, "-n", "200", "--seconds", "60", "-o", scene, "--quiet")
    s.genart("animate", scene, "--motion", "flyin", "-o", s.out / "flyin.gif", "--size", "320", "--fps", "15",
             "--duration", "4", *GIF)
    s.genart("animate", scene, "--motion", "timelapse", "-o", s.out / "timelapse.gif", "--size", "320",
             "--fps", "15", "--duration", "4", "--drop-rate", "2", *GIF)


def growth(s: Studio) -> None:
    scene = s.work / "gng.scene.json.gz"
    s.genart("gng", ASTRONAUT, "--max-nodes", "1000", "--epochs", "4", "--snapshots", "2500", "-o", scene, "-q")
    s.genart("animate", scene, "--motion", "growth", "-o", s.out / "growth.gif", "--size", "256", "--fps", "12",
             "--duration", "5", *GIF)


def mosaic_zoom(s: Studio) -> None:
    collection = s.work / "photos1500.npz"
    s.genart("mosaic", "index", photos(s, 1500), "-o", collection, "--sizes", "16,32,64,128,256", "--no-progress")
    scene = s.work / "mosaic.scene.json"
    s.genart("mosaic", "build", collection, ASTRONAUT, "--grid", "32", "-o", scene, "-q")
    s.genart("animate", scene, "--motion", "mosaic_zoom", "-o", s.out / "mosaic_zoom.gif", "--size", "240",
             "--fps", "10", "--duration", "4", "--hold", "0.5", *GIF)


def alpha_composite(s: Studio) -> None:
    movie = s.work / "alpha_circles.mov"
    s.genart("animate", s.out / "circles100.scene.json.gz", "--motion", "flyin", "--transparent", "-o", movie,
             "--size", "256", "--fps", "10", "--duration", "3", "--hold", "1.5", "--no-progress")
    s.run(ffmpeg(), "-v", "error", "-y", "-loop", "1", "-i", s.out / "gng_astronaut.png", "-i", movie,
          "-filter_complex", "[0]scale=256:256,format=rgb24[bg];[bg][1]overlay=shortest=1,split[a][b];"
          "[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a", s.out / "alpha_composite.gif")


BLENDER_RENDER = '''
import sys, bpy
blend, frame, out = sys.argv[sys.argv.index("--") + 1:]
bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
scene.render.resolution_x = scene.render.resolution_y = 256
scene.cycles.samples = 4
scene.render.image_settings.file_format = "PNG"
scene.frame_set(int(frame))
scene.render.filepath = out
bpy.ops.render.render(write_still=True)
'''


def blender_frames(s: Studio) -> None:
    from genart.animate.export.blender import find_blender
    from genart.errors import GenartError

    try:
        blender = find_blender()
    except GenartError as exc:
        raise GalleryError(f"the Blender frame needs a Blender: {exc}") from None
    scene = s.work / "flyin1000.scene.json"
    s.genart("evolve", ASTRONAUT, "-n", "1000", "--workers", "1", "-o", scene, "-q")
    s.genart("animate", scene, "--motion", "flyin", "--at", "1.507", "--size", "256",
             "-o", s.out / "blender_genart_frame.png", "-q")  # frame 45 of 210 at 30 fps
    blend = s.work / "flyin1000.blend"
    s.genart("export", scene, "--motion", "flyin", "-o", blend, "-q")
    script = s.work / "render_frame.py"
    script.write_text(BLENDER_RENDER)
    args = [str(blend), "45", str(s.out / "blender_cycles_frame.png")]  # Cycles, 4 samples, 256 px
    print("$ " + shown(blender.command(script, args)), flush=True)
    try:
        blender.run(script, args, "render")
    except GenartError as exc:
        raise GalleryError(str(exc)) from None


def showcase(s: Studio) -> None:
    folder = s.work / "scripts"
    shutil.copytree(ROOT / "assets" / "scripts", folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("out"))
    s.genart("run", folder / "showcase.yaml", "-q")
    out = folder / "out"
    side_by_side([out / "showcase-tris.png", out / "showcase-mosaic.png"], s.out / "showcase_posters.jpg", 300)
    frames = []
    for t in ("1.7", "5.8", "10"):
        frame = s.work / f"showcase-{t}.png"
        s.run(ffmpeg(), "-v", "error", "-y", "-ss", t, "-i", out / "showcase.mp4", "-frames:v", "1", frame)
        frames.append(frame)
    side_by_side(frames, s.out / "showcase_frames.jpg", 240)


def preview(s: Studio) -> None:
    """The live page of a 2x2-tiled evolve, some seconds into the run."""
    command = [sys.executable, "-m", "genart", "evolve", str(ASTRONAUT), "-n", "2000", "--tiles", "2x2",
               "--seconds", "60", "--preview", "-q", "-o", str(s.work / "preview.png")]
    print("$ " + shown(command) + " &", flush=True)
    run = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stderr is not None
        line = run.stderr.readline()
        found = PREVIEW_ADDRESS.search(line)
        if found is None:
            raise GalleryError(f"genart evolve --preview printed no address: {line.strip()!r}")
        screenshot(s, found.group(1), s.out / "preview_live.png", wait=10)  # the run well under way
    finally:
        run.send_signal(signal.SIGINT)
        run.communicate(timeout=60)


def report(s: Studio) -> None:
    page = s.work / "report.html"
    s.genart("evolve", ASTRONAUT, "-n", "300", "--seconds", "20", "--report", page, "-q",
             "-o", s.work / "report.png")
    screenshot(s, page.as_uri(), s.out / "report_page.png", wait=3)  # the time-lapse three quarters through


PIECES: dict[str, Piece] = {p.files[0]: p for p in (
    Piece(("evolve_astronaut.png", "evolve_astronaut.scene.json", "evolve_astronaut.svg"), (), evolve_astronaut),
    Piece(("evolve_ellipses_refined.png",), (), ellipses_refined),
    Piece(("circles100.png", "circles100.scene.json.gz"), (), circles(100, 20)),
    Piece(("circles500.png", "circles500.scene.json.gz"), (), circles(500, 60)),
    Piece(("poster_astronaut_a4.png", "poster_astronaut_a4.pdf", "poster_astronaut.scene.json.gz"), (), poster),
    Piece(("gng_astronaut_face.png",), (), face),
    Piece(("gng_words_source.png",), (), words),
    Piece(("gng_astronaut.png", "gng_astronaut_colour.png"), ("gng_astronaut_face.png",), line_art),
    Piece(("gng_words.png",), ("gng_words_source.png",), three_words),
    Piece(("mosaic.jpg", "mosaic_crop.jpg"), (), mosaic),
    Piece(("flyin.gif", "timelapse.gif"), (), flyin_and_timelapse),
    Piece(("growth.gif",), (), growth),
    Piece(("mosaic_zoom.gif",), (), mosaic_zoom),
    Piece(("alpha_composite.gif",), ("circles100.scene.json.gz", "gng_astronaut.png"), alpha_composite),
    Piece(("blender_genart_frame.png", "blender_cycles_frame.png"), (), blender_frames),
    Piece(("showcase_posters.jpg", "showcase_frames.jpg"), (), showcase),
    Piece(("preview_live.png",), (), preview),
    Piece(("report_page.png",), (), report),
)}
MAKER = {file: piece for piece in PIECES.values() for file in piece.files}


def plan(wanted: list[str], out: Path) -> list[Piece]:
    """The pieces that make `wanted` files (all if none), after those they need that `out` does not hold yet."""
    unknown = [w for w in wanted if w not in MAKER]
    if unknown:
        raise GalleryError(f"no gallery picture {', '.join(unknown)} (see --list)")
    order: list[Piece] = []

    def add(piece: Piece) -> None:
        for need in piece.needs:
            if MAKER[need] not in order and not (out / need).exists():
                add(MAKER[need])
        if piece not in order:
            order.append(piece)

    for piece in [MAKER[w] for w in wanted] if wanted else list(PIECES.values()):
        add(piece)
    return order


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pictures", nargs="*", help="gallery files to make (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "readme", help="gallery folder (%(default)s)")
    parser.add_argument("--work", type=Path, help="keep the intermediate files here (default: a temporary folder)")
    parser.add_argument("--list", action="store_true", help="list the pictures and what each is made from")
    args = parser.parse_args(argv)
    if args.list:
        for piece in PIECES.values():
            needs = f" (from {', '.join(piece.needs)})" if piece.needs else ""
            print(f"{', '.join(piece.files)}{needs}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="genart-gallery-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        studio = Studio(args.out.resolve(), work.resolve())
        try:
            for piece in plan(args.pictures, args.out):
                started = time.monotonic()
                piece.make(studio)
                print(f"# {', '.join(piece.files)}: {time.monotonic() - started:.0f} s", flush=True)
        except GalleryError as exc:
            print(f"gallery: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
