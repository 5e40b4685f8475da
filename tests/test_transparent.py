"""Transparent fits (issue 27): `evolve --transparent` fits a picture's own alpha, and says what it needs otherwise.

Done: on an RGBA picture (a 256-px photo with a disc of alpha 255 and 0 around it), the transparent
poster composited over white and over black each scores within 10% of the RMSE of an opaque fit
(same -n and seed) of the picture composited over that background, against that composited
picture. Measured on the written PNGs, decoded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from genart.cli import main
from genart.commands.info import describe
from genart.generative.images import load_picture
from genart.render import raster
from genart.render import scene as S

SHAPES = ["-n", "100", "--seed", "3", "-q"]


def _disc_picture(path: Path) -> np.ndarray:
    """A 256-px photo with a disc of alpha 255 and 0 around it, written as an RGBA PNG; its RGBA pixels."""
    rgb = np.asarray(Image.fromarray(data.astronaut()).resize((256, 256), Image.Resampling.BOX))
    yy, xx = np.mgrid[:256, :256]
    alpha = np.where((xx - 128) ** 2 + (yy - 120) ** 2 < 90**2, 255, 0).astype(np.uint8)
    rgba = np.dstack([rgb, alpha])
    Image.fromarray(rgba).save(path)
    return rgba


def _over(rgba: np.ndarray, background: float) -> np.ndarray:
    """RGBA uint8 composited over a grey level in [0, 1], as float RGB in [0, 255]."""
    cover = rgba[..., 3:].astype(np.float64) / 255.0
    return rgba[..., :3].astype(np.float64) * cover + 255.0 * background * (1.0 - cover)


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)))


def test_a_transparent_poster_is_as_good_over_white_and_black_as_an_opaque_fit_over_each(tmp_path: Path) -> None:
    picture = _disc_picture(tmp_path / "disc.png")
    poster = tmp_path / "t.png"
    assert main(["evolve", str(tmp_path / "disc.png"), "--transparent", *SHAPES, "-o", str(poster),
                 "-o", str(tmp_path / "t.scene.json")]) == 0
    written = np.asarray(Image.open(poster))
    assert written.shape == (256, 256, 4)
    outside = picture[..., 3] == 0
    assert written[..., 3][outside].mean() < 2.0  # see-through where the picture is (it was 253 of 255)
    assert written[..., 3][~outside].mean() > 245.0
    for level in (1.0, 0.0):
        composited = np.round(_over(picture, level)).astype(np.uint8)
        Image.fromarray(composited).save(tmp_path / f"over{level:g}.png")
        opaque = tmp_path / f"opaque{level:g}.png"
        assert main(["evolve", str(tmp_path / f"over{level:g}.png"), *SHAPES, "-o", str(opaque)]) == 0
        transparent_rmse = _rmse(_over(written, level), composited)
        opaque_rmse = _rmse(np.asarray(Image.open(opaque).convert("RGB")), composited)
        assert transparent_rmse <= 1.1 * opaque_rmse, (level, transparent_rmse, opaque_rmse)
    drawing = S.load(tmp_path / "t.scene.json")
    assert drawing.canvas.background == (0.0, 0.0, 0.0, 0.0)
    lines = describe(drawing)
    assert "meta.alpha: auto (per shape)" in lines and any(line.startswith("meta.fit_rmse: ") for line in lines)


def test_without_transparent_a_picture_with_alpha_is_fitted_on_white(tmp_path: Path) -> None:
    _disc_picture(tmp_path / "disc.png")
    assert main(["evolve", str(tmp_path / "disc.png"), "-n", "10", "-q", "-o", str(tmp_path / "o.scene.json")]) == 0
    drawing = S.load(tmp_path / "o.scene.json")
    assert drawing.canvas.background[3] == 1.0 and "fitted" not in drawing.meta
    assert load_picture(tmp_path / "disc.png").alpha is not None


def test_a_picture_without_alpha_needs_the_background_it_will_be_shown_over(tmp_path: Path, capsys) -> None:
    Image.fromarray(data.astronaut()[::8, ::8].copy()).save(tmp_path / "plain.png")
    args = ["evolve", str(tmp_path / "plain.png"), "--transparent", "-n", "10", "-q", "-o", str(tmp_path / "o.png")]
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("genart evolve: error: --transparent: plain.png has no transparency")
    assert "--background" in err[0] and not (tmp_path / "o.png").exists()
    assert main([*args, "--background", "#204060"]) == 0  # fitted over that colour, written without it
    written = np.asarray(Image.open(tmp_path / "o.png"))
    assert written.shape[2] == 4 and written[..., 3].min() < 255


def test_a_picture_with_alpha_has_no_background_to_choose(tmp_path: Path, capsys) -> None:
    _disc_picture(tmp_path / "disc.png")
    assert main(["evolve", str(tmp_path / "disc.png"), "--transparent", "--background", "#ffffff", "-n", "10", "-q",
                 "-o", str(tmp_path / "o.png")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "has transparency of its own" in err[0] and not (tmp_path / "o.png").exists()


@pytest.mark.parametrize("tiles", ["1x1", "2x2"])
def test_no_shape_covers_what_the_picture_leaves_clear(tmp_path: Path, tiles: str) -> None:
    """Coverage only grows, so a shape spilling past the disc could never be taken back: none may."""
    picture = _disc_picture(tmp_path / "disc.png")
    out = tmp_path / "t.scene.json"
    assert main(["evolve", str(tmp_path / "disc.png"), "--transparent", "-n", "40", "--tiles", tiles,
                 "--candidates", "60", "--max-age", "20", "--repeats", "2", "-q", "-o", str(out)]) == 0
    drawing = S.load(out)
    layer = drawing.layers[0]
    assert isinstance(layer, S.ShapesLayer) and len(layer.shapes) == 40
    white = [shape.model_copy(update={"color": (1.0, 1.0, 1.0, 1.0)}) for shape in layer.shapes]
    mask = drawing.model_copy(update={"canvas": drawing.canvas.model_copy(update={"background": (0.0, 0.0, 0.0, 1.0)}),
                                      "layers": [layer.model_copy(update={"shapes": white})]})
    covered = raster.render(mask, 256, 256)[..., 0] > 0  # the shapes at pixel centres, as the fit drew them
    assert covered.any() and not covered[picture[..., 3] == 0].any()
