"""Fitted frames → a scene's clip form (`genart.render.video`), and the drawing at any time of it.

A video fit (`genart.generative.video.fit.fit_video`) yields one `FrameFit` per frame: the
frame's index, its layer (a shapes layer, or a GNG graph layer) and the stable id of each of
its shapes (a graph's node ids are its own). `clip_scene` gathers them into per-shape tracks,
keeping a frame's record only where the shape changes (where it holds still only the first and
last frames of the still stretch are kept, which linear playback between keys reproduces
exactly); `frame_layers` gives the drawing at time t, between fitted frames by interpolation.

The ids of a frame's shapes must keep the draw order of the earlier frames (a shape may be born
anywhere in it, and may die): a fit that reorders living shapes cannot be stored as tracks, and
is a ValueError. An id that dies stays dead (a new shape takes a new id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from genart.render import scene as S
from genart.render.layers import GraphLayer, Layer, ShapesLayer
from genart.render.video import GraphKey, ShapeTrack, VideoTracks, frame_position, layers_at


@dataclass(frozen=True)
class FrameFit:
    """One fitted frame: its index in the clip (0, 1, ...), its drawing, and the stable id of each of the layer's
    shapes (in layer order) or of its GNG nodes (then the graph's own `ids`)."""

    index: int
    layer: ShapesLayer | GraphLayer
    ids: tuple[int, ...]


def kept_keys(values: Sequence[Any]) -> list[int]:
    """Indices of the values to key so linear playback between them gives every value back, of a run with no
    gaps: the first and last, and each that differs from the one before or after it.

    Examples
    --------
    >>> kept_keys(["a", "a", "a", "b", "b", "c"])
    [0, 2, 3, 4, 5]
    """
    last = len(values) - 1
    return [i for i in range(len(values))
            if i in (0, last) or values[i] != values[i - 1] or values[i] != values[i + 1]]


@dataclass
class _Track:
    first: int
    shapes: list[Any] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.first + len(self.shapes) - 1


@dataclass
class _Gatherer:
    """Fits gathered frame by frame: each id's run of records, and the draw order of all ids."""

    runs: dict[int, _Track] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    graphs: list[GraphLayer] = field(default_factory=list)
    frames: int = 0

    def add(self, fit: FrameFit) -> None:
        if fit.index != self.frames:
            raise ValueError(f"frame fits must come in order: expected frame {self.frames}, got {fit.index}")
        self.frames += 1
        if isinstance(fit.layer, GraphLayer):
            self.graphs.append(fit.layer)
            return
        if len(fit.ids) != len(fit.layer.shapes) or len(set(fit.ids)) != len(fit.ids):
            raise ValueError(f"frame {fit.index}: {len(fit.ids)} ids for {len(fit.layer.shapes)} shapes, or repeated")
        self._place(fit.index, fit.ids)
        for shape_id, shape in zip(fit.ids, fit.layer.shapes):
            run = self.runs.setdefault(shape_id, _Track(fit.index))
            if run.last != fit.index - 1 and run.shapes:
                raise ValueError(f"frame {fit.index}: shape id {shape_id} is back after it died")
            run.shapes.append(shape)

    def _place(self, index: int, ids: tuple[int, ...]) -> None:
        """Merge a frame's id order into the draw order (a new id goes right after the id before it)."""
        where = {shape_id: i for i, shape_id in enumerate(self.order)}
        cursor = -1
        for shape_id in ids:
            at = where.get(shape_id)
            if at is None:
                self.order.insert(cursor + 1, shape_id)
                where = {s: i for i, s in enumerate(self.order)}
                at = cursor + 1
            elif at < cursor:
                raise ValueError(f"frame {index}: shape id {shape_id} moved behind a shape it was drawn over")
            cursor = at

    def tracks(self) -> list[ShapeTrack]:
        out = []
        for shape_id in self.order:
            run = self.runs[shape_id]
            keep = kept_keys(run.shapes)
            out.append(ShapeTrack(id=shape_id, keys=[run.first + i for i in keep], shapes=[run.shapes[i] for i in keep]))
        return out

    def graph_keys(self) -> list[GraphKey]:
        return [GraphKey(frame=i, graph=self.graphs[i]) for i in kept_keys(self.graphs)]


def clip_scene(canvas: S.Canvas, source: S.Source | None, fps: float, fits: Iterable[FrameFit],
               start: float = 0.0) -> S.Scene:
    """The scene of a fitted clip: its `video` tracks (`genart.render.video`), and its first frame as `layers`;
    `start` is where in the source its first frame is (seconds).

    Examples
    --------
    >>> from genart.render.scene import Circle
    >>> dot = lambda x: ShapesLayer(shapes=[Circle(cx=x, cy=5, r=2, color=(0, 0, 0, 1))])
    >>> fits = [FrameFit(0, dot(1), (7,)), FrameFit(1, dot(1), (7,)), FrameFit(2, dot(3), (7,))]
    >>> scene = clip_scene(S.Canvas(width=10, height=10), None, 24.0, fits)
    >>> scene.video.frames, scene.video.tracks[0].keys
    (3, [0, 1, 2])
    >>> frame_layers(scene, 1.5 / 24)[0].shapes[0].cx
    2.0
    """
    gathered = _Gatherer()
    for fit in fits:
        gathered.add(fit)
    if gathered.frames == 0:
        raise ValueError("no frames were fitted")
    video = VideoTracks(fps=fps, frames=gathered.frames, start=start, tracks=gathered.tracks(), graphs=gathered.graph_keys())
    first: list[Layer] = layers_at(video, 0.0)
    return S.Scene(canvas=canvas, source=source, layers=first, video=video,
                   meta={"frames": gathered.frames, "fps": fps})


def frame_layers(scene: S.Scene, t: float) -> list[Layer]:
    """The drawing of `scene` at `t` seconds: its clip's (interpolated between fitted frames; see
    `genart.render.video`), or its layers for a scene without a clip."""
    if scene.video is None:
        return list(scene.layers)
    return layers_at(scene.video, frame_position(scene.video, t))
