"""The script format as pydantic models, built from the method and motion registries.

A scene entry is its method's own settings model plus the script's keys (`method`,
`from`, and `refine_seconds` for methods that draw shapes; `photos` in place of
`collection` for methods that tile a photo collection; a file setting such as `weights`
names a picture input, so every file a script reads is one of its inputs); a shot is its motion's settings
model plus `motion` and `scene`; an export is a shot plus `out`, `fps` and the export
formats' options (or `out` and `shot`, a shot of the movie as it plays there). So a script
is validated by exactly the models the command line uses, and `json_schema()` (published as
genart/script/schema.json) follows the registries.

No key names a program to run or a place to connect: those come from the person running
genart (`PROGRAM_KEYS` says from where, and a script that gives one is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Union, cast

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, create_model, field_validator
from pydantic.json_schema import SkipJsonSchema

from genart.animate.export.formats import FORMATS, MAX_WIDTH
from genart.animate.motions import MAX_SECONDS, MOTIONS, Motion
from genart.generative.methods import METHODS, Method
from genart.plot.settings import PlotSettings

FORMAT = 1
MAX_SIDE = 7680  # movie frames, as `genart animate`
MAX_POSTER_WIDTH = 20_000
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", max_length=64)]
HiddenPath = SkipJsonSchema[Optional[Path]]  # noqa: UP045  (a settings field the script fills in)
SCRIPT_SUPPLIED = {"collection": "photos"}  # settings the script fills from another key
INPUT_NAMED = ("weights",)  # file settings a script gives by the name of one of its picture inputs
NOT_IN_KEY = ("workers",)  # settings that do not change a result (left out of cache keys)
PROGRAM_KEYS = {  # keys a script may not hold, anywhere: what they would choose is the user's, and where it comes from
    "blender": "the Blender that builds a .blend is the user's to choose: genart run --blender CMD, or $GENART_BLENDER",
    "scheduler": "where work runs is the user's to choose: genart run --scheduler, or $GENART_SCHEDULER",
}
SCRIPT_FORMATS = ", ".join(f"{f.suffix} {f.name}" for f in FORMATS.values() if not f.asked_by)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhotosInput(Strict):
    """A folder of photos, indexed into a tile collection (cached) for mosaics."""

    photos: str = Field(description="folder of photos, relative to the script")


def _literal(word: str) -> Any:
    """The type `Literal[word]`, for a word known at run time."""
    return cast(Any, Literal)[word]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class NumbersAsText(BaseModel):
    """Lets a script write `grid: 80` for a text setting (YAML reads 80 as a number)."""

    model_config = ConfigDict(coerce_numbers_to_str=True)


def _scene_model(method: Method) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "method": (_literal(method.name), Field(description=method.help)),
        "from_": (Name, Field(alias="from", description="the picture input this scene is fitted to")),
    }
    if method.draws_shapes:
        fields["refine_seconds"] = (float | None, Field(None, gt=0.0, le=MAX_SECONDS, allow_inf_nan=False,
                                                        description="then refine all shapes jointly this many seconds"))
    for name in INPUT_NAMED:
        if name in method.settings.model_fields:
            fields[name] = (Name | None, Field(None, description="a picture input, by its name: " +
                                               str(method.settings.model_fields[name].description)))
    if "collection" in method.settings.model_fields:
        fields["photos"] = (Name, Field(description="the photo-folder input whose photos tile the mosaic"))
        fields["collection"] = (HiddenPath, Field(None, exclude=True))
    return create_model(f"{_camel(method.name)}Scene", __base__=(method.settings, NumbersAsText), __module__=__name__,
                        **fields)


def _shot_model(motion: Motion) -> type[BaseModel]:
    return create_model(f"{_camel(motion.name)}Shot", __base__=motion.settings, __module__=__name__,
                        motion=(_literal(motion.name), Field(description=motion.help)),
                        scene=(Name, Field(description="the scene this shot plays")))


def _out_field() -> Any:
    return Field(description=f"output file, relative to the script; its suffix picks the format: {SCRIPT_FORMATS}")


def _fps_field(default: float | None) -> Any:
    said = "default 30" if default is not None else "default: the movie's"
    return Field(default, gt=0.0, le=120.0, allow_inf_nan=False, description=f"frames per second ({said})")


def _width_field() -> Any:
    return Field(None, gt=0.0, le=MAX_WIDTH, allow_inf_nan=False,
                 description="SVG: displayed width (default: the canvas width)")


def _export_model(motion: Motion) -> type[BaseModel]:
    return create_model(f"{_camel(motion.name)}Export", __base__=motion.settings, __module__=__name__,
                        out=(str, _out_field()),
                        motion=(_literal(motion.name), Field(description=motion.help)),
                        scene=(Name, Field(description="the scene it moves")),
                        fps=(float, _fps_field(30.0)), width=(float | None, _width_field()))


SCENE_MODELS: dict[str, type[BaseModel]] = {name: _scene_model(m) for name, m in METHODS.items()}
SHOT_MODELS: dict[str, type[BaseModel]] = {name: _shot_model(m) for name, m in MOTIONS.items()}
EXPORT_MODELS: dict[str, type[BaseModel]] = {name: _export_model(m) for name, m in MOTIONS.items()}


class ShotExport(Strict):
    """A shot of the movie, exported as it plays there (its motion and settings)."""

    out: str = _out_field()
    shot: int = Field(ge=1, le=10_000, description="the shot, counted from 1 as the run's stages are (shot 1, shot "
                                                    "2, ...; transitions are not counted)")
    fps: float | None = _fps_field(None)
    width: float | None = _width_field()


class Transition(Strict):
    """A cross-fade from the end of the shot before to the start of the shot after."""

    transition: Literal["crossfade"] = Field(description="how the two shots blend")
    duration: float = Field(1.0, gt=0.0, le=60.0, allow_inf_nan=False, description="seconds")


def _shot_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return "transition" if "transition" in value else value.get("motion")
    return "transition" if isinstance(value, Transition) else getattr(value, "motion", None)


def _export_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return "shot" if "shot" in value else value.get("motion")
    return "shot" if isinstance(value, ShotExport) else getattr(value, "motion", None)


if TYPE_CHECKING:  # built from the registries at run time
    SceneEntry = Any
    Shot = Any
    Export = Any
else:
    SceneEntry = Annotated[Union[tuple(SCENE_MODELS.values())], Field(discriminator="method")]  # noqa: UP007
    Shot = Annotated[Union[tuple(Annotated[model, Tag(name)] for name, model in  # noqa: UP007
                                 (*SHOT_MODELS.items(), ("transition", Transition)))], Discriminator(_shot_tag)]
    Export = Annotated[Union[tuple(Annotated[model, Tag(name)] for name, model in  # noqa: UP007
                                   (*EXPORT_MODELS.items(), ("shot", ShotExport)))], Discriminator(_export_tag)]


class Poster(Strict):
    """One scene drawn to a file: PNG, SVG, PDF, or the scene file itself."""

    scene: Name = Field(description="the scene to draw")
    out: str = Field(description="output file, relative to the script: .png, .svg, .pdf or .scene.json")
    width: int | None = Field(None, ge=1, le=MAX_POSTER_WIDTH, description="width in pixels (default: the picture's)")


PLOT_SUFFIXES = {"out": (".svg",), "preview": (".png",), "hpgl": (".hpgl", ".plt")}  # a plot entry's files


@dataclass(frozen=True)
class PlotPaths:
    """The files a plot entry writes: its SVG, and its ink preview and HPGL where it asks for them."""

    svg: Path
    preview: Path | None = None
    hpgl: Path | None = None


class Plot(Strict):
    """One scene plotted for a pen plotter (`genart plot`): a stroke-only SVG, optionally its ink preview and HPGL.

    The plot's settings are `genart.plot.settings.PlotSettings`'s, by the same names, with its defaults."""

    scene: Name = Field(description="the scene to plot (shapes or a graph)")
    out: str = Field(description="the plot's SVG, relative to the script (.svg)")
    preview: str | None = Field(None, description="the ink preview, relative to the script (.png)")
    hpgl: str | None = Field(None, description="HPGL through vpype's writer, relative to the script (.hpgl or .plt)")
    device: str = Field("hp7475a", description="the HPGL's plotter, one of vpype's devices")
    paper: str = Field(PlotSettings.paper, description="paper size (A4, A3, letter, ...)")
    landscape: bool = Field(PlotSettings.landscape, description="paper turned landscape")
    margin_mm: float = Field(PlotSettings.margin_mm, description="margin around the picture, in mm")
    pen_mm: float = Field(PlotSettings.pen_mm, description="pen width in mm")
    spacing_mm: float = Field(PlotSettings.spacing_mm, description="spacing of the densest hatch, in mm")
    angles: list[float] = Field(list(PlotSettings.angles), min_length=1, max_length=1000,
                                description="hatch angle in degrees of each shapes layer (cycled)")
    turn: float = Field(PlotSettings.turn, description="degrees the hatch turns from one shape to the next")
    outlines: bool = Field(PlotSettings.outlines, description="also draw what shows of every shape's outline")
    pens: list[str] | int = Field(1, description="the pens' colours (#rrggbb or names), or how many to choose from "
                                                 "the scene's colours")
    speed_mm_s: float = Field(PlotSettings.speed_mm_s, description="pen speed for the time estimate, in mm/s")
    lift_seconds: float = Field(PlotSettings.lift_seconds, description="seconds a pen lift takes, for the estimate")

    def settings(self) -> PlotSettings:
        """The plot's settings, checked (a UserError names the first problem)."""
        return PlotSettings(paper=self.paper, landscape=self.landscape, margin_mm=self.margin_mm, pen_mm=self.pen_mm,
                            spacing_mm=self.spacing_mm, angles=tuple(self.angles), turn=self.turn,
                            outlines=self.outlines, pens=self.pens if isinstance(self.pens, int) else tuple(self.pens),
                            speed_mm_s=self.speed_mm_s, lift_seconds=self.lift_seconds)


