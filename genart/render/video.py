"""A scene's clip form: shapes (or a graph) fitted to a video, frame by frame, stored compactly.

A scene made from a video (`genart evolve clip.mp4`) holds, besides its `layers` (the drawing
of the clip's first frame, so every still renderer and motion works on it), a `video` record:

- `fps` and `frames`: the source's frame rate and how many frames were fitted, and `start`: the
  time in the source of the first (where its sound starts, `genart animate --audio`);
- `tracks`: one `ShapeTrack` per shape, in draw order, back to front. A track has the shape's
  stable `id` and its `keys`: frame indices, increasing, each with the shape's record there.
  A shape is born at its first key and shows until the frame after its last (it dies then);
  between two keys it moves linearly (its points, parameters and colour), so a frame where a
  shape holds still, or moves on the line between its neighbours, is not stored;
- `graphs`: for a Growing Neural Gas, `GraphKey`s (a frame and the graph there, nodes by id);
  between keys the nodes in both move linearly, the edges are the earlier key's.

Limits: at most `MAX_CLIP_FRAMES` frames; the scene's element limit
(`scene.max_elements()`) counts every key of a track as a shape (`scene.SHAPE_ELEMENTS`
elements), and every graph key as one element plus its graph's nodes and edges.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from genart.render.drawables import Packed, Shape, pack, unpack
from genart.render.fields import Model
from genart.render.layers import GraphLayer, Layer, ShapesLayer

MAX_CLIP_FRAMES = 108_000  # an hour at 30 fps
MAX_CLIP_FPS = 240.0
STRIDE = float(MAX_CLIP_FRAMES + 2)  # track index × STRIDE + frame orders all keys by track, then frame
FrameIndex = Annotated[int, Field(ge=0, lt=MAX_CLIP_FRAMES)]


class ShapeTrack(Model):
    """One shape through the clip: its id and its record at each key frame (see the module docstring)."""

    id: Annotated[int, Field(ge=0)]
    keys: list[FrameIndex] = Field(min_length=1)
    shapes: list[Shape] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ShapeTrack:
        if len(self.keys) != len(self.shapes):
            raise ValueError(f"keys has {len(self.keys)} entries but shapes has {len(self.shapes)}")
        if any(b <= a for a, b in zip(self.keys, self.keys[1:])):
            raise ValueError("keys must increase")
        first = self.shapes[0]
        for shape in self.shapes[1:]:
            if shape.kind != first.kind or len(getattr(shape, "points", ())) != len(getattr(first, "points", ())):
                raise ValueError("a track's shapes must all be of one kind and point count")
        return self


class GraphKey(Model):
    """The graph at one frame."""

    frame: FrameIndex
    graph: GraphLayer


class VideoTracks(Model):
    """A scene's clip: its rate, frame count, and shape tracks or graph keys (see the module docstring)."""

    fps: Annotated[float, Field(gt=0.0, le=MAX_CLIP_FPS, allow_inf_nan=False)]
    frames: Annotated[int, Field(ge=1, le=MAX_CLIP_FRAMES)]
    start: Annotated[float, Field(ge=0.0, le=1e7, allow_inf_nan=False)] = 0.0  # seconds into the source of frame 0
    tracks: list[ShapeTrack] = Field(default_factory=list)
    graphs: list[GraphKey] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> VideoTracks:
        ids = [track.id for track in self.tracks]
        if len(set(ids)) != len(ids):
            raise ValueError("track ids are not unique")
        if any(track.keys[-1] >= self.frames for track in self.tracks):
            raise ValueError(f"a track has a key past the clip's {self.frames} frames")
        frames = [key.frame for key in self.graphs]
        if any(b <= a for a, b in zip(frames, frames[1:])) or any(f >= self.frames for f in frames):
            raise ValueError(f"graph keys must increase and stay within the clip's {self.frames} frames")
        return self

    @property
    def duration(self) -> float:
        """Seconds the clip lasts: its frames at its rate."""
        return self.frames / self.fps


def frame_position(video: VideoTracks, t: float) -> float:
    """The (fractional) frame shown at `t` seconds: t · fps, within the clip's frames.

    Examples
    --------
    >>> frame_position(VideoTracks(fps=10, frames=5), 0.25), frame_position(VideoTracks(fps=10, frames=5), 9.0)
    (2.5, 4.0)
    """
    return min(max(t * video.fps, 0.0), float(video.frames - 1))


class TrackTable:
    """A clip's tracks packed once (every key of every track, `genart.render.drawables.Packed`) and drawn at any
    frame position by a few vectorized steps: `packed_at(f)` gives the shapes showing at frame position f."""

    def __init__(self, video: VideoTracks) -> None:
        self.video = video
        shapes = [shape for track in video.tracks for shape in track.shapes]
        self.keys = pack(shapes) if shapes else None
        lengths = np.array([len(track.keys) for track in video.tracks], np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.frames = np.array([k for track in video.tracks for k in track.keys], np.float64)
        self.born = self.frames[self.offsets[:-1]] if len(lengths) else np.zeros(0)
        self.dies = self.frames[self.offsets[1:] - 1] + 1.0 if len(lengths) else np.zeros(0)
        self.ordered = np.repeat(np.arange(len(lengths)), lengths) * STRIDE + self.frames  # sorted: by track, frame

    def packed_at(self, f: float) -> Packed:
        """The shapes showing at frame position `f` (draw order), each between its keys as the module says."""
        if self.keys is None:
            return pack([])
        showing = np.flatnonzero((self.born <= f) & (f < self.dies))
        hi = self.offsets[showing + 1] - 1
        before = np.searchsorted(self.ordered, showing * STRIDE + f, side="right") - 1  # each one's key at or before f
        after = np.minimum(before + 1, hi)
        span = self.frames[after] - self.frames[before]
        w = np.where(span > 0, (f - self.frames[before]) / np.where(span > 0, span, 1.0), 0.0)
        keys = self.keys

        def mix(values: np.ndarray) -> np.ndarray:
            shape = (-1,) + (1,) * (values.ndim - 1)
            return values[before] + (values[after] - values[before]) * w.reshape(shape)

        return Packed(keys.kinds[before], mix(keys.points), keys.counts[before], mix(keys.params), mix(keys.colors))


def graph_at(video: VideoTracks, f: float) -> GraphLayer | None:
    """The graph at frame position `f`: the last key at or before it, its nodes moved linearly towards the next
    key's where they are in both (None: the clip holds no graph keys)."""
    if not video.graphs:
        return None
    frames = [key.frame for key in video.graphs]
    j = max(0, int(np.searchsorted(frames, f, side="right")) - 1)
    now = video.graphs[j].graph
    if j + 1 >= len(frames) or f <= frames[j]:
        return now
    w = (f - frames[j]) / (frames[j + 1] - frames[j])
    later = dict(zip(video.graphs[j + 1].graph.ids, video.graphs[j + 1].graph.xy))
    xy = [(x + (later[i][0] - x) * w, y + (later[i][1] - y) * w) if i in later else (x, y)
          for i, (x, y) in zip(now.ids, now.xy)]
    return now.model_copy(update={"xy": xy})


def layers_at(video: VideoTracks, f: float, table: TrackTable | None = None) -> list[Layer]:
    """The clip's drawing at frame position `f` as scene layers (a shapes layer, a graph layer)."""
    out: list[Layer] = []
    if video.tracks:
        packed = (table or TrackTable(video)).packed_at(f)
        out.append(ShapesLayer(shapes=unpack(packed)))
    graph = graph_at(video, f)
    if graph is not None:
        out.append(graph)
    return out

