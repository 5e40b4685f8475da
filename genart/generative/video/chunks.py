"""Chunks of frames: each fitted from its own keyframe, frame after frame, and their seams faded together.

Chunk c covers frames [c·L, (c+1)·L + overlap) of a clip (L = `chunk`): its first frame is a
keyframe fitted independently as a picture, the rest are refitted each from the one before. Its
seeds come from (seed, c) alone, so a chunk's result does not depend on which worker fitted it, nor
on how many there are. Where two chunks overlap, the frame shows both: the older chunk's shapes
fading out under the newer's fading in (their opacities × 1 − t and × t, t rising over the overlap).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from genart.generative.fastrng import stream
from genart.generative.images import Picture
from genart.generative.methods.gng import GNGSettings
from genart.generative.video.gng_track import next_graph, start_graph
from genart.generative.video.settings import VideoSettings
from genart.generative.video.shape_track import next_frame, start_track
from genart.render import scene as S
from genart.render.fields import rgba

ID_STRIDE = 1_000_000  # chunk c's shapes have ids from c × ID_STRIDE


@dataclass(frozen=True)
class Fitted:
    """One frame of a chunk: its layer (picture units) and the ids of its shapes or nodes."""

    layer: S.ShapesLayer | S.GraphLayer
    ids: list[int]


@dataclass(frozen=True)
class Chunk:
    """A chunk's job: its index, its first frame's index, and its frames (working size, uint8)."""

    index: int
    first: int
    frames: list[np.ndarray]


def chunk_seed(seed: int, index: int) -> int:
    """The seed of chunk `index` of a run with `seed` (31 bits, as the methods' seeds take)."""
    return int(stream(seed, 7919, index)[0] % np.uint64(2**31))


def chunks(frames: Iterable[np.ndarray], settings: VideoSettings) -> Iterator[Chunk]:
    """The clip's chunks, read from `frames` as they are needed (a chunk's overlap frames are kept for the next)."""
    length, overlap = settings.chunk, settings.overlap
    held: list[np.ndarray] = []
    index = 0
    for frame in frames:
        held.append(frame)
        if len(held) == length + overlap:
            yield Chunk(index, index * length, held)
            held = held[length:]
            index += 1
    if held and (index == 0 or len(held) > overlap):
        yield Chunk(index, index * length, held)


def fit_chunk(chunk: Chunk, settings: VideoSettings, seed: int, background: tuple[float, float, float],
              to_picture: float) -> list[Fitted]:
    """Every frame of a chunk, fitted from its keyframe on, in picture units (`to_picture` per working
    pixel): a worker's job."""
    own, first_id = chunk_seed(seed, chunk.index), chunk.index * ID_STRIDE
    if isinstance(settings.keyframe, GNGSettings):
        return _graph_chunk(chunk, settings, own, first_id, to_picture)
    first = chunk.frames[0]
    target = first.astype(np.float64) / 255.0
    picture = Picture(first, f"frame {chunk.first}", hashlib.sha256(first.tobytes()).hexdigest())
    track = start_track(picture, target, settings, own, first_id, background)
    out = [Fitted(track.layer(to_picture), track.ids)]
    for k, frame in enumerate(chunk.frames[1:], 1):
        previous, target = target, frame.astype(np.float64) / 255.0
        track = next_frame(track, previous, target, settings, own, k)
        out.append(Fitted(track.layer(to_picture), track.ids))
    return out


def _graph_chunk(chunk: Chunk, settings: VideoSettings, seed: int, first_id: int, to_picture: float) -> list[Fitted]:
    assert isinstance(settings.keyframe, GNGSettings)
    track = start_graph(chunk.frames[0], settings.keyframe, seed)
    out = []
    for k, frame in enumerate(chunk.frames):
        if k:
            next_graph(track, frame, settings.gng_epochs)
        layer, ids = track.layer(frame, to_picture, first_id)
        out.append(Fitted(layer, list(ids)))
    return out


def _fade(color: tuple[float, float, float, float], share: float) -> tuple[float, float, float, float]:
    return rgba([*color[:3], color[3] * share])


def _faded(layer: S.ShapesLayer | S.GraphLayer, share: float) -> S.ShapesLayer | S.GraphLayer:
    """The layer with every shape's (or edge's and node's) opacity × `share`."""
    if isinstance(layer, S.ShapesLayer):
        return layer.model_copy(update={"shapes": [s.model_copy(update={"color": _fade(s.color, share)})
                                                   for s in layer.shapes]})
    edges = layer.edge_colors or [layer.edge_color] * len(layer.edges)
    nodes = layer.node_colors or [layer.node_color] * len(layer.ids)
    return layer.model_copy(update={"edge_colors": [_fade(c, share) for c in edges],
                                    "node_colors": [_fade(c, share) for c in nodes]})


def blend(old: Fitted, new: Fitted, t: float) -> Fitted:
    """A seam frame: `old` fading out (opacity × 1 − t) under `new` fading in (× t), as one layer."""
    under, over = _faded(old.layer, 1.0 - t), _faded(new.layer, t)
    if isinstance(under, S.ShapesLayer) and isinstance(over, S.ShapesLayer):
        layer: S.ShapesLayer | S.GraphLayer = under.model_copy(update={"shapes": under.shapes + over.shapes})
    else:
        assert isinstance(under, S.GraphLayer) and isinstance(over, S.GraphLayer)
        layer = under.model_copy(update={
            "ids": under.ids + over.ids, "xy": under.xy + over.xy, "edges": under.edges + over.edges,
            "edge_colors": (under.edge_colors or []) + (over.edge_colors or []),
            "node_colors": (under.node_colors or []) + (over.node_colors or [])})
    return Fitted(layer, old.ids + new.ids)


def seams(fitted: Iterable[list[Fitted]], settings: VideoSettings) -> Iterator[Fitted]:
    """The clip's frames from its chunks' (in order), each overlap faded from one chunk into the next."""
    length, overlap = settings.chunk, settings.overlap
    tail: list[Fitted] = []
    for frames in fitted:
        for k, frame in enumerate(frames[:length]):
            yield blend(tail[k], frame, (k + 1) / (overlap + 1)) if k < len(tail) else frame
        tail = frames[length:]
    yield from tail  # the clip ended within the last chunk's overlap
