"""The motions: scenes turned into clips, and the registry every caller builds them from.

Each motion is a module with a builder (`builder(scene, **settings) -> Clip`) and one
`Motion` record below: its name, one-line help, settings model (pydantic, the options
and their ranges, reused by the command line and scripts), and what a scene must
contain to play it. `build_clip` checks the scene and calls the builder; the settings
every motion shares (CLIP_OPTIONS: `loop`) are applied by `build_clip` on the timeline,
not by the builders.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from genart.animate.easing import get_easing
from genart.animate.motions.flyin import flyin
from genart.animate.motions.growth import growth
from genart.animate.motions.mosaic_zoom import mosaic_zoom
from genart.animate.motions.timelapse import timelapse
from genart.animate.motions.video import video
from genart.animate.timeline import Clip, Loop, Playable
from genart.render.cairo import TileSource
from genart.render.scene import GraphLayer, MosaicLayer, Scene, ShapesLayer

MAX_SECONDS = 3600.0
MAX_FRAMES = 108_000  # an hour at 30 fps: a longer movie is refused before its first frame
CONTEXT = ("fps", "tiles")  # builder parameters given by the caller, not by the settings
CLIP_OPTIONS = ("loop",)  # settings applied by build_clip to the builder's clip


def _known_easing(name: str) -> str:
    get_easing(name)
    return name


def _target_form(text: str) -> str:
    if not re.fullmatch(r"\s*(\d+\s*,\s*\d+|tile:\d+)\s*", text):
        raise ValueError("must be ROW,COL or tile:ID")
    return text


Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
EasingName = Annotated[str, AfterValidator(_known_easing)]
Seed = Annotated[int, Field(ge=0, le=2**63 - 1, description="seed of every random choice")]


def _duration(default: float | None, note: str = "") -> Any:
    return Field(default, gt=0.0, le=MAX_SECONDS, allow_inf_nan=False, description="seconds of motion" + note)


def _start(default: float) -> Any:
    return Field(default, ge=0.0, le=MAX_SECONDS, allow_inf_nan=False,
                 description="seconds the first state shows before the motion")


def _easing(default: str) -> Any:
    return Field(default, description="rate function: linear, smooth, ease_in_out_cubic, ease_out_back, ... "
                                      "(manim/Penner names)")


class MotionSettings(BaseModel):
    """Timing every motion takes; each motion's model adds its `duration`, `easing` and own options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: float = _start(0.0)
    hold: float = Field(1.0, ge=0.0, le=MAX_SECONDS, allow_inf_nan=False, description="seconds the last state is held")
    loop: bool = Field(False, description="play forward then back (flyin: fly in, hold, fly out; timelapse: "
                                          "ping-pong), twice as long, as a seamless loop")


