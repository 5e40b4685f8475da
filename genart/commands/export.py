"""`genart export SCENE --motion MOTION -o OUT.{json,svg,gltf,glb,blend}`: hand a motion to other tools.

By the output's extension (the registry `genart.animate.export.formats.FORMATS`): `.json` a
Lottie animation (lottie-spec 1.0), `.svg` an SVG animated with SMIL whose static geometry
is the final pose, `.gltf`/`.glb` glTF 2.0 with a node per shape and the motion as
animation channels, `.blend` a Blender scene built by a Blender genart finds (`--blender`),
or with `--blender-script` its builder script and data for artists to run themselves. The
motion's options are those of `genart animate` (the same settings models); `genart animate
--at T` is the still every export is compared with. Every format keeps genart's one clock
(time t is frame t · fps, `genart.animate.timeline.frame_times`), carries every easing, and
keys what it cannot express exactly within `genart.animate.export.keys.TOLERANCE`; past a
format's keyframe bound the export is refused in one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from genart.animate.export import ExportError
from genart.animate.export.formats import EXPORTABLE, FORMATS, check_export, export_motion, unknown_format
from genart.animate.motions import MOTIONS, get_motion
from genart.errors import GenartError, UserError
from genart.options import add_quiet_option, add_settings_options, settings_from
from genart.outputs import check_plan, export_plan
from genart.render import scene

MOTION_SETTINGS = {name: MOTIONS[name].settings for name in EXPORTABLE}


DEFAULT_FPS = 30.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="hand a motion to other tools: Lottie JSON, animated SVG, glTF, Blender",
                       description="Export a scene's motion for other tools; the format follows the output's "
                                   "extension: " + ", ".join(f"{f.suffix} {f.name}" for f in FORMATS.values()) + ".")
    p.add_argument("scene", help="scene file (.scene.json or .scene.json.gz)")
    p.add_argument("--motion", choices=EXPORTABLE, required=True, help="what moves")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output " + ", ".join(FORMATS))
    p.add_argument("--fps", type=float, default=None,
                   help="frames per second (default 30; --motion video: the clip's own rate)")
    p.add_argument("--width", type=float, help="SVG: displayed width (default: the canvas width)")
    p.add_argument("--blender", metavar="CMD", help="a blender executable or a Python that has bpy "
                                                   "(default: blender on PATH, then $GENART_BLENDER)")
    p.add_argument("--blender-script", action="store_true",
                   help="-o build.py: write Blender's builder script and its data (build.json) instead of a .blend, "
                        "for `blender -b --python build.py -- build.json out.blend`")
    add_settings_options(p, MOTION_SETTINGS)
    add_quiet_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    try:  # the options are checked (and named) before anything is read
        chosen = check_export(out, args.motion, DEFAULT_FPS if args.fps is None else args.fps, args.width)
    except ExportError as exc:
        raise UserError(str(exc) if str(exc).startswith(str(out)) else f"--{exc}") from None
    if chosen.asked_by != ("--blender-script" if args.blender_script else ""):  # a format asked for, or not
        raise UserError(str(unknown_format(out)))
    outputs = export_plan(out)
    check_plan(outputs, [args.scene])
    motion = get_motion(args.motion)
    settings = settings_from(args, motion.settings, MOTION_SETTINGS, "--motion", motion.name)
    drawing = scene.load(args.scene)
    tiles = None
    if motion.uses_tiles and (layer := next((la for la in drawing.layers if isinstance(la, scene.MosaicLayer)), None)):
        from genart.generative.mosaic.collection import open_tiles  # the mosaic package loads only for mosaics

        tiles = open_tiles(layer, args.scene)
    if args.fps is None:  # the video motion plays a clip at its own rate, the others at 30 fps
        args.fps = drawing.video.fps if motion.name == "video" and drawing.video is not None else DEFAULT_FPS
    try:
        clip, written = export_motion(drawing, settings, out, args.fps, args.width, args.blender, tiles)
    except ExportError as exc:
        raise UserError(str(exc) if str(exc).startswith(str(out)) else f"{args.scene}: {exc}") from None
    except ValueError as exc:
        if isinstance(exc, GenartError):  # genart's own errors say what they are as they are
            raise
        raise UserError(f"{args.scene}: {exc}") from None
    if args.quiet:
        print("\n".join(map(str, written)))
    elif chosen.hint is not None:
        print(f"{', '.join(map(str, written))}: {chosen.hint(written)}")
    else:
        print(f"{out}: {chosen.name}, {clip.length:g} s at {args.fps:g} fps, {out.stat().st_size / 1e6:.2f} MB")
    return 0
