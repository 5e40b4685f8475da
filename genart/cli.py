"""The `genart` command: one sub-command per module in `genart.commands`.

Only the module of the command being run is imported (the others are listed by name),
so `genart render` does not pay for the imports of `genart animate`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import NoReturn

import genart.commands
from genart import __version__
from genart.errors import GenartError
from genart.runtime.interrupt import STOP_SIGNALS, Interrupted
from genart.runtime.terminal import printable

# Each module genart.commands.NAME defines `register(subparsers)`, which sets `func`.
COMMANDS = {
    "evolve": "fit translucent shapes to a picture",
    "gng": "Growing Neural Gas line art from a picture",
    "mosaic": "photo mosaics: index a photo folder, build a mosaic of a picture",
    "animate": "turn a scene file into a movie (MP4, WebM, MOV, GIF or PNG frames) or a still of it",
    "render": "render a scene file to PNG, JPEG, TIFF, SVG or PDF",
    "info": "describe a scene file",
    "plot": "a stroke-only SVG for a pen plotter (AxiDraw, vpype), one layer per pen",
    "export": "hand a motion to other tools: Lottie JSON, animated SVG, glTF, Blender",
    "compose": "draw the layers of several scenes over each other into one scene",
    "run": "make a piece from a YAML script: scenes, posters, a movie and exports, cached",
    "blender": "genart inside Blender: build the Blender extension, publish the fit settings schema",
}


def command_names() -> list[str]:
    """Modules of `genart.commands` (each must be listed in COMMANDS)."""
    return sorted(m.name for m in pkgutil.iter_modules(genart.commands.__path__) if not m.name.startswith("_"))


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (the sub-commands inherit it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(command: str) -> argparse.ArgumentParser:
    """The argument parser, importing only `command`'s module (the others are listed by name)."""
    parser = OneLineParser(
        prog="genart",
        description="Generative art that moves: fit shapes to pictures, render posters and movies.",
    )
    parser.add_argument("--version", action="version", version=f"genart {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, print its traceback (a worker's too) before genart's one line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        if name == command:
            importlib.import_module(f"genart.commands.{name}").register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _command_in(argv: Sequence[str]) -> str:
    """The command named in argv (the first word that is not an option), or '' for none."""
    word = next((a for a in argv if not a.startswith("-")), "")
    return word if word in COMMANDS else ""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (`signum`), stopping a run as Ctrl-C does (exit status 143 or 129 instead of 130)."""

    def __init__(self, signum: int) -> None:
        super().__init__()
        self.signum = signum


_stopped_by = 0  # the signal (one of STOP_SIGNALS) that stopped this run, 0 for none
REDELIVER_SECONDS = 0.05  # after a stop lost in a callback, when it is sent again


def _stop_on_signals() -> None:
    """Make Ctrl-C raise KeyboardInterrupt and SIGTERM or SIGHUP `Terminated` in this process, once: the first
    stop ignores later ones, which would only cut short the clean-up and genart's line. A stop
    raised where Python cannot raise it (in a C callback, a `__del__`) is delivered again. Processes
    forked from it keep the signals' defaults."""
    global _stopped_by
    owner = os.getpid()
    _stopped_by = 0

    def handler(signum: int, frame: object) -> None:
        global _stopped_by
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for stop in STOP_SIGNALS:
            signal.signal(stop, signal.SIG_IGN)
        _stopped_by = signum
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)

    def swallowed(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt) or not _stopped_by:
            sys.__unraisablehook__(unraisable)
        elif os.getpid() == owner:  # the stop was lost in a callback: once more, soon, outside it
            signal.signal(_stopped_by, handler)
            again = threading.Timer(REDELIVER_SECONDS, os.kill, (owner, _stopped_by))
            again.daemon = True
            again.start()

    for stop in STOP_SIGNALS:
        signal.signal(stop, handler)
    sys.unraisablehook = swallowed


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from or while handling, in turn."""
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _stop_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The stop (Ctrl-C, SIGTERM, SIGHUP) anywhere in the exception's chain (an error raised while stopping),
    or None."""
    return next((seen for seen in _chain(exc) if isinstance(seen, KeyboardInterrupt)), None)


def interrupt_status(exc: BaseException) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP (128 + the signal): the signal that stopped the run,
    else the one found anywhere in the exception's chain."""
    if _stopped_by:
        return 128 + _stopped_by
    terminated = next((seen for seen in _chain(exc) if isinstance(seen, Terminated)), None)
    return 128 + (terminated.signum if terminated is not None else signal.SIGINT)


INTERNAL_ERROR = 70  # exit status of a bug (EX_SOFTWARE); user and system errors exit 2


def error_line(exc: BaseException) -> tuple[str, int]:
    """The one line (without the 'genart COMMAND: ' prefix) and exit status for an error."""
    if isinstance(exc, GenartError):  # genart's own errors: their message is the line
        return f"error: {exc}", 2
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename is not None else ""
        return f"error: {exc.strerror or exc}{where}", 2
    if isinstance(exc, MemoryError):
        return "error: out of memory (ask for smaller sizes or fewer elements)", 2
    if isinstance(exc, BrokenProcessPool):
        return "error: a worker process died (killed from outside, or by the system for lack of memory)", 2
    first = str(exc).splitlines()[0] if str(exc) else ""
    return (f"internal error: {type(exc).__name__}{': ' if first else ''}{first} "
            "(run again with genart --debug for the traceback, and please report it)", INTERNAL_ERROR)


def _who(args: argparse.Namespace) -> str:
    """How genart's lines name the command: `genart evolve`, `genart mosaic build` (with its verb)."""
    verb = getattr(args, "verb", None)
    return f"genart {args.command}{' ' + verb if verb else ''}"


def _save_interrupted(args: argparse.Namespace, exc: Interrupted) -> int:
    """Write the best result so far of an interrupted command to its outputs; say so in one line."""
    from genart.outputs import write_outputs

    write_outputs(exc.scene, args.output, getattr(args, "width", None))
    print(f"{_who(args)}: interrupted; best result so far written to {', '.join(args.output)}",
          file=sys.stderr)
    return interrupt_status(exc)


def _quiet_broken_pipe() -> int:
    """The reader of stdout went away (`genart info x | head`): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout at exit: let that go nowhere
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; every failure becomes one line on stderr and a non-zero exit.

    User and system errors (bad input, OS errors, a dead worker) exit 2, bugs 70; with
    --debug the traceback, a worker's included, is printed first. Ctrl-C, SIGTERM and SIGHUP
    stop a run (exit status 130, 143 and 129) and every process it started; a fit that was
    stopped with a result so far (`Interrupted`) has it written to the command's outputs first.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    _stop_on_signals()
    try:
        try:
            if hasattr(args, "scheduler"):  # the command line's, else the environment's, checked before any work
                from genart.runtime.execution import scheduler_address

                args.scheduler = scheduler_address(args.scheduler)
            return int(args.func(args) or 0)
        except Interrupted as exc:
            return _save_interrupted(args, exc)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except BaseException as exc:  # every failure ends in genart's one line
        if isinstance(exc, SystemExit):
            raise
        if args.debug:
            traceback.print_exception(exc)
        stop = _stop_in(exc)
        if stop is not None or _stopped_by:  # an error while stopping is part of the stop
            print(f"{_who(args)}: interrupted", file=sys.stderr)
            return interrupt_status(stop or exc)
        line, status = error_line(exc)
        print(f"{_who(args)}: {printable(line)}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
