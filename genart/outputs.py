"""What a command writes: its plan of outputs, checked before any work, and the scene and its renders
in the files the user named (the format follows each file's extension).

Every file a command writes is in its plan (`Output`: the `-o` outputs, and a checkpoint, a
report or a data file named after them), and the whole plan is checked before any work
(`check_plan`): no output may be an input (the same file by its name, another spelling, a
symbolic or a hard link), none may be named twice, each must be writable, and none replaces
a read-only file; a file whose name genart chose (a report, the Blender builder's data)
replaces only a file genart wrote, known by the mark genart puts in it. Sizes are checked
too; then every output is written to a temporary file beside its target, and only when all
of them succeeded are they renamed into place, so a failure leaves the previous files as
they were.

`add_poster_options` registers the options every poster-writing command shares (paper,
DPI, bleed, framing, transparency, outlines, JPEG quality); `poster_options` reads them.
`add_quiet_option` registers `-q`, which every command takes.
"""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageColor

from genart.errors import UserError
from genart.files import replaced_input, same_file
from genart.render import cairo, pdf, scene, svg
from genart.render.atomic import WriteError, atomic_paths, atomic_save_image, check_writable, write_error
from genart.render.cairo import TileSource
from genart.render.framing import FRAMINGS, Framing
from genart.render.layers.base import Outline
from genart.render.layers.mosaic import check_vector_cells
from genart.render.paper import PAPER_MM, Paper, Sheet, paper_sheet, plain_sheet

SCENE_SUFFIXES = (".scene.json", ".scene.json.gz", ".json", ".json.gz")
IMAGE_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff",
                  ".tiff": "tiff"}
KINDS = ("scene", "png", "svg", "pdf", "jpeg", "tiff")
OUTPUT_FORMATS = ".scene.json(.gz), .png, .jpg, .tif, .svg or .pdf"  # what -o may name, for help texts
WHITE = (1.0, 1.0, 1.0, 1.0)
MARK_BYTES = 1024  # how far into an existing file genart looks for its mark


@dataclass(frozen=True)
class Output:
    """A file a command will write, in its plan (see `check_plan`).

    `label` names it in messages (`-o`, `--checkpoint`, `--report`, ...); `mark`, when set, is
    what an existing file there must hold (in its first MARK_BYTES) to be replaced: a file
    genart names itself replaces only one genart wrote. `another` says how to choose another
    name, for the messages.
    """

    path: Path
    label: str = "-o"
    mark: bytes | None = None
    another: str = ""


def replaceable(path: str | Path, mark: bytes) -> bool:
    """Whether an output of `mark` may go to `path`: nothing is there, or a regular file (not a link) holding
    `mark` in its first MARK_BYTES (a file genart wrote)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as file:
            return mark in file.read(MARK_BYTES)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _check_target(output: Output) -> None:
    """Raise UserError or WriteError unless the file can be written: its folder exists, it is not a folder, a
    file there may be replaced (writable; with a mark, one genart wrote)."""
    path, hint = output.path, f" ({output.another})" if output.another else ""
    named = str(path) if output.label == "-o" else f"{output.label} {path}"
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"{named}: folder {folder} does not exist")
    try:
        is_dir = path.is_dir()
    except OSError as exc:  # ENAMETOOLONG, ELOOP, ...
        raise UserError(f"{named}: {exc.strerror}{hint}") from None
    if is_dir:
        raise UserError(f"{named}: is a directory")
    if output.mark is not None and not replaceable(path, output.mark):
        raise UserError(f"{named}: a file genart did not write is there, and genart does not replace it; "
                        f"{output.another or 'remove it or choose another name'}")
    try:
        check_writable(path)  # a read-only folder or file, or a name too long, found before the work
    except WriteError as exc:
        raise WriteError(path, exc.reason + hint) from None


def check_plan(outputs: Sequence[Output], inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, before any work, a plan that would lose a file: an output that is one of `inputs` (by its
    name, another spelling, a symbolic or a hard link: `genart.files.same_file`), one named twice, or one
    that cannot be written (see `Output` and `genart.render.atomic.check_writable`)."""
    read = list(inputs)
    for i, output in enumerate(outputs):
        named = f"{output.label} {output.path}"
        replaced = replaced_input(output.path, read)
        if replaced is not None:
            one = "" if replaced == output.path else " (they are one file)"
            raise UserError(f"{named} would replace the input {replaced}{one}; choose another name")
        earlier = next((e for e in outputs[:i] if same_file(output.path, e.path)), None)
        if earlier is not None:
            also = "" if f"{earlier.label} {earlier.path}" == named else f" (also as {earlier.label} {earlier.path})"
            raise UserError(f"{named} is named twice{also}: name each output once")
        _check_target(output)


