"""Animation core: easing, stagger, drop schedule, dedupe, fly-in frames and the encoders,
checked on decoded output."""

from __future__ import annotations

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from genart.animate.dedupe import drop_schedule, fingerprint, merge_duplicates
from genart.animate.easing import EASINGS, get_easing
from genart.animate.encode import EncodeSettings, encode
from genart.animate.frame import SettledCache, render_bgra, render_rgb
from genart.animate.motions.flyin import bernstein_points, flyin
from genart.animate.pipeline import RenderedFrame, render_frames
from genart.animate.timeline import frame_times, stagger
from genart.generative.images import rmse_255
from genart.render.cairo import render_array
from genart.render.scene import (
    Canvas,
    Circle,
    Ellipse,
    Polygon,
    Scene,
    ShapesLayer,
    Snapshot,
)


def shapes_scene(n: int = 40, seed: int = 0, width: float = 160, height: float = 90) -> Scene:
    """A random poster: translucent triangles, quads, ellipses and circles, with prefix snapshots."""
    rng = np.random.default_rng(seed)
    shapes = []
    for i in range(n):
        c = rng.uniform(0, 1, 4)
        c[3] = rng.uniform(0.4, 0.9)
        color = tuple(float(v) for v in c)
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        r = 40 * np.exp(-i / n * 2) + 3
        kind = i % 5
        if kind == 3:
            shapes.append(Ellipse(cx=x, cy=y, rx=r, ry=r / 2, angle=float(rng.uniform(-90, 90)), color=color))
        elif kind == 4:
            shapes.append(Circle(cx=x, cy=y, r=r / 2, color=color))
        else:
            k = 3 if kind < 2 else 4
            ang = np.sort(rng.uniform(0, 2 * np.pi, k))
            pts = [(float(x + r * np.cos(a)), float(y + r * np.sin(a))) for a in ang]
            shapes.append(Polygon(points=pts, color=color))
    snaps = [Snapshot(step=i, loss=100.0 / (i + 1), prefix=i) for i in range(0, n + 1, 2)]
    return Scene(canvas=Canvas(width=width, height=height, background=(0.9, 0.85, 0.8, 1.0)),
                 layers=[ShapesLayer(shapes=shapes)], snapshots=snaps)


def decode(path) -> tuple[dict, list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path), output_params=["-sws_flags", "accurate_rnd+full_chroma_int"])
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    return meta, frames


def gif_delays(path) -> list[int]:
    with Image.open(path) as im:
        out = []
        for i in range(im.n_frames):
            im.seek(i)
            out.append(im.info["duration"])
        return out


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_easings_start_at_0_and_end_at_1(name):
    f = get_easing(name)
    ends = f(np.array([0.0, 1.0]))
    assert ends[0] == pytest.approx(0.0, abs=1e-9)
    assert ends[1] == pytest.approx(0.0 if name == "there_and_back" else 1.0, abs=1e-9)


def test_monotone_easings_and_overshoot():
    t = np.linspace(0, 1, 101)
    for name in ("linear", "smooth", "ease_in_out_cubic", "ease_in_quad", "ease_out_expo"):
        assert np.all(np.diff(get_easing(name)(t)) >= -1e-12), name
    assert get_easing("ease_out_back")(t).max() > 1.0  # overshoots, then settles
    assert get_easing("ease_in_out_cubic")(np.array(0.5)) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="unknown easing"):
        get_easing("wobble")


def test_stagger_follows_lag_ratio():
    p = stagger(0.0, 5, 0.5)
    assert np.all(p == 0)
    assert np.all(stagger(1.0, 5, 0.5) == 1)
    mid = stagger(0.5, 5, 0.5)
    assert np.all(np.diff(mid) <= 0)  # earlier items are further along
    # lag_ratio 0: everyone together; lag_ratio 1: strictly one after another
    assert np.allclose(stagger(0.3, 4, 0.0), 0.3)
    seq = stagger(0.3, 4, 1.0)
    assert seq[0] == 1.0 and 0 < seq[1] < 1 and seq[2] == 0 and seq[3] == 0


def test_frame_times_are_one_clock_from_start_to_end():
    t = frame_times(2.0, 30)  # frame k shows t = k / fps; one frame more shows the end itself
    assert len(t) == 61 and np.allclose(t, np.arange(61) / 30) and t[0] == 0.0 and t[-1] == 2.0
    ntsc = frame_times(5.0, 30000 / 1001)  # 29.97 fps: the same clock, the last frame clamped onto the end
    assert len(ntsc) == 151 and np.allclose(ntsc[:-1], np.arange(150) * 1001 / 30000) and ntsc[-1] == 5.0
    loop = frame_times(3.0, 10, periodic=True)  # a loop leaves out t = length (its frame 0 again)
    assert len(loop) == 30 and np.allclose(loop, np.arange(30) / 10)


