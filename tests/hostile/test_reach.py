"""A scene's mosaic collection: only files beside or below the scene, unless --collection names one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import refused


def _mosaic(folder: Path, collection: str) -> Path:
    doc = {"format": "genart.scene", "version": 1, "canvas": {"width": 20, "height": 20},
           "layers": [{"type": "mosaic", "collection": collection, "columns": 2, "rows": 2, "tiles": [0, 0, 0, 0]}]}
    path = folder / "m.scene.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("name", ["/etc/passwd", "/no/such/file.npz", "../c.npz", "a/../../c.npz", "C:/x.npz",
                                  "link.npz", "./../c.npz"])
def test_collections_outside_the_scene_folder_are_refused_alike(tmp_path: Path, name: str) -> None:
    (tmp_path / "link.npz").symlink_to("/etc/passwd")
    _mosaic(tmp_path, name)
    line = refused("reach", ["render", "m.scene.json", "-o", "m.png"], tmp_path, needle="outside the scene's folder")
    assert "passwd: not" not in line and "no such" not in line


def test_a_named_collection_is_still_checked(tmp_path: Path) -> None:
    _mosaic(tmp_path, "../c.npz")
    refused("reach", ["render", "m.scene.json", "-o", "m.png", "--collection", "/etc/passwd"], tmp_path,
            needle="not a genart collection")
