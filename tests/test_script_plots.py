"""The `plots:` of a YAML script: the same plot `genart plot` writes from the fitted scene (SVG, ink preview, HPGL
through vpype's writer), read back by vpype with the pens' layers, cached as its own stage."""

from __future__ import annotations

from pathlib import Path

import pytest
import vpype as vp

from genart.cli import main
from tests.test_run import genart_run, made
from tests.test_script_exports import make_piece

PIECE = """\
genart: 1
seed: 3
inputs:
  face: face.jpg
scenes:
  tris: {from: face, method: hillclimb, shapes: 12, resize: 32, candidates: 30, max_age: 10, repeats: 2, workers: 1}
posters:
  - {scene: tris, out: out/tris.scene.json}
plots:
  - {scene: tris, out: out/plot.svg, preview: out/ink.png, hpgl: out/plot.hpgl, paper: A4, margin_mm: 8,
     pens: ["#1d3557", "#e63946"], spacing_mm: 0.6, angles: [45, -45]}
"""


@pytest.fixture(scope="module")
def piece(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plots")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root / "cachehome"))
        script = make_piece(root / "piece", PIECE)
        folder = script.parent
        code, err = genart_run(str(script))
        assert code == 0, err
        assert "plot out/plot.svg (of tris)" in made(err)
        again, err = genart_run(str(script))
        assert again == 0 and "plot out/plot.svg (of tris)" not in made(err)  # cached
    return folder


def test_a_script_plot_is_genart_plots(piece: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = piece / "out"
    assert main(["plot", str(out / "tris.scene.json"), "-o", str(piece / "same.svg"), "--preview",
                 str(piece / "same.png"), "--hpgl", str(piece / "same.hpgl"), "--paper", "A4", "--margin", "8",
                 "--pens", "#1d3557,#e63946", "--spacing", "0.6", "--angle", "45,-45", "-q"]) == 0
    capsys.readouterr()
    ours = (out / "plot.svg").read_text()
    assert ours == (piece / "same.svg").read_text().replace("tris.scene.json", "tris")  # the source named as the scene
    assert (out / "plot.hpgl").read_bytes() == (piece / "same.hpgl").read_bytes()
    assert (out / "ink.png").read_bytes() == (piece / "same.png").read_bytes()
    document = vp.read_multilayer_svg(str(out / "plot.svg"), 0.1)
    assert sorted(document.layers) == [1, 2]


@pytest.mark.parametrize("entry, message", [
    ("{scene: nope, out: out/p.svg}", "nope"),
    ("{scene: tris, out: out/p.png}", "a plot writes .svg there"),
    ("{scene: tris, out: out/p.svg, paper: A9}", "unknown paper"),
    ("{scene: tris, out: out/p.svg, hpgl: out/p.txt}", "a plot writes .hpgl or .plt there"),
    ("{scene: tris, out: out/p.svg, pens: 99}", "pens must be 1 to 16"),
])
def test_a_bad_plot_entry_names_its_line(tmp_path: Path, entry: str, message: str) -> None:
    script = make_piece(tmp_path / "piece", PIECE.split("plots:")[0] + f"plots:\n  - {entry}\n")
    code, err = genart_run(str(script), "--dry-run")
    assert code == 2 and message in err and "piece.yaml:10:" in err and err.count("\n") == 1, err
