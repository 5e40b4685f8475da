"""A mosaic zoom as a .blend: Cycles renders of it equal `genart animate --at`, and its atlases hold the tiles at
the sizes genart draws them at.

The mosaic is of pictures no other test uses: crops of skimage's Hubble deep field, retina, colour wheel and brick
as the collection, its moon as the target, 6 × 6 cells on a 128 px canvas; renders at 128 px, 8 samples.
"""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from genart.animate.export.blend import ATLAS_PAD, blender_data, tile_levels
from genart.animate.motions.mosaic_zoom import mosaic_zoom
from genart.animate.timeline import frame_times
from genart.generative.mosaic.collection import open_tiles
from genart.render import scene as S
from tests import players
from tests.test_blend import assert_close, genart_stills, render_edited

ROOT = Path(__file__).resolve().parent.parent
FPS = 10.0
SIZE = (128, 128)
ZOOM = ("--motion", "mosaic_zoom", "--duration", "2", "--start", "0.3", "--hold", "0.5", "--target", "2,3")
FRAMES = [0, 4, 8, 12, 16, 20, 25]  # on the tile, zooming out fast, slowing, the whole mosaic


def _genart(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "genart", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def mosaic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mosaic scene (`genart mosaic index`, `genart mosaic build`) beside its collection."""
    folder = tmp_path_factory.mktemp("zoom")
    photos = folder / "photos"
    photos.mkdir()
    rng = np.random.default_rng(5)
    pictures = [skimage.data.hubble_deep_field(), skimage.data.retina(), skimage.data.colorwheel(),
                np.stack([skimage.data.brick()] * 3, axis=-1)]
    for i in range(16):
        picture = pictures[i % len(pictures)]
        side = int(rng.integers(60, 200))
        y, x = (int(rng.integers(0, d - side)) for d in picture.shape[:2])
        Image.fromarray(picture[y:y + side, x:x + side]).resize((48, 48)).save(photos / f"p{i:02d}.png")
    Image.fromarray(skimage.data.moon()[::4, ::4]).convert("RGB").save(folder / "target.png")
    _genart("mosaic", "index", str(photos), "--sizes", "16,32,64,128", "-q", "-o", str(folder / "c.npz"))
    _genart("mosaic", "build", str(folder / "c.npz"), str(folder / "target.png"), "--grid", "6", "--tile-px", "16",
            "--reuse", "3", "--blend", "0.2", "-q", "-o", str(folder / "m.scene.json"))
    return folder / "m.scene.json"


def test_atlases_hold_the_tiles_genart_draws(mosaic: Path) -> None:
    drawing = S.load(mosaic)
    tiles = open_tiles(drawing.layers[0], mosaic)
    clip = mosaic_zoom(drawing, tiles, duration=2.0, start=0.3, hold=0.5, target="2,3")
    times = frame_times(clip.length, FPS)
    levels, per_width = tile_levels(clip, times, SIZE, 16)
    assert levels == [1, 2, 4, 8, 16, 32, 64, 128]  # the tile fills the 128 px frame; smaller for smaller renders
    assert per_width[0] == pytest.approx(1.0) and per_width[-1] * SIZE[0] == pytest.approx(128 / 6)
    data = blender_data(clip, FPS)
    cells = data["layers"][0]
    assert (cells["geometry"], cells["motion"], cells["blend"]) == ("cells", "still", 0.2)
    assert len(data["camera_keys"]) == 3 * data["frames"] and len(cells["cell_pixels_keys"]) == data["frames"]
    ids = sorted(set(drawing.layers[0].tiles))
    for image in cells["images"][-4:]:  # the sizes the collection stores, as it stores them
        px = image["px"]
        atlas = np.asarray(Image.open(io.BytesIO(base64.b64decode(image["png"]))))
        slot = atlas[ATLAS_PAD:ATLAS_PAD + px, ATLAS_PAD:ATLAS_PAD + px]
        assert np.array_equal(slot, np.asarray(tiles(ids[0], px)))


@pytest.mark.slow
def test_zoom_blend_renders_genart_frames(mosaic: Path, tmp_path: Path) -> None:
    out = tmp_path / "zoom.blend"
    _genart("export", str(mosaic), *ZOOM, "--fps", f"{FPS:g}", "--blender", players.blender(), "-q", "-o", str(out))
    renders = render_edited([{"file": str(out), "size": list(SIZE), "samples": 8,
                              "edits": [{"inputs": {}, "frames": FRAMES}]}], tmp_path)[0][0]
    times = [f / FPS for f in FRAMES]
    print("zoom dB", assert_close("mosaic zoom .blend in Cycles", renders,
                                  genart_stills(mosaic, ZOOM, times, SIZE, tmp_path), times, 30.0))
