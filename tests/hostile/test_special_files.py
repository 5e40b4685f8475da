"""Pictures, scenes and photo folders: only regular files are read, under a size cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.conftest import refused


@pytest.mark.parametrize("command", ["gng", "evolve", "render", "info"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero link", "sparse 8 GB"])
def test_special_files_are_refused_without_reading(tmp_path: Path, command: str, kind: str) -> None:
    name = "x.scene.json" if command in ("render", "info") else "x.png"
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero link":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "wb") as file:
            file.truncate(8 << 30)
    args = [command, name] + ([] if command == "info" else ["-o", "o.png"])
    refused("special files", args, tmp_path)
