"""A clip the tests make themselves: a camera pan, then a zoom, over a photo, with a ball moving across.

`clip_frames` gives the frames in memory (float32 RGB in [0, 1]); `write_clip` encodes them as an
.mp4 with the bundled ffmpeg (imageio-ffmpeg), as a camera would give them. The clip's true motion
is known: `camera_flow` (where the camera moved each pixel from one frame to the next) and
`ball_centre` (where the ball is), for figures that need the truth (bench/bench_video.py's floor).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from skimage import data

BALL = (0.95, 0.15, 0.1)  # the moving object's colour
BLUR = 10.0  # the photo's blur in its pixels: a camera's soft focus (a few dozen shapes cannot draw fur)
FPS = 30.0
REFERENCE_FRAMES = 8
PAN, ZOOM = 5.0, 0.02  # how far the camera pans (photo pixels) and how much it zooms in, over the clip
BALL_RADIUS = 0.09  # of the frame's side
BALL_TRAVEL = 0.06  # how far the ball goes across the frame, over the clip (8 frames at 30 fps: about
# 0.3 px a frame of pan and 0.5 px of ball at 64 px, a slow camera)


def _view(photo: Image.Image, box: tuple[float, float, float, float], size: int) -> np.ndarray:
    """The `box` (x0, y0, x1, y1) of the photo resampled to size × size, float32 in [0, 1]."""
    return np.asarray(photo.resize((size, size), Image.Resampling.BILINEAR, box=box), np.float32) / 255.0


def _ball(frame: np.ndarray, cx: float, cy: float, radius: float) -> None:
    """Paint an antialiased ball at (cx, cy) in place."""
    h, w = frame.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    cover = np.clip(radius - np.hypot(xs - cx, ys - cy) + 0.5, 0.0, 1.0)[..., None]
    frame[:] = frame * (1.0 - cover) + np.asarray(BALL, np.float32) * cover


def _camera(k: int) -> tuple[float, float, float]:
    """Frame k's view of the photo: its top-left corner (x0, y0) and side, in photo pixels. The camera pans
    right for the first REFERENCE_FRAMES / 2 frames, then zooms in."""
    t = k / (REFERENCE_FRAMES - 1)
    pan = min(t, 0.5) * 2.0  # 0 → 1 over the first half
    zoom = max(t - 0.5, 0.0) * 2.0  # 0 → 1 over the second
    side = 260.0 * (1.0 - ZOOM * zoom)
    return 60.0 + PAN * pan + 0.5 * (260.0 - side), 20.0 + 0.5 * (260.0 - side), side


def ball_centre(k: int, size: int) -> tuple[float, float]:
    """Where the ball's centre (x, y) is in frame k of a clip of `size` px; its radius is BALL_RADIUS × size."""
    t = k / (REFERENCE_FRAMES - 1)
    return size * (0.4 + BALL_TRAVEL * t), size * (0.6 - 0.5 * BALL_TRAVEL * t)


def camera_flow(k: int, size: int) -> np.ndarray:
    """(2, size, size): where the camera moved each pixel of frame k in frame k + 1, (drow, dcol) in pixels, as
    `genart.generative.video.motion.flow` gives it (the ball's own motion left out)."""
    x0, y0, side0 = _camera(k)
    x1, y1, side1 = _camera(k + 1)
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    to_next = side0 / side1
    return np.stack([(y0 - y1) * size / side1 + rows * (to_next - 1.0),
                     (x0 - x1) * size / side1 + cols * (to_next - 1.0)])


def clip_frames(size: int = 64, count: int = 8) -> list[np.ndarray]:
    """`count` square frames of `size` px: the camera pans right over the photo, then zooms in; a ball crosses
    the frame all along. It moves as much a frame however long the clip is (the figures above are for
    REFERENCE_FRAMES frames)."""
    photo = Image.fromarray(data.chelsea()).filter(ImageFilter.GaussianBlur(BLUR))  # 451 × 300
    frames = []
    for k in range(count):
        x0, y0, side = _camera(k)
        frame = _view(photo, (x0, y0, x0 + side, y0 + side), size)
        _ball(frame, *ball_centre(k, size), size * BALL_RADIUS)
        frames.append(frame)
    return frames


def write_clip(path: Path, frames: list[np.ndarray], fps: float = FPS) -> Path:
    """Encode the frames as an H.264 .mp4 at `fps` (yuv420p, as players take it) and return its path."""
    import imageio_ffmpeg

    h, w = frames[0].shape[:2]
    writer = imageio_ffmpeg.write_frames(str(path), (w, h), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                         macro_block_size=1, output_params=["-crf", "12"])
    writer.send(None)
    for frame in frames:
        writer.send(np.ascontiguousarray(np.round(frame * 255.0).astype(np.uint8)))
    writer.close()
    return path
