"""Fewer frames, same timing: merging of consecutive frames that (almost) repeat, and the
decaying drop schedule for time-lapses.

Merging is measured on the pixels: a frame joins the run before it when at most
`max_pixels` of its pixels differ at all (in any channel, by any amount) from the run's
first frame; the run becomes that first frame, lasting the sum of their durations. With
`max_pixels` 0 only identical frames merge. Each frame carries a fingerprint (BLAKE2b of
its bytes, computed where it was rendered) as a pre-filter: frames whose fingerprints
differ are not identical, so at 0 they are never compared pixel by pixel, and equal
fingerprints are confirmed on the pixels.

Decaying drop (`drop_schedule`): of n time-lapse states keep index n-1, then walk back;
from a kept index i the next one back is i - floor(exp(rate · i / (n-1))). So near the
start every state is kept, and near the end one state in about e^rate: the gaps between
kept states never shrink (the very first gap may be cut short to land on state 0), the
first and last states are always kept, and rate 0 keeps everything.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

import numpy as np


def fingerprint(pixels: np.ndarray) -> bytes:
    """A 128-bit BLAKE2b digest of a frame's bytes: equal frames have equal fingerprints."""
    return hashlib.blake2b(np.ascontiguousarray(pixels).data, digest_size=16).digest()


def differing_pixels(a: np.ndarray, b: np.ndarray) -> int:
    """How many pixels of two H×W×C frames differ in any channel."""
    return int(np.count_nonzero((a != b).any(axis=-1)))


class Timed(Protocol):
    """A frame with pixels, a display duration and (for merging) its fingerprint."""

    pixels: np.ndarray
    digest: bytes | None
    duration: float

    def release(self) -> None: ...


FrameT = TypeVar("FrameT", bound=Timed)


def _repeats(first: Timed, frame: Timed, max_pixels: int) -> bool:
    """Whether `frame` differs from `first` in at most `max_pixels` pixels."""
    if first.digest == frame.digest and np.array_equal(first.pixels, frame.pixels):
        return True
    if max_pixels == 0:
        return False  # different fingerprints (or a collision just ruled out): not identical
    return differing_pixels(first.pixels, frame.pixels) <= max_pixels


def merge_duplicates(frames: Iterable[FrameT], max_pixels: int = 0) -> Iterator[FrameT]:
    """Merge runs of consecutive frames differing in at most `max_pixels` pixels from the run's first.

    The first frame of each run is yielded with the run's summed duration (it is held,
    unreleased, until the run ends); the others are released. Frames need a `digest`
    (ValueError otherwise).
    """
    if max_pixels < 0:
        raise ValueError(f"max_pixels must not be negative, got {max_pixels}")
    held: FrameT | None = None
    for frame in frames:
        if frame.digest is None:
            raise ValueError("merging duplicate frames needs each frame's fingerprint")
        if held is not None and _repeats(held, frame, max_pixels):
            held.duration += frame.duration
            frame.release()
            continue
        if held is not None:
            yield held
        held = frame
    if held is not None:
        yield held


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
