"""Progress and figures that agree (issue 27): the same named RMSE in the bar, the summary, the scene's meta and
`genart info`; what the summary's times cover; a first run says it compiles the kernels."""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from genart.cli import main
from genart.commands.info import describe
from genart.generative.methods import METHODS
from genart.generative.methods.base import Kernels
from genart.render import scene as S

ROOT = Path(__file__).resolve().parent.parent
PICTURE = str(ROOT / "assets" / "astronaut.jpg")
QUICK = ["-n", "12", "--resize", "64", "--candidates", "40", "--max-age", "15", "--repeats", "2"]


@pytest.mark.parametrize("tiles", ["1x1", "2x2"])
def test_bar_summary_meta_and_info_name_the_same_figures(tmp_path: Path, capsys, tiles: str) -> None:
    out = tmp_path / "o.scene.json"
    assert main(["evolve", PICTURE, *QUICK, "--tiles", tiles, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    drawing = S.load(out)
    meta = drawing.meta
    summary = captured.out.splitlines()[0]
    assert re.fullmatch(r"12 shapes at 64x64: poster RMSE [0-9.]+, fit RMSE [0-9.]+ \(pixel centres\); "
                        r"fitting [0-9.]+ s, rendering and writing [0-9.]+ s", summary), summary
    poster, fit = (float(v) for v in re.findall(r"RMSE ([0-9.]+)", summary))
    assert poster == pytest.approx(float(meta["rmse"]), abs=0.006) and fit == pytest.approx(float(meta["fit_rmse"]), abs=0.006)
    bar = re.findall(r"fit RMSE=([0-9.]+)", captured.err)
    assert bar and float(bar[-1]) == pytest.approx(fit, abs=0.006)  # the bar's last figure is the summary's fit RMSE
    assert float(re.search(r"fitting ([0-9.]+) s", summary).group(1)) == pytest.approx(float(meta["seconds"]), abs=0.06)
    lines = describe(drawing)
    assert "meta.alpha: auto (per shape)" in lines
    assert f"meta.rmse: {meta['rmse']} (poster RMSE: the antialiased render at the working size, 0-255)" in lines
    assert any(line.startswith(f"meta.fit_rmse: {meta['fit_rmse']} (fit RMSE") for line in lines)
    assert any(line.startswith("meta.seconds: ") and "fitting;" in line for line in lines)


def test_a_fixed_alpha_is_shown_as_such(tmp_path: Path) -> None:
    out = tmp_path / "o.scene.json"
    assert main(["evolve", PICTURE, *QUICK, "--alpha", "0.5", "-q", "-o", str(out)]) == 0
    assert "meta.alpha: 0.5" in describe(S.load(out))


def test_a_first_run_says_it_compiles_the_kernels_and_times_it(tmp_path: Path, capsys, monkeypatch) -> None:
    compiled: list[bool] = []
    hillclimb = METHODS["hillclimb"]
    first_run = Kernels(cached=lambda: bool(compiled), compile=lambda: compiled.append(True))
    module = importlib.import_module("genart.generative.methods.hillclimb")  # where METHODS finds it
    monkeypatch.setattr(module, "METHOD", dataclasses.replace(hillclimb, kernels=first_run))
    assert main(["evolve", PICTURE, *QUICK, "-o", str(tmp_path / "a.png")]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == ("genart evolve: compiling the fitting kernels, once per install "
                                            "(about 20 s on an idle machine; later runs load them)")
    assert "; compiling the kernels (once) 0.0 s, fitting " in captured.out and compiled == [True]
    assert main(["evolve", PICTURE, *QUICK, "-o", str(tmp_path / "b.png")]) == 0  # cached now: nothing said
    captured = capsys.readouterr()
    assert "compiling" not in captured.err and "compiling" not in captured.out


@pytest.mark.slow
def test_the_kernels_are_found_missing_then_cached_in_a_fresh_numba_cache(tmp_path: Path) -> None:
    code = ("from genart.generative.hillclimb import kernels_cached\n"
            "from genart.generative.hillclimb_tiles import warm_up\n"
            "before = kernels_cached(); warm_up(); print(before, kernels_cached())\n")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
