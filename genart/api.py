"""genart from Python: fit a picture, then save, render, animate and export the scene.

The functions and classes here are what `import genart` offers (`genart.fit`,
`genart.load`, `genart.mosaic_index`, `genart.Scene`, `genart.Clip`); the `genart`
command and `genart run` scripts call the same code, with the same setting names (a
method's settings are its YAML keys and, with dashes, its command-line options), so
the three cannot disagree.

Examples
--------
>>> import genart
>>> scene = genart.fit("assets/astronaut.jpg", method="hillclimb", shapes=20, resize=64, seed=1,
...                    candidates=50, max_age=20, repeats=2, progress=False)
>>> len(scene.shapes), scene.width
(20, 256.0)
>>> clip = scene.animate("flyin", duration=2, fps=10, size=(64, 64))
>>> clip.frame(1.0).shape
(64, 64, 3)
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ValidationError

from genart.errors import GenartError, SettingsError
from genart.render import scene as S

if TYPE_CHECKING:
    from genart.animate.timeline import Playable
    from genart.generative.images import Picture
    from genart.generative.mosaic.index import IndexReport
    from genart.generative.start_from import Start
    from genart.plot.document import PlotSummary
    from genart.render.cairo import TileSource
    from genart.runtime.progress import Reporter

PREVIEW_LONGEST = 480  # pixels of the longer side of a scene or clip shown in a notebook


def settings_of(model: type[BaseModel], values: dict[str, Any], label: Any = str) -> Any:
    """`model(**values)`, validated; a bad value raises SettingsError naming it (by `label(field)`).

    Examples
    --------
    >>> from genart.generative.methods.gng import GNGSettings
    >>> settings_of(GNGSettings, {"max_nodes": 0})
    Traceback (most recent call last):
    ...
    genart.errors.SettingsError: max_nodes must be between 2 and 50000, got 0
    """
    from genart.generative.methods.base import settings_error

    try:
        return model(**values)
    except ValidationError as exc:
        raise SettingsError(settings_error(exc, model, label)) from None


def _picture(picture: str | os.PathLike[str] | np.ndarray | Picture) -> Picture:
    from genart.generative.images import Picture, load_picture

    if isinstance(picture, Picture):
        return picture
    if isinstance(picture, np.ndarray):
        rgb = np.ascontiguousarray(picture[..., :3] if picture.ndim == 3 else np.stack([picture] * 3, axis=-1))
        if rgb.dtype != np.uint8 or rgb.ndim != 3:
            raise SettingsError(f"a picture array must be uint8 (H, W) or (H, W, 3|4), got {picture.dtype} "
                                f"{picture.shape}")
        return Picture(rgb=rgb, name="array", sha256=hashlib.sha256(rgb.tobytes()).hexdigest())
    return load_picture(Path(picture))


def fit(picture: str | os.PathLike[str] | np.ndarray, method: str = "hillclimb", *, progress: bool = True,
        refine_seconds: float | None = None, scheduler: str | None = None,
        start_from: str | os.PathLike[str] | None = None, **settings: Any) -> Scene:
    """Fit a picture with a method and return its scene.

    Parameters
    ----------
    picture
        A picture file (PNG, JPEG, WebP, ...) or a uint8 array (H, W[, 3|4]).
    method
        ``hillclimb`` (translucent shapes, the default), ``anneal``, ``gradient`` (soft
        circles), ``gng`` (Growing Neural Gas line art) or ``mosaic`` (photo mosaic; needs
        ``collection=``, a file made by `mosaic_index`).
    progress
        Show a progress bar (a widget in a notebook).
    refine_seconds
        For methods that draw shapes: refine all shapes jointly by gradient descent this long.
    start_from
        hillclimb: an SVG poster genart wrote (as edited: its shapes are read back by their ids) or a
        scene file; its shapes are kept and new ones fitted on top, ``shapes`` in all.
    scheduler
        A Dask scheduler address (``tcp://host:8786``) to run the work on; default
        ``$GENART_SCHEDULER``, else local processes. Its results are unpickled here: trust it
        as you would a shell.
    **settings
        The method's settings, by their YAML names (``shapes``, ``shape``, ``seed``,
        ``max_nodes``, ``grid``, ...); see the settings reference.

    Returns
    -------
    Scene
        The fitted scene, in the picture's pixels; its ``meta`` holds the run's figures.

    Raises
    ------
    genart.errors.SettingsError
        An unknown method or a bad setting (also a ValueError).
    genart.errors.GenartError
        A picture that cannot be read, a cluster that cannot be reached, ...

    Examples
    --------
    >>> lines = fit("assets/astronaut.jpg", method="gng", max_nodes=200, epochs=2, progress=False)
    >>> lines.document.layers[0].type
    'graph'
    >>> fit("assets/astronaut.jpg", method="hillclimb", shapse=3)
    Traceback (most recent call last):
    ...
    genart.errors.SettingsError: shapse: Extra inputs are not permitted
    """
    from genart.generative.methods import METHODS

    if method not in METHODS:
        raise SettingsError(f"unknown method {method!r} (known: {', '.join(METHODS)})")
    collection, chosen_settings = settings.get("collection"), settings_of(METHODS[method].settings, settings)
    refinement = _refinement(refine_seconds, method, chosen_settings)
    fitted = _picture(picture)
    drawing = fit_picture(fitted, method, chosen_settings, refinement, progress, scheduler=scheduler,
                          start=_start(start_from, fitted))
    return Scene(drawing, collection=Path(collection) if collection is not None else None)


def _refinement(seconds: float | None, method: str, settings: BaseModel) -> BaseModel | None:
    """The joint refinement `fit` takes after the method's (with its working size and seed), or None."""
    from genart.generative.methods import METHODS
    from genart.generative.methods.refine import RefineSettings

    if seconds is None:
        return None
    if not METHODS[method].draws_shapes:
        raise SettingsError(f"refine_seconds applies to methods that draw shapes, not to {method}")
    return settings_of(RefineSettings, {"seconds": seconds, "resize": getattr(settings, "resize", 256),
                                        "seed": getattr(settings, "seed", 0)})


