"""The hill-climb's checkpoint: its tiles' shapes so far, in a fingerprinted checkpoint file
(`genart.generative.checkpoint`), validated in full (counts, lengths, families, finite numbers)
before any of it reaches the compiled code."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genart.generative.checkpoint import CheckpointFile
from genart.generative.hillclimb_settings import EvolveError, EvolveSettings
from genart.generative.hillclimb_state import TileState
from genart.generative.shapes.layout import ALPHA, KIND, SIDES, SIZE
from genart.generative.shapes.registry import FAMILIES, kinds_for

VERSION = 2
MAX_CHUNK = 1_000_000  # no round holds more shapes a tile
BYTES_PER_SHAPE = 4096  # a resumed checkpoint holds at most this (and 1 MiB) per shape the run asks for
MAX_REACH = 1_000_000.0  # no shape parameter (working pixels, radians) lies further from 0

Finite = Annotated[float, Field(allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class TileDocument(BaseModel):
    """One tile in a checkpoint file: as many parameter vectors, colours and error changes, and whether its
    search ran out."""

    model_config = ConfigDict(extra="forbid", strict=True)

    params: list[Annotated[list[Annotated[float, Field(ge=-MAX_REACH, le=MAX_REACH, allow_inf_nan=False)]],
                           Field(min_length=SIZE, max_length=SIZE)]]
    colors: list[Annotated[list[Unit], Field(min_length=3, max_length=3)]]
    deltas: list[Finite]
    stuck: bool = False

    @model_validator(mode="after")
    def _same_lengths(self) -> TileDocument:
        if not len(self.params) == len(self.colors) == len(self.deltas):
            raise ValueError(f"{len(self.params)} shapes, {len(self.colors)} colours and {len(self.deltas)} error "
                             "changes (they must agree)")
        return self


class CheckpointDocument(BaseModel):
    """A checkpoint file: format tag, settings fingerprint, seconds spent so far, the round size, the tiles."""

    model_config = ConfigDict(extra="forbid", strict=True)

    format: Literal["genart.checkpoint"]
    version: Literal[2]
    fingerprint: str
    seconds: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    chunk: Annotated[int, Field(ge=1, le=MAX_CHUNK)]  # shapes a tile adds in a round: fixes the order shapes are drawn in
    tiles: list[TileDocument]


class Checkpoint:
    """The run's tile states, saved atomically as JSON after every round (see `genart.generative.checkpoint`:
    genart writes, resumes from or deletes only a file that is its own)."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.file = CheckpointFile(path, fingerprint, VERSION, EvolveError)
        self.path = path

    def claim(self) -> None:
        """EvolveError (one line) unless the path is free or holds this run's checkpoint."""
        self.file.claim()

    def save(self, tiles: list[TileState], seconds: float, chunk: int) -> None:
        self.file.save({"seconds": seconds, "chunk": chunk, "tiles": [asdict(t) for t in tiles]})

    def load(self, count: int, shapes: int | None = None) -> tuple[list[TileState], float, int]:
        """The `count` saved tiles, the seconds spent on them and the round size they were fitted in,
        validated field by field; a file larger than a checkpoint of `shapes` shapes could be is refused
        unread."""
        if shapes is None:
            checked = self.file.load(CheckpointDocument)
        else:
            checked = self.file.load(CheckpointDocument, 2**20 + BYTES_PER_SHAPE * shapes,
                                     f"more than a checkpoint of {shapes} shapes holds; resume with the shape count "
                                     "(-n) it was made with")
        if len(checked.tiles) != count:
            raise self.file.refuse(f"has {len(checked.tiles)} tiles, expected {count}")
        return [TileState(t.params, t.colors, t.deltas, t.stuck) for t in checked.tiles], checked.seconds, checked.chunk

    def remove(self) -> None:
        self.file.remove()


def check_resumed(path: Path, tiles: list[TileState], quotas: list[int], settings: EvolveSettings) -> None:
    """EvolveError unless every resumed shape is one this run could have made, within its tile's quota."""
    families = set(kinds_for(settings.climb.shape).tolist())
    for i, (tile, quota) in enumerate(zip(tiles, quotas)):
        if len(tile.params) > quota:
            raise EvolveError(f"checkpoint {path}: tiles[{i}] holds {len(tile.params)} shapes, more than the {quota} "
                              f"that {settings.shapes} shapes give it")
        for k, p in enumerate(tile.params):
            where = f"checkpoint {path}: tiles[{i}].params[{k}]"
            if p[KIND] not in families:
                raise EvolveError(f"{where}: shape family {p[KIND]:g} is not one this run draws")
            sides = FAMILIES[int(p[KIND])].sides_for(settings.climb.sides)
            if p[SIDES] != sides:
                raise EvolveError(f"{where}: {p[SIDES]:g} sides, expected {sides}")
            if not 0.0 < p[ALPHA] <= 1.0:
                raise EvolveError(f"{where}: alpha {p[ALPHA]:g} is not in (0, 1]")