def test_drop_schedule_keeps_ends_and_thins_monotonically():
    assert list(drop_schedule(50, 0.0)) == list(range(50))
    for n, rate in ((10, 1.0), (200, 3.0), (1000, 5.0), (7, 40.0)):
        kept = drop_schedule(n, rate)
        assert kept[0] == 0 and kept[-1] == n - 1
        gaps = np.diff(kept)
        assert np.all(gaps >= 1)
        assert np.all(np.diff(gaps) >= 0), (n, rate, gaps)
    big = drop_schedule(1000, 4.0)
    assert np.diff(big)[-1] >= 40 and np.diff(big)[0] == 1
    assert len(drop_schedule(1000, 4.0)) < len(drop_schedule(1000, 2.0)) < 1000
    with pytest.raises(ValueError):
        drop_schedule(10, -1.0)


class Fake:
    def __init__(self, pixels, duration=0.1):
        self.pixels, self.duration, self.digest = pixels, duration, fingerprint(pixels)
        self.released = False

    def release(self):
        self.released = True


def test_merge_duplicates_merges_identical_keeps_distinct():
    a = np.zeros((32, 48, 4), np.uint8)
    a[..., 3] = 255
    b = a.copy()
    b[:, :24, :3] = 255  # left half white: a different picture
    frames = [Fake(a), Fake(a.copy()), Fake(a.copy()), Fake(b), Fake(b.copy()), Fake(a.copy())]
    out = list(merge_duplicates(frames, max_pixels=0))
    assert [f.duration for f in out] == pytest.approx([0.3, 0.2, 0.1])
    assert out[0] is frames[0] and out[1] is frames[3] and out[2] is frames[5]
    assert frames[1].released and frames[2].released and frames[4].released
    assert sum(f.duration for f in out) == pytest.approx(0.6)


def _de_casteljau(nodes: np.ndarray, t: float) -> np.ndarray:
    """A cubic Bézier's point by repeated linear interpolation (a reference independent of Bernstein's form)."""
    points = nodes.copy()
    while len(points) > 1:
        points = (1 - t) * points[:-1] + t * points[1:]
    return points[0]


def test_bernstein_matches_de_casteljau():
    rng = np.random.default_rng(3)
    nodes = rng.normal(size=(6, 4, 2))
    s = rng.uniform(-0.2, 1.2, 6)  # overshooting easings extrapolate the curve
    ours = bernstein_points(nodes, s)
    for i in range(6):
        assert np.allclose(ours[i], _de_casteljau(nodes[i], s[i]))


def test_flyin_starts_empty_and_lands_on_the_poster():
    scene = shapes_scene()
    clip = flyin(scene, duration=1.0, hold=0.0, seed=4)
    first = render_rgb(clip.frame_at(0.0), 160, 90)
    bg = np.array([round(0.9 * 255), round(0.85 * 255), round(0.8 * 255)])
    assert np.abs(first.reshape(-1, 3) - bg).max() <= 1  # nothing has arrived yet
    last = render_rgb(clip.frame_at(clip.length), 160, 90)
    poster = render_array(scene, 160, 90)
    assert rmse_255(last, poster) < 0.5
    middle = render_rgb(clip.frame_at(0.5), 160, 90)
    assert rmse_255(middle, poster) > 5


@pytest.mark.parametrize("order", ["size", "color", "distance", "random"])
def test_flyin_orders_all_land(order):
    scene = shapes_scene(n=15)
    clip = flyin(scene, duration=1.0, hold=0.0, order=order, seed=1)
    assert rmse_255(render_rgb(clip.frame_at(clip.length), 80, 45), render_array(scene, 80, 45)) < 0.5


def test_flyin_needs_shapes():
    with pytest.raises(ValueError, match="needs a scene with shapes"):
        flyin(Scene(canvas=Canvas(width=10, height=10)))


def test_mp4_frame_count_size_duration_and_last_frame(tmp_path):
    scene = shapes_scene()
    clip = flyin(scene, duration=1.5, hold=0.5, seed=2)
    out = tmp_path / "fly.mp4"
    result = encode(render_frames(clip, (160, 90), 30, workers=2), out, (160, 90), 30,
                    EncodeSettings(crf=0))
    assert result.frames_out == 61 and result.seconds == pytest.approx(61 / 30)  # t = 0 … 2 s, one clock
    meta, frames = decode(out)
    assert meta["size"] == (160, 90) and meta["fps"] == pytest.approx(30)
    assert len(frames) == 61
    assert imageio_ffmpeg.count_frames_and_secs(str(out)) == (61, pytest.approx(61 / 30, abs=0.01))
    poster = render_array(scene, 160, 90)
    assert rmse_255(frames[-1], poster) < 8.0  # H.264 with half-resolution (yuv420p) chroma on a busy 160x90
    still = tmp_path / "poster.mp4"  # the poster itself through the same codec: the last frame matches it
    bgra = np.dstack([poster[..., ::-1], np.full(poster.shape[:2], 255, np.uint8)])
    encode([RenderedFrame(0, bgra, 1 / 30)], still, (160, 90), 30, EncodeSettings(crf=0))
    assert rmse_255(frames[-1], decode(still)[1][0]) < 0.5  # crf 0: lossless but for chroma subsampling
    assert not list(tmp_path.glob(".*part*"))


