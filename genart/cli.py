"""The `genart` command: one sub-command per module in `genart.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

import genart.commands
from genart import __version__
from genart.errors import UserError
from generative.images import ImageError
from renderers.scene import SceneError


def command_names() -> list[str]:
    """Modules of `genart.commands`; each defines `register(subparsers)`, which sets `func`."""
    return sorted(m.name for m in pkgutil.iter_modules(genart.commands.__path__) if not m.name.startswith("_"))


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (the sub-commands inherit it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = OneLineParser(
        prog="genart",
        description="Generative art that moves: fit shapes to pictures, render posters and movies.",
    )
    parser.add_argument("--version", action="version", version=f"genart {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        importlib.import_module(f"genart.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; user errors become one line on stderr and exit status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UserError, SceneError, ImageError) as exc:
        print(f"genart {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"genart {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
