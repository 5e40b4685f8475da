"""Streaming, parallel frame rendering.

Frames are rendered by a pool of forked worker processes straight into a small ring of
shared-memory slots (BGRA, cairo's layout) and come back in order, each as a
`RenderedFrame` that the consumer must `release()` when done with it. A slot is reused
only after its frame is released, so a consumer may hold a frame (the duplicate merger
holds a run's first frame to compare the next ones with). Only 2 × workers + 2 frames
exist at any time, so memory stays flat however long the movie. Where `fork` is not
available (or workers=0) frames are rendered in this process.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from tqdm import tqdm

from animations.dedupe import fingerprint
from animations.frame import PLAIN, Look, SettledCache, render_bgra, straight_alpha
from animations.timeline import Playable, frame_times


@dataclass(eq=False)
class RenderedFrame:
    """One rendered frame: BGRA pixels in a shared slot, valid until `release()`."""

    index: int
    pixels: np.ndarray
    duration: float
    digest: bytes | None = None
    _free: Callable[[], None] = field(default=lambda: None, repr=False)

    def release(self) -> None:
        self._free()
        self._free = lambda: None


@dataclass(eq=False)
class _Job:
    clip: Playable
    width: int
    height: int
    times: np.ndarray
    slots: np.ndarray  # (S, H, W, 4) view of the shared ring
    hashing: bool
    look: Look
    alpha: bool
    cache: SettledCache = field(default_factory=SettledCache)  # per process: each worker grows its own


_JOB: _Job | None = None  # set before the workers fork; they inherit it


def _render(index: int, slot: int) -> tuple[int, int, bytes | None]:
    job = _JOB
    assert job is not None
    out = job.slots[slot]
    render_bgra(job.clip.frame_at(float(job.times[index])), job.width, job.height, out=out, cache=job.cache,
                look=job.look)
    if job.alpha:
        straight_alpha(out)
    return index, slot, fingerprint(out) if job.hashing else None


def default_workers() -> int:
    """Worker processes to use: one per core, or 0 (render here) where `fork` is missing."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def render_frames(
    clip: Playable,
    size: tuple[int, int],
    fps: float,
    *,
    workers: int | None = None,
    hashing: bool = False,
    progress: bool = True,
    desc: str = "frames",
    look: Look = PLAIN,
    alpha: bool = False,
) -> Iterator[RenderedFrame]:
    """Render every frame of `clip` at `size` (w, h) and `fps`, in order, streaming, framed by `look`.

    Each frame lasts 1/fps; with `hashing` it carries its fingerprint (computed in the
    worker, for `merge_duplicates`). Pixels are cairo's premultiplied BGRA, or straight
    BGRA with `alpha` (for outputs that keep transparency).
    """
    global _JOB
    width, height = size
    times = frame_times(clip.length, fps, clip.periodic)
    workers = default_workers() if workers is None else workers
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 0
    in_flight = max(1, 2 * workers)
    n_slots = in_flight + 2
    ring = mmap.mmap(-1, n_slots * width * height * 4)  # anonymous MAP_SHARED: shared with forked workers
    slots = np.frombuffer(ring, np.uint8).reshape(n_slots, height, width, 4)
    _JOB = _Job(clip, width, height, times, slots, hashing, look, alpha)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers else None
    free = list(range(n_slots))
    pending: deque[Future | tuple[int, int, bytes | None]] = deque()
    bar = tqdm(total=len(times), desc=desc, unit="frame", disable=not progress, dynamic_ncols=True, leave=False)
    try:
        submitted = 0
        while submitted < len(times) or pending:
            while submitted < len(times) and free and len(pending) < in_flight:
                slot = free.pop()
                pending.append(pool.submit(_render, submitted, slot) if pool else _render(submitted, slot))
                submitted += 1
            head = pending.popleft()
            index, slot, digest = head.result() if isinstance(head, Future) else head
            bar.update(1)
            yield RenderedFrame(index, slots[slot], 1.0 / fps, digest, partial(free.append, slot))
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        _JOB = None