@dataclass(frozen=True)
class PosterOptions:
    """How posters are laid out and written (see `add_poster_options`)."""

    paper: Paper | None = None
    dpi: float | None = None
    framing: Framing = "fit"
    frame_color: tuple[float, float, float, float] | None = None
    transparent: bool = False
    outline: Outline | None = None
    quality: int = 90
    option: str = ""  # how messages name the options: "--" on the command line, "" for the API's keywords


def color(text: str) -> tuple[float, float, float, float]:
    """A colour name, #rrggbb or #rrggbbaa as RGBA floats; anything else is a UserError."""
    try:
        values = ImageColor.getrgb(text)
    except ValueError:
        raise UserError(f"{text!r} is not a colour (use a name, #rrggbb or #rrggbbaa)") from None
    return (values[0] / 255, values[1] / 255, values[2] / 255, values[3] / 255 if len(values) == 4 else 1.0)


def _outline(text: str, option: str = "--") -> Outline:
    width, _, paint = text.partition(":")
    try:
        value = float(width)
    except ValueError:
        raise UserError(f"{option}outline {text!r} is not WIDTH[:COLOUR]") from None
    if not 0.0 < value <= 1000.0:
        raise UserError(f"{option}outline width must be in (0, 1000], got {width}")
    return Outline(value, color(paint) if paint else (0.0, 0.0, 0.0, 1.0))


def add_poster_options(parser: argparse.ArgumentParser) -> None:
    """Register the poster options (paper, DPI, bleed, framing, transparency, outline, JPEG quality) on a command."""
    g = parser.add_argument_group("posters (PNG, JPEG, TIFF, SVG, PDF)")
    g.add_argument("--paper", choices=list(PAPER_MM), help="print on this paper: the PDF page in points, rasters at --dpi")
    g.add_argument("--landscape", action="store_true", help="paper in landscape orientation")
    g.add_argument("--dpi", type=float, help="print resolution: raster pixels per inch with --paper, and the DPI "
                                             "PNG/JPEG/TIFF carry (default 300 with --paper)")
    g.add_argument("--bleed", type=float, default=0.0, metavar="MM",
                   help="with --paper: grow the page by MM on every side, the picture covering it to the edge; with "
                        "--framing fit only for a picture of the page's shape (default 0)")
    g.add_argument("--framing", choices=FRAMINGS, default="fit",
                   help="with --paper: fit the whole picture (bars), fill the page (cut) or crop the page to the picture")
    g.add_argument("--frame-color", metavar="COLOUR", help="colour of the bars of --framing fit (default white)")
    g.add_argument("--transparent", action="store_true",
                   help="no background: PNG/TIFF keep alpha, SVG/PDF draw none (JPEG: composited on white); evolve "
                        "fits a picture's own alpha for it (one without alpha needs --background, the colour it will "
                        "be shown over)")
    g.add_argument("--outline", metavar="WIDTH[:COLOUR]", help="stroke every shape's outline, WIDTH in canvas units")
    g.add_argument("--quality", type=int, default=90, help="JPEG quality 1..100 (default 90)")


def poster_settings(paper: str | None = None, landscape: bool = False, dpi: float | None = None, bleed: float = 0.0,
                    framing: Framing = "fit", frame_color: str | None = None, transparent: bool = False,
                    outline: str | None = None, quality: int = 90, option: str = "") -> PosterOptions:
    """The poster options, checked, from their values (the Python API's keywords; `option` "--" names them as
    the command line's options in messages); a bad one is a UserError.

    Examples
    --------
    >>> poster_settings(paper="A4", dpi=150).dpi
    150
    >>> poster_settings(quality=0)
    Traceback (most recent call last):
    ...
    genart.errors.UserError: quality must be between 1 and 100, got 0
    """
    if not 1 <= quality <= 100:
        raise UserError(f"{option}quality must be between 1 and 100, got {quality}")
    if framing not in FRAMINGS:
        raise UserError(f"{option}framing must be one of {', '.join(FRAMINGS)}, got {framing!r}")
    chosen = None
    if paper is not None:
        try:
            chosen = Paper(paper, landscape, dpi or 300.0, bleed)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    elif landscape or bleed:
        raise UserError(f"{option}landscape and {option}bleed need {option}paper")
    if dpi is not None and not 1.0 <= dpi <= 4800.0:
        raise UserError(f"{option}dpi must be between 1 and 4800, got {dpi:g}")
    frame = color(frame_color) if frame_color else (None if transparent else WHITE)
    return PosterOptions(chosen, dpi or (chosen.dpi if chosen else None), framing, frame, transparent,
                         _outline(outline, option) if outline else None, quality, option)


