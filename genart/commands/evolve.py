"""`genart evolve IMAGE -o OUT...`: fit translucent shapes to a picture."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, cast, get_args, get_origin

import numpy as np
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from genart.errors import UserError
from genart.outputs import check_outputs, check_sizes, write_outputs
from generative.images import load_picture, rmse_255, working
from generative.methods import METHODS, Method, settings_error
from generative.methods.refine import RefineSettings, refine_scene
from renderers import scene as S


def grid(text: str) -> tuple[int, int]:
    """'4x4' → (4, 4)."""
    try:
        cols, rows = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COLSxROWS such as 4x4, got {text!r}") from None
    return cols, rows


def alpha(text: str) -> float:
    """'auto' (optimized per shape, stored as 0) or a number in (0, 1]."""
    if text == "auto":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"alpha must be in (0, 1] or 'auto', got {text!r}")
    return value


def color(text: str) -> tuple[float, float, float] | None:
    """'auto' (the picture's mean colour) or #rrggbb."""
    if text == "auto":
        return None
    value = text.lstrip("#")
    if len(value) != 6:
        raise argparse.ArgumentTypeError(f"expected 'auto' or #rrggbb, got {text!r}")
    try:
        return tuple(int(value[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or #rrggbb, got {text!r}") from None


# options written otherwise than their fields: (parser, metavar)
PARSERS = {"alpha": (alpha, "auto|A"), "background": (color, "auto|#rrggbb"), "tiles": (grid, "CxR")}
FLAGS = {"shapes": ("-n",)}


def _plain(annotation: Any) -> Any:
    """The annotation without None (X | None → X)."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if get_origin(annotation) in (Union, UnionType) and len(args) == 1 else annotation


def _shown(value: object) -> str:
    return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _add_settings_options(p: argparse.ArgumentParser, methods: list[Method]) -> None:
    """One option per settings field of `methods` (--max-age for max_age): type, choices and help
    from the models; a field of some methods only goes in their group. An option left out
    (None) leaves each method its own default, which the help lists."""
    fields: dict[str, list[tuple[Method, FieldInfo]]] = {}
    for method in methods:
        for name, info in method.settings.model_fields.items():
            fields.setdefault(name, []).append((method, info))
    groups: dict[str, argparse._ArgumentGroup] = {}
    for name, owners in fields.items():
        info = owners[0][1]
        kind = _plain(info.annotation)
        options: dict[str, Any] = {"default": None}
        if name in PARSERS:
            options["type"], options["metavar"] = PARSERS[name]
        elif get_origin(kind) is Literal:
            options["choices"] = list(dict.fromkeys(c for _, i in owners for c in get_args(_plain(i.annotation))))
        elif kind in (int, float):
            options["type"] = kind
        defaults = [f"{'' if i == 0 else m.name + ': '}{_shown(f.default)}" for i, (m, f) in enumerate(owners)
                    if f.default is not None and (i == 0 or f.default != info.default)]
        shown = f" (default {'; '.join(defaults)})" if defaults and "default" not in (info.description or "") else ""
        options["help"] = f"{info.description}{shown}"
        names = [m.name for m, _ in owners]
        if len(owners) == len(methods):
            target: argparse._ActionsContainer = p
        else:
            title = " and ".join(names)
            target = groups.setdefault(title, p.add_argument_group(title))
        target.add_argument(*FLAGS.get(name, ()), f"--{name.replace('_', '-')}", dest=name, **options)


def register(sub: argparse._SubParsersAction) -> None:
    methods = [m for m in METHODS.values() if m.draws_shapes]
    p = sub.add_parser(
        "evolve", help="fit translucent shapes to a picture",
        description="Approximate a picture with N translucent shapes and write the scene and/or its renders.")
    p.add_argument("image", help="the picture to approximate (png, jpg, webp, ...)")
    p.add_argument("-o", "--output", action="append", required=True, metavar="OUT",
                   help="output .scene.json, .png, .svg or .pdf (repeatable)")
    p.add_argument("--method", choices=[m.name for m in methods], default=methods[0].name,
                   help="; ".join(f"{m.name}: {m.help}" for m in methods))
    p.add_argument("--width", type=int, default=None, help="width of PNG/SVG/PDF output (default: picture width)")
    _add_settings_options(p, methods)
    steps = p.add_argument_group("after the fit")
    steps.add_argument("--refine-seconds", type=float, default=None,
                       help="refine all shapes jointly by gradient descent this long (with --seed, --resize, "
                            "--loss, --weights, --snapshot-every)")
    steps.add_argument("--checkpoint", default=None, help="hillclimb: checkpoint file (default: first output + .ckpt)")
    steps.add_argument("--resume", action="store_true",
                       help="hillclimb: continue from the checkpoint of an interrupted run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _option(field: str) -> str:
    return f"--{field.replace('_', '-')}"


def _settings(model: type[BaseModel], values: dict[str, Any], option: Callable[[str], str] = _option) -> Any:
    """The settings model built from the options given; a ValidationError becomes one line."""
    try:
        return model(**{k: v for k, v in values.items() if k in model.model_fields and v is not None})
    except ValidationError as exc:
        raise UserError(settings_error(exc, model, option)) from None


def _poster_rmse(drawing: S.Scene, target: np.ndarray) -> float:
    """RGB RMSE (0–255) of the scene's antialiased render, as its PNG shows it, at the target's size."""
    from renderers.cairo import render_array

    return rmse_255(render_array(drawing, target.shape[1], target.shape[0]), target)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (or would: the same absolute path, links resolved)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _checkpoint(args: argparse.Namespace, method: Method) -> Path:
    """The checkpoint path; one line if it is the picture or an output, or the method keeps none."""
    if not method.checkpoints and (args.checkpoint is not None or args.resume):
        raise UserError(f"--checkpoint and --resume apply to hillclimb, not to --method {method.name}")
    checkpoint = Path(args.checkpoint or f"{args.output[0]}.ckpt")
    if _same_file(checkpoint, Path(args.image)):
        raise UserError(f"--checkpoint {checkpoint} is the input picture; choose another name")
    if any(_same_file(checkpoint, Path(out)) for out in args.output):
        raise UserError(f"--checkpoint {checkpoint} is also an output; choose another name")
    return checkpoint


def run(args: argparse.Namespace) -> int:
    check_outputs(args.output)
    if args.width is not None and args.width < 1:
        raise UserError(f"--width must be at least 1, got {args.width}")
    method = METHODS[args.method]
    checkpoint = _checkpoint(args, method)
    settings = _settings(method.settings, vars(args))
    refinement = None
    if args.refine_seconds is not None:
        refinement = _settings(RefineSettings, {**vars(args), "seconds": args.refine_seconds, "steps": None},
                               lambda f: "--refine-seconds" if f == "seconds" else _option(f))
    picture = load_picture(args.image)
    check_sizes(S.Canvas(width=picture.width, height=picture.height), args.output, args.width or picture.width)
    try:
        drawing = method.fit(picture, settings, progress=not args.quiet, checkpoint=checkpoint, resume=args.resume)
    except KeyboardInterrupt:
        if not method.checkpoints:
            raise
        raise UserError(f"interrupted; progress saved in {checkpoint}; "
                        "run the same command with --resume to continue") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if refinement is not None:
        drawing = refine_scene(drawing, picture, refinement, progress=not args.quiet)
    target = working(picture, settings.resize).target
    rmse = _poster_rmse(drawing, target)
    seconds = drawing.meta["seconds"]
    shapes = cast(S.ShapesLayer, drawing.layers[0]).shapes  # every evolve method draws one layer of shapes
    drawing = drawing.model_copy(update={"meta": {**drawing.meta, "rmse": round(rmse, 4)}})
    write_outputs(drawing, args.output, args.width or picture.width)
    print(f"{len(shapes)} shapes, RMSE {rmse:.2f} at {target.shape[1]}x{target.shape[0]}, "
          f"{seconds:.1f} s")
    for out in args.output:
        print(out)
    return 0