class Movie(Strict):
    """The shots, one after another, as one MP4 or WebM, with an optional soundtrack."""

    out: str = Field(description="output file, relative to the script: .mp4 or .webm")
    size: str = Field("1280x720", description="WIDTHxHEIGHT in pixels, both even")
    fps: float = Field(30.0, gt=0.0, le=120.0, allow_inf_nan=False, description="frames per second")
    crf: int = Field(20, ge=0, le=51, description="MP4: H.264 constant rate factor, lower is better (WebM: VP9 at "
                                                  "genart animate's quality)")
    soundtrack: str | None = Field(None, description="audio file, relative to the script; trimmed to the movie")
    fade_out: float = Field(2.0, ge=0.0, le=60.0, allow_inf_nan=False, description="seconds the soundtrack fades out")
    shots: list[Shot] = Field(min_length=1, description="shots and transitions, in order")

    @field_validator("size")
    @classmethod
    def _size(cls, value: str) -> str:
        m = re.fullmatch(r"(\d+)x(\d+)", value)
        if m is None:
            raise ValueError(f"must be WIDTHxHEIGHT, e.g. 1280x720, got {value!r}")
        w, h = int(m[1]), int(m[2])
        if w % 2 or h % 2 or not (2 <= w <= MAX_SIDE and 2 <= h <= MAX_SIDE):
            raise ValueError(f"{value}: both sides must be even, from 2 to {MAX_SIDE} px")
        return value

    @property
    def frame_size(self) -> tuple[int, int]:
        w, _, h = self.size.partition("x")
        return int(w), int(h)