class FlyinSettings(MotionSettings):
    """Fly-in: every shape flies along its own curve to its place."""

    duration: float = _duration(6.0)
    easing: EasingName = _easing("smooth")
    order: Literal["optimization", "size", "color", "distance", "random"] = Field(
        "optimization", description="which shapes start first: the optimizer's order, largest, by hue, "
                                    "from the centre out, or random")
    lag_ratio: Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)] | None = Field(
        None, description="stagger between shapes, as a fraction of one flight; unset: each shape flies "
                          "`flight` of the duration")
    flight: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = Field(
        0.25, description="fraction of the duration each shape flies")
    start_scale: Annotated[float, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = Field(
        0.3, description="size of a shape when it sets off, relative to its final size")
    spin: Annotated[float, Field(ge=0.0, le=3600.0, allow_inf_nan=False)] = Field(
        90.0, description="largest turn in degrees a shape unspins on its way")
    fade: Fraction = Field(0.4, description="fraction of its flight over which a shape fades in")
    seed: Seed = 0


class GrowthSettings(MotionSettings):
    """Growth: a Growing Neural Gas played back from its snapshots."""

    duration: float = _duration(8.0)
    easing: EasingName = _easing("linear")


class MosaicZoomSettings(MotionSettings):
    """Mosaic zoom: from one tile filling the frame out to the whole mosaic."""

    duration: float = _duration(6.0)
    easing: EasingName = _easing("smooth")
    start: float = _start(0.5)
    target: Annotated[str, AfterValidator(_target_form)] | None = Field(
        None, description="cell to zoom from: ROW,COL (0-based, from the top left) or tile:ID (the first cell "
                           "showing that photo); unset: a seeded random cell of the middle half")
    reverse: bool = Field(False, description="zoom in from the whole mosaic to one tile")
    seed: Seed = 0


class TimelapseSettings(MotionSettings):
    """Time-lapse: the optimization replayed from the scene's snapshots."""

    duration: float | None = _duration(None, "; unset: one frame per kept state at the frame rate, 2–20 s")
    easing: EasingName = _easing("linear")
    drop_rate: Annotated[float, Field(ge=0.0, le=50.0, allow_inf_nan=False)] = Field(
        0.0, description="keep states ever more sparsely toward the end; at the end one in e^rate (0: keep all)")


class VideoSettings(MotionSettings):
    """Video: a clip's shapes played back frame by frame (`genart evolve clip.mp4`)."""

    duration: float | None = _duration(None, "; unset: the clip's own length, so at its frame rate the movie "
                                             "has its frame count")
    easing: EasingName = _easing("linear")
    hold: float = Field(0.0, ge=0.0, le=MAX_SECONDS, allow_inf_nan=False, description="seconds the last frame is held")


@dataclass(frozen=True)
class Requirement:
    """Something a scene must contain to play a motion."""

    what: str  # "a graph layer"
    lack: str  # "no graph layer"
    present: Callable[[Scene], bool]


SHAPES = Requirement("shapes", "no shapes",
                     lambda s: any(isinstance(layer, ShapesLayer) and layer.shapes for layer in s.layers))
GRAPH = Requirement("a graph layer", "no graph layer", lambda s: any(isinstance(layer, GraphLayer) for layer in s.layers))
MOSAIC = Requirement("a mosaic layer", "no mosaic layer",
                     lambda s: any(isinstance(layer, MosaicLayer) for layer in s.layers))
CLIP = Requirement("a clip (a scene of genart evolve clip.mp4)", "no clip", lambda s: s.video is not None)
SNAPSHOTS = Requirement("snapshots", "no snapshots", lambda s: bool(s.snapshots))


@dataclass(frozen=True)
class Motion:
    """One registered motion: how to build it, its settings, and what its scene needs."""

    name: str
    help: str
    builder: Callable[..., Clip]
    settings: type[MotionSettings]
    requires: tuple[Requirement, ...]

    @property
    def default_easing(self) -> str:
        return str(self.settings.model_fields["easing"].default)

    @property
    def default_duration(self) -> float | None:
        """Seconds of motion by default; None where the builder chooses (timelapse)."""
        return self.settings.model_fields["duration"].default

    @property
    def uses_tiles(self) -> bool:
        """Whether the builder draws mosaic tiles (so a caller should open the collection)."""
        return "tiles" in inspect.signature(self.builder).parameters

    def check(self, scene: Scene) -> None:
        """Raise a one-line ValueError if `scene` lacks something this motion needs."""
        for need in self.requires:
            if not need.present(scene):
                needs = " and ".join(n.what for n in self.requires)
                raise ValueError(f"{self.name} needs {needs}, but this scene has {need.lack}")


MOTIONS: dict[str, Motion] = {m.name: m for m in (
    Motion("flyin", "the shapes fly in to their places", flyin, FlyinSettings, (SHAPES,)),
    Motion("growth", "a Growing Neural Gas grows, snapshot by snapshot", growth, GrowthSettings, (GRAPH, SNAPSHOTS)),
    Motion("mosaic_zoom", "zoom out from one tile to the whole mosaic", mosaic_zoom, MosaicZoomSettings, (MOSAIC,)),
    Motion("timelapse", "the optimization replayed from the snapshots", timelapse, TimelapseSettings, (SNAPSHOTS,)),
    Motion("video", "a clip's shapes played back as fitted, frame by frame", video, VideoSettings, (CLIP,)),
)}


def get_motion(name: str) -> Motion:
    """The motion called `name`; an unknown name raises ValueError listing the known ones."""
    try:
        return MOTIONS[name]
    except KeyError:
        raise ValueError(f"unknown motion {name!r} (known: {', '.join(MOTIONS)})") from None


def motion_of(settings: MotionSettings) -> Motion:
    """The motion whose settings model `settings` is."""
    found = next((m for m in MOTIONS.values() if type(settings) is m.settings), None)
    if found is None:
        raise TypeError(f"{type(settings).__name__} is not the settings model of a registered motion")
    return found


def build_clip(scene: Scene, settings: MotionSettings, fps: float, tiles: TileSource | None = None) -> Playable:
    """The clip of `settings`' motion on `scene` (checked against its requirements) at `fps`,
    mosaic tiles from `tiles` (None: flat cell colours); a `Loop` of it with `loop`. More than MAX_FRAMES
    frames is a ValueError."""
    motion = motion_of(settings)
    motion.check(scene)
    takes = inspect.signature(motion.builder).parameters
    context = {k: v for k, v in zip(CONTEXT, (fps, tiles)) if k in takes}
    options = {k: v for k, v in dict(settings).items() if k not in CLIP_OPTIONS}
    clip = motion.builder(scene, **options, **context)
    playable = Loop(clip) if settings.loop else clip
    frames = playable.length * fps
    if frames > MAX_FRAMES:
        raise ValueError(f"{playable.length:g} s at {fps:g} fps is {frames:.0f} frames, more than {MAX_FRAMES}: "
                         "shorten the duration, start or hold, or lower the frame rate")
    return playable
