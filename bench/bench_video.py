"""Benchmark for issue 32: a clip fitted coherently against every frame fitted independently.

The clip is the tests' own (tests/video_clip.py: a slow camera pan, then a zoom, over skimage's
chelsea, with a ball crossing it; 30 fps). Both fits have `--shapes` shapes (hill-climb
triangles, then refined) at `--size` px on `--workers` local processes: the coherent one
(`fit_video`: a keyframe every `--chunk` frames, every other frame refitted from the one before)
and the independent one (every frame a keyframe, fitted as a picture: at least as much time as
the coherent fit). Printed: per-frame RMSE against the source (0-255, of the antialiased render),
flicker (mean over pixels and frames of |Δoutput − Δsource|, 0-255) and the seconds per frame.

Then the floor of flicker that shapes moving exactly with the camera reach: the independent fit of
frame 0 carried by the clip's true camera motion (`tests.video_clip.camera_flow`, no refit), its
flicker measured away from the ball (which it does not follow) beside both fits' there. Hard-edged
shapes moved exactly still flicker where their edges cross pixels the smooth source changes little.

    python bench/bench_video.py                    # 256 px, 24 frames, 200 triangles, 2 workers
    python bench/bench_video.py --size 128 --frames 12 --shapes 100
    python bench/bench_video.py --quick            # a few seconds: checks that it runs
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.video_clip
from record import add_quick, figure

from genart.generative.gradient.params import from_shapes, to_shapes
from genart.generative.video.fit import FrameFit, clip_background, fit_video, working_frame
from genart.generative.video.motion import carry
from genart.generative.video.quality import flicker, frame_render, rmse_per_frame
from genart.generative.video.settings import VideoSettings
from genart.render import scene as S
from tests.video_clip import BALL_RADIUS, FPS, ball_centre, camera_flow, clip_frames

AWAY = 2.5  # ball radii: pixels farther than this from the ball's every place are "away from the ball"


def _timed(frames: list[np.ndarray], settings: VideoSettings, seed: int) -> tuple[list[FrameFit], float]:
    started = time.perf_counter()
    fits = list(fit_video(frames, FPS, settings, seed=seed))
    return fits, time.perf_counter() - started


def _figures(label: str, outputs: list[np.ndarray], seconds: float, frames: list[np.ndarray]) -> tuple[float, float]:
    errors = rmse_per_frame(outputs, frames)
    jitter = flicker(outputs, frames)
    print(f"{label:<12} RMSE mean {np.mean(errors):6.2f}  per frame {' '.join(f'{e:.1f}' for e in errors)}")
    print(f"{'':<12} flicker {jitter:6.2f}  {seconds:7.1f} s in all, {seconds / len(outputs):6.2f} s a frame")
    figure(f"{label}: mean RMSE", float(np.mean(errors)), "")
    figure(f"{label}: flicker", jitter, "")
    figure(f"{label}: seconds a frame", seconds / len(outputs))
    return float(np.mean(errors)), jitter


def _away_from_ball(size: int, count: int) -> np.ndarray:
    """size × size: the pixels farther than AWAY ball radii from wherever the ball is in the clip."""
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    away = np.ones((size, size), bool)
    for k in range(count):
        cx, cy = ball_centre(k, size)
        away &= np.hypot(xs - cx, ys - cy) > AWAY * BALL_RADIUS * size
    return away


def _carried_exactly(first: FrameFit, background: tuple[float, float, float], size: int,
                     count: int) -> list[np.ndarray]:
    """The renders of `first`'s shapes carried frame by frame by the clip's true camera motion, `count` frames."""
    assert isinstance(first.layer, S.ShapesLayer)
    params = from_shapes(list(first.layer.shapes), background, size, size)
    outputs = []
    for k in range(count):
        if k:
            carry(params, camera_flow(k - 1, size))
        outputs.append(frame_render(S.ShapesLayer(name="shapes", shapes=to_shapes(params)), background, size, size))
    return outputs


def _floor(frames: list[np.ndarray], coherent: list[np.ndarray], independent: list[np.ndarray],
           carried: list[np.ndarray]) -> None:
    away = _away_from_ball(frames[0].shape[0], len(frames))
    outputs = {"coherent": coherent, "independent": independent, "exact camera carry": carried}
    jitter = {label: flicker(out, frames, where=away) for label, out in outputs.items()}
    errors = {label: float(np.mean(rmse_per_frame(out, frames, where=away))) for label, out in outputs.items()}
    print(f"away from the ball ({away.mean():.0%} of the pixels):")
    for label in outputs:
        print(f"  {label:<19} flicker {jitter[label]:5.2f} ({jitter[label] / jitter['independent']:.3f} of "
              f"independent)  mean RMSE {errors[label]:5.2f} ({errors[label] / errors['independent']:.3f})")
    for label in ("coherent", "exact camera carry"):
        figure(f"away from the ball: {label} / independent flicker", jitter[label] / jitter["independent"], "x")
    figure("away from the ball: coherent / independent mean RMSE", errors["coherent"] / errors["independent"], "x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="frame size in px (the working size too)")
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--shapes", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=12, help="frames from one keyframe to the next")
    parser.add_argument("--steps", type=int, default=VideoSettings().steps, help="gradient steps refitting a frame")
    parser.add_argument("--temporal", type=float, default=VideoSettings().temporal, help="the temporal term's weight")
    parser.add_argument("--turnover", type=float, default=VideoSettings().turnover,
                        help="most share of the shapes that die (and are born again) in a frame")
    parser.add_argument("--batch-pixels", type=int, default=VideoSettings().batch_pixels,
                        help="pixels sampled in each gradient step")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    add_quick(parser)  # 64 px, 4 frames, 20 shapes
    args = parser.parse_args()
    if args.quick:
        args.size, args.frames, args.shapes, args.chunk = 64, 4, 20, 2
    frames = clip_frames(args.size, args.frames)
    keyframe = {"shapes": args.shapes, "resize": args.size, "candidates": 200, "repeats": 4, "max_age": 50}
    common = {"method": "hillclimb", "keyframe": keyframe, "workers": args.workers}
    coherent = VideoSettings.model_validate(common | {"chunk": args.chunk, "overlap": min(3, args.chunk - 1),
                                                      "steps": args.steps, "temporal": args.temporal,
                                                      "turnover": args.turnover, "batch_pixels": args.batch_pixels})
    independent = VideoSettings.model_validate(common | {"chunk": 1, "overlap": 0})
    list(fit_video(frames[:2], FPS, coherent.model_copy(update={"workers": 1}), seed=args.seed))  # compile first
    print(f"clip: {args.frames} frames of {args.size} px at {FPS:g} fps, {args.shapes} triangles, "
          f"{args.workers} workers, a keyframe every {args.chunk} frames")
    coherent_fits, coherent_seconds = _timed(frames, coherent, args.seed)
    independent_fits, independent_seconds = _timed(frames, independent, args.seed)
    background = clip_background(working_frame(frames[0], coherent.resize))  # the clip's one, for both fits
    ours_out, theirs_out = ([frame_render(f.layer, background, args.size, args.size) for f in fits]
                            for fits in (coherent_fits, independent_fits))
    ours = _figures("coherent", ours_out, coherent_seconds, frames)
    theirs = _figures("independent", theirs_out, independent_seconds, frames)
    print(f"coherent / independent: flicker {ours[1] / theirs[1]:.3f}, mean RMSE {ours[0] / theirs[0]:.3f}")
    figure("coherent / independent: flicker", ours[1] / theirs[1], "x")
    figure("coherent / independent: mean RMSE", ours[0] / theirs[0], "x")
    _floor(frames, ours_out, theirs_out, _carried_exactly(independent_fits[0], background, args.size, len(frames)))


if __name__ == "__main__":
    main()
