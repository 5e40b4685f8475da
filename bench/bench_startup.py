"""How long the `genart` command takes to start: `--version`, `--help` and a command's `--help`.

Nothing heavy (numpy, numba, cairo, Dask) may load for these; the figure is the median of
--repeats runs of a fresh process each (the interpreter's own start included).

    python bench/bench_startup.py --repeats 15
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from record import add_quick, figure

COMMANDS = (["--version"], ["--help"], ["evolve", "--help"], ["animate", "--help"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.repeats = 1
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; median of {args.repeats} fresh processes")
    for argv in COMMANDS:
        times = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "genart", *argv], check=True, capture_output=True)
            times.append(time.perf_counter() - began)
        print(f"genart {' '.join(argv):18} {statistics.median(times):.3f} s (best {min(times):.3f} s)", flush=True)
        figure(f"genart {' '.join(argv)}, median", statistics.median(times))


if __name__ == "__main__":
    main()
