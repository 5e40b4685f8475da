"""Growing Neural Gas line art: a graph grown over a picture's dark pixels, drawn as lines."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from PIL import Image, ImageColor, ImageDraw
from pydantic import BaseModel, ConfigDict, Field, field_validator

from genart.generative.gng_params import (
    DecayRate,
    Distance,
    EdgeAge,
    Epochs,
    GNGParams,
    NodeCount,
    Seed,
    Share,
    Signals,
    StartNodes,
    WinnerStep,
)
from genart.generative.images import Picture
from genart.generative.methods.base import Method, MethodError, Seconds
from genart.render.scene import Meta, Scene, Source
from genart.runtime.interrupt import Interrupted
from genart.runtime.progress import SILENT, Count, Progress, Reporter

if TYPE_CHECKING:
    from genart.generative.gng import Graph
    from genart.generative.gng_scene import GraphStyle

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Pixels = Annotated[float, Field(ge=0.0, le=1_000.0, allow_inf_nan=False)]  # a size in working pixels
RGBA = tuple[Unit, Unit, Unit, Unit]
BLACK: RGBA = (0.0, 0.0, 0.0, 1.0)
WHITE: RGBA = (1.0, 1.0, 1.0, 1.0)
MAX_SNAPSHOTS = 10_000
LABEL = "gng"  # the progress bar's title


def _rgba(value: object) -> object:
    """A colour name, #rrggbb or #rrggbbaa as RGBA in [0, 1]; other values as they are."""
    if not isinstance(value, str):
        return value
    try:
        rgba = ImageColor.getrgb(value)
    except ValueError:
        raise ValueError(f"not a colour: {value!r} (use a name, #rrggbb or #rrggbbaa)") from None
    return tuple(c / 255.0 for c in (*rgba, 255)[:4])


