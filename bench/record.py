"""What a benchmark measured, for `bench/run.py`: the figures a bench reports beside the table it prints.

A bench calls `figure` for each number it prints. Run by `bench/run.py`, whose environment
variable RECORD_ENV names a file, every figure is appended to that file as one JSON line
(name, value, unit, which way is better); run by hand, `figure` records nothing and the bench
prints as it always did. `add_quick` gives a bench the runner's `--quick` option (small sizes,
for CI: the bench must run, its figures mean little).

    from record import add_quick, figure
    figure("render 10k triangles 1920 px", 0.41, "s")
"""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Literal

RECORD_ENV = "GENART_BENCH_RECORD"  # the JSON-lines file figures go to (set by bench/run.py)

Better = Literal["lower", "higher", "none"]


def figure(name: str, value: float, unit: str = "s", better: Better = "lower") -> None:
    """Report one figure: `name` says what it is (unique within its bench), `better` which way is better.

    Units: "s" for times, "x" for ratios, "" for plain numbers, anything else as printed.
    """
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    number = float(value)
    line = {"name": name, "value": number if math.isfinite(number) else None, "unit": unit, "better": better}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def add_quick(parser: argparse.ArgumentParser) -> None:
    """The `--quick` option every bench takes: small sizes, a few seconds, for CI (no figure is meaningful)."""
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few repeats: checks that the bench runs (bench/run.py --quick, CI)")
