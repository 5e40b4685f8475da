"""`genart gng IMAGE -o OUT.scene.json`: Growing Neural Gas line art from a picture."""

from __future__ import annotations

import argparse
import sys

from PIL import ImageColor
from tqdm import tqdm

from genart.errors import UserError
from genart.outputs import check_outputs, write_outputs
from generative import points as pts
from generative.gng import GNGParams, Graph, train
from generative.gng_scene import GraphStyle, gng_scene
from generative.images import load_picture
from renderers.scene import Source

# The "Making Art with Growing Neural Gas" settings (neupy defaults differ: see generative.gng).
ARTICLE = GNGParams(step=0.2, neighbour_step=0.005, max_edge_age=50, max_nodes=2400,
                    n_iter_before_neuron_added=100, after_split_error_decay_rate=0.5,
                    error_decay_rate=0.995, min_distance_for_update=0.01, epochs=20, shuffle=True)
MAX_SNAPSHOTS = 10_000


def _color(text: str) -> tuple[float, float, float, float]:
    try:
        rgba = ImageColor.getrgb(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a colour: {text!r} (use a name, #rrggbb or #rrggbbaa)") from None
    return tuple(c / 255.0 for c in (*rgba, 255)[:4])  # type: ignore[return-value]


def _edge_color(text: str) -> tuple[float, float, float, float] | str:
    return "source" if text == "source" else _color(text)


def _threshold(text: str) -> str | float:
    if text in pts.DEFAULT_OFFSETS:
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use otsu, local or a grey level in [0, 1], not {text!r}") from None


def _snapshots(text: str) -> str | int:
    if text in ("epoch", "none"):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"use epoch, none or a number of signals, not {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gng", help="Growing Neural Gas line art from a picture",
        description="Turn the dark pixels of a picture into points, grow a neural gas graph over them "
                    "and draw its edges. Defaults are the 'Making Art with Growing Neural Gas' settings.",
    )
    p.add_argument("image", help="source picture")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .scene.json[.gz], .png, .svg or .pdf (repeatable)")
    p.add_argument("--width", type=int, help="PNG/SVG/PDF width in pixels (default: the picture's width)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    g = p.add_argument_group("image to points")
    g.add_argument("--crop", metavar="Y0:Y1,X0:X1", help="cut the picture first (numpy-style rows, columns)")
    g.add_argument("--sigma", type=float, default=0.6, help="gaussian blur in pixels (default 0.6)")
    g.add_argument("--threshold", type=_threshold, default="otsu", metavar="otsu|local|LEVEL",
                   help="otsu (default), local (adaptive) or a grey level in [0, 1]")
    g.add_argument("--offset", type=float,
                   help="added to the otsu or local level; larger keeps more pixels (default otsu 0.1, local -0.05)")
    g.add_argument("--block-size", type=int, default=35, help="neighbourhood of the local threshold (odd, default 35)")
    g.add_argument("--invert", action="store_true", help="keep light pixels instead of dark ones")
    n = p.add_argument_group("growing neural gas (neupy's names)")
    n.add_argument("--max-nodes", type=int, default=ARTICLE.max_nodes)
    n.add_argument("--epochs", type=int, default=ARTICLE.epochs)
    n.add_argument("--step", type=float, default=ARTICLE.step, help="winner learning rate")
    n.add_argument("--neighbour-step", type=float, default=ARTICLE.neighbour_step)
    n.add_argument("--max-edge-age", type=int, default=ARTICLE.max_edge_age)
    n.add_argument("--n-start-nodes", type=int, default=ARTICLE.n_start_nodes)
    n.add_argument("--n-iter-before-neuron-added", type=int, default=ARTICLE.n_iter_before_neuron_added)
    n.add_argument("--after-split-error-decay-rate", type=float, default=ARTICLE.after_split_error_decay_rate)
    n.add_argument("--error-decay-rate", type=float, default=ARTICLE.error_decay_rate)
    n.add_argument("--min-distance-for-update", type=float, default=ARTICLE.min_distance_for_update)
    n.add_argument("--no-shuffle", action="store_true", help="present the points in image order every epoch")
    n.add_argument("--seed", type=int, default=0)
    n.add_argument("--snapshots", type=_snapshots, default="epoch", metavar="epoch|none|K",
                   help="record the graph every epoch (default), never, or every K signals")
    n.add_argument("--count-components", action="store_true",
                   help="print the number of connected subgraphs (e.g. words, after more blur)")
    d = p.add_argument_group("drawing")
    d.add_argument("--edge-width", type=float, default=0.3, help="line width in picture pixels (default 0.3)")
    d.add_argument("--edge-color", type=_edge_color, default="black",
                   help="line colour, or 'source' for the picture's colour under each edge")
    d.add_argument("--node-radius", type=float, default=0.0, help="draw nodes as dots of this radius")
    d.add_argument("--node-color", type=_color, default="black")
    d.add_argument("--background", type=_color, default="white")
    p.set_defaults(func=run)


def _params(args: argparse.Namespace) -> GNGParams:
    params = GNGParams(
        n_start_nodes=args.n_start_nodes, step=args.step, neighbour_step=args.neighbour_step,
        max_edge_age=args.max_edge_age, max_nodes=args.max_nodes,
        n_iter_before_neuron_added=args.n_iter_before_neuron_added,
        after_split_error_decay_rate=args.after_split_error_decay_rate, error_decay_rate=args.error_decay_rate,
        min_distance_for_update=args.min_distance_for_update, epochs=args.epochs,
        shuffle=not args.no_shuffle, seed=args.seed,
    )
    try:
        params.check()
    except ValueError as exc:
        raise UserError(f"--{str(exc).replace('_', '-')}") from None
    return params


def run(args: argparse.Namespace) -> int:
    check_outputs(args.output)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    if isinstance(args.snapshots, int) and args.snapshots < 1:
        raise UserError(f"--snapshots must be epoch, none or at least 1, got {args.snapshots}")
    if args.edge_width < 0 or args.node_radius < 0:
        raise UserError("--edge-width and --node-radius must be at least 0")
    params = _params(args)
    picture = load_picture(args.image)
    try:
        rgb = pts.crop(picture.rgb, *pts.parse_crop(args.crop)) if args.crop else picture.rgb
        mask = pts.binarize(pts.blurred_grey(rgb, args.sigma), args.threshold, args.offset,
                            args.block_size, args.invert)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    points = pts.mask_points(mask)
    if len(points) == 0:
        raise UserError(f"{args.image}: no pixels pass the threshold, so there is nothing to draw "
                        f"(a uniform picture? else try {'without' if args.invert else 'with'} --invert, "
                        f"another --threshold or --offset)")
    if isinstance(args.snapshots, int) and len(points) * params.epochs // args.snapshots > MAX_SNAPSHOTS:
        raise UserError(f"--snapshots {args.snapshots} would record more than {MAX_SNAPSHOTS} snapshots of "
                        f"{len(points) * params.epochs} signals; use a larger K")
    with tqdm(total=params.epochs, unit="epoch", desc="gng", file=sys.stderr, disable=args.quiet) as bar:
        def on_epoch(_: int, graph: Graph) -> None:
            bar.set_postfix(nodes=len(graph.ids), edges=len(graph.edges), refresh=False)
            bar.update()

        result = train(points, params, snapshot_every=args.snapshots if isinstance(args.snapshots, int) else None,
                       snapshot_epochs=args.snapshots == "epoch", on_epoch=on_epoch)
    from_image = args.edge_color == "source"
    style = GraphStyle(edge_width=args.edge_width, edge_color=(0.0, 0.0, 0.0, 1.0) if from_image else args.edge_color,
                       colors_from_image=from_image, node_radius=args.node_radius, node_color=args.node_color,
                       background=args.background)
    threshold = args.threshold if isinstance(args.threshold, str) else "manual"
    extra = {"crop": args.crop, "sigma": args.sigma, "threshold": threshold,
             "threshold_level": args.threshold if threshold == "manual" else None,
             "threshold_offset": None if threshold == "manual" else
             args.offset if args.offset is not None else pts.DEFAULT_OFFSETS[threshold],
             "block_size": args.block_size if threshold == "local" else None, "invert": args.invert}
    drawing = gng_scene(result, points, rgb, params, style, Source(name=picture.name, sha256=picture.sha256), extra)
    write_outputs(drawing, args.output, args.width)
    for out in args.output:
        print(out)
    if args.count_components:
        print(f"components: {drawing.meta['gng_components']}")
    return 0
