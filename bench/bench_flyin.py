"""Benchmark: a 10 s, 30 fps, 1920x1080 fly-in of a 1,000-polygon scene, encode included.

Prints the frames/s of rendering alone, then, per x264 preset, end-to-end frames/s (render + H.264 encode, best of --repeats),
the CPU time the whole process tree spent per frame (user + sys of main, render workers
and ffmpeg: a figure the other jobs on shared cores disturb far less than wall time, and
2 / that = the frames/s two idle cores would give), and the peak memory of the tree as
the sum of proportional set sizes (PSS: shared pages counted once) sampled every 50 ms. The scene is generated:
1,000 translucent triangles and quads, large to small like a greedy optimizer's output,
coloured from `skimage.data.astronaut()`.

Then the encoder alone on the same frames (issue 33's yardstick): the frames are rendered once
into a raw file, and `encode` (the same ffmpeg command and pipe) encodes them read back from it;
the ratio of the end-to-end frames/s to that is what the issue bounds (goal ≥ 0.6). With
`--command SCENE` the whole `genart animate SCENE --motion flyin` process (start-up, render and
encode) is timed instead, against the encoder alone on its frames (rendered through `genart.load`'s
clip, checked to be the same frames: the two movies' decoded frames are compared).

    python bench/bench_flyin.py [--repeats 2] [--workers N] [--presets superfast,veryfast] [--seconds 10]
    python bench/bench_flyin.py --command my.scene.json --seconds 20 --presets superfast
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from record import add_quick, figure
from skimage import data

from genart.animate.encode import EncodeSettings, encode
from genart.animate.motions.flyin import flyin
from genart.animate.pipeline import RenderedFrame, default_workers, render_frames
from genart.animate.timeline import Playable
from genart.render.scene import Canvas, Polygon, Scene, ShapesLayer


def poster_scene(n: int = 1000, seed: int = 0) -> Scene:
    """n polygons on a 16:9 canvas, sizes decaying like a greedy fit, colours from the astronaut."""
    rng = np.random.default_rng(seed)
    picture = data.astronaut()[64:352:2, 0:512:2]  # 144 x 256, 16:9
    h, w = picture.shape[:2]
    shapes = []
    for i in range(n):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = 60 * np.exp(-4 * i / n) + 3
        k = 3 if i % 2 else 4
        angles = np.sort(rng.uniform(0, 2 * np.pi, k))
        pts = [(float(cx + r * np.cos(a)), float(cy + r * np.sin(a) * 0.8)) for a in angles]
        rgb = picture[min(int(cy), h - 1), min(int(cx), w - 1)] / 255.0
        shapes.append(Polygon(points=pts, color=(*map(float, rgb), 0.6)))
    return Scene(canvas=Canvas(width=w, height=h, background=(0.5, 0.45, 0.4, 1.0)), layers=[ShapesLayer(shapes=shapes)])


def _tree_pss(root: int) -> int:
    """Sum of PSS (bytes) of `root` and all its descendants."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class PeakMemory:
    """Samples the process tree's PSS in a thread; `.peak` is the largest sum seen."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_pss(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--presets", default="superfast,veryfast", help="x264 presets to time, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--shapes", type=int, default=1000)
    parser.add_argument("--command", metavar="SCENE", help="time `genart animate SCENE --motion flyin` as a whole")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.presets, args.seconds, args.size, args.shapes = 1, "superfast", 1.0, "320x180", 100
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    fps = 30
    if args.command:
        whole_command(args, size, fps)
        return

    t = time.perf_counter()
    scene = poster_scene(args.shapes)
    clip = flyin(scene, duration=args.seconds - 1.0, hold=1.0, seed=0)
    setup = time.perf_counter() - t
    workers = default_workers() if args.workers is None else args.workers
    print(f"cores: {os.cpu_count()}, shared with other engineers' jobs (load average {os.getloadavg()[0]:.1f}): "
          f"wall-time figures are the best of {args.repeats}")
    print(f"scene: {args.shapes} polygons; clip built in {setup:.2f} s; {workers} render workers; "
          f"{size[0]}x{size[1]}, {fps} fps, {args.seconds:g} s")

    best = float("inf")
    for _ in range(args.repeats):  # rendering alone: frames are released as they come
        t = time.perf_counter()
        for frame in render_frames(clip, size, fps, workers=args.workers):
            frame.release()
        best = min(best, time.perf_counter() - t)
    print(f"render only (no encoding): {round(args.seconds * fps) / best:.1f} frames/s")
    figure("render only", round(args.seconds * fps) / best, "frames/s", "higher")

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "flyin.mp4"
        for preset in args.presets.split(","):
            best, peak, cpu_best = float("inf"), 0, float("inf")
            for _ in range(args.repeats):
                before = _cpu_seconds()
                with PeakMemory() as memory:
                    t = time.perf_counter()
                    frames = render_frames(clip, size, fps, workers=args.workers)
                    result = encode(frames, out, size, fps, EncodeSettings(preset=preset))
                    spent = time.perf_counter() - t
                best, peak = min(best, spent), max(peak, memory.peak)
                cpu_best = min(cpu_best, (_cpu_seconds() - before) / result.frames_out)
            frames_n, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
            assert frames_n == result.frames_out == round(args.seconds * fps) + 1  # the one clock: frames at 0 and at the end
            print(f"preset {preset}: {result.frames_out / best:.1f} frames/s end to end ({best:.2f} s for "
                  f"{frames_n} frames, {seconds:.2f} s of video, {out.stat().st_size / 2**20:.1f} MiB); "
                  f"CPU {1000 * cpu_best:.0f} ms/frame (= {2 / cpu_best:.1f} frames/s on 2 idle cores); "
                  f"peak memory {peak / 2**20:.0f} MiB")
            figure(f"{preset}: end to end", result.frames_out / best, "frames/s", "higher")
            figure(f"{preset}: CPU per frame", 1000 * cpu_best, "ms")
            figure(f"{preset}: peak memory", peak / 2**20, "MiB")
            alone = encoder_alone(clip, size, fps, preset, Path(folder), args.repeats)
            print(f"preset {preset}: encoder alone on the same frames {alone.fps:.1f} frames/s (CPU "
                  f"{1000 * alone.cpu:.0f} ms/frame, {alone.mib:.1f} MiB): end to end is {result.frames_out / best / alone.fps:.2f}x "
                  f"of it (goal >= 0.6)")
            figure(f"{preset}: encoder alone", alone.fps, "frames/s", "higher")
            figure(f"{preset}: end to end / encoder alone", result.frames_out / best / alone.fps, "x", "higher")


@dataclass
class Alone:
    """The encoder alone on stored frames: frames/s (best wall time), CPU seconds a frame, the movie's MiB."""

    fps: float
    cpu: float
    mib: float
    movie: Path


