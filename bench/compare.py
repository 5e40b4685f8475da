"""Two records of `bench/run.py` side by side: every figure, its change, and whether that is better or worse.

    python bench/compare.py bench/results/A.json bench/results/B.json [--threshold 5]

A change of more than --threshold percent in the figure's better direction is marked
"better", in the other "worse"; the machines' load is printed first (a record that was not
quiet says so: its times mean less).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"compare.py: error: {path}: {exc}") from None
    if not isinstance(record, dict) or "benches" not in record:
        raise SystemExit(f"compare.py: error: {path}: not a record of bench/run.py")
    return record


def verdict(a: float | None, b: float | None, better: str, threshold: float) -> tuple[str, str]:
    """The change from a to b in percent and its word (better, worse or blank within the threshold)."""
    if a is None or b is None or a == 0:
        return "", ""
    change = 100.0 * (b - a) / abs(a)
    if better == "none" or abs(change) <= threshold:
        return f"{change:+.1f}%", ""
    improved = change < 0 if better == "lower" else change > 0
    return f"{change:+.1f}%", "better" if improved else "worse"


def _show(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def rows(first: dict, second: dict, threshold: float) -> list[str]:
    out = ["| bench | figure | A | B | change | |", "|---|---|---|---|---|---|"]
    for name in dict.fromkeys([*first["benches"], *second["benches"]]):
        fa = first["benches"].get(name, {}).get("figures", {})
        fb = second["benches"].get(name, {}).get("figures", {})
        for fig in dict.fromkeys([*fa, *fb]):
            a, b = fa.get(fig, {}).get("value"), fb.get(fig, {}).get("value")
            unit = (fa.get(fig) or fb.get(fig) or {}).get("unit", "")
            better = (fa.get(fig) or fb.get(fig) or {}).get("better", "none")
            change, word = verdict(a, b, better, threshold)
            label = f"{fig} ({unit})" if unit else fig
            out.append(f"| {name} | {label} | {_show(a)} | {_show(b)} | {change} | {word} |")
    return out


def describe(label: str, record: dict) -> str:
    quiet = "quiet" if record.get("quiet") else "NOT quiet"
    return (f"{label}: {record['commit'][:10]}{' (changed tree)' if record.get('dirty') else ''}, {record['date']}, "
            f"{'quick, ' if record.get('quick') else ''}{record['machine']['cores']} cores, {quiet} "
            f"(others used up to {record.get('max_others', float('nan')):.2f} cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="record A (the baseline)")
    parser.add_argument("second", type=Path, help="record B")
    parser.add_argument("--threshold", type=float, default=5.0, help="percent of change called noise (default 5)")
    args = parser.parse_args()
    first, second = load(args.first), load(args.second)
    print(describe("A", first))
    print(describe("B", second))
    print()
    print("\n".join(rows(first, second, args.threshold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