def graph_picture(xy: np.ndarray, ids: np.ndarray, edges: np.ndarray, width: int, height: int) -> np.ndarray:
    """A graph's edges drawn one pixel wide, black on white, as an H×W×3 uint8 picture."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    rows = np.searchsorted(ids, edges)
    for a, b in rows:
        draw.line([tuple(xy[a]), tuple(xy[b])], fill="black")
    return np.asarray(image)


class GNGSettings(BaseModel):
    """Picture to points, the gas (the "Making Art with Growing Neural Gas" settings; neupy's
    names), and how the graph is drawn. Colours are RGBA in [0, 1] or names / #rrggbb[aa]."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    crop: str | None = Field(default=None, description="cut the picture first: Y0:Y1,X0:X1 (numpy-style rows, columns)")
    resize: int = Field(default=600, ge=0, le=16_384, description="working resolution: the (cut) picture's longer side is "
                        "brought down to this many pixels before it becomes points (0: full size)")
    max_points: int = Field(default=100_000, ge=0, le=10_000_000, description="most points, drawn with the seed (0: all)")
    seconds: Seconds = Field(default=None, description="time budget: stop after the first whole "
                                  "epoch that ends past it (same graph as --epochs set to the epochs run)")
    sigma: float = Field(default=0.6, ge=0.0, le=100.0, allow_inf_nan=False, description="gaussian blur in pixels")
    threshold: Literal["otsu", "local"] | float = Field(
        default="otsu", description="otsu, local (adaptive) or a grey level in [0, 1]: darker pixels become points")
    offset: float | None = Field(
        default=None, ge=-1.0, le=1.0, allow_inf_nan=False, description="added to the otsu or local level; larger keeps more pixels (default otsu 0.1, local -0.05)")
    block_size: int = Field(default=35, ge=3, le=1_001, description="neighbourhood of the local threshold in pixels (odd)")
    invert: bool = Field(default=False, description="keep light pixels instead of dark ones")
    max_nodes: NodeCount = Field(default=2400, le=50_000, description="most nodes of the graph")
    epochs: Epochs = Field(default=20, le=10_000, description="passes over the points")
    step: WinnerStep = Field(default=0.2, description="winner learning rate")
    neighbour_step: Share = Field(default=0.005, description="learning rate of the winner's neighbours")
    max_edge_age: EdgeAge = Field(default=50, le=1_000_000, description="signals an edge survives without being refreshed")
    n_start_nodes: StartNodes = Field(default=2, le=1_000, description="nodes at the start")
    n_iter_before_neuron_added: Signals = Field(default=100, le=1_000_000, description="signals between node insertions")
    after_split_error_decay_rate: Share = Field(default=0.5, description="error kept by split nodes")
    error_decay_rate: DecayRate = Field(default=0.995, description="error kept by every node after each signal")
    min_distance_for_update: Distance = Field(default=0.01, le=1_000_000.0, description="a winner this close to its signal does not move")
    shuffle: bool = Field(default=True, description="present the points in a new random order every epoch")
    seed: Seed = Field(default=0, description="random seed; same seed, same graph")
    snapshots: Literal["epoch", "none"] | int = Field(
        default="epoch", description="record the graph every epoch, never, or every K signals")
    edge_width: Pixels = Field(default=0.3, description="line width in working pixels (scaled with the picture)")
    edge_color: RGBA | Literal["source"] = Field(
        default=BLACK, description="line colour, or source: the picture's colour under each edge")
    node_radius: Pixels = Field(default=0.0, description="draw nodes as dots of this radius in working pixels "
                               "(0: no dots)")
    node_color: RGBA = Field(default=BLACK, description="colour of the node dots")
    background: RGBA = Field(default=WHITE, description="background colour")

    @field_validator("edge_color", "node_color", "background", mode="before")
    @classmethod
    def _color(cls, value: object) -> object:
        return value if value == "source" else _rgba(value)

    @field_validator("threshold")
    @classmethod
    def _grey_level(cls, value: str | float) -> str | float:
        if isinstance(value, float) and not 0.0 <= value <= 1.0:
            raise ValueError(f"a grey level must be in [0, 1], got {value}")
        return value

    @field_validator("snapshots")
    @classmethod
    def _positive(cls, value: str | int) -> str | int:
        if isinstance(value, int) and value < 1:
            raise ValueError(f"must be epoch, none or at least 1, got {value}")
        return value

    def gas(self) -> GNGParams:
        """The gas's settings: a frozen view of these, validated already (their ranges are GNGParams' own)."""
        return GNGParams.model_construct(**{name: getattr(self, name) for name in GNGParams.model_fields})