def encoder_alone(clip: Playable, size: tuple[int, int], fps: float, preset: str, folder: Path,
                  repeats: int) -> Alone:
    """Render `clip`'s frames once into a raw file, then time `encode` on them read back (best of `repeats`)."""
    raw = folder / "frames.bgra"
    if not raw.exists():
        with raw.open("wb") as spool:
            for frame in render_frames(clip, size, fps):
                spool.write(frame.pixels.data)
                frame.release()
    stored = np.memmap(raw, np.uint8, "r").reshape(-1, size[1], size[0], 4)
    stored.sum(dtype=np.uint64)  # in the page cache before the clock starts
    out = folder / "alone.mp4"
    best, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        before, t = _cpu_seconds(), time.perf_counter()
        result = encode((RenderedFrame(i, pixels, 1.0 / fps) for i, pixels in enumerate(stored)), out, size, fps,
                        EncodeSettings(preset=preset))
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, (_cpu_seconds() - before) / result.frames_out)
    return Alone(result.frames_out / best, cpu, out.stat().st_size / 2**20, out)


def whole_command(args: argparse.Namespace, size: tuple[int, int], fps: float) -> None:
    """`genart animate SCENE --motion flyin` as a process (best of --repeats) against the encoder alone."""
    import genart

    clip = genart.load(args.command).animate("flyin", fps=fps, size=size, duration=args.seconds - 1.0, hold=1.0)
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; {args.command}, {size[0]}x{size[1]}, "
          f"{fps} fps, {args.seconds:g} s ({clip.frame_count} frames)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "command.mp4"
        for preset in args.presets.split(","):
            command = [sys.executable, "-m", "genart", "animate", args.command, "--motion", "flyin", "-q",
                       "--duration", f"{args.seconds - 1.0:g}", "--hold", "1", "--size", f"{size[0]}x{size[1]}",
                       "--fps", str(fps), "--preset", preset, "-o", str(out)]
            best, cpu, peak = float("inf"), float("inf"), 0
            for _ in range(args.repeats):
                before = _cpu_seconds()
                with PeakMemory() as memory:
                    t = time.perf_counter()
                    subprocess.run(command, check=True)
                    best = min(best, time.perf_counter() - t)
                cpu, peak = min(cpu, (_cpu_seconds() - before) / clip.frame_count), max(peak, memory.peak)
            alone = encoder_alone(clip.playable, size, fps, preset, Path(folder), args.repeats)
            same = _decoded(out) == _decoded(alone.movie)
            print(f"preset {preset}: whole command {clip.frame_count / best:.1f} frames/s ({best:.2f} s, "
                  f"{out.stat().st_size / 2**20:.1f} MiB, CPU {1000 * cpu:.0f} ms/frame, peak memory {peak / 2**20:.0f} MiB); "
                  f"encoder alone {alone.fps:.1f} frames/s (CPU {1000 * alone.cpu:.0f} ms/frame, {alone.mib:.1f} MiB); "
                  f"{clip.frame_count / best / alone.fps:.2f}x of it (goal >= 0.6); same decoded frames: {same}")


def _decoded(movie: Path) -> str:
    """ffmpeg's per-frame MD5s of a movie's decoded frames."""
    md5 = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(movie), "-f", "framemd5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return "\n".join(line for line in md5.splitlines() if not line.startswith("#"))


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

if __name__ == "__main__":
    main()
