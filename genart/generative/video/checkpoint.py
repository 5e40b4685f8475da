"""A video fit's checkpoint: the chunks fitted so far, saved after each, that `--resume` continues from.

Chunks finish in the clip's order (`fit_video` takes them so), so the checkpoint holds the first
chunks' frames whole; a resumed run replays them, reads past their frames and fits the rest. Ctrl-C
loses at most the chunks in flight. The fingerprint covers what decides the result: the settings (not
the workers), the seed, the frame rate and the first working frame.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from genart.generative.checkpoint import CheckpointFile
from genart.generative.video.chunks import Fitted
from genart.generative.video.settings import VideoSettings
from genart.render import scene as S

VERSION = 1
FrameLayer = Annotated[S.ShapesLayer | S.GraphLayer, Field(discriminator="type")]


class SavedFrame(BaseModel):
    """One fitted frame of a chunk, as saved."""

    model_config = ConfigDict(extra="forbid")

    layer: FrameLayer
    ids: list[Annotated[int, Field(ge=0)]]


class VideoCheckpointDocument(BaseModel):
    """The saved document: each finished chunk's frames, in the clip's order."""

    model_config = ConfigDict(extra="forbid")

    format: str
    version: int
    fingerprint: str
    chunks: list[list[SavedFrame]]


def fingerprint(settings: VideoSettings, seed: int, fps: float, first: np.ndarray) -> str:
    """What a checkpoint continues: every setting but the workers, the seed, the rate and the first frame."""
    keep = settings.model_dump(mode="json", exclude={"workers"})
    keep["keyframe"].pop("workers", None)
    digest = hashlib.sha256(np.ascontiguousarray(first).tobytes()).hexdigest()
    return hashlib.sha256(json.dumps([keep, seed, fps, digest], sort_keys=True).encode()).hexdigest()[:16]


def chunks_kept(path: Path) -> int:
    """How many finished chunks the checkpoint at `path` holds (0: no file, or none of ours), to say so.

    Read from the file, not from the fit: a stop signal may land outside the fit's own frames (while
    the scene is being built from them), and the file is what `--resume` will find."""
    try:
        doc = json.loads(path.read_bytes()) if path.is_file() else None
    except (OSError, ValueError, RecursionError):
        return 0
    chunks = doc.get("chunks") if isinstance(doc, dict) else None
    return len(chunks) if isinstance(chunks, list) else 0


class VideoCheckpoint:
    """The checkpoint file of one video fit (see `genart.generative.checkpoint.CheckpointFile`)."""

    def __init__(self, path: Path, identity: str) -> None:
        self.file = CheckpointFile(path, identity, VERSION)
        self.chunks: list[list[Fitted]] = []

    def open(self, resume: bool) -> list[list[Fitted]]:
        """Claim the path (one line if it is not ours) and, resuming, the chunks saved there."""
        self.file.claim()
        if resume:
            saved = self.file.load(VideoCheckpointDocument)
            self.chunks = [[Fitted(f.layer, list(f.ids)) for f in chunk] for chunk in saved.chunks]
        return list(self.chunks)

    def add(self, chunk: list[Fitted]) -> None:
        """One more chunk is done: save them all."""
        self.chunks.append(chunk)
        self.file.save({"chunks": [[{"layer": f.layer.model_dump(mode="json"), "ids": f.ids} for f in c]
                                   for c in self.chunks]})

    def remove(self) -> None:
        """The run ended: it keeps no checkpoint."""
        self.file.remove()
