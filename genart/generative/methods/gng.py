"""Growing Neural Gas line art: a graph grown over a picture's dark pixels, drawn as lines."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from PIL import Image, ImageColor, ImageDraw
from pydantic import BaseModel, ConfigDict, Field, field_validator

from genart.generative.images import Picture
from genart.generative.methods.base import Method, MethodError, Seconds
from genart.render.scene import Meta, Scene, Source
from genart.runtime.interrupt import Interrupted
from genart.runtime.progress import SILENT, Progress, Reporter

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Pixels = Annotated[float, Field(ge=0.0, le=1_000.0, allow_inf_nan=False)]  # a size in working pixels
RGBA = tuple[Unit, Unit, Unit, Unit]
BLACK: RGBA = (0.0, 0.0, 0.0, 1.0)
WHITE: RGBA = (1.0, 1.0, 1.0, 1.0)
MAX_SNAPSHOTS = 10_000


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
    max_nodes: int = Field(default=2400, ge=2, le=50_000, description="most nodes of the graph")
    epochs: int = Field(default=20, ge=1, le=10_000, description="passes over the points")
    step: float = Field(default=0.2, gt=0.0, le=1.0, description="winner learning rate")
    neighbour_step: float = Field(default=0.005, ge=0.0, le=1.0, description="learning rate of the winner's neighbours")
    max_edge_age: int = Field(default=50, ge=1, le=1_000_000, description="signals an edge survives without being refreshed")
    n_start_nodes: int = Field(default=2, ge=2, le=1_000, description="nodes at the start")
    n_iter_before_neuron_added: int = Field(default=100, ge=1, le=1_000_000, description="signals between node insertions")
    after_split_error_decay_rate: float = Field(default=0.5, ge=0.0, le=1.0, description="error kept by split nodes")
    error_decay_rate: float = Field(default=0.995, gt=0.0, le=1.0, description="error kept by every node after each signal")
    min_distance_for_update: float = Field(default=0.01, ge=0.0, le=1_000_000.0, allow_inf_nan=False, description="a winner this close to its signal does not move")
    shuffle: bool = Field(default=True, description="present the points in a new random order every epoch")
    seed: int = Field(default=0, ge=0, description="random seed; same seed, same graph")
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

    def gas(self):  # -> GNGParams (imported lazily: the gas compiles numba code)
        """The gas's settings."""
        from genart.generative.gng import GNGParams

        return GNGParams(
            n_start_nodes=self.n_start_nodes, step=self.step, neighbour_step=self.neighbour_step,
            max_edge_age=self.max_edge_age, max_nodes=self.max_nodes,
            n_iter_before_neuron_added=self.n_iter_before_neuron_added,
            after_split_error_decay_rate=self.after_split_error_decay_rate, error_decay_rate=self.error_decay_rate,
            min_distance_for_update=self.min_distance_for_update, epochs=self.epochs, shuffle=self.shuffle,
            seed=self.seed)


def fit(picture: Picture, settings: GNGSettings, progress: bool = True, checkpoint: Path | None = None,
        resume: bool = False, reporter: Reporter = SILENT, scheduler: str | None = None) -> Scene:
    """Pick the points at the working resolution, grow the gas over them (a progress bar per epoch,
    and the graph for `reporter`) and return the graph's scene, in the (cut) picture's pixels.

    Ctrl-C or SIGTERM raises `Interrupted` with the graph grown so far.
    """
    from tqdm.auto import tqdm

    from genart.generative import points as pts
    from genart.generative.gng import Graph, TrainingInterrupted, mean_distance, train
    from genart.generative.gng_scene import GraphStyle, gng_scene

    params = settings.gas()
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
    every = settings.snapshots if isinstance(settings.snapshots, int) else None
    if every is not None and len(points) * params.epochs // every > MAX_SNAPSHOTS:
        raise MethodError(f"snapshots every {every} signals would record more than {MAX_SNAPSHOTS} snapshots of "
                          f"{len(points) * params.epochs} signals; record fewer")
    from_image = isinstance(settings.edge_color, str)  # "source"
    style = GraphStyle(edge_width=settings.edge_width,
                       edge_color=BLACK if isinstance(settings.edge_color, str) else settings.edge_color,
                       colors_from_image=from_image, node_radius=settings.node_radius, node_color=settings.node_color,
                       background=settings.background)
    threshold = settings.threshold if isinstance(settings.threshold, str) else "manual"
    extra: Meta = {"crop": settings.crop, "sigma": settings.sigma, "threshold": threshold,
                   "threshold_level": settings.threshold if threshold == "manual" else None,
                   "threshold_offset": None if threshold == "manual" else
                   settings.offset if settings.offset is not None else pts.DEFAULT_OFFSETS[threshold],
                   "block_size": settings.block_size if threshold == "local" else None, "invert": settings.invert,
                   "working_width": rgb.shape[1], "working_height": rgb.shape[0]}
    source = Source(name=picture.name, sha256=picture.sha256)
    size = (cut.shape[1], cut.shape[0])
    started = time.perf_counter()
    with tqdm(total=params.epochs, unit="epoch", desc="gng", file=sys.stderr, disable=not progress) as bar:
        def on_epoch(epoch: int, graph: Graph) -> None:
            bar.set_postfix(nodes=len(graph.ids), edges=len(graph.edges), refresh=False)
            bar.update()
            if reporter.due():
                xy, ids, edges = graph.xy, graph.ids, graph.edges
                reporter.report(Progress(
                    "epochs", epoch, params.epochs, "epoch", time.perf_counter() - started,
                    mean_distance(points, graph), rgb, lambda: graph_picture(xy, ids, edges, rgb.shape[1], rgb.shape[0]),
                    settings.seconds, error_name="mean distance of the points to the graph (px)"))

        try:
            result = train(points, params, snapshot_every=every, snapshot_epochs=settings.snapshots == "epoch",
                           on_epoch=on_epoch, seconds=settings.seconds)
        except TrainingInterrupted as stop:
            meta = {**extra, "interrupted": True}
            raise Interrupted(gng_scene(stop.result, points, rgb, params, style, source, meta, size)) from stop
    return gng_scene(result, points, rgb, params, style, source, extra, size)


METHOD = Method(
    name="gng",
    help="Growing Neural Gas line art from a picture's dark pixels",
    settings=GNGSettings,
    fit=fit,
)
