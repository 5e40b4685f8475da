"""Fuzz genart's loaders of strangers' files: scenes, YAML scripts, collections and checkpoints.

Hypothesis mutates valid documents (values, types, lengths, nesting; bytes of a collection) and feeds
each to its loader, which must return or raise its own one-line error: any other exception is a
finding, printed with the document that caused it. The mutations are the hostile suite's
(tests/hostile/mutations.py), which feeds a few of each through the command line; this runs
many more, in-process. Not part of the test run:

    .venv/bin/python tools/fuzz_loaders.py --minutes 10
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from genart.errors import UserError  # noqa: E402
from genart.generative.hillclimb_checkpoint import Checkpoint  # noqa: E402
from genart.generative.hillclimb_settings import EvolveError  # noqa: E402
from genart.generative.mosaic.collection import Collection, CollectionError, write_collection  # noqa: E402
from genart.generative.shapes.layout import SIZE  # noqa: E402
from genart.render import scene as S  # noqa: E402
from genart.runtime.terminal import printable  # noqa: E402
from tests.hostile.mutations import checkpoint_texts, corrupted, scene_texts, script_texts  # noqa: E402

FINGERPRINT = "f" * 16
CHECKPOINT = {"format": "genart.checkpoint", "version": 1, "fingerprint": FINGERPRINT, "seconds": 1.0,
              "tiles": [{"params": [[10.0] * SIZE], "colors": [[0.5, 0.5, 0.5]], "errors": [1.0]}]}


def _one_line(exc: Exception) -> None:
    """Assert the message is one line as the command line prints it (control characters escaped)."""
    assert len(printable(str(exc)).splitlines()) <= 1, f"a message of several lines: {str(exc)!r}"


def scene_case(data: st.DataObject) -> None:
    try:
        S.parse(data.draw(scene_texts()))
    except S.SceneError as exc:
        _one_line(exc)


def script_case(data: st.DataObject, folder: Path) -> None:
    from genart.script.load import load

    path = folder / "piece.yaml"
    path.write_text(data.draw(script_texts("a.jpg")))
    try:
        load(path)
    except UserError as exc:
        _one_line(exc)


def _collection_bytes(folder: Path) -> bytes:
    n = 3
    rng = np.random.default_rng(0)
    grid = rng.uniform(0, 1, (n, 8, 8, 3)).astype(np.float32)
    meta = {"format": "genart.collection", "version": 1, "sizes": [16], "folder": str(folder), "tiles": ["a", "b", "c"],
            "files": {}}
    path = folder / "valid.npz"
    write_collection(path, meta, {"thumbs_16": rng.integers(0, 255, (n, 16, 16, 3), dtype=np.uint8), "rgb_grid": grid,
                                  "lab_mean": np.zeros((n, 3), np.float32), "lab_grid": np.zeros((n, 4, 4, 3), np.float32),
                                  "phash": np.arange(n, dtype=np.uint64),
                                  "duplicate_grid": np.zeros((0, 8, 8, 3), np.float32)})
    return path.read_bytes()


def collection_case(data: st.DataObject, folder: Path, valid: bytes) -> None:
    path = folder / "c.npz"
    path.write_bytes(data.draw(corrupted(valid)))
    try:
        collection = Collection.load(path)
        collection.tile(0, 16)
    except CollectionError as exc:
        _one_line(exc)


def checkpoint_case(data: st.DataObject, folder: Path) -> None:
    path = folder / "run.ckpt"
    path.write_text(data.draw(checkpoint_texts(CHECKPOINT)))
    try:
        Checkpoint(path, FINGERPRINT).load(1)
    except EvolveError as exc:
        _one_line(exc)


def fuzz(name: str, case: Callable[[st.DataObject], None], seconds: float) -> tuple[int, list[str]]:
    """Run `case` on generated data for `seconds`; the count of cases and the distinct findings."""
    findings: dict[str, str] = {}
    count = 0
    end = time.monotonic() + seconds

    @settings(max_examples=100, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        nonlocal count
        count += 1
        try:
            case(data)
        except Exception as exc:  # a finding: anything but the loader's own error
            last = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}"
            findings.setdefault(key, f"{key}: {str(exc)[:200]}")

    while time.monotonic() < end:
        run()
    return count, sorted(findings.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="total time, shared by the four loaders (10)")
    args = parser.parse_args()
    share = args.minutes * 60 / 4
    found = 0
    with tempfile.TemporaryDirectory(prefix="genart-fuzz-") as tmp:
        folder = Path(tmp)
        valid = _collection_bytes(folder)
        shutil.copy(ROOT / "assets" / "astronaut.jpg", folder / "a.jpg")  # the scripts' input
        loaders: dict[str, Callable[[st.DataObject], None]] = {
            "scene": scene_case,
            "yaml script": lambda d: script_case(d, folder),
            "collection": lambda d: collection_case(d, folder, valid),
            "checkpoint": lambda d: checkpoint_case(d, folder),
        }
        for name, case in loaders.items():
            count, findings = fuzz(name, case, share)
            found += len(findings)
            print(f"{name}: {count} documents, {len(findings)} findings", flush=True)
            for line in findings:
                print(f"  {line}", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
