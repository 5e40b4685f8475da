"""The export formats: an output suffix → its writer and the motions it carries, in one registry.

`genart export`, the Python API (`Scene.export`, `Clip.export`) and the `exports:` of scripts
all go through `check_export` and `export_clip` (`export_motion` joins them), so a format is
added by one `Format` record and its writer; no caller branches on a suffix.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from genart.animate.export import ExportError, Part, growing_of, parts, zooming_of
from genart.animate.export.blend import FORMAT as BLENDER_FORMAT
from genart.animate.export.blend import blender_data, export_blend, write_blender_data, write_builder_script
from genart.animate.export.gltf import EdgeForm, gltf_bytes, growth_gltf_bytes, ribbon_form
from genart.animate.export.keys import (
    FlightKeys,
    GraphKnots,
    Interpolation,
    Track,
    growth_knots,
    in_tolerances,
    part_keys,
    tolerances,
    zoom_keys,
)
from genart.animate.export.lottie import animation, growth_animation, zoom_animation
from genart.animate.export.smil import animated_svg, growth_svg, zoom_svg
from genart.animate.export.tracks import EDGE_VALUES, NODE_VALUES, Growing, Zooming
from genart.animate.export.video import gltf_document, lottie_animation, smil_document
from genart.animate.motions import MotionSettings, build_clip, motion_of
from genart.animate.timeline import Playable
from genart.render import scene
from genart.render.atomic import atomic_write_bytes
from genart.render.cairo import TileSource

MAX_WIDTH = 100_000  # an SVG's displayed width


@dataclass(frozen=True)
class ExportRequest:
    """What a writer is given: the scene, its clip at `fps`, the output and the options of some formats."""

    drawing: scene.Scene
    clip: Playable
    out: Path
    fps: float
    width: float | None = None  # SVG: displayed width
    blender: str | None = None  # .blend: the Blender to build it with


Writer = Callable[[ExportRequest], list[Path]]


@dataclass(frozen=True)
class Format:
    """One export format: its suffix, what it is, the motions it carries and each one's writer (→ the files it
    wrote), and the files beside the output that it writes too (`companions`).

    `options` are the `ExportRequest` options the writer reads besides the clip and fps (``width``:
    SVG; ``blender``: the program that builds a .blend, which only the person running genart
    chooses); `asked_by`, when set, is the option that must ask for the format (it is written only
    on request, never by a script); `hint`, when set, is what to tell the user of the files written
    (else a summary of the output)."""

    suffix: str
    name: str
    motions: Mapping[str, Writer]  # each motion the format carries, and its writer
    companions: Callable[[Path], list[Path]] = lambda out: []
    options: tuple[str, ...] = ()
    asked_by: str = ""
    hint: Callable[[list[Path]], str] | None = None


def _bytes(data: Callable[[ExportRequest], bytes]) -> Callable[[ExportRequest], list[Path]]:
    def write(request: ExportRequest) -> list[Path]:
        atomic_write_bytes(request.out, data(request))
        return [request.out]
    return write


@dataclass(frozen=True)
class Keying:
    """How a format keys flights: its interpolation, and how many keyframes it holds at most."""

    interpolation: Interpolation
    max_keyframes: int
    what: str  # the bound in words, for the refusal


LOTTIE_KEYS = Keying("cubic", 2_000_000, "about 190 MB of JSON")
SMIL_KEYS = Keying("monotone", 2_000_000, "about 110 MB of SVG")
GLTF_KEYS = Keying("linear", 8_000_000, "about 160 MB of keys")


def keyed(request: ExportRequest, keying: Keying) -> tuple[list[Part], list[FlightKeys | None]]:
    """The clip's parts and their flights' keyframes; past the format's bound, an ExportError (one line)."""
    drawn = parts(request.clip)
    canvas = request.drawing.canvas
    keys = part_keys(drawn, max(canvas.width, canvas.height), keying.interpolation)
    count = sum(k.count for k in keys if k is not None)
    if count > keying.max_keyframes:
        shapes = sum(len(k.anchors) for k in keys if k is not None)
        raise ExportError(f"{request.out}: {shapes:,} flying shapes need {count:,} keyframes, past the "
                          f"{format_of(request.out).name} bound of {keying.max_keyframes:,} ({keying.what}): "
                          "export fewer shapes, or a .blend")
    return drawn, keys


