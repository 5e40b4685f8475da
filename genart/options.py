"""Command-line options that several commands share, defined once."""

from __future__ import annotations

import argparse

from genart.runtime.execution import SCHEDULER_VARIABLE, ExecutionError, parse_scheduler


def _scheduler(text: str) -> str:
    try:
        return parse_scheduler(text)
    except ExecutionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_scheduler_option(parser: argparse._ActionsContainer, work: str, otherwise: str = "local processes") -> None:
    """`--scheduler ADDRESS`: run `work` (e.g. "the tiles") on a Dask cluster. The address is checked as the
    options are read; only the command line and $GENART_SCHEDULER choose it, never a file."""
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None, type=_scheduler,
                        help=f"run {work} on this Dask scheduler, tcp://HOST:PORT (default: ${SCHEDULER_VARIABLE}, "
                             f"else {otherwise}); trusted as a shell is: its results are unpickled here")


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """Register -q / --quiet (and the older --no-progress) as `quiet`: no progress bar and no line but the
    files written (a command's own answer, such as `info`'s, stays), warnings and errors."""
    parser.add_argument("-q", "--quiet", "--no-progress", dest="quiet", action="store_true",
                        help="no progress bar and no line but the files written (warnings and errors still show)")
