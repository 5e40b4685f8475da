"""Scene files: round trips, atomic saving, and clear errors for wrong or hostile files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genart.render import scene as S

ROOT = Path(__file__).resolve().parent.parent


def test_round_trip_plain_and_gzip(tmp_path: Path, example_scene: S.Scene) -> None:
    for name in ("a.scene.json", "a.scene.json.gz"):
        path = S.save(example_scene, tmp_path / name)
        assert S.load(path) == example_scene
    raw = (tmp_path / "a.scene.json.gz").read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(raw))["format"] == "genart.scene"


def test_snapshot_prefix_layers(example_scene: S.Scene) -> None:
    first = example_scene.snapshot_layers(example_scene.snapshots[0])
    assert len(first) == 1 and len(first[0].shapes) == 2


def test_published_schema_is_current() -> None:
    published = json.loads((ROOT / "genart" / "render" / "scene.schema.json").read_text())
    assert published == S.json_schema()


def test_schema_validates_example_with_jsonschema() -> None:
    doc = json.loads((ROOT / "assets" / "example.scene.json").read_text())
    jsonschema.validate(doc, S.json_schema())


def _doc(example_scene: S.Scene) -> dict:
    return json.loads(S.dumps(example_scene))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["canvas"].update(width="wide"), "canvas.width"),
        (lambda d: d["canvas"].update(width=-5), "canvas.width"),
        (lambda d: d["layers"][0]["shapes"][0].update(color=[1, 0, 0]), "layers[0].shapes[0].color"),
        (lambda d: d["layers"][0]["shapes"][0].update(color=[2, 0, 0, 1]), "layers[0].shapes[0].color[0]"),
        (lambda d: d["layers"][0]["shapes"][1].update(kind="hexagon"), "layers[0].shapes[1]"),
        (lambda d: d["layers"][1].update(edges=[[0, 99]]), "layers[1]"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.update(__reduce__="os.system"), "__reduce__"),
        (lambda d: d["snapshots"].append({"step": 3, "prefix": 50}), "snapshots"),
    ],
)
def test_wrong_fields_are_named(tmp_path: Path, example_scene: S.Scene, mutate, field: str) -> None:
    doc = _doc(example_scene)
    mutate(doc)
    path = tmp_path / "bad.scene.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(S.SceneError) as err:
        S.load(path)
    message = str(err.value)
    assert "\n" not in message
    assert field in message


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[1, 2]", b"\xff\xfe\x00", b'{"format": "genart.scene", "version": 1, "canvas": {"width": NaN, "height": 1}}',
     b"[" * 100_000 + b"]" * 100_000, gzip.compress(b"{not json")],
)
def test_corrupt_files_are_one_line_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.scene.json"
    path.write_bytes(content)
    with pytest.raises(S.SceneError) as err:
        S.load(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_truncated_gzip_is_an_error(tmp_path: Path, example_scene: S.Scene) -> None:
    path = S.save(example_scene, tmp_path / "t.scene.json.gz")
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(S.SceneError):
        S.load(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(S.SceneError, match="no such file"):
        S.load(tmp_path / "nope.scene.json")


def test_failed_save_keeps_the_old_file(tmp_path: Path, example_scene: S.Scene, monkeypatch) -> None:
    path = S.save(example_scene, tmp_path / "keep.scene.json")
    before = path.read_bytes()

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Path, "write_bytes", boom)
    with pytest.raises(RuntimeError):
        S.save(example_scene, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.scene.json"]


@settings(max_examples=40, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids), max_leaves=30))
def test_arbitrary_json_never_crashes(value) -> None:
    try:
        S.parse(json.dumps(value))
    except S.SceneError as exc:
        assert "\n" not in str(exc)