def fit(picture: Picture, settings: GNGSettings, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene:
    """Pick the points at the working resolution, grow the gas over them (counting epochs to `reporter`,
    and showing it the graph when it asks) and return the graph's scene, in the (cut) picture's pixels.

    Ctrl-C or SIGTERM raises `Interrupted` with the graph grown so far.
    """
    from genart.generative.gng import TrainingInterrupted, train
    from genart.generative.gng_scene import gng_scene

    params = settings.gas()
    cut, rgb, points = working_points(picture, settings)
    every = _snapshot_every(settings, len(points) * params.epochs)
    extra = _drawing_meta(settings, rgb)
    source = Source(name=picture.name, sha256=picture.sha256)
    size = (cut.shape[1], cut.shape[0])
    epochs = _EpochReporter(reporter, settings, points, rgb)
    try:
        result = train(points, params, snapshot_every=every, snapshot_epochs=settings.snapshots == "epoch",
                       on_epoch=epochs.epoch, seconds=settings.seconds)
    except TrainingInterrupted as stop:
        meta = {**extra, "interrupted": True}
        raise Interrupted(gng_scene(stop.result, points, rgb, params, graph_style(settings), source, meta, size)) from stop
    finally:
        epochs.end()
    return gng_scene(result, points, rgb, params, graph_style(settings), source, extra, size)


def working_points(picture: Picture, settings: GNGSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (cut) picture, the working picture and its points: the pixels that pass the threshold."""
    from genart.generative import points as pts

    try:
        cut = pts.crop(picture.rgb, *pts.parse_crop(settings.crop)) if settings.crop else picture.rgb
        rgb = pts.shrink(cut, settings.resize)
        mask = pts.binarize(pts.blurred_grey(rgb, settings.sigma), settings.threshold, settings.offset,
                            settings.block_size, settings.invert)
    except ValueError as exc:
        raise MethodError(str(exc)) from None
    points = pts.subsample(pts.mask_points(mask), settings.max_points, settings.seed)
    if len(points) == 0:
        raise MethodError(f"{picture.name}: no pixels pass the threshold, so there is nothing to draw "
                          f"(a uniform picture? else try {'without' if settings.invert else 'with'} invert, "
                          f"another threshold or offset)")
    return cut, rgb, points


def _snapshot_every(settings: GNGSettings, signals: int) -> int | None:
    """Signals between snapshots (None: by epoch or none), refused where it would record too many."""
    every = settings.snapshots if isinstance(settings.snapshots, int) else None
    if every is not None and signals // every > MAX_SNAPSHOTS:
        raise MethodError(f"snapshots every {every} signals would record more than {MAX_SNAPSHOTS} snapshots of "
                          f"{signals} signals; record fewer")
    return every


def graph_style(settings: GNGSettings) -> GraphStyle:
    """How the settings draw the graph: edge and node colours, widths and radii."""
    from genart.generative.gng_scene import GraphStyle

    from_image = isinstance(settings.edge_color, str)  # "source"
    return GraphStyle(edge_width=settings.edge_width,
                      edge_color=BLACK if isinstance(settings.edge_color, str) else settings.edge_color,
                      colors_from_image=from_image, node_radius=settings.node_radius, node_color=settings.node_color,
                      background=settings.background)


def _drawing_meta(settings: GNGSettings, rgb: np.ndarray) -> Meta:
    """How the picture became points, for the scene's meta."""
    from genart.generative import points as pts

    threshold = settings.threshold if isinstance(settings.threshold, str) else "manual"
    return {"crop": settings.crop, "sigma": settings.sigma, "threshold": threshold,
            "threshold_level": settings.threshold if threshold == "manual" else None,
            "threshold_offset": None if threshold == "manual" else
            settings.offset if settings.offset is not None else pts.DEFAULT_OFFSETS[threshold],
            "block_size": settings.block_size if threshold == "local" else None, "invert": settings.invert,
            "working_width": rgb.shape[1], "working_height": rgb.shape[0]}


class _EpochReporter:
    """Tells `reporter` of the run: a count per epoch, and the graph when it asks."""

    def __init__(self, reporter: Reporter, settings: GNGSettings, points: np.ndarray, rgb: np.ndarray) -> None:
        self.reporter, self.settings, self.points, self.rgb = reporter, settings, points, rgb
        self.started = time.perf_counter()
        self.done = 0
        self.note = ""
        reporter.count(Count(LABEL, 0, settings.epochs, "epoch"))

    def epoch(self, epoch: int, graph: Graph) -> None:
        """After each epoch: the count, and an event with the graph's picture if one is due."""
        from genart.generative.gng import mean_distance

        self.done, self.note = epoch, f"edges={len(graph.edges)}, nodes={len(graph.ids)}"
        self.reporter.count(Count(LABEL, epoch, self.settings.epochs, "epoch", self.note))
        if self.reporter.due():
            xy, ids, edges, (height, width) = graph.xy, graph.ids, graph.edges, self.rgb.shape[:2]
            self.reporter.report(Progress(
                "epochs", epoch, self.settings.epochs, "epoch", time.perf_counter() - self.started,
                mean_distance(self.points, graph), self.rgb, lambda: graph_picture(xy, ids, edges, width, height),
                self.settings.seconds, error_name="mean distance of the points to the graph (px)"))

    def end(self) -> None:
        """The run ended (finished, out of time or interrupted)."""
        self.reporter.count(Count(LABEL, self.done, self.settings.epochs, "epoch", self.note, final=True))


METHOD = Method(
    name="gng",
    help="Growing Neural Gas line art from a picture's dark pixels",
    settings=GNGSettings,
    fit=fit,
)