def _start(start_from: str | os.PathLike[str] | None, picture: Picture) -> Start | None:
    """The shapes of `start_from` for `picture` (`genart.generative.start_from`), or None."""
    if start_from is None:
        return None
    from genart.generative.start_from import start_from as read_start

    return read_start(Path(start_from), picture.width, picture.height)


def fit_clip(clip: str | os.PathLike[str], method: str = "hillclimb", *, start: float | None = None,
             end: float | None = None, fps: float | None = None, video: dict[str, Any] | None = None,
             progress: bool = True, scheduler: str | None = None, checkpoint: str | os.PathLike[str] | None = None,
             resume: bool = False, **settings: Any) -> Scene:
    """Fit a video clip coherently, frame after frame, and return its scene of shape tracks.

    Parameters
    ----------
    clip
        A movie (any container ffmpeg reads), a ``frames/f%04d.png`` pattern, or a folder of frames
        (then give `fps`); only local files are read.
    method
        ``hillclimb`` or ``gradient``: how each keyframe is fitted, with its `settings` as for `fit`.
    start, end
        The part fitted, in seconds (default the whole clip).
    fps
        Resample a movie to this rate (default its own); a sequence's rate (default 25).
    video
        The clip's own settings (``temporal``, ``chunk``, ``overlap``, ``steps``, ``workers``, ...).
    progress, scheduler
        As for `fit`.
    checkpoint, resume
        A file the finished chunks of frames are kept in as they come (Ctrl-C raises KeyboardInterrupt and
        keeps it; a fit that ends removes it), and whether to continue from it.

    Returns
    -------
    Scene
        The clip's first frame as its drawing, its frames as ``document.video``; play it with
        ``scene.animate("video")``.

    Examples
    --------
    >>> scene = fit_clip("assets", method="gradient", fps=1, shapes=3, steps=5, resize=16, progress=False,
    ...                  video={"steps": 2, "keyframe_steps": 2, "workers": 1})  # a folder of one picture
    >>> scene.document.video.frames, len(scene.shapes)
    (1, 3)
    """
    from genart.bars import reporter_for
    from genart.generative.video.clip import fit_clip as fit_frames
    from genart.generative.video.settings import MODELS, VideoSettings
    from genart.generative.video.source import open_clip

    if method not in MODELS or method == "gng":
        raise SettingsError(f"a clip is fitted with method hillclimb or gradient, not {method!r}")
    keyframe = settings_of(MODELS[method], settings)
    chosen = settings_of(VideoSettings, {**(video or {}), "method": method, "keyframe": keyframe})
    source = open_clip(Path(clip), start, end, fps)
    return Scene(fit_frames(source, chosen, int(getattr(keyframe, "seed", 0)), start or 0.0, scheduler,
                            reporter_for(progress), None if checkpoint is None else Path(checkpoint), resume))


