"""`genart export SCENE --motion flyin|timelapse -o OUT.{json,svg,gltf,glb,blend}`: hand a motion to other tools.

By the output's extension: `.json` a Lottie animation (lottie-spec 1.0), `.svg` an SVG
animated with SMIL whose static geometry is the final pose, `.gltf`/`.glb` glTF 2.0 with
a node per shape and the motion as animation channels, `.blend` a Blender scene built by
a Blender genart finds (`--blender`), or with `--blender-script` its builder script and
data for artists to run themselves. The motion's options are
those of `genart animate` (the same settings models); `genart animate --at T` is the
still every export is compared with.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from animations.export import ExportError, parts
from animations.export.blend import FORMAT as BLENDER_FORMAT
from animations.export.blend import export_blend, write_blender_data, write_builder_script
from animations.export.gltf import gltf_bytes
from animations.export.lottie import animation
from animations.export.smil import animated_svg
from animations.motions import MOTIONS, build_clip, get_motion
from genart.errors import UserError
from genart.motion_options import add_motion_options, motion_settings
from genart.options import add_quiet_option
from genart.outputs import Output, check_plan
from renderers import scene
from renderers.atomic import atomic_write_bytes

FORMATS = {".json": "Lottie JSON", ".svg": "SVG animated with SMIL", ".gltf": "glTF 2.0", ".glb": "binary glTF 2.0",
           ".blend": "Blender scene", ".py": "Blender builder script and its data"}
EXPORTABLE = ("flyin", "timelapse")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="hand a motion to other tools: Lottie JSON, animated SVG, glTF",
                       description="Export a scene's motion for other tools; the format follows the output's "
                                   "extension: " + ", ".join(f"{ext} {what}" for ext, what in FORMATS.items()) + ".")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("--motion", choices=EXPORTABLE, required=True, help="what moves")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output " + ", ".join(FORMATS))
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    p.add_argument("--width", type=float, help="SVG: displayed width (default: the canvas width)")
    p.add_argument("--blender", metavar="CMD", help="a blender executable or a Python that has bpy "
                                                   "(default: blender on PATH, then $GENART_BLENDER)")
    p.add_argument("--blender-script", action="store_true",
                   help="-o build.py: write Blender's builder script and its data (build.json) instead of a .blend, "
                        "for `blender -b --python build.py -- build.json out.blend`")
    add_motion_options(p, [MOTIONS[name] for name in EXPORTABLE])
    add_quiet_option(p)
    p.set_defaults(func=run)


def plan(out: Path) -> list[Output]:
    """The files `-o OUT` writes: OUT, and for the builder script (.py) its data beside it (OUT with .json), which
    replaces only an earlier export's data (a file beginning as genart's Blender data does)."""
    if out.suffix.lower() != ".py":
        return [Output(out)]
    mark = f'{{"format":"{BLENDER_FORMAT}"'.encode()
    return [Output(out), Output(out.with_suffix(".json"), "the builder's data", mark,
                                f"remove it, or choose another -o: the data goes beside it as {out.stem}.json")]


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in FORMATS or (suffix == ".py") != args.blender_script:
        raise UserError(f"{out}: unknown export format (use {', '.join(f for f in FORMATS if f != '.py')}, "
                        "or .py with --blender-script)")
    if not 0 < args.fps <= 120:
        raise UserError(f"--fps must be in (0, 120], got {args.fps}")
    if args.width is not None and not 0 < args.width <= 100_000:
        raise UserError(f"--width must be in (0, 100000], got {args.width}")
    outputs = plan(out)
    check_plan(outputs, [args.scene])
    motion = get_motion(args.motion)
    settings = motion_settings(motion, args, [MOTIONS[name] for name in EXPORTABLE])
    drawing = scene.load(args.scene)
    try:
        clip = build_clip(drawing, settings, args.fps)
        drawn = parts(clip)
    except ExportError as exc:
        raise UserError(f"{args.scene}: {exc}") from None
    except ValueError as exc:
        if isinstance(exc, scene.SceneError):
            raise
        raise UserError(f"{args.scene}: {exc}") from None
    if suffix == ".blend":
        export_blend(clip, out, args.fps, args.blender)
        _say(args, out, f"{out}: {FORMATS[suffix]}, {clip.length:g} s at {args.fps:g} fps, "
                         f"{out.stat().st_size / 1e6:.2f} MB")
        return 0
    if suffix == ".py":
        data_file = outputs[1].path
        write_blender_data(clip, args.fps, data_file)
        write_builder_script(out)
        print(f"{out}\n{data_file}" if args.quiet else
              f"{out}, {data_file}: run `blender -b --python {out} -- {data_file} OUT.blend`")
        return 0
    if suffix == ".json":
        data = json.dumps(animation(drawing.canvas, drawn, args.fps, clip.length), separators=(",", ":")).encode()
    elif suffix == ".svg":
        data = animated_svg(drawing.canvas, drawn, clip.length, args.width).encode()
    else:
        data = gltf_bytes(drawn, args.fps, binary=suffix == ".glb")
    atomic_write_bytes(out, data)
    _say(args, out, f"{out}: {FORMATS[suffix]}, {clip.length:g} s at {args.fps:g} fps, {len(data) / 1e6:.2f} MB")
    return 0


def _say(args: argparse.Namespace, out: Path, summary: str) -> None:
    """The output written: its summary line, or with -q its path alone."""
    print(out if args.quiet else summary)
