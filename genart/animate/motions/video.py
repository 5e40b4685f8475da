"""Video: a clip's shapes (`genart evolve clip.mp4`) played back as fitted, frame by frame.

Frame i of the clip shows at i / fps of the motion (at the clip's own rate the movie has the
clip's frame count); between fitted frames, at another `--fps` or a `duration` other than the
clip's, each shape moves linearly between its keys (`genart.render.video`). The easing maps
the motion's time onto the clip's (linear: as filmed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from genart.animate.frame import Frame, SceneLayers, Shapes
from genart.animate.timeline import Clip
from genart.errors import UserError
from genart.render.scene import Canvas, Scene
from genart.render.video import TrackTable, VideoTracks, graph_at, layers_at


class NoClipError(UserError):
    """The scene holds no clip to play."""


def clip_length(video: VideoTracks) -> float:
    """Seconds from the clip's first frame to its last at its own rate.

    Examples
    --------
    >>> clip_length(VideoTracks(fps=10, frames=21))
    2.0
    """
    return (video.frames - 1) / video.fps


@dataclass(eq=False, kw_only=True)
class VideoPlayback(Clip):
    """The video clip; build it with `video(scene, ...)`."""

    canvas: Canvas
    video: VideoTracks
    table: TrackTable = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.table = TrackTable(self.video)

    def position(self, u: float) -> float:
        """The clip's frame position at linear progress `u`."""
        return float(self.ease(u)) * (self.video.frames - 1)

    def at(self, u: float) -> Frame:
        f = self.position(u)
        p = self.table.packed_at(f)
        items: tuple[Shapes | SceneLayers, ...] = (Shapes(p.kinds, p.points, p.counts, p.params, p.colors),)
        graph = graph_at(self.video, f)
        if graph is not None:
            items += (SceneLayers(self.canvas, (graph,)),)
        return Frame(canvas=self.canvas, items=items)


def at_frame(scene: Scene, index: int) -> Scene:
    """`scene` drawing its clip's frame `index` as its layers (what the other motions play).

    Examples
    --------
    >>> at_frame(Scene(canvas={"width": 4, "height": 4}), 0)
    Traceback (most recent call last):
    ...
    genart.animate.motions.video.NoClipError: this scene holds no clip (its frames come from genart evolve clip.mp4)
    """
    if scene.video is None:
        raise NoClipError("this scene holds no clip (its frames come from genart evolve clip.mp4)")
    if not 0 <= index < scene.video.frames:
        raise NoClipError(f"frame {index} is not in the clip's {scene.video.frames} frames (0 to {scene.video.frames - 1})")
    return scene.model_copy(update={"layers": layers_at(scene.video, float(index))})


def video(scene: Scene, *, duration: float | None = None, start: float = 0.0, hold: float = 0.0,
          easing: str = "linear") -> VideoPlayback:
    """Play `scene`'s clip; `duration` defaults to the clip's own length (`clip_length`)."""
    if scene.video is None:
        raise NoClipError("this scene holds no clip to play (make one with genart evolve clip.mp4)")
    length = clip_length(scene.video) if duration is None else duration
    return VideoPlayback(duration=length, start=start, hold=hold, easing=easing, canvas=scene.canvas,
                         video=scene.video)
