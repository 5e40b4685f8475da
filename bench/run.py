"""Run every benchmark and keep what it measured: a JSON record and its table, to compare commits with `compare.py`.

    python bench/run.py                      # every bench/bench_*.py (≤ 10 min on a quiet 2-core machine)
    python bench/run.py --quick              # small sizes, under a minute: does every bench still run?
    python bench/run.py mosaic gng           # some of them
    python bench/run.py -o bench/results/x.json
    python bench/run.py --profile gng        # py-spy's profile of one bench (speedscope JSON)

Each bench runs in a fresh process (`python bench/bench_NAME.py`, with `--quick` in the quick
mode, else the arguments its module-level RUNNER_ARGS list names) and reports its figures through
`bench/record.py`; the runner adds the bench's wall and CPU time (user + system of the bench
and its children). The record names the git commit (and whether the tree had changes), the
date, the machine, its load average before and after each bench and how busy the others were:
the CPU time every process of the machine used meanwhile (/proc/stat) less the bench's own, per
second of the bench. A run is called quiet when that stayed under QUIET_OTHERS cores on every bench. The default output is
bench/results/DATE-COMMIT[-quick].json, with the table beside it as .md. The quick mode runs
QUICK_AT_ONCE benches at a time (its figures mean little, and so it is not quiet); the full run
one at a time.

A new bench adds itself: a file bench/bench_NAME.py that takes `--quick` (`record.add_quick`)
and calls `record.figure` for what it prints.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from record import RECORD_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUIET_OTHERS = 0.25  # cores' worth of CPU others used during a bench under which it counts as quiet
FORMAT = 1  # version of the record's layout
QUICK_AT_ONCE = 2  # benches the quick mode runs side by side


def benches() -> dict[str, Path]:
    """The benchmarks: bench/bench_NAME.py by NAME, in name order."""
    return {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}


def runner_args(path: Path) -> list[str]:
    """The bench's RUNNER_ARGS (a list of strings at module level) for the full run, or none."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RUNNER_ARGS" for t in node.targets):
            value = ast.literal_eval(node.value)
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise SystemExit(f"{path.name}: RUNNER_ARGS must be a list of strings")
            return value
    return []


