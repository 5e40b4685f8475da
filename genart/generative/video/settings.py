"""What a coherent video fit needs: the keyframes' method and settings, and the per-frame refit's budget."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genart.generative.methods.base import Workers
from genart.generative.methods.gng import GNGSettings
from genart.generative.methods.gradient import GradientSettings
from genart.generative.methods.hillclimb import HillclimbSettings

KeyframeSettings = HillclimbSettings | GradientSettings | GNGSettings
MODELS: dict[str, type[KeyframeSettings]] = {"hillclimb": HillclimbSettings, "gradient": GradientSettings,
                                             "gng": GNGSettings}
MAX_CHUNK = 10_000  # frames between keyframes


class VideoSettings(BaseModel):
    """A coherent fit of a clip (see `genart.generative.video.fit`).

    `keyframe` holds the settings of the method that fits each keyframe as a picture (a dict
    is read as that method's settings; its seed is replaced by the video's, per chunk).

    Examples
    --------
    >>> VideoSettings(method="gradient", keyframe={"shapes": 30}).keyframe.shapes
    30
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["hillclimb", "gradient", "gng"] = Field(
        default="hillclimb", description="how keyframes are fitted: hillclimb (then refined), gradient (soft "
                                         "circles) or gng (line art)")
    keyframe: Any = Field(default=None, description="the method's settings for each keyframe (default its own)")
    steps: int = Field(default=40, ge=1, le=10_000, description="gradient steps refitting each frame's shapes")
    keyframe_steps: int = Field(default=150, ge=0, le=100_000,
                                description="gradient steps refining a keyframe after its method's fit")
    batch_pixels: int = Field(default=4096, ge=64, le=2**24, description="pixels sampled in each gradient step "
                                                                        "(all of a frame that has fewer)")
    temporal: float = Field(default=0.1, ge=0.0, le=1_000.0, allow_inf_nan=False,
                            description="weight of the temporal term: the cost of moving or recolouring a shape "
                                        "where the picture under it does not change")
    turnover: float = Field(default=0.05, ge=0.0, le=1.0, description="most share of the shapes that die (and "
                                                                        "are born again) in a frame")
    death: float = Field(default=0.05, ge=0.0, le=1.0, description="a shape dies when removing it costs less "
                                                                  "than this share of the median shape's worth")
    gng_epochs: int = Field(default=1, ge=1, le=1_000, description="passes over each next frame's points (gng)")
    chunk: int = Field(default=24, ge=1, le=MAX_CHUNK, description="frames from one keyframe to the next")
    overlap: int = Field(default=3, ge=0, le=MAX_CHUNK, description="frames where a chunk fades into the next")
    workers: Workers = Field(default=None, description="parallel chunks (default: all cores); no effect on the "
                                                       "result")

    @model_validator(mode="after")
    def _keyframe_model(self) -> VideoSettings:
        model = MODELS[self.method]
        given = self.keyframe
        if not isinstance(given, model):
            fields = given.model_dump() if isinstance(given, BaseModel) else dict(given or {})
            object.__setattr__(self, "keyframe", model(**fields))
        if self.overlap >= self.chunk:
            raise ValueError(f"overlap ({self.overlap}) must be shorter than a chunk ({self.chunk} frames)")
        return self

    @property
    def resize(self) -> int | None:
        """The working size: the keyframe method's longer side in pixels (None: the frames' own)."""
        return int(self.keyframe.resize) or None
