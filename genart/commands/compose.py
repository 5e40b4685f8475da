"""`genart compose A.scene.json B.scene.json ... -o OUT`: the layers of several scenes in one poster.

Later scenes are drawn over earlier ones, each scaled to fit the first scene's canvas
(centred, its aspect kept: scenes made from the same picture share the canvas exactly);
the canvas, background and source are the first scene's. Snapshots are left out, and
`meta` lists the parts (`part_<i>`: file name, `part_<i>_generator`: what made it).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from genart.errors import UserError
from genart.options import add_quiet_option
from genart.outputs import check_outputs, kind_of, write_outputs
from genart.render import scene as S


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compose", help="draw the layers of several scenes over each other into one scene",
                       description="Combine scenes into one: the layers of later scenes are drawn over earlier ones, "
                                   "scaled to the first scene's canvas (whose background and source are kept), "
                                   "e.g. GNG lines over triangles of the same picture.")
    p.add_argument("scenes", nargs="+", metavar="SCENE", help="scene files, back to front (.scene.json[.gz])")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .scene.json[.gz], .png, .svg or .pdf (repeatable)")
    p.add_argument("--width", type=int, help="PNG/SVG/PDF width in pixels (default: the first scene's width)")
    add_quiet_option(p)
    p.set_defaults(func=run)


def placed(layer: S.Layer, factor: float, dx: float, dy: float) -> S.Layer:
    """`layer` scaled by `factor` about the origin, then moved by (dx, dy) canvas units."""
    if isinstance(layer, S.ShapesLayer):
        return layer.model_copy(update={"shapes": [S.scaled(s, factor, dx / factor, dy / factor)
                                                   for s in layer.shapes]})
    if isinstance(layer, S.GraphLayer):
        return layer.model_copy(update={"xy": [(x * factor + dx, y * factor + dy) for x, y in layer.xy],
                                        "edge_width": layer.edge_width * factor,
                                        "node_radius": layer.node_radius * factor})
    raise UserError("compose draws shapes and graph layers; a mosaic cannot be composed (render it, or compose "
                    "the other scenes and keep the mosaic apart)")


def compose(parts: Sequence[S.Scene], names: Sequence[str]) -> S.Scene:
    """One scene of the layers of `parts`, back to front, on the first part's canvas."""
    base = parts[0].canvas
    layers: list[S.Layer] = []
    meta: S.Meta = {"generator": "genart compose", "parts": len(parts)}
    for i, (part, name) in enumerate(zip(parts, names)):
        factor = min(base.width / part.canvas.width, base.height / part.canvas.height)
        dx = (base.width - part.canvas.width * factor) / 2
        dy = (base.height - part.canvas.height * factor) / 2
        for layer in part.layers:
            try:
                layers.append(placed(layer, factor, dx, dy))
            except UserError as exc:
                raise UserError(f"{name}: {exc}") from None
        meta[f"part_{i}"] = Path(name).name
        meta[f"part_{i}_generator"] = str(part.meta.get("method") or part.meta.get("generator") or "")
    return S.Scene(canvas=base, source=parts[0].source, meta=meta, layers=layers)


def run(args: argparse.Namespace) -> int:
    check_outputs(args.output, inputs=args.scenes)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    parts = [S.load(path) for path in args.scenes]
    whole = S.Scene.model_construct(canvas=parts[0].canvas, layers=[layer for part in parts for layer in part.layers])
    for out in args.output:
        if kind_of(out) == "scene":  # a scene too large to be read back is refused before it is composed
            S.check_size(whole, out)
    drawing = compose(parts, args.scenes)
    write_outputs(drawing, args.output, args.width, inputs=args.scenes)
    for out in args.output:
        print(out)
    return 0
