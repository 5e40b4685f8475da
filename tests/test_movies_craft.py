"""Movies as an artist expects them (issue 14): exact dedupe, growth pacing, mosaic_zoom target
and blur warning, framing, transparent PNG frames / MOV / WebM, seamless loops."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imagehash
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from genart.animate.dedupe import merge_duplicates
from genart.animate.encode import encode
from genart.animate.frame import render_rgb
from genart.animate.motions import MOTIONS, build_clip
from genart.animate.motions.growth import growth
from genart.animate.pipeline import RenderedFrame, render_frames
from genart.cli import main
from genart.generative.images import rmse_255
from genart.generative.mosaic.collection import Collection
from genart.generative.mosaic.index import index_folder
from genart.render.cairo import render_array
from genart.render.scene import Canvas, Circle, GraphLayer, Polygon, Scene, ShapesLayer, Snapshot, save
from tests.test_anim import shapes_scene
from tests.test_mosaic import _photos

WHITE = (1.0, 1.0, 1.0, 1.0)


def _frames(clip, size, fps, **kwargs) -> list[np.ndarray]:
    out = []
    for frame in render_frames(clip, size, fps, workers=0, **kwargs):
        out.append(frame.pixels.copy())
        frame.release()
    return out


def _png_frames(folder: Path) -> list[np.ndarray]:
    return [np.asarray(Image.open(p)) for p in sorted(folder.glob("*.png"))]


def _decode_rgba(path: Path, size: tuple[int, int], decoder: list[str] = []) -> np.ndarray:  # noqa: B006
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", *decoder, "-i", str(path),
                          "-f", "rawvideo", "-pix_fmt", "rgba", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], 4)


# 1. dedupe ------------------------------------------------------------------------------------

def faint_steps_scene(n: int = 24) -> Scene:
    """Dark and light stripes, then a time-lapse whose every state adds one faint, tiny dot:
    each frame differs from the last in a few pixels (the median change of the issue's time-lapse)."""
    rng = np.random.default_rng(1)
    stripes = [Polygon(points=[(x, 0), (x + 4, 0), (x + 4, 48), (x, 48)], color=(0.2, 0.2, 0.2, 1.0))
               for x in range(0, 64, 8)]
    dots = [Circle(cx=float(x), cy=float(y), r=0.8, color=(0.9, 0.5, 0.1, 0.3)) for x, y in rng.uniform(4, 60, (n, 2))]
    return Scene(canvas=Canvas(width=64, height=48, background=WHITE), layers=[ShapesLayer(shapes=stripes + dots)],
                 snapshots=[Snapshot(step=i, loss=1.0, prefix=len(stripes) + i) for i in range(n + 1)])


def test_dedupe_at_0_merges_identical_frames_only_and_keeps_time():
    fps, size = 10, (64, 48)
    clip = build_clip(faint_steps_scene(), MOTIONS["timelapse"].settings(duration=2.5, hold=0.5), fps)
    raw = _frames(clip, size, fps)
    changes = [i for i in range(1, len(raw)) if not np.array_equal(raw[i - 1], raw[i])]
    small = [i for i in changes if imagehash.dhash(Image.fromarray(raw[i][..., 2::-1]), 16)
             == imagehash.dhash(Image.fromarray(raw[i - 1][..., 2::-1]), 16)]
    assert small, "some steps are too small for a 256-bit dhash: merging by hash would drop them"
    merged, durations = [], []
    for frame in merge_duplicates(render_frames(clip, size, fps, workers=2, hashing=True), 0):
        merged.append(frame.pixels.copy())
        durations.append(frame.duration)
        frame.release()
    assert len(merged) == len(changes) + 1  # one frame per run of identical frames, no more, no fewer
    assert all(not np.array_equal(a, b) for a, b in zip(merged, merged[1:]))
    runs = np.diff([0, *changes, len(raw)])
    assert np.allclose(np.array(durations) * fps, runs, rtol=0, atol=1e-9)
    assert sum(durations) == pytest.approx(len(raw) / fps, abs=1e-12)
    # a pixel budget merges frames differing in at most that many pixels: here all of them
    everything = list(merge_duplicates(render_frames(clip, size, fps, workers=0, hashing=True),
                                       size[0] * size[1]))
    assert len(everything) == 1 and everything[0].duration == pytest.approx(len(raw) / fps)


def test_dedupe_cli_gif_keeps_every_step_and_the_exact_length(tmp_path):
    path, out = tmp_path / "s.scene.json", tmp_path / "t.gif"
    save(faint_steps_scene(), path)
    assert main(["animate", str(path), "--motion", "timelapse", "-o", str(out), "--size", "64", "--fps", "10",
                 "--duration", "2.5", "--hold", "0.5", "--dedupe", "--no-progress"]) == 0
    with Image.open(out) as im:
        delays = [(im.seek(i), im.info["duration"])[1] for i in range(im.n_frames)]
    assert sum(delays) == 3100 and max(delays) >= 500  # t = 0 … 3 s: 31 frames; the held half second is one frame


# 2. growth pacing -----------------------------------------------------------------------------

def early_growth_scene() -> Scene:
    """A graph that reaches its 40 nodes in 3 of 12 snapshots, then only jiggles and rewires."""
    rng = np.random.default_rng(2)
    xy = rng.uniform(5, 95, (40, 2))
    snaps = []
    for k in range(12):
        n = min(10 * (k + 1), 40)
        pos = xy[:n] + (rng.normal(0, 1.0, (n, 2)) if k >= 4 else 0.0)
        edges = [(i, (i + 1 + k) % n) for i in range(n - 1)]
        layer = GraphLayer(ids=list(range(n)), xy=[tuple(p) for p in pos.tolist()], edges=edges, node_radius=1.0)
        snaps.append(Snapshot(step=k, layers=[layer]))
    return Scene(canvas=Canvas(width=100, height=100, background=WHITE), layers=snaps[-1].layers, snapshots=snaps)


def test_growth_fills_the_duration_rather_than_the_first_snapshots():
    clip = growth(early_growth_scene(), duration=8.0, hold=0.0, easing="linear")

    def nodes_at(t: float) -> int:
        dots = clip.frame_at(t).items[1]
        return int(np.count_nonzero(dots.colors[:, 3] > 0.5))

    assert nodes_at(8.0) == 40
    assert nodes_at(4.0) <= 30  # by snapshot it would be complete after a quarter of the clip
    counts = [nodes_at(t) for t in np.linspace(0, 8, 17)]
    assert counts[0] == 10 and all(b >= a for a, b in zip(counts, counts[1:]))
    assert counts[-2] == 40  # the churn still shows, briefly, at the end


# 3. mosaic_zoom: blur warning and target ------------------------------------------------------

@pytest.fixture(scope="module")
def mosaic(tmp_path_factory) -> Path:
    """A 6x6 mosaic scene over a 16-px collection of 40 photos."""
    folder = tmp_path_factory.mktemp("mosaic")
    _photos(folder / "photos")
    index_folder(folder / "photos", folder / "c.npz", (8, 16), jobs=1)
    Image.fromarray(np.asarray(Image.open(folder / "photos" / "p001.jpg").resize((48, 48)))).save(folder / "t.png")
    assert main(["mosaic", "build", str(folder / "c.npz"), str(folder / "t.png"), "--grid", "6",
                 "-o", str(folder / "m.scene.json")]) == 0
    return folder / "m.scene.json"


def test_mosaic_zoom_warns_when_the_first_tile_needs_more_pixels_than_stored(mosaic, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "z.mp4"
    args = ["animate", str(mosaic), "--motion", "mosaic_zoom", "--duration", "0.2", "--hold", "0", "--start", "0",
            "--fps", "10", "--no-progress", "-o", str(out)]
    assert main([*args, "--size", "128x128"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "128 px" in warnings[0] and "up to 16 px" in warnings[0]
    assert "genart mosaic index --sizes" in warnings[0]
    assert main([*args, "--size", "16x16"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_mosaic_zoom_target_row_col_or_tile_id(mosaic, tmp_path, capsys):
    drawing = Scene.model_validate_json(mosaic.read_text())
    layer = drawing.layers[0]
    collection = Collection.load(mosaic.parent / "c.npz")
    row, col = 4, 1
    tile = layer.tiles[row * layer.columns + col]
    for target in (f"{row},{col}", f"tile:{tile}"):
        out = tmp_path / f"first-{target.replace(':', '_').replace(',', '_')}.png"
        assert main(["animate", str(mosaic), "--motion", "mosaic_zoom", "--target", target, "--at", "0",
                     "--size", "16x16", "-o", str(out)]) == 0
        first = np.asarray(Image.open(out).convert("RGB"))
        assert rmse_255(first, collection.tile_exact(tile, 16)) < 8
    capsys.readouterr()
    assert main(["animate", str(mosaic), "--motion", "mosaic_zoom", "--target", "9,0", "--at", "0",
                 "-o", str(tmp_path / "bad.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside the 6 rows x 6 columns" in err
    assert main(["animate", str(mosaic), "--motion", "mosaic_zoom", "--target", "middle", "--at", "0",
                 "-o", str(tmp_path / "bad.png")]) == 2
    assert "must be ROW,COL or tile:ID" in capsys.readouterr().err


# 4. framing ------------------------------------------------------------------------------------

def test_framing_fit_fill_crop(tmp_path):
    scene = shapes_scene(n=12)  # 160 x 90, 16:9
    path = tmp_path / "s.scene.json"
    save(scene, path)

    def still(*options: str) -> np.ndarray:
        out = tmp_path / f"still{len(list(tmp_path.iterdir()))}.png"
        assert main(["animate", str(path), "--motion", "flyin", "--at", "7", "-o", str(out), *options]) == 0
        return np.asarray(Image.open(out))

    fit = still("--size", "64x64", "--framing", "fit", "--frame-color", "#ff0000")
    assert fit.shape == (64, 64, 3)
    assert (fit[:13] == (255, 0, 0)).all() and (fit[-13:] == (255, 0, 0)).all()  # bars: 64 - 36 = 28 rows
    assert rmse_255(fit[14:50], render_array(scene, 64, 36)) < 3
    fill = still("--size", "64x64", "--framing", "fill", "--frame-color", "#ff0000")
    assert not (fill == (255, 0, 0)).all(axis=-1).any()  # no bars
    wide = render_array(scene, 114, 64)  # scaled to cover 64 rows, the middle 64 columns kept
    assert rmse_255(fill, wide[:, 25:89]) < 6
    crop = still("--size", "64x64", "--framing", "crop")
    assert crop.shape == (36, 64, 3) and rmse_255(crop, render_array(scene, 64, 36)) < 3
    movie = tmp_path / "crop.mp4"
    assert main(["animate", str(path), "--motion", "flyin", "--size", "100x100", "--framing", "crop", "--duration",
                 "0.2", "--hold", "0", "--fps", "10", "-o", str(movie), "--no-progress"]) == 0
    assert imageio_ffmpeg.read_frames(str(movie)).__next__()["size"] == (100, 56)  # even sides for H.264


# 5. video for compositing -----------------------------------------------------------------------

def alpha_scene() -> Scene:
    """An opaque blue square in the middle and a half-transparent red disc at the top left, on grey."""
    square = Polygon(points=[(30, 20), (50, 20), (50, 40), (30, 40)], color=(0.1, 0.2, 0.8, 1.0))
    disc = Circle(cx=12, cy=12, r=7, color=(0.9, 0.1, 0.1, 0.5))
    return Scene(canvas=Canvas(width=80, height=60, background=(0.5, 0.5, 0.5, 1.0)),
                 layers=[ShapesLayer(shapes=[square, disc])])


def _check_alpha(frame: np.ndarray, tolerance: int) -> None:
    """Last frame of the fly-in of alpha_scene at 80x60, as straight RGBA."""
    assert frame[0, 79, 3] <= tolerance and frame[59, 0, 3] <= tolerance  # empty: transparent
    assert frame[30, 40, 3] >= 255 - tolerance  # under the opaque square
    assert np.abs(frame[30, 40, :3].astype(int) - (26, 51, 204)).max() <= 2 * tolerance + 3
    disc = frame[12, 12]
    assert abs(int(disc[3]) - 128) <= tolerance + 1 and np.abs(disc[:3].astype(int) - (230, 26, 26)).max() <= 2 * tolerance + 3


def test_transparent_png_frames_mov_and_webm_keep_alpha(tmp_path, capsys):
    path = tmp_path / "a.scene.json"
    save(alpha_scene(), path)
    common = ["animate", str(path), "--motion", "flyin", "--transparent", "--duration", "0.5", "--hold", "0.2",
              "--fps", "10", "--size", "80", "--no-progress"]
    assert main([*common, "-o", str(tmp_path / "frames") + "/"]) == 0
    frames = _png_frames(tmp_path / "frames")
    assert len(frames) == 8 and all(f.shape == (60, 80, 4) for f in frames)
    assert (frames[0][..., 3] == 0).all()  # nothing has arrived: no background either
    _check_alpha(frames[-1], 0)
    assert sorted(p.name for p in (tmp_path / "frames").iterdir())[0] == "00000.png"
    assert main([*common, "-o", str(tmp_path / "a.mov")]) == 0
    mov = _decode_rgba(tmp_path / "a.mov", (80, 60))
    assert len(mov) == 8
    _check_alpha(mov[-1], 2)
    assert main([*common, "-o", str(tmp_path / "a.webm")]) == 0
    webm = _decode_rgba(tmp_path / "a.webm", (80, 60), ["-c:v", "libvpx-vp9"])  # ffmpeg's vp9 decoder drops alpha
    assert len(webm) == 8
    _check_alpha(webm[-1], 12)
    capsys.readouterr()
    assert main([*common, "-o", str(tmp_path / "a.mp4")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot keep alpha" in err and not (tmp_path / "a.mp4").exists()


def test_png_sequence_pattern_and_all_or_nothing(tmp_path):
    frame = np.zeros((4, 6, 4), np.uint8)
    frame[..., 3] = 255
    out = tmp_path / "seq"
    out.mkdir()
    result = encode([RenderedFrame(0, frame, 0.2), RenderedFrame(1, frame + 9, 0.1)], out / "f_%03d.png", (6, 4), 10)
    assert result.frames_out == 3 and sorted(p.name for p in out.iterdir()) == ["f_000.png", "f_001.png", "f_002.png"]

    def failing():
        yield RenderedFrame(0, frame, 0.1)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        encode(failing(), out / "g_%03d.png", (6, 4), 10)
    assert sorted(p.name for p in out.iterdir()) == ["f_000.png", "f_001.png", "f_002.png"]  # no g_ frame, no spool


# 6. seamless loops ------------------------------------------------------------------------------

@pytest.mark.parametrize("motion", ["flyin", "timelapse"])
def test_loop_is_periodic_and_twice_as_long(tmp_path, motion):
    scene = shapes_scene(n=10, width=64, height=36)
    path = tmp_path / "s.scene.json"
    save(scene, path)
    out = tmp_path / "loop"
    assert main(["animate", str(path), "--motion", motion, "--loop", "--duration", "1", "--hold", "0.5", "--fps", "10",
                 "--size", "64", "-o", str(out / "%04d.png"), "--no-progress"]) == 0
    frames = _png_frames(out)
    assert len(frames) == 30  # (1 s + 0.5 s) there and back at 10 fps; the frame at 3 s is frame 0 again
    clip = build_clip(scene, MOTIONS[motion].settings(duration=1.0, hold=0.5, loop=True), 10)
    assert clip.periodic and clip.length == pytest.approx(3.0)
    assert np.array_equal(render_rgb(clip.frame_at(clip.length), 64, 36), frames[0][..., :3])
    for k in range(1, 30):  # ping-pong: the way back mirrors the way there
        assert rmse_255(frames[k][..., :3], frames[30 - k][..., :3]) < 1.0, k
    assert rmse_255(frames[15][..., :3], render_array(scene, 64, 36)) < 0.5  # the turn shows the poster