def growth_keyed(request: ExportRequest, keying: Keying, edge_form: EdgeForm | None = None) -> tuple[Growing, GraphKnots]:
    """The growth clip's tracks and the knots of its linear keys (edges in `edge_form`, else as they are); past
    the format's bound, an ExportError (one line)."""
    grown = growing_of(request.clip)
    canvas = request.drawing.canvas
    side = max(canvas.width, canvas.height)
    node_scale, edge_scale = tolerances(NODE_VALUES, side), tolerances(EDGE_VALUES, side)
    form = edge_form(grown, side) if edge_form is not None else in_tolerances(edge_scale)
    knots = growth_knots(grown, in_tolerances(node_scale), form)
    if knots.count > keying.max_keyframes:
        raise ExportError(f"{request.out}: {len(knots.nodes):,} nodes and {len(knots.edges):,} edges need "
                          f"{knots.count:,} keyframes, past the {format_of(request.out).name} bound of "
                          f"{keying.max_keyframes:,} ({keying.what}): export fewer snapshots, or a .blend")
    return grown, knots


def _lottie_growth(request: ExportRequest) -> bytes:
    doc = growth_animation(request.drawing.canvas, *growth_keyed(request, LOTTIE_KEYS), request.fps,
                           request.clip.length)
    return json.dumps(doc, separators=(",", ":")).encode()


def _smil_growth(request: ExportRequest) -> bytes:
    return growth_svg(request.drawing.canvas, *growth_keyed(request, SMIL_KEYS), request.clip.length,
                      request.width).encode()


def _gltf_growth(binary: bool) -> Callable[[ExportRequest], bytes]:
    def data(request: ExportRequest) -> bytes:
        return growth_gltf_bytes(*growth_keyed(request, GLTF_KEYS, ribbon_form), binary=binary)
    return data


MAX_ZOOM_CELLS = 400  # cells of a mosaic zoom's Lottie or SVG, each an embedded picture: see the docs' table


def zoom_keyed(request: ExportRequest, keying: Keying, width_px: float) -> tuple[Zooming, Track, int, float]:
    """The zoom's camera, its keys, the pixels of its tiles (the size a tile is shown at in the zoomed-in view
    `width_px` wide, up to a power of two) and the least a cell is shown at; past MAX_ZOOM_CELLS, an
    ExportError (one line)."""
    zoom = zooming_of(request.clip)
    cells = zoom.layer.columns * zoom.layer.rows
    if cells > MAX_ZOOM_CELLS:
        raise ExportError(f"{request.out}: a mosaic zoom of {cells:,} cells is past the {format_of(request.out).name} "
                          f"bound of {MAX_ZOOM_CELLS:,} (each an embedded picture): render a movie "
                          "(genart animate), or export a .blend")
    canvas = request.drawing.canvas
    cell_px = max(canvas.width / zoom.layer.columns, canvas.height / zoom.layer.rows) * width_px / canvas.width
    keys = zoom_keys(zoom, canvas.width, canvas.height, keying.interpolation)
    shown = cell_px * float(keys.values.max())
    return zoom, keys, 1 << max(0, math.ceil(math.log2(max(shown, 1.0)))), cell_px * min(float(keys.values.min()), 1.0)


def _lottie_zoom(request: ExportRequest) -> bytes:
    canvas = request.drawing.canvas
    doc = zoom_animation(canvas, *zoom_keyed(request, LOTTIE_KEYS, canvas.width), request.fps, request.clip.length)
    return json.dumps(doc, separators=(",", ":")).encode()


