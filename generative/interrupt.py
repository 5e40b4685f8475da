"""A fit stopped by Ctrl-C or SIGTERM, carrying its best result so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from renderers.scene import Scene


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a fit; `scene` is the best result so far (its meta has "interrupted": true).

    The command line writes it to the command's outputs before exiting with 130 or 143.
    """

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene = scene
