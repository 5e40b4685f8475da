"""`python -m genart` and the `genart` script: the command line, ended in one line if stopped while it starts."""

import signal
import sys
from types import FrameType

from genart.runtime.interrupt import STOP_SIGNALS


def _stopped_while_starting(signum: int, frame: FrameType | None) -> None:
    for stop in STOP_SIGNALS:  # the first stop is enough
        signal.signal(stop, signal.SIG_IGN)
    raise SystemExit(_interrupted(128 + signum))


def _interrupted(status: int) -> int:
    """Say that genart was stopped before its command ran (nothing was made, nothing to clean up)."""
    command = next((word for word in sys.argv[1:] if not word.startswith("-")), "")
    print(f"genart{' ' + command if command else ''}: interrupted", file=sys.stderr)
    return status


def run() -> int:
    """Import and run the command line. Ctrl-C, SIGTERM or SIGHUP before a command starts exits 130, 143
    or 129 with one line; one that comes once genart has its answer changes nothing."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stopped_while_starting)
    from genart.cli import interrupt_status, main

    try:
        return main()
    except KeyboardInterrupt as stop:  # stopped while its arguments were read
        return _interrupted(interrupt_status(stop))
    finally:
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(run())