def poster_options(args: argparse.Namespace, transparent: bool = False) -> PosterOptions:
    """The poster options from parsed arguments (`transparent` forces a transparent background)."""
    return poster_settings(args.paper, args.landscape, args.dpi, args.bleed, args.framing, args.frame_color,
                           transparent or args.transparent, args.outline, args.quality, option="--")


def export_plan(out: Path) -> list[Output]:
    """The files an export to `out` writes: `out`, and the companions its format writes beside it (the builder
    script's data), each of which replaces only an earlier export's (a file beginning as genart's does)."""
    from genart.animate.export.formats import BUILDER_DATA_MARK, format_of

    return [Output(out), *(Output(data, "the builder's data", BUILDER_DATA_MARK,
                                  f"remove it, or choose another -o: the data goes beside it as {data.name}")
                           for data in format_of(out).companions(out))]


def sheet_for(canvas: scene.Canvas, kind: str, width: float | None, options: PosterOptions) -> Sheet:
    """The page a `kind` output of a canvas is drawn on: pixels (points for PDF), plain or on paper."""
    vector = kind == "pdf"
    if options.paper is not None:
        check_bleed(canvas, options)
        return paper_sheet(canvas.width, canvas.height, options.paper, options.framing, options.frame_color, vector)
    if vector:
        w = float(width) if width is not None else canvas.width
        return plain_sheet(w, w * canvas.height / canvas.width, canvas.width, canvas.height, options.dpi)
    size = scene.output_size(canvas, None if width is None else round(width), limit=kind != "svg")
    return plain_sheet(*size, canvas.width, canvas.height, options.dpi)


def check_bleed(canvas: scene.Canvas, options: PosterOptions) -> None:
    """A UserError for a bleed with framing fit where the picture's shape leaves bars on the page: the bars would
    run through the bleed, so the cut edge could show them; the message says what to use and how much fill cuts.

    Examples
    --------
    >>> check_bleed(scene.Canvas(width=210, height=297), poster_settings(paper="A4", bleed=3))  # A4's own shape
    >>> check_bleed(scene.Canvas(width=300, height=300), poster_settings(paper="A4", bleed=3))
    Traceback (most recent call last):
    ...
    genart.errors.UserError: bleed with framing fit: the 300x300 picture leaves bars on the A4 page, and a bleed must be covered by the picture; use framing fill (the picture covers the page and its bleed: 29% of its width cut) or framing crop (the page cut to the picture's shape)
    """
    paper, option = options.paper, options.option
    if paper is None or paper.bleed_mm <= 0.0 or options.framing != "fit":
        return
    trim_w, trim_h = paper.trim_mm
    fit = min(trim_w / canvas.width, trim_h / canvas.height)
    if max(trim_w - canvas.width * fit, trim_h - canvas.height * fit) * paper.units_per_mm(False) < 0.5:
        return  # the picture has the page's shape (to half a pixel): no bars
    fill = max((trim_w + 2 * paper.bleed_mm) / canvas.width, (trim_h + 2 * paper.bleed_mm) / canvas.height)
    cut_w, cut_h = 1 - (trim_w + 2 * paper.bleed_mm) / (canvas.width * fill), 1 - (trim_h + 2 * paper.bleed_mm) / (
        canvas.height * fill)
    cut, side = (cut_w, "width") if cut_w > cut_h else (cut_h, "height")
    raise UserError(f"{option}bleed with {option}framing fit: the {canvas.width:g}x{canvas.height:g} picture leaves "
                    f"bars on the {paper.name}{' landscape' if paper.landscape else ''} page, and a bleed must be "
                    f"covered by the picture; use {option}framing fill (the picture covers the page and its bleed: "
                    f"{cut:.0%} of its {side} cut) or {option}framing crop (the page cut to the picture's shape)")


def kind_of(path: str | Path) -> str:
    """'scene', 'png', 'svg', 'pdf', 'jpeg' or 'tiff' for an output path; anything else is a UserError."""
    name = str(path).lower()
    if name.endswith(SCENE_SUFFIXES):
        return "scene"
    for suffix, kind in IMAGE_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise UserError(
        f"{path}: unknown output format (use .scene.json, .scene.json.gz, .png, .jpg, .tif, .svg or .pdf)"
    )


