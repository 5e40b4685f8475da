"""Video in and out: clips decode streaming (window, resampling, rotation, sequences), hostile inputs are one line,
the scene's clip form validates and counts its keys, `genart evolve clip.mp4` writes one, and `genart animate
--motion video` plays it back at the source's frame count (with its sound, with --audio)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from genart.animate.frame import render_rgb
from genart.animate.motions.video import video
from genart.cli import main
from genart.generative.video.source import ClipError, open_clip
from genart.generative.video.tracks import FrameFit, clip_scene, frame_layers
from genart.render import scene as S
from genart.render.cairo import render_array

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_movie(path: Path, *extra: str, seconds: float = 1.0, size: str = "48x32", rate: int = 10) -> Path:
    """A test-pattern movie with a tone, made by the bundled ffmpeg (`extra`: output options)."""
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=duration={seconds}", "-shortest", "-pix_fmt", "yuv420p", *extra,
                    str(path)], check=True)
    return path


def streams(path: Path) -> str:
    done = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return "\n".join(line for line in done.stderr.splitlines() if "Stream #" in line)


def frame_count(path: Path) -> int:
    return imageio_ffmpeg.count_frames_and_secs(str(path))[0]


def test_a_movie_decodes_streaming_in_its_window(tmp_path: Path) -> None:
    movie = make_movie(tmp_path / "pattern.mp4")
    clip = open_clip(movie)
    assert (clip.fps, clip.size, clip.frame_count) == (10.0, (48, 32), 10)
    frames = clip.frames()
    first = next(frames)
    assert first.shape == (32, 48, 3) and first.dtype == np.float32 and first.min() >= 0.0 and first.max() <= 1.0
    assert sum(1 for _ in frames) == 9  # a generator: one frame at a time
    part = open_clip(movie, start=0.2, end=0.8, fps=5, resize=24)
    got = list(part.frames())
    assert (part.size, part.frame_count, len(got), got[0].shape) == ((24, 16), 3, 3, (16, 24, 3))


def test_rotation_metadata_is_applied(tmp_path: Path) -> None:
    movie = make_movie(tmp_path / "pattern.mp4")
    turned = tmp_path / "turned.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-y", "-display_rotation", "90", "-i", str(movie), "-c", "copy", str(turned)],
                   check=True)
    upright, sideways = next(open_clip(movie).frames()), next(open_clip(turned).frames())
    assert open_clip(turned).size == (32, 48)
    assert np.abs(np.rot90(upright) - sideways).mean() < 0.03  # a quarter turn anticlockwise, as players show it


def test_image_sequences_by_pattern_and_folder(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 256, (20, 30, 3), np.uint8) for _ in range(4)]
    for k, rgb in enumerate(pictures, start=1):
        Image.fromarray(rgb).save(tmp_path / f"f{k:04d}.png")
    by_pattern = open_clip(tmp_path / "f%04d.png", fps=8)
    assert (by_pattern.fps, by_pattern.size, by_pattern.frame_count) == (8.0, (30, 20), 4)
    assert np.array_equal(np.round(next(by_pattern.frames()) * 255).astype(np.uint8), pictures[0])
    assert open_clip(tmp_path, start=0.25, fps=4).frame_count == 3
    Image.fromarray(pictures[0][:10]).save(tmp_path / "f0005.png")
    with pytest.raises(ClipError, match="f0005.png: 30x10, not the 30x20"):
        list(open_clip(tmp_path / "f%04d.png").frames())


@pytest.mark.parametrize(("name", "message"), [
    ("http://example.com/a.mp4", "only local files are read"),
    ("concat:a.mp4|b.mp4", "only local files are read"),
    ("list.mp4", "not a readable video"),  # an ffconcat list naming a local file: not a container genart reads
    ("playlist.mp4", "not a readable video"),  # an HLS playlist
    ("text.mp4", "not a readable video"),
    ("fifo.mp4", "not a regular file"),
    ("missing.mp4", "no such file"),
])
def test_hostile_clips_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                               message: str) -> None:
    movie = make_movie(tmp_path / "pattern.mp4")
    (tmp_path / "list.mp4").write_text(f"ffconcat version 1.0\nfile '{movie}'\n")
    (tmp_path / "playlist.mp4").write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{movie}\n#EXT-X-ENDLIST\n")
    (tmp_path / "text.mp4").write_text("not a movie\n")
    os.mkfifo(tmp_path / "fifo.mp4")
    given = name if ":" in name else str(tmp_path / name)
    out = tmp_path / "out.scene.json"
    assert main(["evolve", given, "-o", str(out), "--method", "gradient", "-q"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("genart evolve: error: ")
    assert not out.exists()


def test_limits_apply_to_clips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    movie = make_movie(tmp_path / "pattern.mp4")
    monkeypatch.setenv("GENART_MAX_PICTURE_BYTES", "100")
    with pytest.raises(ClipError, match="larger than 100"):
        open_clip(movie)
    monkeypatch.delenv("GENART_MAX_PICTURE_BYTES")
    with pytest.raises(ClipError, match="--end 0.1 must come after --start 0.5"):
        open_clip(movie, start=0.5, end=0.1)
    scene = clip_of(12)
    assert scene.video is not None and isinstance(scene.layers[0], S.ShapesLayer)
    keys = sum(len(track.keys) for track in scene.video.tracks)
    assert S.count_elements(scene) == 4 * len(scene.layers[0].shapes) + 4 * keys
    monkeypatch.setenv("GENART_MAX_ELEMENTS", str(S.count_elements(scene) - 1))
    with pytest.raises(S.SceneError, match="elements"):
        S.save(scene, tmp_path / "big.scene.json")


def clip_of(frames: int) -> S.Scene:
    """A clip scene of a sliding triangle, a still circle and a dot born between them at frame 2."""
    fits = []
    for i in range(frames):
        shapes: list[S.Shape] = [S.Polygon(points=[(2 + i, 2), (20 + i, 4), (8, 20)], color=(0.9, 0.2, 0.1, 0.8)),
                                 S.Circle(cx=30, cy=12, r=6, color=(0.1, 0.2, 0.9, 0.7))]
        ids: tuple[int, ...] = (5, 9)
        if i >= 2:
            shapes.insert(1, S.Circle(cx=10, cy=10 + i, r=3, color=(0.1, 0.8, 0.2, 1.0)))
            ids = (5, 11, 9)
        fits.append(FrameFit(i, S.ShapesLayer(shapes=shapes), ids))
    return clip_scene(S.Canvas(width=40, height=30), S.Source(name="x.mp4"), 10.0, fits, start=1.5)


def test_the_clip_form_stores_keys_and_plays_between_them(tmp_path: Path) -> None:
    scene = clip_of(6)
    assert scene.video is not None
    assert [track.id for track in scene.video.tracks] == [5, 11, 9]  # born on top of 5, drawn under 9
    assert scene.video.tracks[2].keys == [0, 5] and scene.video.tracks[1].keys == [2, 3, 4, 5]  # the still circle: its first and last frames only
    loaded = S.load(S.save(scene, tmp_path / "clip.scene.json"))
    assert loaded == scene and loaded.layers == frame_layers(loaded, 0.0)
    assert frame_layers(loaded, 0.25)[0].shapes[0].points[0] == pytest.approx((4.5, 2.0))  # type: ignore[union-attr]
    assert len(frame_layers(loaded, 0.15)[0].shapes) == 2  # type: ignore[union-attr]
    assert S.parse(json.dumps({"format": "genart.scene", "version": 1, "canvas": {"width": 4, "height": 4}})).video is None
    raw = json.loads(S.dumps(scene))
    raw["video"]["tracks"][0]["keys"][1] = 0
    with pytest.raises(S.SceneError, match=r"video\.tracks\[0\]: Value error, keys must increase"):
        S.parse(json.dumps(raw))
    with pytest.raises(ValueError, match="moved behind"):
        shapes = S.ShapesLayer(shapes=[S.Circle(cx=1, cy=1, r=1, color=(0, 0, 0, 1))] * 2)
        clip_scene(scene.canvas, None, 10.0, [FrameFit(0, shapes, (1, 2)), FrameFit(1, shapes, (2, 1))])


def test_evolve_a_clip_then_play_it_at_its_frame_count_with_its_sound(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    movie = make_movie(tmp_path / "pattern.mp4", seconds=0.4)
    fitted = tmp_path / "clip.scene.json"
    assert main(["evolve", str(movie), "-o", str(fitted), "-o", str(tmp_path / "first.png"), "--method", "gradient",
                 "-n", "6", "--resize", "16", "--steps", "30", "--frame-steps", "5", "--keyframe-steps", "0",
                 "--chunk", "4", "--overlap", "1", "--workers", "1", "-q"]) == 0
    scene = S.load(fitted)
    assert scene.video is not None and scene.video.frames == 4 and scene.canvas.width == 48
    played, faster = tmp_path / "played.mp4", tmp_path / "faster.mp4"
    assert main(["animate", str(fitted), "--motion", "video", "-o", str(played), "--size", "48",
                 "--audio", str(movie), "-q"]) == 0
    assert main(["animate", str(fitted), "--motion", "video", "-o", str(faster), "--size", "48", "--fps", "20",
                 "-q"]) == 0
    assert frame_count(played) == open_clip(movie).frame_count == 4
    assert frame_count(faster) == 7  # 0.3 s at 20 fps: fitted frames and a frame between each
    assert "Audio: aac" in streams(played) and "Audio" not in streams(faster)
    decoded = np.asarray(Image.open(tmp_path / "first.png").convert("RGB"))
    assert decoded.shape == (32, 48, 3)
    clip = video(scene)
    assert np.array_equal(render_rgb(clip.frame_at(0.0), 48, 32), render_array(scene, 48, 32))  # the poster: frame 0
    capsys.readouterr()
    assert main(["animate", str(fitted), "--motion", "video", "-o", str(tmp_path / "a.gif"), "--audio", str(movie)]) == 2
    assert "gif cannot hold sound" in capsys.readouterr().err


def test_a_line_drawing_clip_keeps_its_nodes_by_id() -> None:
    def graph(x: float, extra: bool) -> S.GraphLayer:
        ids, xy = [3, 7], [(x, 5.0), (20.0, 15.0)]
        if extra:
            ids, xy = [*ids, 9], [*xy, (30.0, 25.0)]
        return S.GraphLayer(ids=ids, xy=xy, edges=[(3, 7)], edge_width=1.5, node_radius=2.0)

    fits = [FrameFit(i, graph(5.0 + 2 * i, i >= 2), ()) for i in range(4)] + [FrameFit(4, graph(11.0, True), ())]
    scene = clip_scene(S.Canvas(width=40, height=30), None, 10.0, fits)
    assert scene.video is not None and [key.frame for key in scene.video.graphs] == [0, 1, 2, 3, 4]
    held = clip_scene(S.Canvas(width=40, height=30), None, 10.0, [FrameFit(i, graph(5.0, False), ()) for i in range(5)])
    assert held.video is not None and [key.frame for key in held.video.graphs] == [0, 4]  # held still: 2 keys
    between = frame_layers(scene, 0.05)[0]
    assert isinstance(between, S.GraphLayer) and between.xy[0] == pytest.approx((6.0, 5.0))
    assert len(frame_layers(scene, 0.15)[0].ids) == 2 and len(frame_layers(scene, 0.2)[0].ids) == 3  # type: ignore[union-attr]
    clip = video(scene)
    assert render_rgb(clip.frame_at(0.4), 40, 30).min() < 200  # the graph is drawn


def test_an_interrupted_clip_fit_keeps_its_chunks_and_resume_continues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from genart.generative.video.checkpoint import VideoCheckpoint

    movie = make_movie(tmp_path / "pattern.mp4", seconds=0.4)
    fit = ["evolve", str(movie), "--method", "gradient", "-n", "4", "--resize", "16", "--steps", "20",
           "--frame-steps", "4", "--keyframe-steps", "0", "--chunk", "2", "--overlap", "1", "--workers", "1", "-q"]
    unbroken, scene = tmp_path / "unbroken.scene.json", tmp_path / "clip.scene.json"
    checkpoint = Path(f"{scene}.ckpt")  # the default: the first output + .ckpt
    assert main([*fit, "-o", str(unbroken)]) == 0
    saving = VideoCheckpoint.add

    def ctrl_c_after_the_first_chunk(self: VideoCheckpoint, chunk: list) -> None:
        saving(self, chunk)
        raise KeyboardInterrupt

    monkeypatch.setattr(VideoCheckpoint, "add", ctrl_c_after_the_first_chunk)
    capsys.readouterr()
    assert main([*fit, "-o", str(scene)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"interrupted after 2 of 4 frames; progress kept in {checkpoint}" in err, err
    assert "run the same command with --resume" in err and checkpoint.is_file() and not scene.exists()
    monkeypatch.undo()
    assert main([*fit, "-o", str(scene), "--seed", "2", "--resume"]) == 2  # another run's checkpoint: refused
    assert "made from another picture or other settings" in capsys.readouterr().err and checkpoint.is_file()
    assert main([*fit, "-o", str(scene), "--resume"]) == 0
    assert not checkpoint.exists()  # a fit that ended keeps none

    def without_seconds(path: Path) -> dict:
        document = json.loads(path.read_text())
        del document["meta"]["seconds"]  # how long it took: the one field that differs
        return document

    assert without_seconds(scene) == without_seconds(unbroken)
    (tmp_path / "foreign.ckpt").write_text("{}")
    capsys.readouterr()
    assert main([*fit, "-o", str(scene), "--checkpoint", str(tmp_path / "foreign.ckpt"), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a genart checkpoint" in err
    assert main([*fit, "-o", str(scene), "--checkpoint", str(movie)]) == 2  # never the clip itself
