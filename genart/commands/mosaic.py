"""`genart mosaic index|build`: photo mosaics from an indexed photo collection."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import cast

import numpy as np
from PIL import Image

from genart.api import fit_picture
from genart.bars import reporter_for
from genart.errors import GenartError, UserError
from genart.files import inside
from genart.generative.images import Picture, load_picture
from genart.generative.methods.base import WORKERS_VARIABLE, max_workers
from genart.generative.methods.mosaic import MosaicSettings
from genart.generative.mosaic.build import grid_size
from genart.generative.mosaic.collection import Collection, CollectionError
from genart.generative.mosaic.image import check_image_size, write_mosaic_image
from genart.generative.mosaic.index import DEFAULT_SIZES, index_folder
from genart.generative.mosaic.match import MatchError
from genart.generative.mosaic.scan import IMAGE_SUFFIXES
from genart.options import add_quiet_option, add_scheduler_option, add_settings_options, settings_from
from genart.outputs import (
    SCENE_SUFFIXES,
    Output,
    add_poster_options,
    check_outputs,
    check_plan,
    check_sizes,
    kind_of,
    poster_options,
    write_output,
)
from genart.preview import add_preview_options, watching, write_run_report
from genart.render import scene
from genart.render.atomic import WriteError, atomic_paths, write_error
from genart.render.layers.mosaic import check_vector_cells
from genart.render.scene import MosaicLayer
from genart.report import report_output
from genart.runtime.execution import ExecutionError

DEFAULT_TILE_PX, MAX_TILE_PX = 32, 1024  # pixels a cell in pictures


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mosaic", help="photo mosaics: index a photo folder, build a mosaic of a picture",
                       description="Index a folder of photos into a collection file, then rebuild pictures from them.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)

    ix = verbs.add_parser("index", help="index a folder of photos into a collection file",
                          description="Scan DIR for images (jpg, png, webp, ...), skip unreadable ones and near-duplicates, "
                                      "and write square thumbnails and colour features to one file. Re-running only reads "
                                      "new or changed files.")
    ix.add_argument("folder", metavar="DIR", help="folder of photos (searched recursively)")
    ix.add_argument("-o", "--output", required=True, metavar="COLLECTION", help="collection file to write or refresh (.npz)")
    ix.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), metavar="PX,PX,...",
                    help="thumbnail sizes to store (default %(default)s; add e.g. 128,256 for big prints and zooms)")
    ix.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all %(default)s cores)")
    add_scheduler_option(ix, "the photo reading (the photos travel to the workers as bytes)", "--jobs local processes")
    add_quiet_option(ix)
    ix.set_defaults(func=run_index)

    b = verbs.add_parser("build", help="build a mosaic of a picture from a collection",
                         description="Cut TARGET into a grid of cells and give each the best-matching tile.")
    b.add_argument("collection", metavar="COLLECTION", help="collection file made by `genart mosaic index`")
    b.add_argument("target", metavar="TARGET", help="the picture to rebuild")
    size = b.add_mutually_exclusive_group(required=True)
    size.add_argument("--grid", metavar="CxR", help=MosaicSettings.model_fields["grid"].description)
    size.add_argument("--cell", type=float, metavar="PX", help=MosaicSettings.model_fields["cell"].description)
    pixels = b.add_mutually_exclusive_group()
    pixels.add_argument("--tile-px", type=int, default=None,
                        help=f"pixels per cell in PNG/JPEG (and SVG/PDF) output (default {DEFAULT_TILE_PX})")
    pixels.add_argument("--width", type=int, metavar="PX",
                        help="output width in pixels instead: each cell gets the whole pixels nearest WIDTH / columns")
    add_settings_options(b, {"mosaic": MosaicSettings}, skip=("collection", "grid", "cell"))
    add_quiet_option(b)
    add_poster_options(b)
    add_preview_options(b)
    b.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .png, .jpg, .scene.json(.gz), .pdf or .svg (repeatable)")
    b.set_defaults(func=run_build)


def _load(path: str) -> Collection:
    try:
        return Collection.load(path)
    except CollectionError as exc:
        raise UserError(str(exc)) from None


def run_index(args: argparse.Namespace) -> int:
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise UserError(f"--sizes {args.sizes!r} is not a comma-separated list of pixel sizes") from None
    if not args.output.lower().endswith(".npz"):
        raise UserError(f"{args.output}: a collection is written as an .npz file")
    if not 1 <= args.jobs <= max_workers():
        raise UserError(f"--jobs must be between 1 and {max_workers()} (the machine's cores; set {WORKERS_VARIABLE} "
                        f"to allow more), got {args.jobs}")
    if Path(args.output).is_dir() or not Path(args.output).parent.is_dir():
        raise UserError(f"{args.output}: cannot write a file there")
    # the collection is refreshed in place, so it is no input of its own; the photos are: only a link can
    # make an .npz one of them, so the file it leads to is checked
    resolved = Path(args.output).resolve()
    photo = resolved.suffix.lower() in IMAGE_SUFFIXES and inside(resolved, args.folder)
    check_plan([Output(Path(args.output))], [resolved] if photo else [])  # before the photos are read
    start = time.perf_counter()
    try:
        report = index_folder(args.folder, args.output, sizes, args.jobs, reporter_for(not args.quiet),
                              warn=lambda m: print(f"genart mosaic index: warning: {m}", file=sys.stderr),
                              scheduler=args.scheduler)
    except (CollectionError, ExecutionError) as exc:
        raise UserError(str(exc)) from None
    print(args.output if args.quiet else
          f"{args.output}: {report.tiles} tiles; read {report.processed} files, reused {report.reused}; "
          f"skipped {report.unreadable} unreadable, {report.duplicates} near-duplicates, {report.ignored} non-image files "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


def _cells(args: argparse.Namespace, picture: Picture) -> tuple[int, int]:
    """The grid's columns and rows for the picture; then `args.tile_px` is set (from --width, if given)."""
    try:
        columns, rows = grid_size(picture.width, picture.height, args.grid, args.cell)
    except MatchError as exc:
        raise UserError(str(exc)) from None
    if args.width is not None:
        if args.width < 1:
            raise UserError(f"--width must be at least 1, got {args.width}")
        args.tile_px = max(1, round(args.width / columns))
        if args.tile_px * columns != args.width and not args.quiet:
            print(f"genart mosaic build: note: --width {args.width} over {columns} columns gives cells of "
                  f"{args.tile_px} px: {args.tile_px * columns} px across", file=sys.stderr)
        if args.tile_px > MAX_TILE_PX:
            raise UserError(f"--width {args.width} over {columns} columns gives cells of {args.tile_px} px, more than "
                            f"{MAX_TILE_PX}: ask for more cells or a smaller width")
    elif args.tile_px is None:
        args.tile_px = DEFAULT_TILE_PX
    return columns, rows