def check_outputs(paths: Sequence[str | Path], allowed: Sequence[str] = KINDS, inputs: Iterable[str | Path] = (),
                  also: Sequence[Output] = ()) -> None:
    """Fail early, before any work, on an -o output the command cannot write (its format), and on a plan
    (those outputs, then `also`: a checkpoint, a report) that `check_plan` refuses given the `inputs`."""
    if not paths:
        raise UserError("no output: name at least one with -o")
    for path in paths:
        kind = kind_of(path)
        if kind not in allowed:
            raise UserError(f"{path}: this command cannot write {kind} (it writes {', '.join(allowed)})")
    check_plan([*(Output(Path(path)) for path in paths), *also], inputs)


def check_sizes(canvas: scene.Canvas, paths: Sequence[str | Path], width: int | None = None,
                options: PosterOptions = PosterOptions(), layers: Sequence[scene.Layer] = ()) -> None:
    """Raise SceneError, naming the file, if a raster or PDF output would be too large, or (given
    `layers`) an SVG or PDF would embed too many mosaic cells."""
    for path in paths:
        kind = kind_of(path)
        if kind in ("svg", "pdf"):
            try:
                for layer in layers:
                    if isinstance(layer, scene.MosaicLayer):
                        check_vector_cells(layer.columns * layer.rows)
            except ValueError as exc:
                raise scene.SceneError(f"{path}: {exc}") from None
        if kind in ("scene", "svg"):  # an SVG has no pixels to count
            continue
        try:
            w, h = sheet_for(canvas, kind, width, options).pixels
            scene.output_size(canvas, w, h)
        except scene.SceneError as exc:
            raise scene.SceneError(f"{path}: {exc}") from None


def write_outputs(
    drawing: scene.Scene,
    paths: Sequence[str | Path],
    width: int | None = None,
    tiles: TileSource | None = None,
    options: PosterOptions = PosterOptions(),
    inputs: Iterable[str | Path] = (),
) -> None:
    """Write the scene and/or its renders; `width` is the PNG/SVG/PDF width (default canvas size).

    All outputs are checked first (none may replace one of `inputs`; a scene file must be within
    the limits of reading it back, before any render is drawn) and written all or none (see the
    module's docstring).
    """
    check_outputs(paths, inputs=inputs)
    check_sizes(drawing.canvas, paths, width, options, drawing.layers)
    scene_files = {str(path): scene.encode(drawing, path) for path in paths if kind_of(path) == "scene"}
    with atomic_paths(paths) as temps:
        for path, tmp in zip(paths, temps):
            try:
                if str(path) in scene_files:
                    tmp.write_bytes(scene_files[str(path)])
                else:
                    write_output(drawing, kind_of(path), tmp, width, tiles, options)
            except WriteError as exc:
                raise WriteError(path, exc.reason) from None
            except OSError as exc:
                raise write_error(path, exc) from None


def write_output(drawing: scene.Scene, kind: str, path: Path, width: int | None, tiles: TileSource | None,
                 options: PosterOptions = PosterOptions()) -> None:
    """Write one output of `kind` to `path` (atomically; the scene itself is never changed by the options)."""
    if kind == "scene":
        scene.save(drawing, path)
        return
    if options.transparent:
        drawing = replace_background(drawing, (0.0, 0.0, 0.0, 0.0))
    sheet = sheet_for(drawing.canvas, kind, width, options)
    if kind == "svg":
        svg.render_svg(drawing, path, tiles=tiles, sheet=sheet, outline=options.outline)
    elif kind == "pdf":
        pdf.render_pdf(drawing, path, tiles=tiles, sheet=sheet, outline=options.outline)
    else:
        see_through_frame = sheet.picture is not None and (sheet.frame is None or sheet.frame[3] < 1.0)
        alpha = drawing.canvas.background[3] < 1.0 or see_through_frame
        pixels = cairo.render_sheet(drawing, sheet, tiles, alpha=alpha, outline=options.outline)
        save_raster(pixels, kind, path, sheet.dpi, options.quality)


def replace_background(drawing: scene.Scene, background: tuple[float, float, float, float]) -> scene.Scene:
    """The scene with another canvas background."""
    return drawing.model_copy(update={"canvas": drawing.canvas.model_copy(update={"background": background})})


def save_raster(pixels: np.ndarray, kind: str, path: Path, dpi: float | None, quality: int = 90) -> None:
    """Write RGB/RGBA pixels as PNG, JPEG (alpha composited on white) or TIFF, with their DPI, atomically."""
    extra = {"dpi": (dpi, dpi)} if dpi is not None else {}
    if kind == "png":
        cairo.save_png(pixels, path, dpi=dpi)
        return
    image = Image.fromarray(pixels)
    if kind == "jpeg":
        if image.mode == "RGBA":
            image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image).convert("RGB")
        atomic_save_image(image, path, format="JPEG", quality=quality, **extra)
    else:
        atomic_save_image(image, path, format="TIFF", compression="tiff_deflate", **extra)
