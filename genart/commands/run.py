"""`genart run SCRIPT`: a whole piece from a YAML script, every stage cached by content.

The format is described in docs/scripts.md, the cache and the watch mode in
docs/commands/run.md; the pieces are in `genart.script`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from genart.errors import UserError
from genart.generative.images import load_picture
from genart.options import add_quiet_option, add_scheduler_option
from genart.preview import add_preview_options, watching
from genart.preview.live import Live
from genart.preview.live import Stage as ShownStage
from genart.runtime.progress import SILENT, Progress
from genart.runtime.terminal import printable
from genart.script.cache import Cache
from genart.script.check import Piece
from genart.script.load import load
from genart.script.plan import Stage, plan, select
from genart.script.plan import run as run_stages


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="make a piece from a YAML script: scenes, posters, a movie and exports, cached",
                       description="Run a YAML script: fit its scenes, draw its posters, render and join its "
                                   "movie, export its motions for other tools. Every stage is cached (in your cache "
                                   "directory, ~/.cache/genart/run/) by a hash of what it depends on, so only what "
                                   "changed is made again. Every file the script names must lie inside its folder.")
    p.add_argument("script", help="the script (.yaml)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="override a value, e.g. --set scenes.tris.shapes=800 or --set movie.shots.0.duration=3 "
                        "(the value is read as YAML; repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print the resolved script and the plan; make nothing")
    p.add_argument("--only", metavar="NAME",
                   help="make only a scene (and its posters, exports and plots), `posters`, `movie`, `exports` or `plots`")
    p.add_argument("--force", action="store_true", help="make the chosen stages again even where cached")
    p.add_argument("--watch", action="store_true",
                   help="run again on every save of the script or its inputs (Ctrl-C stops)")
    p.add_argument("--allow-outside", action="store_true",
                   help="let the script read and write files outside its own folder (absolute paths, `..`, links "
                        "leading out); only for a script you trust: a script cannot grant this itself")
    add_scheduler_option(p, "the script's tiled hill-climbs and photo indexing")
    p.add_argument("--blender", metavar="CMD", help="the Blender that builds the script's .blend exports: a blender "
                                                   "executable or a Python that has bpy (default: blender on PATH, "
                                                   "then $GENART_BLENDER; a script cannot name one)")
    add_quiet_option(p)
    add_preview_options(p, report=False)
    p.set_defaults(func=run)


def _say(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(line, file=sys.stderr, flush=True)


def _stages(args: argparse.Namespace, piece: Piece, cache: Cache, live: Live | None = None) -> list[Stage]:
    return select(plan(piece, cache, progress=not args.quiet, reporter=live or SILENT,
                       scheduler=args.scheduler, blender=args.blender), args.only, piece)


POSTER_PICTURES = (".png", ".jpg", ".jpeg")


def _follow(live: Live, todo: list[Stage]) -> Callable[[Stage, str, float | None], None]:
    """Show the stages on the page as they change, and each poster drawn as a picture (PNG and JPEG)."""
    shown = [ShownStage(stage.label, "waiting") for stage in todo]
    live.set_stages(shown)
    began = time.perf_counter()

    def on_stage(stage: Stage, state: str, seconds: float | None) -> None:
        shown[todo.index(stage)] = ShownStage(stage.label, state, seconds)
        live.set_stages(shown)
        if state == "done" and stage.label.startswith("poster") and stage.target.suffix.lower() in POSTER_PICTURES:
            poster = load_picture(stage.target).rgb
            live.report(Progress("poster", 1, 1, "poster", time.perf_counter() - began, None, poster,
                                 lambda: poster))

    return on_stage


def dry_run(args: argparse.Namespace, piece: Piece) -> None:
    """Print the resolved script (defaults filled in, --set applied) and what a run would do."""
    cache = Cache(piece.folder)
    resolved = piece.script.model_dump(mode="json", by_alias=True)
    first = ("out", "shot", "method", "from", "photos", "refine_seconds", "scene", "motion", "transition", "fps",
             "width")
    for entries in (resolved["scenes"].values(), resolved["movie"]["shots"] if resolved["movie"] else [],
                    resolved["exports"]):
        for entry in entries:  # the script's own keys before the method's or motion's settings
            ordered = {k: entry[k] for k in first if k in entry}
            rest = {k: v for k, v in entry.items() if k not in ordered}
            entry.clear()
            entry.update({**ordered, **rest})
    print(yaml.safe_dump(resolved, sort_keys=False, default_flow_style=None, width=100), end="")
    print(f"# plan (cache: {cache.folder})")
    for stage in _stages(args, piece, cache):
        state = "cached" if not args.force and stage.done(cache) else "run"
        print(f"#   {state:6}  {stage.label}")


def run_piece(args: argparse.Namespace, piece: Piece, summary: bool = False, live: Live | None = None) -> None:
    """Run the stages not cached; report each (unless quiet) and, with `summary` or not quiet, the totals;
    `live` (the preview page) follows the stages and the fits."""
    began = time.perf_counter()
    cache = Cache(piece.folder)
    todo = _stages(args, piece, cache, live)
    cache.save_hashes()
    ran, cached = run_stages(todo, cache, args.force, lambda line: _say(args, line),
                             _follow(live, todo) if live is not None else None)
    if live is not None:
        live.finish()
    if summary or not args.quiet:
        print(f"{piece.source.name}: {ran} made, {cached} cached, {time.perf_counter() - began:.1f} s", file=sys.stderr,
              flush=True)


def run(args: argparse.Namespace) -> int:
    script = Path(args.script)
    if args.watch:
        if args.dry_run:
            raise UserError("--watch and --dry-run do not go together")
        from genart.cli import error_line
        from genart.script.watch import watch

        with watching(args, "run") as live:
            def once() -> Piece | None:
                """Load and run the piece; any error is said in one line and the watch goes on."""
                piece = None
                try:
                    piece = load(script, args.sets, args.script, args.allow_outside)
                    run_piece(args, piece, summary=True, live=live)
                except Exception as exc:  # a watch outlives every error of one run
                    print(f"genart run: {printable(error_line(exc)[0])}", file=sys.stderr, flush=True)
                return piece

            watch(script, once, lambda line: print(line, file=sys.stderr, flush=True))
        return 0
    piece = load(script, args.sets, args.script, args.allow_outside)
    if args.dry_run:
        dry_run(args, piece)
    else:
        with watching(args, "run") as live:
            run_piece(args, piece, live=live)
    return 0