def _check_build_sizes(args: argparse.Namespace, picture: Picture) -> None:
    """Refuse, before any matching, an output too large to write at the grid and --tile-px (or paper) asked for."""
    columns, rows = _cells(args, picture)
    options = poster_options(args)
    canvas = scene.Canvas(width=picture.width, height=picture.width / columns * rows)
    for out in args.output:
        kind = kind_of(out)
        try:
            if kind in ("svg", "pdf"):
                check_vector_cells(columns * rows)
            if kind in ("png", "jpeg") and args.paper is None:
                check_image_size(columns, rows, args.tile_px)
            else:
                check_sizes(canvas, [out], columns * args.tile_px, options)
        except ValueError as exc:  # SceneError too
            shrink = "a lower --dpi" if args.paper is not None else "fewer cells (--grid, --cell) or a smaller --tile-px"
            message = str(exc) if "--tile-px" in str(exc) or "--grid" in str(exc) else f"{exc}; use {shrink}"
            raise UserError(message if message.startswith(f"{out}:") else f"{out}: {message}") from None


def run_build(args: argparse.Namespace) -> int:
    report = report_output(args.report, args.output[0])
    check_outputs(args.output, inputs=[args.collection, args.target], also=[report] if report else [])
    if args.tile_px is not None and not 1 <= args.tile_px <= MAX_TILE_PX:  # before the picture is read
        raise UserError(f"--tile-px must be between 1 and {MAX_TILE_PX}, got {args.tile_px}")
    if not 1 <= args.quality <= 100:
        raise UserError(f"--quality must be between 1 and 100, got {args.quality}")
    settings = settings_from(args, MosaicSettings, {"mosaic": MosaicSettings}, "mosaic", "build",
                             collection=args.collection, grid=args.grid, cell=args.cell)
    collection = _load(args.collection)
    picture = load_picture(args.target)
    _check_build_sizes(args, picture)
    start = time.perf_counter()
    with watching(args, "mosaic build") as live:
        drawing = fit_picture(picture, "mosaic", settings, reporter=live)
        layer = cast(MosaicLayer, drawing.layers[0])  # the mosaic method's one layer
        if live is not None:
            live.finish()  # the method showed the matched mosaic
        _write_build_outputs(drawing, layer, collection, args)
        if live is not None and report is not None:
            write_run_report(live, report.path, "mosaic build", f"genart mosaic build {picture.name}", drawing,
                             settings.model_dump(mode="json"), time.perf_counter() - start, collection.tile)
    if not args.quiet:
        print(build_summary(layer, collection, picture.rgb, time.perf_counter() - start))
    for out in args.output:
        print(out)
        if out.lower().endswith(SCENE_SUFFIXES) and (name := _collection_name(args.collection, out)).startswith(".."):
            print(f"genart mosaic build: note: {out} names its collection {name}, outside the scene's folder: render it "
                  f"with --collection {args.collection} (or keep the collection beside the scene)", file=sys.stderr)
    return 0


