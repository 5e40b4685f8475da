"""The work of each stage: index photos, fit a scene, draw a poster, render a shot or a
cross-fade as its own movie segment, export a motion. Each writes one file atomically."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from genart.animate.encode import EncodeSettings, encode
from genart.animate.frame import Frame
from genart.animate.motions import MOTIONS, MotionSettings, build_clip
from genart.animate.pipeline import render_frames
from genart.animate.timeline import Playable, crossfade, frame_times
from genart.bars import reporter_for
from genart.errors import GenartError, UserError
from genart.generative.images import load_picture
from genart.generative.methods import METHODS
from genart.outputs import check_plan, export_plan, write_outputs
from genart.render import scene
from genart.render.cairo import TileSource
from genart.runtime.progress import SILENT, Reporter
from genart.script.model import INPUT_NAMED, SCRIPT_SUPPLIED, Plot, PlotPaths


def index_photos(folder: Path, target: Path, progress: bool, scheduler: str | None = None) -> None:
    """Index a photo folder into the collection file `target` (on the Dask `scheduler` the person running
    genart chose, if any)."""
    from genart.generative.mosaic.collection import CollectionError
    from genart.generative.mosaic.index import index_folder

    try:
        index_folder(folder, target, reporter=reporter_for(progress), warn=lambda m: print(f"  {m}", file=sys.stderr),
                     scheduler=scheduler)
    except CollectionError as exc:
        raise UserError(str(exc)) from None


def named_files(entry: Any, pictures: dict[str, Path]) -> dict[str, Path]:
    """The files a scene entry's settings name by input (`weights: mask` → the file of input `mask`)."""
    return {name: pictures[given] for name in INPUT_NAMED if (given := getattr(entry, name, None)) is not None}


def method_settings(entry: Any, collection: Path | None, files: dict[str, Path]) -> BaseModel:
    """The method's own settings from a script's scene entry (the script's keys left out, `files` (see
    `named_files`) in place of the input names)."""
    method = METHODS[entry.method]
    values = {name: files.get(name, getattr(entry, name)) for name in method.settings.model_fields
              if name not in SCRIPT_SUPPLIED}
    if "collection" in method.settings.model_fields:
        values["collection"] = collection
    return method.settings.model_validate(values)


def fit_scene(entry: Any, picture_path: Path, collection: Path | None, files: dict[str, Path], target: Path,
              progress: bool, reporter: Reporter = SILENT, scheduler: str | None = None) -> None:
    """Fit the scene (resuming its checkpoint, if an earlier run was interrupted), refine it, save it;
    `files` are those its settings name (see `named_files`); `reporter` follows the fit; `scheduler` is
    the Dask scheduler the person running genart chose (never the script's)."""
    from genart.api import fit_picture
    from genart.generative.methods.refine import RefineSettings

    method = METHODS[entry.method]
    settings = method_settings(entry, collection, files)
    refine_seconds = getattr(entry, "refine_seconds", None)
    refinement = None if refine_seconds is None else RefineSettings(
        seconds=refine_seconds, resize=getattr(settings, "resize", 256), seed=getattr(settings, "seed", 0))
    picture = load_picture(picture_path)
    checkpoint = target.with_name(target.name.split(".")[0] + ".ckpt") if method.checkpoints else None
    try:
        drawing = fit_picture(picture, method.name, settings, refinement, progress, checkpoint,
                              checkpoint is not None and checkpoint.exists(), reporter, scheduler)
    except KeyboardInterrupt:
        if checkpoint is None:
            raise
        raise UserError("interrupted; progress is saved: run the script again to continue") from None
    if collection is not None:  # the scene names its collection beside it, in the cache folder
        drawing = drawing.model_copy(update={"layers": [
            layer.model_copy(update={"collection": collection.name}) if isinstance(layer, scene.MosaicLayer) else layer
            for layer in drawing.layers]})
    scene.save(drawing, target)


def _tiles(drawing: scene.Scene, scene_path: Path) -> TileSource | None:
    layer = next((layer for layer in drawing.layers if isinstance(layer, scene.MosaicLayer)), None)
    if layer is None:
        return None
    from genart.generative.mosaic.collection import open_tiles

    return open_tiles(layer, scene_path)