class Script(Strict):
    """A piece: its inputs, the scenes fitted to them, posters, a movie, and exports for other tools."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="genart script",
                              json_schema_extra={"$id": "https://genart.invalid/script.schema.json"})

    genart: Literal[1] = Field(description="script format version")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of every scene and motion that does not set its own")
    inputs: dict[Name, str | PhotosInput] = Field(
        default_factory=dict, description="named pictures (a file name) and photo folders ({photos: folder})")
    scenes: dict[Name, SceneEntry] = Field(default_factory=dict, description="named scenes, each a method's fit")
    posters: list[Poster] = Field(default_factory=list, description="scenes drawn to files")
    movie: Movie | None = Field(None, description="the movie")
    exports: list[Export] = Field(default_factory=list, description="motions handed to other tools: "
                                                                    f"{SCRIPT_FORMATS}")
    plots: list[Plot] = Field(default_factory=list, description="scenes plotted for a pen plotter")


def known_keys(path: tuple[str | int, ...], data: Any) -> list[str]:
    """The keys the mapping at `path` of the (unvalidated) `data` may hold, for "did you mean"."""
    def fields(model: type[BaseModel]) -> list[str]:
        return [f.alias or name for name, f in model.model_fields.items()
                if name not in SCRIPT_SUPPLIED and not (f.exclude)]

    node = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None if not isinstance(node, list) or \
            not isinstance(part, int) else node[part]
    kind = path[0] if path else None
    if not path:
        return fields(Script)
    if kind == "inputs" and len(path) == 2:
        return fields(PhotosInput)
    if kind == "scenes" and len(path) == 2 and isinstance(node, dict) and node.get("method") in SCENE_MODELS:
        return fields(SCENE_MODELS[node["method"]])
    if kind == "posters" and len(path) == 2:
        return fields(Poster)
    if kind == "plots" and len(path) == 2:
        return fields(Plot)
    if kind == "movie" and len(path) == 1:
        return fields(Movie)
    if kind == "movie" and len(path) == 4 and (tag := _shot_tag(node)) is not None:
        return fields(Transition if tag == "transition" else SHOT_MODELS.get(tag, Transition))
    if kind == "exports" and len(path) == 2 and (tag := _export_tag(node)) is not None:
        return fields(ShotExport if tag == "shot" else EXPORT_MODELS.get(tag, ShotExport))
    return []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scripts (what genart/script/schema.json holds)."""
    return Script.model_json_schema(by_alias=True)
