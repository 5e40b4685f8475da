"""Every benchmark still runs: `bench/run.py --quick` (small sizes) writes a record in which each bench exited
cleanly and reported figures, and `bench/compare.py` reads it. No figure is judged: timing is not a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_every_bench_runs_quick_and_reports(tmp_path: Path) -> None:
    record_path = tmp_path / "quick.json"
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "-o", str(record_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"bench/run.py --quick failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    record = json.loads(record_path.read_text())
    names = {p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py")}
    assert set(record["benches"]) == names
    for name, bench in record["benches"].items():
        assert bench["returncode"] == 0, (name, bench["output_tail"])
        assert bench["figures"], f"{name} reported no figure"
        for figure in bench["figures"].values():
            assert figure["better"] in ("lower", "higher", "none")
            assert figure["value"] is None or isinstance(figure["value"], float)
    assert record["quick"] is True and (len(record["commit"]) == 40 or record["commit"] == "unknown")
    assert {"cores", "cpu", "python"} <= set(record["machine"])
    assert isinstance(record["quiet"], bool)
    table = record_path.with_suffix(".md").read_text()
    assert all(f"| {name} |" in table for name in names)
    compared = subprocess.run([sys.executable, "bench/compare.py", str(record_path), str(record_path)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
    rows = [line for line in compared.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == sum(len(b["figures"]) for b in record["benches"].values())
    cells = [line.split(" | ") for line in rows]
    assert all(c[2] == c[3] and "worse" not in line and "better" not in line for c, line in zip(cells, rows)), rows[:5]
