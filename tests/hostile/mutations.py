"""Mutated documents for genart's loaders: hypothesis strategies shared by the hostile suite
(`test_documents.py`, through the command line) and `tools/fuzz_loaders.py` (in-process, for longer).

Each strategy takes a valid document and changes values, types, lengths or nesting somewhere
(JSON and YAML), or bytes (collections); what comes out may still be valid."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from hypothesis import strategies as st

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

ROOT = Path(__file__).resolve().parents[2]
SCENE: dict[str, Any] = json.loads((ROOT / "assets" / "example.scene.json").read_text())
SCRIPT = """\
genart: 1
seed: 3
inputs:
  face: {picture}
scenes:
  tris: {{from: face, method: hillclimb, shape: triangle, shapes: 8, resize: 32}}
  lines: {{from: face, method: gng, max_nodes: 30, epochs: 1}}
posters:
  - {{scene: tris, out: out/tris.png, width: 64}}
movie:
  out: out/m.mp4
  size: 64x64
  fps: 12
  shots:
    - {{scene: tris, motion: flyin, duration: 1, hold: 0.5}}
    - {{transition: crossfade, duration: 0.25}}
    - {{scene: lines, motion: growth, duration: 1}}
"""
ODD = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=12), st.just([]), st.just({}), st.just([[[[[]]]]]))
NUMBERS = st.one_of(st.sampled_from([0, -1, 1e-300, 1e9, -1e9, 1e300, 2**31, 2**63]), st.integers(-(10**6), 10**6),
                    st.floats(allow_nan=False, allow_infinity=False))  # for a number: another, often extreme
CHECKPOINT_HEAD = ("format", "fingerprint")  # what tells a checkpoint is this run's: kept unless `whole` is drawn


def mutate(doc: Any, draw: Draw[Any], depth: int = 0) -> Any:
    """`doc` with a value, a type, a length or a nesting changed somewhere (a number, mostly to another)."""
    if isinstance(doc, dict) and doc:
        key = draw(st.sampled_from(sorted(doc)))
        action = draw(st.sampled_from(["recurse", "replace", "drop", "add"]))
        out = dict(doc)
        if action == "recurse" and depth < 12:
            out[key] = mutate(doc[key], draw, depth + 1)
        elif action == "replace":
            out[key] = draw(ODD)
        elif action == "drop":
            del out[key]
        else:
            out[draw(st.text(max_size=8))] = draw(ODD)
        return out
    if isinstance(doc, list) and doc:
        i = draw(st.integers(0, len(doc) - 1))
        action = draw(st.sampled_from(["recurse", "replace", "repeat", "cut", "nest"]))
        if action == "recurse" and depth < 12:
            return [*doc[:i], mutate(doc[i], draw, depth + 1), *doc[i + 1:]]
        if action == "replace":
            return [*doc[:i], draw(ODD), *doc[i + 1:]]
        if action == "repeat":
            return doc + [doc[i]] * draw(st.integers(1, 50))
        if action == "cut":
            return doc[:i]
        return [doc]
    if isinstance(doc, (int, float)) and not isinstance(doc, bool):
        return draw(st.one_of(NUMBERS, ODD))
    return draw(ODD)


@st.composite
def mutated(draw: Draw[Any], doc: Any, most: int = 4) -> Any:
    """`doc` mutated 1 to `most` times."""
    for _ in range(draw(st.integers(1, most))):
        doc = mutate(doc, draw)
    return doc


@st.composite
def scene_texts(draw: Draw[Any]) -> str:
    """The example scene (assets/example.scene.json), mutated, as JSON."""
    return json.dumps(draw(mutated(SCENE)))


@st.composite
def script_texts(draw: Draw[Any], picture: str) -> str:
    """A small script whose input is `picture`, mutated, as YAML; or any text."""
    if draw(st.booleans()):
        return str(yaml.safe_dump(draw(mutated(yaml.safe_load(SCRIPT.format(picture=picture))))))
    return str(draw(st.text(max_size=200)))


@st.composite
def corrupted(draw: Draw[Any], valid: bytes) -> bytes:
    """`valid` with 1 to 8 bytes changed, and maybe cut short."""
    raw = bytearray(valid)
    for _ in range(draw(st.integers(1, 8))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return bytes(raw)


@st.composite
def checkpoint_texts(draw: Draw[Any], valid: dict[str, Any]) -> str:
    """The checkpoint `valid` mutated after its format and fingerprint (mostly), or as a whole, or its
    JSON text cut short."""
    how = draw(st.sampled_from(["body", "body", "body", "whole", "cut"]))
    if how == "cut":
        text = json.dumps(valid)
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "whole":
        return json.dumps(draw(mutated(valid)))
    head = {k: valid[k] for k in CHECKPOINT_HEAD if k in valid}
    body = draw(mutated({k: v for k, v in valid.items() if k not in CHECKPOINT_HEAD}))
    return json.dumps({**head, **body} if isinstance(body, dict) else body)
