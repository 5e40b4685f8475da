"""Benchmark for issue 32: a clip fitted coherently against every frame fitted independently.

The clip is the tests' own (tests/video_clip.py: a slow camera pan, then a zoom, over skimage's
chelsea, with a ball crossing it; 30 fps). Both fits have `--shapes` shapes (hill-climb
triangles, then refined) at `--size` px on `--workers` local processes: the coherent one
(`fit_video`: a keyframe every `--chunk` frames, every other frame refitted from the one before)
and the independent one (every frame a keyframe, fitted as a picture: at least as much time as
the coherent fit). Printed: per-frame RMSE against the source (0-255, of the antialiased render),
flicker (mean over pixels and frames of |Δoutput − Δsource|, 0-255) and the seconds per frame.

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

from genart.generative.video.fit import FrameFit, clip_background, fit_video, working_frame
from genart.generative.video.quality import flicker, frame_render, rmse_per_frame
from genart.generative.video.settings import VideoSettings
from tests.video_clip import FPS, clip_frames


def _timed(frames: list[np.ndarray], settings: VideoSettings, seed: int) -> tuple[list[FrameFit], float]:
    started = time.perf_counter()
    fits = list(fit_video(frames, FPS, settings, seed=seed))
    return fits, time.perf_counter() - started


def _figures(label: str, fits: list[FrameFit], seconds: float, frames: list[np.ndarray],
             settings: VideoSettings) -> tuple[float, float]:
    size = frames[0].shape[0]
    background = clip_background(working_frame(frames[0], settings.resize), settings)
    outputs = [frame_render(f.layer, background, size, size) for f in fits]
    errors = rmse_per_frame(outputs, frames)
    jitter = flicker(outputs, frames)
    print(f"{label:<12} RMSE mean {np.mean(errors):6.2f}  per frame {' '.join(f'{e:.1f}' for e in errors)}")
    print(f"{'':<12} flicker {jitter:6.2f}  {seconds:7.1f} s in all, {seconds / len(fits):6.2f} s a frame")
    figure(f"{label}: mean RMSE", float(np.mean(errors)), "")
    figure(f"{label}: flicker", jitter, "")
    figure(f"{label}: seconds a frame", seconds / len(fits))
    return float(np.mean(errors)), jitter


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
    ours = _figures("coherent", *_timed(frames, coherent, args.seed), frames, coherent)
    theirs = _figures("independent", *_timed(frames, independent, args.seed), frames, independent)
    print(f"coherent / independent: flicker {ours[1] / theirs[1]:.3f}, mean RMSE {ours[0] / theirs[0]:.3f}")
    figure("coherent / independent: flicker", ours[1] / theirs[1], "x")
    figure("coherent / independent: mean RMSE", ours[0] / theirs[0], "x")


if __name__ == "__main__":
    main()