def git(*argv: str) -> str:
    done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def machine() -> dict:
    """Cores, processor, memory, Python and numpy versions of this machine."""
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gib": round(memory, 1), "python": platform.python_version(), "platform": platform.platform(),
            "node": platform.node()}


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat", encoding="utf-8") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_bench(name: str, path: Path, quick: bool, log: Path) -> dict:
    """Run one bench in a fresh process; its figures, times, load and the tail of its output."""
    argv = ["--quick"] if quick else runner_args(path)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as figures_file:
        figures_path = Path(figures_file.name)
    env = {**os.environ, RECORD_ENV: str(figures_path), "PYTHONUNBUFFERED": "1"}
    load_before = os.getloadavg()
    busy, began = machine_busy(), time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        bench = subprocess.Popen([sys.executable, str(path), *argv], cwd=ROOT, env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(bench.pid, 0)  # this bench's own CPU time, its children's included
        bench.returncode = os.waitstatus_to_exitcode(status)
    seconds, cpu = time.perf_counter() - began, usage.ru_utime + usage.ru_stime
    others = max(0.0, machine_busy() - busy - cpu) / max(seconds, 1e-9)
    load_after = os.getloadavg()
    lines = [json.loads(line) for line in figures_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    figures_path.unlink()
    output = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return {"args": argv, "returncode": bench.returncode, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
            "others_cores": round(others, 2),
            "load_before": [round(v, 2) for v in load_before], "load_after": [round(v, 2) for v in load_after],
            "figures": {f["name"]: {k: f[k] for k in ("value", "unit", "better")} for f in lines},
            "output_tail": output[-30:] if bench.returncode else output[-5:]}


def table(record: dict) -> str:
    """The record as a Markdown table: one row per figure, then one per bench (time, CPU, load)."""
    head = (f"# Benchmarks {record['date']}, commit {record['commit'][:10]}{' (changed tree)' if record['dirty'] else ''}"
            f"{', quick mode' if record['quick'] else ''}\n\n"
            f"{record['machine']['cores']} cores ({record['machine']['cpu']}), Python {record['machine']['python']}; "
            f"{'quiet' if record['quiet'] else 'NOT quiet'} (other processes used up to {record['max_others']:.2f} "
            f"cores during a bench; quiet means < {QUIET_OTHERS})\n")
    rows = ["| bench | figure | value | unit |", "|---|---|---|---|"]
    runs = ["| bench | exit | wall (s) | CPU (s) | others (cores) | load before → after |", "|---|---|---|---|---|---|"]
    for name, bench in record["benches"].items():
        for fig, got in bench["figures"].items():
            value = "—" if got["value"] is None else f"{got['value']:.4g}"
            rows.append(f"| {name} | {fig} | {value} | {got['unit']} |")
        runs.append(f"| {name} | {bench['returncode']} | {bench['seconds']:.1f} | {bench['cpu_seconds']:.1f} | "
                    f"{bench['others_cores']:.2f} | {bench['load_before'][0]:.2f} → {bench['load_after'][0]:.2f} |")
    return head + "\n" + "\n".join(rows) + "\n\n" + "\n".join(runs) + "\n"


def profile(name: str, path: Path, quick: bool, out_dir: Path) -> int:
    """Run one bench under py-spy (all its processes, native frames off) into a speedscope JSON file."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("bench/run.py: error: --profile needs py-spy (pip install -e '.[bench]')")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{dt.date.today():%Y-%m-%d}-{git('rev-parse', '--short', 'HEAD') or 'nogit'}-{name}.speedscope.json"
    argv = ["--quick"] if quick else runner_args(path)
    done = subprocess.run([spy, "record", "--subprocesses", "--format", "speedscope", "--rate", "200",
                           "--output", str(out), "--", sys.executable, str(path), *argv], cwd=ROOT)
    print(f"profile: {out} (open it in https://www.speedscope.app or `py-spy top`)")
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benches to run (NAME of bench/bench_NAME.py; default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that every bench runs (CI)")
    parser.add_argument("-o", "--output", type=Path, help="the JSON record (default bench/results/DATE-COMMIT.json)")
    parser.add_argument("--profile", metavar="NAME", help="profile bench NAME with py-spy instead of recording")
    args = parser.parse_args()
    known = benches()
    unknown = [n for n in [*args.names, *([args.profile] if args.profile else [])] if n not in known]
    if unknown:
        parser.error(f"no bench named {', '.join(unknown)} (have {', '.join(known)})")
    if args.profile:
        return profile(args.profile, known[args.profile], args.quick, HERE / "results")
    chosen = {n: known[n] for n in (args.names or known)}
    commit = git("rev-parse", "HEAD") or "unknown"
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    output = args.output or HERE / "results" / f"{now:%Y-%m-%dT%H%M}-{commit[:10]}{'-quick' if args.quick else ''}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    record: dict = {"format": FORMAT, "date": now.isoformat(), "commit": commit, "dirty": bool(git("status", "--porcelain", "--", "genart", "bench")),
                    "quick": args.quick, "machine": machine(), "benches": {}}
    with tempfile.TemporaryDirectory(prefix="genart-bench-") as logs, \
            concurrent.futures.ThreadPoolExecutor(QUICK_AT_ONCE if args.quick else 1) as pool:
        running = {name: pool.submit(run_bench, name, path, args.quick, Path(logs) / f"{name}.log")
                   for name, path in chosen.items()}
        for name, future in running.items():  # in name order, as they end
            got = record["benches"][name] = future.result()
            print(f"{name} {'ok' if got['returncode'] == 0 else 'FAILED'} in {got['seconds']:.1f} s, "
                  f"{len(got['figures'])} figures", flush=True)
            if got["returncode"]:
                print("\n".join("    " + line for line in got["output_tail"]), flush=True)
    record["max_others"] = max((b["others_cores"] for b in record["benches"].values()), default=0.0)
    record["quiet"] = record["max_others"] < QUIET_OTHERS
    output.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    markdown = table(record)
    output.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"record: {output} (table: {output.with_suffix('.md')})")
    failed = [n for n, b in record["benches"].items() if b["returncode"] or not b["figures"]]
    if failed:
        print(f"failed or reported no figure: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