def draw_poster(scene_path: Path, out: Path, width: int | None) -> None:
    """Draw a scene to `out` (its folder made if missing)."""
    drawing = scene.load(scene_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_outputs(drawing, [out], width, _tiles(drawing, scene_path))


def plot_scene(entry: Plot, scene_path: Path, paths: PlotPaths) -> None:
    """Plot a fitted scene for a pen plotter (`genart plot`): its SVG, and its preview and HPGL where asked, all
    or none, atomically, their folders made if missing."""
    from genart.plot.plotting import PlotFiles, make_plot, write_plot

    drawing = scene.load(scene_path)
    settings = entry.settings()
    files = PlotFiles(paths.svg, paths.preview, hpgl=paths.hpgl, device=entry.device)
    for path in (paths.svg, paths.preview, paths.hpgl):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    write_plot(make_plot(drawing, settings), files, settings, entry.scene)


def motion_settings(shot: Any) -> MotionSettings:
    """The motion's own settings from a script's shot or export entry (the script's keys left out)."""
    motion = MOTIONS[shot.motion]
    return motion.settings.model_validate({name: getattr(shot, name) for name in motion.settings.model_fields})


def export_shot(shot: Any, scene_path: Path, out: Path, fps: float, width: float | None,
                blender: str | None = None) -> None:
    """Export a shot (or an export entry's motion) of its fitted scene at `fps` to `out`, in the format of its
    suffix (`genart.animate.export.formats`), atomically, its folder made if missing; `width` is an SVG's
    displayed width, `blender` the Blender the person running genart chose for a .blend (never the script's)."""
    from genart.animate.export.formats import export_motion

    drawing = scene.load(scene_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    check_plan(export_plan(out))
    try:
        export_motion(drawing, motion_settings(shot), out, fps, width, blender,
                      _tiles(drawing, scene_path) if MOTIONS[shot.motion].uses_tiles else None)
    except ValueError as exc:
        if isinstance(exc, GenartError):  # genart's own errors say what they are as they are
            raise
        raise UserError(f"{out}: {exc}") from None


def shot_clip(shot: Any, scene_path: Path, fps: float) -> Playable:
    """The clip of a script's shot on its (fitted) scene."""
    motion = MOTIONS[shot.motion]
    settings = motion_settings(shot)
    drawing = scene.load(scene_path)
    try:
        return build_clip(drawing, settings, fps, _tiles(drawing, scene_path) if motion.uses_tiles else None)
    except ValueError as exc:
        raise UserError(str(exc)) from None


@dataclass(frozen=True)
class Segment:
    """How every segment of one movie is encoded: identical, so they join without re-encoding."""

    size: tuple[int, int]
    fps: float
    crf: int
    progress: bool

    def write(self, clip: Playable, target: Path, desc: str) -> None:
        frames = render_frames(clip, self.size, self.fps, reporter=reporter_for(self.progress, leave=False), desc=desc)
        encode(frames, target, self.size, self.fps, EncodeSettings(crf=self.crf),
               frame_count=len(frame_times(clip.length, self.fps, clip.periodic)))


@dataclass(frozen=True)
class Dissolve:
    """A cross-fade from one still frame to another over `length` seconds at `fps`.

    Its frames blend strictly between the two (weights 1/(n+1) .. n/(n+1) for n frames),
    since the shot before already ends on `first` and the shot after starts on `last`.
    """

    first: Frame
    last: Frame
    length: float
    fps: float
    periodic: bool = False

    def frame_at(self, t: float) -> Frame:
        n = len(frame_times(self.length, self.fps))
        k = float(np.clip(t / self.length, 0.0, 1.0)) * (n - 1)
        return crossfade(self.first, self.last, (k + 1) / (n + 1))


def render_shot(shot: Any, scene_path: Path, segment: Segment, target: Path) -> None:
    segment.write(shot_clip(shot, scene_path, segment.fps), target, f"shot {shot.motion}")


def render_fade(before: tuple[Any, Path], after: tuple[Any, Path], seconds: float, segment: Segment,
                target: Path) -> None:
    a, b = shot_clip(*before, segment.fps), shot_clip(*after, segment.fps)
    segment.write(Dissolve(a.frame_at(a.length), b.frame_at(0.0), seconds, segment.fps), target, "crossfade")


def as_plain(model: BaseModel, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model's values as JSON data (for keys and the resolved script)."""
    return model.model_dump(mode="json", by_alias=True, exclude=set(leave_out))
