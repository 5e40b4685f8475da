"""The coherent video fit on a clip the tests make (tests/video_clip.py): quality against independent
per-frame fits, stable ids, births and deaths, chunks, and the same shapes on any worker count or a
Dask LocalCluster."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from genart.generative.checkpoint import CheckpointError
from genart.generative.video.chunks import ID_STRIDE
from genart.generative.video.fit import FrameFit, clip_background, fit_video, working_frame
from genart.generative.video.quality import flicker, frame_render, rmse_per_frame
from genart.generative.video.settings import VideoSettings
from genart.render.scene import GraphLayer
from tests.video_clip import clip_frames, write_clip

SIZE, COUNT, SHAPES = 64, 8, 30  # the clip's own size and length (tests/video_clip.py)
KEYFRAME = {"shapes": SHAPES, "resize": SIZE, "candidates": 100, "repeats": 2, "max_age": 30}


def _settings(**changes: object) -> VideoSettings:
    base: dict[str, object] = {"method": "hillclimb", "keyframe": KEYFRAME, "keyframe_steps": 60, "steps": 30,
                               "chunk": 100, "overlap": 0, "workers": 1}
    return VideoSettings.model_validate(base | changes)


def _rendered(fits: list[FrameFit], frames: list[np.ndarray], settings: VideoSettings) -> list[np.ndarray]:
    background = clip_background(working_frame(frames[0], settings.resize))
    return [frame_render(f.layer, background, SIZE, SIZE) for f in fits]


def _shapes(fits: list[FrameFit]) -> list[tuple[tuple[int, ...], str]]:
    return [(f.ids, f.layer.model_dump_json()) for f in fits]


def test_clip_decodes_as_an_mp4(tmp_path: Path) -> None:
    import imageio_ffmpeg

    frames = clip_frames(SIZE, COUNT)
    path = write_clip(tmp_path / "clip.mp4", frames)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    decoded = [np.frombuffer(f, np.uint8).reshape(SIZE, SIZE, 3) / 255.0 for f in reader]
    assert meta["size"] == (SIZE, SIZE) and len(decoded) == COUNT
    assert np.abs(decoded[3] - frames[3]).mean() < 0.03  # the codec keeps the picture
    assert np.abs(frames[-1] - frames[0]).mean() > 0.003  # the camera and the ball move


def test_coherent_fit_flickers_a_third_of_independent_fits() -> None:
    """Same shape count, and the independent fits get at least the coherent fit's time; flicker at most a
    third of theirs, mean per-frame RMSE at most 10% above theirs."""
    frames = clip_frames(SIZE, COUNT)
    coherent = _settings()
    list(fit_video(frames[:2], 12.0, _settings(keyframe_steps=1, steps=1), seed=5))  # compile the kernels first
    started = time.perf_counter()
    fits = list(fit_video(frames, 12.0, coherent, seed=5))
    coherent_seconds = time.perf_counter() - started
    independent = _settings(chunk=1)
    started = time.perf_counter()
    alone = list(fit_video(frames, 12.0, independent, seed=5))
    independent_seconds = time.perf_counter() - started
    assert independent_seconds >= 0.8 * coherent_seconds
    assert [len(f.ids) for f in fits] == [len(f.ids) for f in alone] == [SHAPES] * COUNT
    ours, theirs = _rendered(fits, frames, coherent), _rendered(alone, frames, independent)
    assert flicker(ours, frames) <= flicker(theirs, frames) / 3.0
    assert np.mean(rmse_per_frame(ours, frames)) <= 1.1 * np.mean(rmse_per_frame(theirs, frames))


def test_ids_persist_and_newborns_take_new_ones() -> None:
    frames = clip_frames(SIZE, 5)
    fits = list(fit_video(frames, 12.0, _settings(turnover=0.2, death=1.0, steps=5), seed=2))
    assert [f.index for f in fits] == list(range(5))
    first = set(fits[0].ids)
    assert first == set(range(SHAPES))
    for before, after in zip(fits, fits[1:]):
        kept = set(before.ids) & set(after.ids)
        born = set(after.ids) - set(before.ids)
        assert len(kept) >= SHAPES - int(0.2 * SHAPES) and born  # a few die, as many are born
        assert min(born) > max(before.ids)  # an id is never given twice


def test_gradient_circles_follow_the_clip() -> None:
    frames = clip_frames(SIZE, 4)
    settings = VideoSettings(method="gradient", keyframe={"shapes": 20, "resize": SIZE, "steps": 150},
                             keyframe_steps=20, steps=20, workers=1)
    fits = list(fit_video(frames, 12.0, settings, seed=1))
    errors = rmse_per_frame(_rendered(fits, frames, settings), frames)
    assert all(type(s).__name__ == "Circle" for f in fits for s in f.layer.shapes)  # type: ignore[union-attr]
    assert max(errors) < 1.5 * errors[0]


CHUNKED = {"chunk": 3, "overlap": 1, "steps": 10, "keyframe_steps": 20}


def test_chunks_give_the_same_shapes_on_any_worker_count() -> None:
    frames = clip_frames(SIZE, 7)
    one = list(fit_video(frames, 12.0, _settings(**CHUNKED), seed=4))
    two = list(fit_video(frames, 12.0, _settings(**CHUNKED, workers=2), seed=4))
    assert [f.index for f in one] == list(range(7))
    assert _shapes(one) == _shapes(two)
    seam = one[3]  # chunk 1's first frame: chunk 0's shapes fading out under chunk 1's
    assert len(seam.ids) == 2 * SHAPES and len(one[4].ids) == SHAPES


@pytest.mark.slow
def test_a_dask_cluster_gives_the_local_shapes() -> None:
    try:
        from distributed import LocalCluster
    except ImportError:
        pytest.fail("distributed is not installed: pip install -e '.[test,dask]'")
    frames = clip_frames(SIZE, 7)
    local = list(fit_video(frames, 12.0, _settings(**CHUNKED, workers=2), seed=4))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = list(fit_video(frames, 12.0, _settings(**CHUNKED, workers=2), seed=4,
                                scheduler=cluster.scheduler_address))
    assert _shapes(local) == _shapes(remote)


def test_gng_nodes_keep_their_ids_across_frames_and_seams() -> None:
    frames = clip_frames(SIZE, 5)
    settings = VideoSettings(method="gng", keyframe={"resize": SIZE, "max_nodes": 60, "epochs": 4,
                                                     "n_iter_before_neuron_added": 40},
                             chunk=3, overlap=1, workers=1)
    fits = list(fit_video(frames, 30.0, settings, seed=1))
    assert all(isinstance(f.layer, GraphLayer) and list(f.ids) == f.layer.ids for f in fits)
    assert len(set(fits[0].ids) & set(fits[1].ids)) > 0.8 * len(fits[0].ids)  # the gas lives on
    seam = fits[3]  # chunk 0's graph fading out under chunk 1's
    assert isinstance(seam.layer, GraphLayer) and seam.layer.edge_colors is not None
    assert {c[3] for c in seam.layer.edge_colors} == {0.5}
    assert min(fits[4].ids) >= ID_STRIDE


def _stopping(frames: list[np.ndarray], after: int) -> Iterator[np.ndarray]:
    """The frames, then Ctrl-C where frame `after` would come."""
    yield from frames[:after]
    raise KeyboardInterrupt


def test_ctrl_c_keeps_a_checkpoint_that_resume_continues(tmp_path: Path) -> None:
    frames = clip_frames(SIZE, 7)
    settings = _settings(**CHUNKED)
    unbroken = list(fit_video(frames, 30.0, settings, seed=4))
    checkpoint = tmp_path / "clip.ckpt"
    with pytest.raises(KeyboardInterrupt):
        list(fit_video(_stopping(frames, 6), 30.0, settings, seed=4, checkpoint=checkpoint))
    assert checkpoint.is_file()  # chunk 0 (frames 0-3) was done
    resumed = list(fit_video(frames, 30.0, settings, seed=4, checkpoint=checkpoint, resume=True))
    assert _shapes(resumed) == _shapes(unbroken)
    assert not checkpoint.exists()  # a run that ended keeps none
    other = tmp_path / "other.ckpt"
    other.write_text("{}")
    with pytest.raises(CheckpointError, match="not a genart checkpoint"):
        list(fit_video(frames, 30.0, settings, seed=4, checkpoint=other))