def fit_picture(picture: Picture, method: str, settings: BaseModel, refinement: BaseModel | None = None,
                progress: bool = True, checkpoint: Path | None = None, resume: bool = False,
                reporter: Reporter | None = None, scheduler: str | None = None, start: Start | None = None) -> S.Scene:
    """The fit behind `fit`, `genart evolve`, `genart gng`, `genart mosaic build` and scripts: `method`
    with its validated `settings` (and, for methods that draw shapes, the joint `refinement` after it
    and ``meta.rmse`` of the poster; ``meta.refine_seconds`` what refining took); `checkpoint`/`resume`
    for methods that keep one, `reporter` following the run (the live preview), with progress bars
    over it if `progress`. A fit stopped by Ctrl-C, SIGTERM or SIGHUP raises `Interrupted` with its
    scene so far (its poster RMSE included). A `start`'s shapes are kept and the new ones fitted on top
    (methods with `Method.fit_from`)."""
    from genart.bars import reporter_for
    from genart.generative.figures import with_poster_rmse
    from genart.generative.methods import METHODS, MethodError
    from genart.generative.methods.refine import RefineSettings, refine_scene
    from genart.runtime.interrupt import Interrupted

    chosen = METHODS[method]
    resize = getattr(settings, "resize", None)
    reporter = reporter_for(progress, reporter)
    if start is not None and chosen.fit_from is None:
        raise SettingsError(f"starting from kept shapes applies to hillclimb, not to {method}")
    try:
        if start is not None and chosen.fit_from is not None:
            drawing = chosen.fit_from(picture, settings, checkpoint=checkpoint, resume=resume, reporter=reporter,
                                      scheduler=scheduler, start=start)
        else:
            drawing = chosen.fit(picture, settings, checkpoint=checkpoint, resume=resume,
                                 reporter=reporter, scheduler=scheduler)
    except MethodError as exc:
        raise SettingsError(str(exc)) from None
    except Interrupted as stop:
        raise Interrupted(with_poster_rmse(stop.scene, picture, resize) if chosen.draws_shapes else stop.scene) \
            from stop
    if isinstance(refinement, RefineSettings):
        began = time.perf_counter()
        drawing = refine_scene(drawing, picture, refinement, reporter=reporter)
        drawing = drawing.model_copy(update={"meta": {**drawing.meta,
                                                      "refine_seconds": round(time.perf_counter() - began, 3)}})
    return with_poster_rmse(drawing, picture, resize) if chosen.draws_shapes else drawing


def load(path: str | os.PathLike[str], collection: str | os.PathLike[str] | None = None) -> Scene:
    """Read a scene file (``.scene.json`` or ``.scene.json.gz``), validated.

    A mosaic's tiles come from the collection its scene names (inside the scene's folder), or
    from `collection`.

    Examples
    --------
    >>> scene = load("assets/example.scene.json")
    >>> scene.width, scene.height
    (200.0, 150.0)
    """
    return Scene(S.load(Path(path)), Path(path), Path(collection) if collection is not None else None)