def test_same_seed_same_frames_other_seed_differs(tmp_path):
    scene = shapes_scene(n=20)
    decoded = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        out = tmp_path / f"{name}.mp4"
        frames = render_frames(flyin(scene, duration=0.5, hold=0, seed=seed), (64, 36), 20, workers=2)
        encode(frames, out, (64, 36), 20)
        decoded.append(np.stack(decode(out)[1]))
    assert np.array_equal(decoded[0], decoded[1])
    assert not np.array_equal(decoded[0], decoded[2])


def test_parallel_and_inline_rendering_agree():
    clip = flyin(shapes_scene(n=20), duration=0.5, hold=0, seed=3)
    def grab(workers: int) -> list[np.ndarray]:
        return [f.pixels.copy() for f in _released(render_frames(clip, (48, 28), 10, workers=workers))]

    inline, parallel = grab(0), grab(2)
    assert len(inline) == 6 and all(np.array_equal(a, b) for a, b in zip(inline, parallel))


def _released(frames):
    for f in frames:
        yield f
        f.release()


@pytest.mark.parametrize("quality", ["fast", "best"])
def test_gif_exact_timing_with_dedupe(tmp_path, quality):
    scene = shapes_scene(n=10)
    clip = flyin(scene, duration=1.0, hold=1.0, seed=5)  # 0 … 2 s: 61 frames, 2.03 s; the last second is a still
    out = tmp_path / f"fly-{quality}.gif"
    frames = merge_duplicates(render_frames(clip, (80, 46), 30, workers=1, hashing=True), 0)
    result = encode(frames, out, (80, 46), 30, EncodeSettings(gif_quality=quality))
    delays = gif_delays(out)
    assert sum(delays) == 2030 and result.seconds == pytest.approx(2.03)  # GIF delays are in 10 ms
    assert len(delays) < 60 and max(delays) >= 300  # the held second is one long frame
    with Image.open(out) as im:
        im.seek(im.n_frames - 1)
        last = np.asarray(im.convert("RGB"))
    assert rmse_255(last, render_array(scene, 80, 46)) < (12 if quality == "fast" else 10)


def test_gif_plain_timing_24fps(tmp_path):
    clip = flyin(shapes_scene(n=5), duration=1.0, hold=0.0)
    out = tmp_path / "t.gif"
    encode(render_frames(clip, (40, 24), 24, workers=0), out, (40, 24), 24)
    delays = gif_delays(out)
    assert sum(delays) == 1040  # 25 frames (t = 0 … 1 s) of 1/24 s: not 1000 (25 × 40 ms) nor 1250 (25 × 50 ms)
    clock = np.arange(1, 26) * 1000 / 24  # every frame ends on the 24 fps clock, rounded to 10 ms
    assert all(np.abs(clock - end).min() <= 5 for end in np.cumsum(delays))


def test_webm_decodes(tmp_path):
    out = tmp_path / "m.webm"
    encode(render_frames(flyin(shapes_scene(n=5), duration=0.5, hold=0), (64, 36), 20, workers=0),
           out, (64, 36), 20)
    meta, frames = decode(out)
    assert meta["size"] == (64, 36) and len(frames) == 11


def test_odd_size_mp4_is_refused_and_nothing_written(tmp_path):
    out = tmp_path / "odd.mp4"
    with pytest.raises(ValueError, match="even"):
        encode(iter([]), out, (63, 36), 30)
    assert list(tmp_path.iterdir()) == []


def test_rendered_frame_release_is_idempotent():
    freed = []
    f = RenderedFrame(0, np.zeros((1, 1, 4), np.uint8), 0.1, None, lambda: freed.append(1))
    f.release()
    f.release()
    assert freed == [1]


def test_settled_cache_gives_identical_pixels():
    scene = shapes_scene(n=30)
    clip = flyin(scene, duration=1.0, hold=0.2, seed=6)
    cache = SettledCache()
    settled = []
    for t in np.linspace(0, clip.length, 25):
        frame = clip.frame_at(t)
        settled.append(frame.items[0].settled)
        cached = render_bgra(frame, 96, 54, cache=cache)
        assert np.array_equal(cached, render_bgra(frame, 96, 54)), t
    assert settled[0] == 0 and settled[-1] == 30 and np.all(np.diff(settled) >= 0)
    assert cache.drawn == 30
