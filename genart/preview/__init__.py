"""The live preview: a local web page showing a run as it goes (`--preview`), and its options."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from genart.errors import UserError
from genart.preview.live import Live


def add_preview_options(p: argparse.ArgumentParser) -> None:
    """--preview, --preview-port and --report."""
    g = p.add_argument_group("watching the run")
    g.add_argument("--preview", action="store_true",
                   help="serve a live page of the run on 127.0.0.1 (its address is printed); Ctrl-C stops both")
    g.add_argument("--preview-port", type=int, default=0, metavar="PORT",
                   help="port of the preview page (default: a free one)")
    g.add_argument("--report", action="store_true",
                   help="write report.html beside the first output: target, result, error curve, settings, time-lapse")


@contextmanager
def watching(args: argparse.Namespace, command: str) -> Iterator[Live | None]:
    """The run's `Live` state while the block runs: served on a page with --preview (stopped on the
    way out, Ctrl-C included), only recorded for the report with --report, else None."""
    from genart.preview.server import Preview

    if not 0 <= args.preview_port <= 65535:
        raise UserError(f"--preview-port must be between 0 (a free port) and 65535, got {args.preview_port}")
    if args.preview:
        with Preview(Live(title=f"genart {command}"), args.preview_port, command) as live:
            yield live
    else:
        yield Live(title=f"genart {command}") if getattr(args, "report", False) else None