def _smil_zoom(request: ExportRequest) -> bytes:
    canvas = request.drawing.canvas
    width = request.width if request.width is not None else canvas.width
    return zoom_svg(canvas, *zoom_keyed(request, SMIL_KEYS, width), request.clip.length, request.width).encode()


def _lottie(request: ExportRequest) -> bytes:
    drawn, keys = keyed(request, LOTTIE_KEYS)
    doc = animation(request.drawing.canvas, drawn, keys, request.fps, request.clip.length)
    return json.dumps(doc, separators=(",", ":")).encode()


def _video_lottie(request: ExportRequest) -> bytes:
    return json.dumps(lottie_animation(request.clip, request.fps), separators=(",", ":")).encode()


def _video_smil(request: ExportRequest) -> bytes:
    return smil_document(request.clip, request.width).encode()


def _smil(request: ExportRequest) -> bytes:
    drawn, keys = keyed(request, SMIL_KEYS)
    return animated_svg(request.drawing.canvas, drawn, keys, request.clip.length, request.width).encode()


def _gltf(binary: bool) -> Callable[[ExportRequest], bytes]:
    def data(request: ExportRequest) -> bytes:
        return gltf_bytes(*keyed(request, GLTF_KEYS), binary=binary)
    return data


def _video_gltf(binary: bool) -> Callable[[ExportRequest], bytes]:
    def data(request: ExportRequest) -> bytes:
        return gltf_document(request.clip, binary)
    return data


def _blend(request: ExportRequest) -> list[Path]:
    blender_data(request.clip, request.fps)  # a clip Blender cannot carry is refused before Blender starts
    export_blend(request.clip, request.out, request.fps, request.blender)
    return [request.out]


def builder_data(out: Path) -> Path:
    """The data file the builder script `out` (.py) is written with: beside it, as .json."""
    return out.with_suffix(".json")


BUILDER_DATA_MARK = f'{{"format":"{BLENDER_FORMAT}"'.encode()  # how the builder's data file begins


def _builder(request: ExportRequest) -> list[Path]:
    data = builder_data(request.out)
    write_blender_data(request.clip, request.fps, data)
    write_builder_script(request.out)
    return [request.out, data]


MOVING = ("flyin", "timelapse")  # the motions of shapes, that each format writes with one writer (its parts)


def moving(writer: Writer, **others: Writer) -> dict[str, Writer]:
    """`writer` for each of the MOVING motions, then the `others` motions' own writers."""
    return {**dict.fromkeys(MOVING, writer), **others}


FORMATS: dict[str, Format] = {f.suffix: f for f in (
    Format(".json", "Lottie JSON", moving(_bytes(_lottie), growth=_bytes(_lottie_growth),
                                          mosaic_zoom=_bytes(_lottie_zoom), video=_bytes(_video_lottie))),
    Format(".svg", "SVG animated with SMIL", moving(_bytes(_smil), growth=_bytes(_smil_growth),
                                                    mosaic_zoom=_bytes(_smil_zoom), video=_bytes(_video_smil)),
           options=("width",)),
    Format(".gltf", "glTF 2.0", moving(_bytes(_gltf(binary=False)), growth=_bytes(_gltf_growth(binary=False)),
                                       video=_bytes(_video_gltf(binary=False)))),
    Format(".glb", "binary glTF 2.0", moving(_bytes(_gltf(binary=True)), growth=_bytes(_gltf_growth(binary=True)),
                                             video=_bytes(_video_gltf(binary=True)))),
    Format(".blend", "Blender scene", moving(_blend, growth=_blend, mosaic_zoom=_blend, video=_blend),
           options=("blender",)),
    Format(".py", "Blender builder script and its data",
           moving(_builder, growth=_builder, mosaic_zoom=_builder, video=_builder), lambda out: [builder_data(out)],
           asked_by="--blender-script", hint=lambda written: f"run `blender -b --python {written[0]} -- "
                                                             f"{written[1]} OUT.blend`"),
)}
EXPORTABLE = tuple(dict.fromkeys(m for f in FORMATS.values() for m in f.motions))


