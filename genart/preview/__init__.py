"""The live preview: a local web page showing a run as it goes (`--preview`), and its options."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from genart.errors import UserError
from genart.preview.live import Live
from genart.render.cairo import TileSource, render_array
from genart.render.scene import Scene


def add_preview_options(p: argparse.ArgumentParser, report: bool = True) -> None:
    """--preview, --preview-port and (with `report`) --report."""
    g = p.add_argument_group("watching the run")
    g.add_argument("--preview", action="store_true",
                   help="serve a live page of the run on 127.0.0.1 (its address is printed); Ctrl-C stops both")
    g.add_argument("--preview-port", type=int, default=0, metavar="PORT",
                   help="port of the preview page (default: a free one)")
    if report:
        g.add_argument("--report", nargs="?", const=True, metavar="PATH",
                       help="when the run is done, write its report (target, result, error curve, settings, "
                            "time-lapse) to PATH, an .html file (default: report.html beside the first output); "
                            "it never replaces a file genart did not write")


@contextmanager
def watching(args: argparse.Namespace, command: str) -> Iterator[Live | None]:
    """The run's `Live` state while the block runs: served on a page with --preview (stopped on the
    way out, Ctrl-C included), only recorded for the report with --report, else None."""
    if not 0 <= args.preview_port <= 65535:
        raise UserError(f"--preview-port must be between 0 (a free port) and 65535, got {args.preview_port}")
    if args.preview:
        from genart.preview.server import Preview  # aiohttp: only for a served page

        with Preview(Live(title=f"genart {command}"), args.preview_port, command) as live:
            yield live
    else:
        yield Live(title=f"genart {command}") if getattr(args, "report", None) is not None else None


def show_result(live: Live | None, drawing: Scene, tiles: TileSource | None = None) -> None:
    """Show the finished scene as the run's last state, drawn (by the page's thread) at the size of the
    target the run reported; a run that reported nothing is just marked finished."""
    if live is None:
        return
    last = live.latest
    if last is None:
        live.finish()
        return
    height, width = last.target.shape[:2]
    live.finish(replace(last, phase="done", picture=lambda: render_array(drawing, width, height, tiles=tiles)))


def write_run_report(live: Live, path: Path, command: str, title: str, drawing: Scene, settings: dict[str, object],
                     seconds: float, tiles: TileSource | None = None) -> None:
    """Write the report of a finished run of `genart COMMAND` from what `live` recorded (its target, its curve)."""
    from genart.report import render_report, write_report

    last = live.latest
    target = last.target if last is not None else render_array(drawing, tiles=tiles)
    write_report(path, render_report(
        title=title, drawing=drawing, target=target, curve=[(p.seconds, p.done, p.error) for p in live.curve()],
        settings=settings, timings={"run (s)": round(seconds, 3)},
        error_name=last.error_name if last is not None else "error", unit=last.unit if last is not None else "shape",
        tiles=tiles), command)
