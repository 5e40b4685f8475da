"""Fuzz genart's loaders of strangers' files: scenes, YAML scripts, collections and checkpoints.

Hypothesis mutates valid documents (values, types, lengths, nesting; bytes of a collection) and feeds
each to its loader, which must return or raise its own one-line error: any other exception is a
finding, printed with the document that caused it. Not part of the test run:

    .venv/bin/python tools/fuzz_loaders.py --minutes 10
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from genart.errors import UserError  # noqa: E402
from generative.hillclimb_tiles import Checkpoint, EvolveError  # noqa: E402
from generative.mosaic.collection import Collection, CollectionError, write_collection  # noqa: E402
from renderers import scene as S  # noqa: E402

SCENE = json.loads((ROOT / "assets" / "example.scene.json").read_text())
SCRIPT = "piece: fuzz\nsources:\n  face: assets/astronaut.jpg\nscenes:\n  lines: {from: face, method: gng, max_nodes: 30}\n"
ODD = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=12), st.just([]), st.just({}), st.just([[[[[]]]]]))


def mutate(doc: Any, data: st.DataObject, depth: int = 0) -> Any:
    """`doc` with a value, a type, a length or a nesting changed somewhere (or several places)."""
    if isinstance(doc, dict) and doc:
        key = data.draw(st.sampled_from(sorted(doc)))
        action = data.draw(st.sampled_from(["recurse", "replace", "drop", "add"]))
        out = dict(doc)
        if action == "recurse" and depth < 12:
            out[key] = mutate(doc[key], data, depth + 1)
        elif action == "replace":
            out[key] = data.draw(ODD)
        elif action == "drop":
            del out[key]
        else:
            out[data.draw(st.text(max_size=8))] = data.draw(ODD)
        return out
    if isinstance(doc, list) and doc:
        i = data.draw(st.integers(0, len(doc) - 1))
        action = data.draw(st.sampled_from(["recurse", "replace", "repeat", "cut", "nest"]))
        if action == "recurse" and depth < 12:
            return [*doc[:i], mutate(doc[i], data, depth + 1), *doc[i + 1:]]
        if action == "replace":
            return [*doc[:i], data.draw(ODD), *doc[i + 1:]]
        if action == "repeat":
            return doc + [doc[i]] * data.draw(st.integers(1, 50))
        if action == "cut":
            return doc[:i]
        return [doc]
    return data.draw(ODD)


def scene_case(data: st.DataObject) -> None:
    doc = SCENE
    for _ in range(data.draw(st.integers(1, 4))):
        doc = mutate(doc, data)
    try:
        S.parse(json.dumps(doc))
    except S.SceneError as exc:
        assert "\n" not in str(exc), f"a message of several lines: {str(exc)!r}"


def script_case(data: st.DataObject, folder: Path) -> None:
    import yaml

    from genart.script.load import load

    doc = yaml.safe_load(SCRIPT)
    for _ in range(data.draw(st.integers(1, 4))):
        doc = mutate(doc, data)
    path = folder / "piece.yaml"
    path.write_text(yaml.safe_dump(doc) if data.draw(st.booleans()) else data.draw(st.text(max_size=200)))
    try:
        load(path)
    except UserError as exc:
        assert "\n" not in str(exc), f"a message of several lines: {str(exc)!r}"


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
    raw = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = folder / "c.npz"
    path.write_bytes(bytes(raw))
    try:
        collection = Collection.load(path)
        collection.tile(0, 16)
    except CollectionError as exc:
        assert "\n" not in str(exc), f"a message of several lines: {str(exc)!r}"


def checkpoint_case(data: st.DataObject, folder: Path) -> None:
    doc = {"format": "genart.checkpoint", "fingerprint": "f" * 64, "seconds": 1.0,
           "tiles": [{"params": [[10.0, 10.0, 20.0, 20.0, 5.0, 30.0]], "families": [0], "colors": [[0.5, 0.5, 0.5, 0.5]],
                      "sse": 1.0, "history": []}]}
    for _ in range(data.draw(st.integers(1, 4))):
        doc = mutate(doc, data)
    path = folder / "run.ckpt"
    path.write_text(json.dumps(doc))
    try:
        Checkpoint(path, "f" * 64).load(1)
    except EvolveError as exc:
        assert "\n" not in str(exc), f"a message of several lines: {str(exc)!r}"


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