def _write_build_outputs(drawing: scene.Scene, layer: MosaicLayer, collection: Collection,
                         args: argparse.Namespace) -> None:
    """Write every output, or none (scenes first, their limits checked); a failure names its output."""
    with atomic_paths(args.output) as temps:
        for out, tmp in sorted(zip(args.output, temps), key=lambda planned: kind_of(planned[0]) != "scene"):
            try:
                _write_build_output(drawing, layer, collection, out, tmp, args)
            except WriteError as exc:
                raise WriteError(out, exc.reason) from None
            except OSError as exc:
                raise write_error(out, exc) from None
            except GenartError:
                raise  # genart's own errors name the output
            except ValueError as exc:
                raise UserError(f"{out}: {exc}") from None


def _collection_name(collection: str, scene_out: str) -> str:
    """The collection's path as a scene written to `scene_out` names it: relative to the scene's folder."""
    return os.path.relpath(Path(collection).resolve(), Path(scene_out).resolve().parent)


def build_summary(layer: MosaicLayer, collection: Collection, rgb: np.ndarray, seconds: float) -> str:
    """One line: grid, cells, tiles used (and how many once), the mean cell colour error, time.

    The error is the RMSE (RGB, 0–255) between each cell's mean colour in the picture and its
    tile's mean colour (before any blend).
    """
    tiles = np.asarray(layer.tiles)
    ids, uses = np.unique(tiles, return_counts=True)
    cells = np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., :3])).resize(
        (layer.columns, layer.rows), Image.Resampling.BOX), np.float64).reshape(-1, 3)
    tile_means = np.asarray(collection.rgb_grid[ids], np.float64).mean(axis=(1, 2)) * 255.0
    chosen = tile_means[np.searchsorted(ids, tiles)]
    error = float(np.sqrt(((cells - chosen) ** 2).mean()))
    return (f"{layer.columns}x{layer.rows} grid, {len(tiles)} cells, {len(ids)} tiles used ({int((uses == 1).sum())} "
            f"once) of {len(collection)}, mean cell colour error {error:.2f}, {seconds:.1f} s")


def _write_build_output(drawing: scene.Scene, layer: MosaicLayer, collection: Collection, out: str, tmp: Path,
                        args: argparse.Namespace) -> None:
    """Write output `out` (its format from its name) to the temporary file `tmp` beside it."""
    kind = kind_of(out)
    if kind in ("png", "jpeg") and args.paper is None:  # streamed, tile_px pixels a cell
        write_mosaic_image(collection, layer, tmp, args.tile_px, args.quality)
    elif kind == "scene":
        # the scene names its collection relative to its own folder, so the two can move together
        rel = _collection_name(args.collection, out)
        mosaic = drawing.model_copy(update={"layers": [layer.model_copy(update={"collection": rel})]})
        tmp.write_bytes(scene.encode(mosaic, out))
    else:
        write_output(drawing, kind, tmp, layer.columns * args.tile_px, collection.tile, poster_options(args))
