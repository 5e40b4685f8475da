"""`python -m genart` and the `genart` script: the command line, ended quietly if stopped while it starts."""

import signal
import sys
from types import FrameType


def _stopped_while_starting(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # nothing has been made yet: nothing to clean up


def run() -> int:
    """Import and run the command line; Ctrl-C or SIGTERM before a command starts exits 130 or 143, quietly."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stopped_while_starting)
    from genart.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
