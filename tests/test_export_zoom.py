"""Mosaic zoom exported: lottie-web and SMIL in Chromium play it like `genart animate --at` (≥ 30 dB) from the
zoomed-in tile to the whole mosaic, its tiles embedded at the size the zoomed-in view shows; a mosaic past the
bound is refused in one line naming what to use instead.

The mosaic is one no other test uses: skimage's coffee at 160 × 120, 8 × 6 cells of 12 generated photos
(soft gradients with a disc each)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from genart import api
from genart.animate.export import ExportError
from genart.animate.export.formats import MAX_ZOOM_CELLS, export_motion
from genart.animate.frame import PLAIN
from genart.animate.motions import MosaicZoomSettings
from genart.commands.animate import write_still
from genart.generative.mosaic.collection import open_tiles
from genart.render import scene as S
from tests import players

ROOT = Path(__file__).resolve().parent.parent
FPS = 30.0
SIZE = (160, 120)
TIMES = [0.3, 0.9, 1.5, 2.1, 2.8]  # zoomed in, on the way out, the whole mosaic
ZOOM = ("--duration", "2", "--hold", "0.5", "--target", "2,3")


def genart(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def mosaic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mosaic")
    (folder / "photos").mkdir()
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:64, 0:64] / 64.0
    for k in range(12):
        a, b = rng.uniform(30, 225, 3), rng.uniform(30, 225, 3)
        photo = a + (b - a) * (0.5 * (x + y))[..., None]
        photo[(x - rng.uniform(0.3, 0.7)) ** 2 + (y - rng.uniform(0.3, 0.7)) ** 2 < 0.04] = rng.uniform(0, 255, 3)
        Image.fromarray(photo.astype(np.uint8)).save(folder / "photos" / f"p{k:02d}.png")
    Image.fromarray(skimage.data.coffee()).resize(SIZE, Image.Resampling.BOX).save(folder / "coffee.png")
    api.mosaic_index(folder / "photos", folder / "c.npz", sizes=(32, 64, 128), jobs=1, progress=False)
    built = api.fit(folder / "coffee.png", method="mosaic", collection=str(folder / "c.npz"), grid="8x6",
                    progress=False)
    return built.save(folder / "m.scene.json")


@pytest.mark.slow
def test_lottie_and_smil_zoom_like_genart(mosaic: Path, tmp_path: Path) -> None:
    drawing = S.load(mosaic)
    layer = next(layer for layer in drawing.layers if isinstance(layer, S.MosaicLayer))
    settings = MosaicZoomSettings(duration=2.0, hold=0.5, target="2,3")
    outs = {suffix: tmp_path / f"zoom{suffix}" for suffix in (".json", ".svg")}
    for out in outs.values():
        clip, _ = export_motion(drawing, settings, out, FPS, tiles=open_tiles(layer, mosaic))
    doc = json.loads(outs[".json"].read_text())
    sizes = {Image.open(io.BytesIO(base64.b64decode(a["p"].split(",")[1]))).size for a in doc["assets"]}
    assert sizes == {(256, 256)} and len(doc["assets"]) == len(set(layer.tiles))  # 20 px cells zoomed 8 ×: 160 px
    stills = []
    for k, t in enumerate(TIMES):  # what `genart animate --at` writes, in this process
        write_still(clip, t, tmp_path / f"at{k}.png", SIZE, PLAIN, False)
        stills.append(np.asarray(Image.open(tmp_path / f"at{k}.png").convert("RGB")))
    genart("animate", str(mosaic), "--motion", "mosaic_zoom", *ZOOM, "--at", repr(TIMES[1]), "--size", "160x120", "-q",
           "-o", str(tmp_path / "cli.png"))
    assert np.array_equal(np.asarray(Image.open(tmp_path / "cli.png").convert("RGB")), stills[1])
    for kind, suffix in (("lottie", ".json"), ("smil", ".svg")):
        shots = players.play(kind, outs[suffix], TIMES, SIZE, tmp_path)
        scores = [players.psnr(shot, still) for shot, still in zip(shots, stills)]
        assert min(scores) >= 30.0, (kind, [round(s, 1) for s in scores])


@pytest.mark.parametrize("suffix", [".json", ".svg"])
def test_a_mosaic_past_the_bound_is_refused_in_one_line(suffix: str, tmp_path: Path) -> None:
    columns = 21
    rows = MAX_ZOOM_CELLS // columns + 1
    layer = S.MosaicLayer(collection="none.npz", columns=columns, rows=rows, tiles=[0] * (columns * rows))
    drawing = S.Scene(canvas=S.Canvas(width=210, height=10 * rows), layers=[layer])
    out = tmp_path / f"big{suffix}"
    with pytest.raises(ExportError, match=rf"^{out}: a mosaic zoom of {columns * rows} cells is past the .* bound of "
                                          rf"{MAX_ZOOM_CELLS} .*: render a movie \(genart animate\), or export a \.blend$"):
        export_motion(drawing, MosaicZoomSettings(), out, FPS)
    assert not out.exists()