def format_of(out: Path) -> Format:
    """The format of an output, by its suffix; an unknown one raises ExportError listing the known ones.

    Examples
    --------
    >>> format_of(Path("a.GLB")).name
    'binary glTF 2.0'
    """
    found = FORMATS.get(out.suffix.lower())
    if found is None:
        raise unknown_format(out)
    return found


def unknown_format(out: Path, asking: bool = True) -> ExportError:
    """The error for an output of no format (or of one that must be asked for) and the formats there are; with
    `asking` False, those written only on request are left out (a script cannot ask for them)."""
    known = [f.suffix for f in FORMATS.values() if not f.asked_by]
    known += [f"{f.suffix} with {f.asked_by}" for f in FORMATS.values() if f.asked_by and asking]
    return ExportError(f"{out}: unknown export format (use {', '.join(known[:-1])} or {known[-1]})")


def no_width(chosen: Format) -> str:
    """Why `chosen` is given no width: the formats that take one.

    Examples
    --------
    >>> no_width(format_of(Path("a.glb")))
    'binary glTF 2.0 takes no width (only .svg does)'
    """
    takers = " and ".join(f.suffix for f in FORMATS.values() if "width" in f.options)
    return f"{chosen.name} takes no width (only {takers} does)"


def check_export(out: Path, motion: str, fps: float, width: float | None = None) -> Format:
    """The format of `out`, once known to carry `motion` at `fps` (and the SVG `width`); else ExportError.

    Examples
    --------
    >>> check_export(Path("a.svg"), "flyin", 30.0, width=800).name
    'SVG animated with SMIL'
    >>> check_export(Path("a.json"), "spin", 30.0)
    Traceback (most recent call last):
    ...
    genart.animate.export.ExportError: a.json: Lottie JSON carries flyin, timelapse, growth, mosaic_zoom and video, not spin
    >>> check_export(Path("a.glb"), "flyin", 30.0, width=800)
    Traceback (most recent call last):
    ...
    genart.animate.export.ExportError: a.glb: binary glTF 2.0 takes no width (only .svg does)
    """
    chosen = format_of(out)
    if motion not in chosen.motions:
        carried = list(chosen.motions)
        raise ExportError(f"{out}: {chosen.name} carries {', '.join(carried[:-1])} and {carried[-1]}, not {motion}")
    if not 0 < fps <= 120:
        raise ExportError(f"fps must be in (0, 120], got {fps:g}")
    if width is not None and "width" not in chosen.options:
        raise ExportError(f"{out}: {no_width(chosen)}")
    if width is not None and not 0 < width <= MAX_WIDTH:
        raise ExportError(f"width must be in (0, {MAX_WIDTH}], got {width:g}")
    return chosen


def export_clip(drawing: scene.Scene, motion: str, clip: Playable, out: Path, fps: float, width: float | None = None,
                blender: str | None = None) -> list[Path]:
    """Write `clip` (`motion` of `drawing`, checked by `check_export`) at `fps` to `out`, in the format of its
    suffix; the files written (each atomically). A clip the format cannot carry raises ExportError (one line)."""
    return format_of(out).motions[motion](ExportRequest(drawing, clip, out, fps, width, blender))


def export_motion(drawing: scene.Scene, settings: MotionSettings, out: Path, fps: float, width: float | None = None,
                  blender: str | None = None, tiles: TileSource | None = None) -> tuple[Playable, list[Path]]:
    """Export `settings`' motion of `drawing` at `fps` to `out` (the format by its suffix), mosaic tiles from
    `tiles` (None: the cells' flat colours); the clip and the files written. A motion or scene the format
    cannot carry raises ExportError (one line)."""
    check_export(out, motion_of(settings).name, fps, width)
    clip = build_clip(drawing, settings, fps, tiles)
    return clip, export_clip(drawing, motion_of(settings).name, clip, out, fps, width, blender)
