"""A bleed with --framing fit (issue 27): bars would run through the bleed, so the combination is refused
in one line that says what to use and how much it cuts; a picture of the page's shape has no bars and bleeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genart.cli import main
from genart.errors import UserError
from genart.outputs import poster_settings, write_outputs
from genart.render import scene as S

GREEN = [0, 255, 0]


def _scene(width: float, height: float) -> S.Scene:
    """Red and blue halves (left, right, reaching past the edges) over a black canvas of `width` × `height`."""
    w, h = width + 9, height + 9
    return S.Scene(canvas=S.Canvas(width=width, height=height, background=(0.0, 0.0, 0.0, 1.0)),
                   layers=[S.ShapesLayer(shapes=[
                       S.Polygon(points=[(-9, -9), (width / 2, -9), (width / 2, h), (-9, h)], color=(1, 0, 0, 1)),
                       S.Polygon(points=[(width / 2, -9), (w, -9), (w, h), (width / 2, h)], color=(0, 0, 1, 1))])])


@pytest.mark.parametrize("command", ["render", "api"])
def test_bleed_with_fit_framing_is_refused_saying_what_to_use(tmp_path: Path, capsys, command: str) -> None:
    path = tmp_path / "s.scene.json"
    S.save(_scene(200, 100), path)  # 2:1 on A6 portrait: bars above and below
    out = tmp_path / "p.png"
    if command == "render":
        assert main(["render", str(path), "--paper", "A6", "--dpi", "50", "--bleed", "3", "-o", str(out)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("genart render: error: --bleed with --framing fit: the 200x100 "
                                                   "picture leaves bars on the A6 page"), err
        assert "--framing fill" in err[0] and "% of its width cut" in err[0] and "--framing crop" in err[0]
    else:
        with pytest.raises(UserError, match=r"^bleed with framing fit: .* use framing fill"):
            write_outputs(S.load(path), [out], options=poster_settings(paper="A6", dpi=50, bleed=3))
    assert not out.exists()


def test_a_picture_of_the_pages_shape_bleeds_with_fit_framing(tmp_path: Path) -> None:
    path = tmp_path / "s.scene.json"
    S.save(_scene(148, 105), path)  # A6 landscape's own shape
    out = tmp_path / "p.png"
    assert main(["render", str(path), "--paper", "A6", "--landscape", "--dpi", "100", "--bleed", "3",
                 "--frame-color", "#00ff00", "-o", str(out)]) == 0
    page = np.asarray(Image.open(out).convert("RGB"))
    assert page.shape[:2] == (round(111 / 25.4 * 100), round(154 / 25.4 * 100))
    assert not (page == GREEN).all(axis=2).any()  # no bar anywhere, the bleed included
    for edge in (page[0], page[-1], page[:, 0], page[:, -1]):
        assert (edge.max(axis=1) > 200).all()  # red or blue to every edge of the bleed
