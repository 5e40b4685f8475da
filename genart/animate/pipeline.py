"""Streaming, parallel frame rendering.

Frames are rendered by a pool of forked worker processes straight into a small ring of
shared-memory slots (BGRA, cairo's layout) and come back in order, each as a
`RenderedFrame` that the consumer must `release()` when done with it. A slot is reused
only after its frame is released, so a consumer may hold a frame (the duplicate merger
holds a run's first frame to compare the next ones with). Only 2 × workers + 2 frames
exist at any time, so memory stays flat however long the movie. Where `fork` is not
available (or workers=0) frames are rendered in this process.

On a Dask cluster (`scheduler`, or $GENART_SCHEDULER; see `genart.generative.execution`) there is
no shared memory: each job renders a chunk of consecutive frames (the clip travels with
it) and sends their pixels back; a few chunks are in flight, so memory stays flat there
too. The pixels are the same either way.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from genart.animate.dedupe import fingerprint
from genart.animate.frame import PLAIN, Look, SettledCache, render_bgra, straight_alpha
from genart.animate.timeline import Playable, frame_times
from genart.runtime.execution import Execution, open_execution, scheduler_address
from genart.runtime.progress import SILENT, Count, Reporter

CHUNK_BYTES = 64 * 2**20  # of pixels per chunk of frames a Dask worker renders
CHUNK_FRAMES = 16  # at most, per chunk


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


def _render_chunk(clip: Playable, width: int, height: int, times: np.ndarray, look: Look, alpha: bool,
                  hashing: bool) -> list[tuple[np.ndarray, bytes | None]]:
    """Frames at `times` as (BGRA pixels, fingerprint or None): a Dask worker's job."""
    cache = SettledCache()
    frames = []
    for at in times.tolist():
        pixels = np.empty((height, width, 4), np.uint8)
        render_bgra(clip.frame_at(at), width, height, out=pixels, cache=cache, look=look)
        if alpha:
            straight_alpha(pixels)
        frames.append((pixels, fingerprint(pixels) if hashing else None))
    return frames


def _render_distributed(execution: Execution, clip: Playable, size: tuple[int, int], fps: float, times: np.ndarray,
                        hashing: bool, rendered: Callable[[], None], look: Look, alpha: bool) -> Iterator[RenderedFrame]:
    """`render_frames` on a Dask cluster: chunks of frames, a few in flight, yielded in order."""
    width, height = size
    per_chunk = max(1, min(CHUNK_FRAMES, CHUNK_BYTES // (width * height * 4), -(-len(times) // execution.workers)))
    starts = range(0, len(times), per_chunk)
    jobs = ((clip, width, height, times[i : i + per_chunk], look, alpha, hashing) for i in starts)
    for k, frames in execution.stream(_render_chunk, jobs, execution.workers + 2, ordered=True):
        for offset, (pixels, digest) in enumerate(frames):
            rendered()
            yield RenderedFrame(starts[k] + offset, pixels, 1.0 / fps, digest)


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
    reporter: Reporter = SILENT,
    desc: str = "frames",
    look: Look = PLAIN,
    alpha: bool = False,
    scheduler: str | None = None,
) -> Iterator[RenderedFrame]:
    """Render every frame of `clip` at `size` (w, h) and `fps`, in order, streaming, framed by `look`.

    Each frame lasts 1/fps; with `hashing` it carries its fingerprint (computed in the
    worker, for `merge_duplicates`). Pixels are cairo's premultiplied BGRA, or straight
    BGRA with `alpha` (for outputs that keep transparency). With a Dask `scheduler` (or
    $GENART_SCHEDULER) the frames are rendered on its workers (`workers` is then unused).
    Frames are counted to `reporter`, as `desc`.
    """
    times = frame_times(clip.length, fps, clip.periodic)
    counter = _FrameCounter(reporter, desc, len(times))
    try:
        if scheduler_address(scheduler) is not None:
            with open_execution(scheduler=scheduler) as execution:
                yield from _render_distributed(execution, clip, size, fps, times, hashing, counter.rendered, look, alpha)
        else:
            yield from _render_local(clip, size, fps, times, workers, hashing, counter.rendered, look, alpha)
    finally:
        counter.end()


class _FrameCounter:
    """Counts the frames rendered to a reporter: at the start, after each frame, and at the end."""

    def __init__(self, reporter: Reporter, desc: str, total: int) -> None:
        self.reporter, self.desc, self.total, self.done = reporter, desc, total, 0
        reporter.count(Count(desc, 0, total, "frame"))

    def rendered(self) -> None:
        self.done += 1
        self.reporter.count(Count(self.desc, self.done, self.total, "frame"))

    def end(self) -> None:
        self.reporter.count(Count(self.desc, self.done, self.total, "frame", final=True))


def _render_local(clip: Playable, size: tuple[int, int], fps: float, times: np.ndarray, workers: int | None,
                  hashing: bool, rendered: Callable[[], None], look: Look, alpha: bool) -> Iterator[RenderedFrame]:
    """`render_frames` on forked local workers (or here), through a ring of shared slots."""
    global _JOB
    width, height = size
    workers = default_workers() if workers is None else workers
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 0
    in_flight = max(1, 2 * workers)
    n_slots = in_flight + 2
    ring = mmap.mmap(-1, n_slots * width * height * 4)  # anonymous MAP_SHARED: shared with forked workers
    slots = np.frombuffer(ring, np.uint8).reshape(n_slots, height, width, 4)
    _JOB = _Job(clip, width, height, times, slots, hashing, look, alpha)
    execution = open_execution(workers, None, multiprocessing.get_context("fork"))
    free = list(range(n_slots))
    pending: deque[Future[tuple[int, int, bytes | None]]] = deque()
    try:
        submitted = 0
        while submitted < len(times) or pending:
            while submitted < len(times) and free and len(pending) < in_flight:
                slot = free.pop()
                pending.append(execution.submit(_render, submitted, slot))
                submitted += 1
            index, slot, digest = execution.result(pending.popleft())
            rendered()
            yield RenderedFrame(index, slots[slot], 1.0 / fps, digest, partial(free.append, slot))
    finally:
        execution.close(cancel=True)
        _JOB = None
