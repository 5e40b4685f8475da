"""Fewer frames, same timing: perceptual-hash merging of near-identical frames and the
decaying drop schedule for time-lapses.

Merging: consecutive frames whose `imagehash.dhash` differs from the run's first frame by
at most `threshold` bits are one frame whose duration is the sum of theirs.

Decaying drop (`drop_schedule`): of n time-lapse states keep index n-1, then walk back;
from a kept index i the next one back is i - floor(exp(rate · i / (n-1))). So near the
start every state is kept, and near the end one state in about e^rate: the gaps between
kept states never shrink (the very first gap may be cut short to land on state 0), the
first and last states are always kept, and rate 0 keeps everything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

import imagehash
import numpy as np
from PIL import Image

HASH_SIZE = 16  # a 16×16 difference hash: 256 bits


def frame_hash(bgra: np.ndarray, hash_size: int = HASH_SIZE) -> imagehash.ImageHash:
    """The dhash of an opaque BGRA (cairo) frame."""
    h, w = bgra.shape[:2]
    image = Image.frombuffer("RGBA", (w, h), np.ascontiguousarray(bgra), "raw", "BGRA", 0, 1)
    return imagehash.dhash(image.convert("RGB"), hash_size=hash_size)


class Timed(Protocol):
    """A frame with a display duration and (for merging) a perceptual hash."""

    hash: imagehash.ImageHash | None
    duration: float

    def release(self) -> None: ...


FrameT = TypeVar("FrameT", bound=Timed)


def merge_duplicates(frames: Iterable[FrameT], threshold: int) -> Iterator[FrameT]:
    """Merge runs of consecutive frames within `threshold` hash bits of the run's first frame.

    The first frame of each run is yielded with the run's summed duration; the others are
    released. Frames need a `hash` (ValueError otherwise).
    """
    held: tuple[FrameT, imagehash.ImageHash] | None = None
    for frame in frames:
        if frame.hash is None:
            raise ValueError("merging duplicate frames needs each frame's hash")
        if held is not None and frame.hash - held[1] <= threshold:
            held[0].duration += frame.duration
            frame.release()
            continue
        if held is not None:
            yield held[0]
        held = (frame, frame.hash)
    if held is not None:
        yield held[0]


def drop_schedule(n: int, rate: float) -> np.ndarray:
    """Indices of the states kept out of n by the decaying drop schedule (see module doc)."""
    if n < 0 or rate < 0 or not math.isfinite(rate):
        raise ValueError(f"need n >= 0 and a finite rate >= 0, got n={n}, rate={rate}")
    if n <= 2:
        return np.arange(n)
    kept = [n - 1]
    i = n - 1
    while i > 0:
        i = max(i - math.floor(math.exp(rate * i / (n - 1))), 0)
        kept.append(i)
    return np.array(kept[::-1])
