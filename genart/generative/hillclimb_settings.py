"""The frozen view a hill-climb run takes of its validated settings (`genart.generative.methods.hillclimb`).

The settings are validated once, by the pydantic `HillclimbSettings`; its `engine()` builds this
view, with the workers resolved to a count. `ClimbSettings` (`genart.generative.hillclimb`) is the
part each tile's search takes, carried by its job.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from genart.errors import GenartError
from genart.generative.hillclimb import ClimbSettings

ROUNDS = 16  # a tile's quota is fitted in about this many rounds (at least 4 shapes each)


class EvolveError(GenartError, ValueError):
    """A picture or a checkpoint this run cannot use; the message is one line."""


@dataclass(frozen=True)
class EvolveSettings:
    """Everything that decides the result of an evolution (and so names its checkpoint).

    Examples
    --------
    >>> EvolveSettings(shapes=10, tiles=(2, 2)).quotas
    [3, 3, 2, 2]
    """

    shapes: int = 200
    climb: ClimbSettings = field(default_factory=ClimbSettings)
    tiles: tuple[int, int] = (1, 1)
    resize: int | None = 256
    seed: int = 0
    background: tuple[float, float, float] | None = None
    target_rmse: float | None = None
    seconds: float | None = None

    @property
    def quotas(self) -> list[int]:
        """Shapes of each tile (row-major): the shapes shared out, the first tiles one more."""
        count = self.tiles[0] * self.tiles[1]
        return [self.shapes // count + (1 if i < self.shapes % count else 0) for i in range(count)]

    @property
    def chunk(self) -> int:
        """Shapes a tile adds in a round."""
        return max(4, -(-max(self.quotas) // ROUNDS))

    def fingerprint(self, source_sha: str, with_alpha: bool = False) -> str:
        """Identifies what a checkpoint continues: the picture (and whether its alpha is fitted) and every
        setting but the stops."""
        keep = asdict(self)
        for stop in ("shapes", "target_rmse", "seconds"):
            keep.pop(stop)
        keep["climb"].pop("workers")
        keep["with_alpha"] = with_alpha
        return hashlib.sha256(json.dumps([source_sha, keep], sort_keys=True).encode()).hexdigest()[:16]
