"""Stopping genart: the signals that stop a run, and a fit stopped with its best result so far."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genart.render.scene import Scene

# Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP (the terminal closed) stop a run alike,
# ending in exit status 128 + the signal (130, 143, 129)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A stop signal (Ctrl-C, SIGTERM, SIGHUP) stopped a fit; `scene` is the best result so far (its meta has
    "interrupted": true).

    The command line writes it to the command's outputs before exiting with 130, 143 or 129.
    """

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene = scene
