"""Small files that would expand into gigabytes: refused before the work, with the flag that raises the limit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
from PIL import Image

from tests.hostile.conftest import refused

HEAD = '{"format":"genart.scene","version":1,"canvas":{"width":100,"height":100},"layers":['


def test_400m_mosaic_tiles_in_a_small_gzip(tmp_path: Path) -> None:
    body = HEAD + '{"type":"mosaic","collection":"c.npz","columns":20000,"rows":20000,"tiles":[' + "0," * 5_000_000 + "0]}]}"
    (tmp_path / "m.scene.json.gz").write_bytes(gzip.compress(body.encode(), 9))
    for command in ("info", "render"):
        args = [command, "m.scene.json.gz"] + (["-o", "m.png"] if command == "render" else [])
        refused("memory bombs", args, tmp_path, needle="GENART_MAX_ELEMENTS")


def test_a_million_triangles(tmp_path: Path) -> None:
    tri = '{"kind":"polygon","points":[[1,2],[3,4],[5,1]],"color":[0.1,0.2,0.3,0.5]}'
    body = HEAD + '{"type":"shapes","shapes":[' + ",".join([tri] * 1_000_000) + "]}]}"
    (tmp_path / "t.scene.json.gz").write_bytes(gzip.compress(body.encode(), 9))
    refused("memory bombs", ["render", "t.scene.json.gz", "-o", "t.png"], tmp_path, needle="GENART_MAX_ELEMENTS")


def test_the_limit_is_a_documented_variable(tmp_path: Path) -> None:
    circle = '{"kind":"circle","cx":1,"cy":1,"r":1,"color":[0,0,0,1]}'
    (tmp_path / "c.scene.json").write_text(HEAD + '{"type":"shapes","shapes":[' + ",".join([circle] * 30) + "]}]}")
    refused("memory bombs", ["info", "c.scene.json"], tmp_path, env={"GENART_MAX_ELEMENTS": "100"},
            needle="GENART_MAX_ELEMENTS")
    refused("memory bombs", ["info", "c.scene.json"], tmp_path, env={"GENART_MAX_ELEMENTS": "lots"},
            needle="GENART_MAX_ELEMENTS")


def test_40000_prefix_snapshots_replay_in_linear_memory() -> None:
    from genart.animate.motions.timelapse import timelapse
    from genart.render import scene as S

    shapes = [{"kind": "circle", "cx": 1, "cy": 1, "r": 1, "color": [0, 0, 0, 1]}] * 40_000
    doc = json.loads(HEAD + "]}")
    doc["layers"] = [{"type": "shapes", "shapes": shapes}]
    doc["snapshots"] = [{"step": i, "prefix": i} for i in range(40_001)]
    clip = timelapse(S.parse(json.dumps(doc)))
    assert clip.prefixes is not None and clip.prefixes[-1] == 40_000 and len(clip.states) == 40_001


def test_a_huge_png_given_to_gng_is_thinned_to_max_points(tmp_path: Path) -> None:
    Image.fromarray(np.zeros((9000, 9000), np.uint8)).save(tmp_path / "big.png", optimize=True)
    refused("memory bombs", ["gng", "big.png", "-o", "g.png", "--resize", "0", "--max-points", "20000000"], tmp_path,
            needle="--max-points")
