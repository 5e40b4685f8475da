"""`genart info SCENE`: what a scene file holds (its text shown with control characters escaped)."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Mapping

from genart.generative.figures import ALPHA_AUTO
from genart.options import add_quiet_option
from genart.render import scene
from genart.runtime.terminal import printable


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="describe a scene file", description="Print a summary of a scene file.")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    add_quiet_option(p)  # info writes no file and prints only its answer: -q changes nothing
    p.set_defaults(func=run)


def describe(drawing: scene.Scene) -> list[str]:
    """Summary lines for a scene, safe to print: the file's strings have their control characters escaped."""
    c = drawing.canvas
    lines = [f"format: {drawing.format} v{drawing.version}",
             f"canvas: {c.width:g} x {c.height:g}, background rgba{tuple(round(v, 3) for v in c.background)}"]
    if drawing.source:
        lines.append(f"source: {drawing.source.name} sha256={drawing.source.sha256 or '-'}")
    for i, layer in enumerate(drawing.layers):
        if isinstance(layer, scene.ShapesLayer):
            kinds = Counter(s.kind for s in layer.shapes)
            what = ", ".join(f"{n} {k}s" for k, n in sorted(kinds.items())) or "empty"
            lines.append(f"layer {i}: shapes ({what})")
        elif isinstance(layer, scene.GraphLayer):
            lines.append(f"layer {i}: graph ({len(layer.ids)} nodes, {len(layer.edges)} edges)")
        else:
            lines.append(f"layer {i}: mosaic ({layer.columns}x{layer.rows} cells, collection {layer.collection})")
    lines.append(f"snapshots: {len(drawing.snapshots)}")
    for key, value in sorted(drawing.meta.items()):
        lines.append(f"meta.{key}: {shown_meta(key, value, drawing.meta)}")
    return [printable(line) for line in lines]


def shown_meta(key: str, value: object, meta: Mapping[str, object]) -> str:
    """A `meta` value as `info` shows it: the figures named as `genart evolve` names them, an optimized alpha as
    such (older scenes stored it as 0).

    Examples
    --------
    >>> shown_meta("alpha", 0, {"method": "hillclimb"}), shown_meta("alpha", 0.5, {})
    ('auto (per shape)', '0.5')
    >>> shown_meta("rmse", 9.18, {})
    '9.18 (poster RMSE: the antialiased render at the working size, 0-255)'
    """
    if key == "alpha" and (value == ALPHA_AUTO or (value == 0 and meta.get("method") == "hillclimb")):
        return "auto (per shape)"
    if key in NOTES:
        return f"{value} ({NOTES[key]})"
    return str(value)


NOTES = {"rmse": "poster RMSE: the antialiased render at the working size, 0-255",
         "fit_rmse": "fit RMSE: the optimizer's own, shapes drawn at pixel centres, 0-255",
         "seconds": "fitting; compiling, refining, rendering and writing not included"}


def run(args: argparse.Namespace) -> int:
    print("\n".join(describe(scene.load(args.scene))))
    return 0