def mosaic_index(folder: str | os.PathLike[str], collection: str | os.PathLike[str], *,
                 sizes: Sequence[int] | None = None, jobs: int | None = None, progress: bool = True,
                 scheduler: str | None = None) -> IndexReport:
    """Index a folder of photos into a collection file (``.npz``) for `fit` ``method="mosaic"``.

    Re-indexing reads only new or changed photos. `sizes` are the thumbnail sizes kept
    (default 16, 32, 64); `jobs` worker processes (default all cores) or a Dask `scheduler`.

    Returns
    -------
    IndexReport
        What was read, reused and skipped.
    """
    from genart.bars import reporter_for
    from genart.generative.mosaic.collection import CollectionError
    from genart.generative.mosaic.index import DEFAULT_SIZES, index_folder

    try:
        return index_folder(Path(folder), Path(collection), sizes or DEFAULT_SIZES, jobs,
                            reporter=reporter_for(progress), scheduler=scheduler)
    except CollectionError as exc:
        raise SettingsError(str(exc)) from None


@dataclass
class Scene:
    """A scene: shapes, a graph or a mosaic on a canvas, as a scene file holds it.

    `document` is the validated scene model (`genart.render.scene.Scene`); `path` the file it
    was read from, if any; `collection` a mosaic's collection file, if given.
    """

    document: S.Scene
    path: Path | None = None
    collection: Path | None = None

    @property
    def width(self) -> float:
        """The canvas width, in scene units (the picture's pixels for a fit)."""
        return self.document.canvas.width

    @property
    def height(self) -> float:
        """The canvas height, in scene units."""
        return self.document.canvas.height

    @property
    def meta(self) -> dict[str, Any]:
        """The run's figures: method, settings, seconds, RMSE, ..."""
        return dict(self.document.meta)

    @property
    def shapes(self) -> list[S.Shape]:
        """Every shape of the scene's shape layers, back to front."""
        return [shape for layer in self.document.layers if isinstance(layer, S.ShapesLayer) for shape in layer.shapes]

    def tiles(self) -> TileSource | None:
        """The mosaic's tile source (None for a scene without a mosaic layer)."""
        from genart.generative.mosaic.collection import open_tiles

        layer = next((layer for layer in self.document.layers if isinstance(layer, S.MosaicLayer)), None)
        if layer is None:
            return None
        return open_tiles(layer, self.path, self.collection)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the scene file (``.scene.json``, or ``.scene.json.gz`` compressed), atomically; the path.

        A mosaic's scene names its collection relative to the scene's folder."""
        from genart.outputs import check_outputs

        out = Path(path)
        check_outputs([out], ("scene",), inputs=[p for p in (self.path,) if p is not None])
        document = self.document
        if self.collection is not None:
            rel = os.path.relpath(self.collection.resolve(), out.resolve().parent)
            document = document.model_copy(update={"layers": [
                layer.model_copy(update={"collection": rel}) if isinstance(layer, S.MosaicLayer) else layer
                for layer in document.layers]})
        S.save(document, out)
        self.path = out
        return out

    def render(self, path: str | os.PathLike[str], width: int | None = None, **options: Any) -> Path:
        """Draw the scene to a PNG, JPEG, TIFF, SVG or PDF file (by its extension); the path.

        `width` is the output's width in pixels (PDF: points), default the canvas width;
        `options` are the poster options of `genart render` by their names: ``paper`` (``"A4"``,
        ...), ``landscape``, ``bleed`` (mm), ``dpi``, ``framing`` (``fit``, ``fill``, ``crop``),
        ``frame_color``, ``transparent``, ``outline``, ``quality`` (JPEG).
        """
        from genart.outputs import poster_settings, write_outputs

        out = Path(path)
        write_outputs(self.document, [out], width, self.tiles(), poster_settings(**options),
                      inputs=[p for p in (self.path, self.collection) if p is not None])
        return out

    def to_array(self, width: int | None = None, height: int | None = None, alpha: bool = False) -> np.ndarray:
        """The scene drawn as a uint8 array (H, W, 3), or (H, W, 4) with `alpha`; default the canvas size."""
        from genart.render.cairo import render_array

        return render_array(self.document, width, height, tiles=self.tiles(), alpha=alpha)

    def animate(self, motion: str = "flyin", *, fps: float = 30.0, size: tuple[int, int] | int | None = None,
                framing: Literal["fit", "fill"] = "fit", background: str | None = None, transparent: bool = False,
                **settings: Any) -> Clip:
        """The scene in motion, as a `Clip`.

        Parameters
        ----------
        motion
            ``flyin``, ``growth`` (a GNG scene), ``mosaic_zoom`` or ``timelapse``.
        fps
            Frames per second.
        size
            (width, height) in pixels, or a width (the height keeps the scene's aspect); default
            1280 px on the longer side. Both sides are rounded to even numbers.
        framing
            A `size` of another aspect than the scene: ``fit`` (bars) or ``fill`` (cut).
        background
            The bars' colour (a name, ``#rrggbb`` or ``#rrggbbaa``), default white.
        transparent
            Leave the scene's background out (frames are RGBA).
        **settings
            The motion's settings by their YAML names: ``duration``, ``easing``, ``order``,
            ``lag_ratio``, ``hold``, ``loop``, ``seed``, ...

        Examples
        --------
        >>> clip = load("assets/example.scene.json").animate("flyin", duration=1, fps=10, size=64)
        >>> clip.size, clip.frame_count
        ((64, 48), 21)
        """
        from genart.animate.frame import WHITE, Look, without_background
        from genart.animate.motions import build_clip, get_motion
        from genart.outputs import color

        try:
            chosen = get_motion(motion)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        motion_settings = settings_of(chosen.settings, settings)
        document = without_background(self.document) if transparent else self.document
        pixels = frame_size(document.canvas, size)
        bars = color(background) if background is not None else ((0.0, 0.0, 0.0, 0.0) if transparent else WHITE)
        if framing not in ("fit", "fill"):
            raise SettingsError(f"framing must be fit or fill, got {framing!r}")
        tiles = self.tiles() if chosen.uses_tiles else None
        try:
            playable = build_clip(document, motion_settings, fps, tiles)
        except ValueError as exc:
            if isinstance(exc, S.SceneError):
                raise
            raise SettingsError(str(exc)) from None
        return Clip(playable, fps, pixels, Look(framing, bars), transparent or bars[3] < 1.0, chosen.name,
                    document=document, inputs=tuple(p for p in (self.path, self.collection) if p is not None))

    def export(self, path: str | os.PathLike[str], motion: str = "flyin", *, fps: float = 30.0,
               width: float | None = None, blender: str | None = None, **settings: Any) -> Path:
        """Hand a motion to other tools; the format follows the extension (see `genart export`):
        ``.json`` Lottie, ``.svg`` SVG with SMIL, ``.gltf``/``.glb`` glTF 2.0, ``.blend`` a Blender
        scene (made by the Blender `blender` names, else ``blender`` on PATH, else ``$GENART_BLENDER``).

        Examples
        --------
        >>> import tempfile, json, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.json"
        >>> _ = load("assets/example.scene.json").export(out, "flyin", duration=1, fps=10)
        >>> json.loads(out.read_text())["fr"]
        10
        """
        from genart.animate.export.formats import export_motion
        from genart.animate.motions import get_motion

        try:
            chosen = get_motion(motion)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        out = _export_plan(path, [p for p in (self.path,) if p is not None])
        try:
            export_motion(self.document, settings_of(chosen.settings, settings), out, fps, width, blender,
                          self.tiles() if chosen.uses_tiles else None)
        except ValueError as exc:
            if isinstance(exc, GenartError):
                raise
            raise SettingsError(str(exc)) from None
        return out

    def _repr_png_(self) -> bytes:
        """The scene at most PREVIEW_LONGEST px across, for Jupyter."""
        import io

        from PIL import Image

        k = min(1.0, PREVIEW_LONGEST / max(self.width, self.height))
        pixels = self.to_array(max(1, round(self.width * k)), max(1, round(self.height * k)))
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG")
        return buffer.getvalue()

    def plot(self, path: str | os.PathLike[str], *, preview: str | os.PathLike[str] | None = None,
             hpgl: str | os.PathLike[str] | None = None, device: str = "hp7475a", preview_dpi: float = 150.0,
             progress: bool = False, **settings: Any) -> PlotSummary:
        """Plot the scene for a pen plotter: a stroke-only SVG at `path`, one Inkscape layer per pen (`genart plot`).

        `settings` are `genart.plot.settings.PlotSettings`'s: ``paper`` ("A4"), ``landscape``, ``margin_mm``,
        ``pen_mm``, ``spacing_mm``, ``angles``, ``turn``, ``outlines``, ``pens`` (colours, or a count to choose
        from the scene), ``speed_mm_s``, ``lift_seconds`` (``pens`` and ``angles`` may also be written as on the command line,
        "#1d3557,#e63946" or "45,-45"). `preview` also writes the ink preview PNG, `hpgl`
        HPGL for `device`. Returns the plot's `genart.plot.document.PlotSummary`.

        Examples
        --------
        >>> import tempfile
        >>> scene = load("assets/example.scene.json")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     scene.plot(f"{folder}/plot.svg", pens=("#1d3557", "#e63946")).layers
        ('1 #1d3557', '2 #e63946')
        """
        from genart.bars import reporter_for
        from genart.plot.plotting import BAR_DELAY, PlotFiles, make_plot, write_plot
        from genart.plot.settings import PlotSettings, parse_angles, parse_pens

        if isinstance(settings.get("pens"), (str, list)):
            pens = settings["pens"]
            settings["pens"] = parse_pens(pens, "") if isinstance(pens, str) else tuple(pens)
        if isinstance(settings.get("angles"), (str, list)):
            angles = settings["angles"]
            settings["angles"] = parse_angles(angles, "") if isinstance(angles, str) else tuple(angles)
        try:
            chosen = PlotSettings(**settings)
        except TypeError as exc:
            raise SettingsError(f"plot: {exc}") from None
        files = PlotFiles(Path(path), Path(preview) if preview else None, preview_dpi, Path(hpgl) if hpgl else None, device)
        files.check([p for p in (self.path,) if p is not None])
        made = make_plot(self.document, chosen, reporter_for(progress, leave=False, delay=BAR_DELAY))
        write_plot(made, files, chosen, self.path.name if self.path else "genart")
        return made.summary


def _export_plan(path: str | os.PathLike[str], inputs: Sequence[Path]) -> Path:
    """The export output `path`, once its plan (the output and the files its format writes beside it) is
    checked against `inputs` (see `genart.outputs.check_plan`)."""
    from genart.outputs import check_plan, export_plan

    out = Path(path)
    check_plan(export_plan(out), inputs)
    return out


def frame_size(canvas: S.Canvas, size: tuple[int, int] | int | None, longest: int = 1280) -> tuple[int, int]:
    """Frame pixels from a size: (w, h), a width (the height keeps the canvas' aspect) or None (`longest` on
    the longer side); both even, at most 7680 a side.

    Examples
    --------
    >>> frame_size(S.Canvas(width=400, height=300), 101)
    (100, 76)
    """
    if size is None:
        k = longest / max(canvas.width, canvas.height)
        w, h = canvas.width * k, canvas.height * k
    elif isinstance(size, int):
        w, h = size, size * canvas.height / canvas.width
    else:
        w, h = size
    w, h = max(2, 2 * round(w / 2)), max(2, 2 * round(h / 2))
    if w > 7680 or h > 7680:
        raise SettingsError(f"size {w}x{h} is too large (at most 7680 px a side)")
    return int(w), int(h)


@dataclass
class Clip:
    """A motion of a scene at a frame rate and size: its frames, or a movie of them.

    Time t (seconds) is frame t · fps; `frame_count` frames cover 0 to `length`.
    """

    playable: Playable
    fps: float
    size: tuple[int, int]
    look: Any
    alpha: bool
    motion: str
    _times: np.ndarray | None = field(default=None, repr=False)
    document: S.Scene | None = field(default=None, repr=False)  # the scene it moves, for `export`
    inputs: tuple[Path, ...] = field(default=(), repr=False)  # the files it was read from, which no export replaces

    @property
    def length(self) -> float:
        """Seconds from the first frame to the last."""
        return float(self.playable.length)

    def times(self) -> np.ndarray:
        """The time of every frame of the movie, in seconds."""
        from genart.animate.timeline import frame_times

        if self._times is None:
            self._times = frame_times(self.playable.length, self.fps, self.playable.periodic)
        return self._times

    @property
    def frame_count(self) -> int:
        """How many frames the movie has."""
        return len(self.times())

    def frame(self, t: float) -> np.ndarray:
        """The frame at `t` seconds: uint8 (H, W, 3), or (H, W, 4) when transparent."""
        from genart.animate.frame import render_rgb, render_rgba

        if not 0.0 <= t <= self.length:
            raise SettingsError(f"t = {t:g} is outside the clip (0 to {self.length:g} s)")
        state = self.playable.frame_at(t)
        return render_rgba(state, *self.size, self.look) if self.alpha else render_rgb(state, *self.size, self.look)

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame of the movie in turn."""
        for t in self.times():
            yield self.frame(float(t))

    def save(self, path: str | os.PathLike[str], *, crf: int = 20, preset: str = "superfast",
             gif_quality: str = "fast", workers: int | None = None, dedupe: int | None = None,
             progress: bool = True, scheduler: str | None = None) -> Path:
        """Write the movie: ``.mp4``, ``.webm``, ``.mov`` (ProRes 4444, keeps alpha), ``.gif``, or PNG
        frames (``NAME%05d.png``); the path. Frames render on `workers` processes (default all cores)
        or a Dask `scheduler`; `dedupe` merges runs of frames differing in at most that many pixels."""
        from genart.animate.movie import write_movie
        from genart.bars import reporter_for

        out = Path(path)
        write_movie(self.playable, out, self.size, self.fps, self.look, self.alpha, crf=crf, preset=preset,
                    gif_quality=gif_quality, workers=workers, dedupe=dedupe,
                    reporter=reporter_for(progress, leave=False), scheduler=scheduler, desc=self.motion)
        return out

    def export(self, path: str | os.PathLike[str], *, width: float | None = None, blender: str | None = None) -> Path:
        """Hand the clip to other tools at its fps, as `Scene.export` does; the format follows the extension
        (``.json`` Lottie, ``.svg`` SVG with SMIL, ``.gltf``/``.glb`` glTF 2.0, ``.blend``, see `genart export`).

        `width` is an SVG's displayed width; `blender` the Blender that builds a ``.blend`` (else
        ``blender`` on PATH, else ``$GENART_BLENDER``). Every format keeps the clip's clock: frame k
        is at k / fps, and the last frame is at or past the clip's end (`frame_count` frames).

        Examples
        --------
        >>> import tempfile, json, pathlib
        >>> clip = load("assets/example.scene.json").animate("flyin", duration=1, fps=10, size=64)
        >>> out = clip.export(pathlib.Path(tempfile.mkdtemp()) / "x.json")
        >>> json.loads(out.read_text())["op"] == clip.frame_count
        True
        """
        from genart.animate.export.formats import check_export, export_clip

        if self.document is None:
            raise SettingsError("this clip does not know its scene: make it with Scene.animate to export it")
        out = Path(path)
        check_export(out, self.motion, self.fps, width)
        export_clip(self.document, self.motion, self.playable, _export_plan(out, self.inputs), self.fps, width, blender)
        return out

    def _repr_html_(self) -> str:
        """The clip as an inline looping video (MP4, at most PREVIEW_LONGEST px), for Jupyter."""
        w, h = self.size
        k = min(1.0, PREVIEW_LONGEST / max(w, h))
        small = Clip(self.playable, self.fps, (max(2, 2 * round(w * k / 2)), max(2, 2 * round(h * k / 2))),
                     self.look, False, self.motion)
        with tempfile.TemporaryDirectory(prefix="genart-clip-") as folder:
            movie = small.save(Path(folder) / "clip.mp4", preset="ultrafast", workers=1, progress=False)
            data = base64.b64encode(movie.read_bytes()).decode()
        return (f'<video width="{small.size[0]}" height="{small.size[1]}" controls autoplay loop muted>'
                f'<source src="data:video/mp4;base64,{data}" type="video/mp4"></video>')

