"""Scene files: the versioned JSON contract between optimizers, renderers and animations.

A scene holds a canvas (size in canvas units, background colour), the source image's
name and hash, layers of drawables (shapes, a graph, a mosaic) and optional snapshots
of the optimization. Colours are RGBA floats in [0, 1]; coordinates are canvas units,
so one scene renders at any output size. Loading validates every field and never runs
code; saving is atomic.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import stat
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import Field, ValidationError, model_validator

from genart.errors import GenartError
from genart.render.atomic import atomic_write_bytes
from genart.render.drawables import BY_TAG, Bezier, Circle, Ellipse, Line, Polygon, Shape, scaled
from genart.render.fields import MAX_CANVAS, Color, Model
from genart.render.layers import REGISTRY as LAYER_TYPES
from genart.render.layers import GraphLayer, Layer, MosaicLayer, ShapesLayer
from genart.render.limits import limit_from_env
from genart.render.video import VideoTracks

FORMAT: Final = "genart.scene"
VERSION: Final = 1
MAX_FILE_BYTES = 1 << 30  # 1 GiB decompressed: larger is refused, not read
MIN_CANVAS = 0.01  # canvas units per side: smaller scales overflow the renderers
ELEMENTS_VARIABLE = "GENART_MAX_ELEMENTS"
DEFAULT_MAX_ELEMENTS = 1_000_000  # graph nodes and edges, mosaic cells, snapshots and shapes (four each) in a scene
RAISE_LIMIT = f"set {ELEMENTS_VARIABLE} to raise it, memory allowing"
SHAPE_ELEMENTS = 4  # a shape holds about as many numbers, and takes as much memory, as four other elements
VALUES_PER_ELEMENT = 6  # JSON values a scene may hold per allowed element (a triangle takes 12 for its 4)
BYTES_PER_ELEMENT = 128  # decompressed bytes a scene file may take per allowed element (a triangle takes 90)
MAX_INT_DIGITS = 20  # a longer integer in a scene file is refused before it is converted


class SceneError(GenartError, ValueError):
    """A scene file that cannot be read or does not validate; the message is one line."""


class Snapshot(Model):
    """The drawing at one step of the optimization.

    Either `prefix` (the first n shapes of the scene's first shapes layer: a greedy
    optimizer's history costs nothing to store) or full `layers`.
    """

    step: Annotated[int, Field(ge=0)]
    loss: Annotated[float, Field(allow_inf_nan=False)] | None = None
    prefix: Annotated[int, Field(ge=0)] | None = None
    layers: list[Layer] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Snapshot:
        if (self.prefix is None) == (self.layers is None):
            raise ValueError("a snapshot needs exactly one of prefix or layers")
        return self


class Canvas(Model):
    """Canvas size in canvas units and its background colour."""

    width: Annotated[float, Field(ge=MIN_CANVAS, le=MAX_CANVAS, allow_inf_nan=False)]
    height: Annotated[float, Field(ge=MIN_CANVAS, le=MAX_CANVAS, allow_inf_nan=False)]
    background: Color = (1.0, 1.0, 1.0, 1.0)


class Source(Model):
    """The picture a scene was made from."""

    name: str = Field(max_length=4096)
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


Meta = dict[str, str | int | float | bool | None]


class Scene(Model):
    """A whole scene file."""

    format: Literal["genart.scene"] = FORMAT
    version: Literal[1] = VERSION
    canvas: Canvas
    source: Source | None = None
    meta: Meta = Field(default_factory=dict)
    layers: list[Layer] = Field(default_factory=list)
    snapshots: list[Snapshot] = Field(default_factory=list)
    video: VideoTracks | None = None  # a clip's shapes frame by frame (genart.render.video); layers: its first frame

    @model_validator(mode="after")
    def _prefixes_fit(self) -> Scene:
        shapes = next((layer for layer in self.layers if isinstance(layer, ShapesLayer)), None)
        limit = len(shapes.shapes) if shapes else 0
        for i, snap in enumerate(self.snapshots):
            if snap.prefix is not None and snap.prefix > limit:
                raise ValueError(f"snapshots[{i}].prefix {snap.prefix} exceeds the {limit} shapes")
        return self

    def snapshot_layers(self, snapshot: Snapshot) -> list[Layer]:
        """The layers a snapshot shows (a prefix snapshot is cut from the first shapes layer)."""
        if snapshot.layers is not None:
            return list(snapshot.layers)
        out: list[Layer] = []
        cut = False
        for layer in self.layers:
            if isinstance(layer, ShapesLayer) and not cut:
                ids = None if layer.ids is None else layer.ids[: snapshot.prefix]
                out.append(layer.model_copy(update={"shapes": layer.shapes[: snapshot.prefix], "ids": ids}))
                cut = True
        return out


__all__ = ["FORMAT", "MAX_CANVAS", "VERSION", "Bezier", "Canvas", "Circle", "Ellipse", "GraphLayer", "Layer", "Line", "Meta",
           "MosaicLayer", "Polygon", "Scene", "SceneError", "Shape", "ShapesLayer", "Snapshot", "Source", "check_size",
           "dumps", "encode", "json_schema", "load", "output_size", "parse", "save", "scaled"]

MAX_PIXELS = 400_000_000  # refuse absurd output sizes before allocating them


def output_size(canvas: Canvas, width: int | None = None, height: int | None = None, limit: bool = True) -> tuple[int, int]:
    """Pixel size for a canvas: `width` (keeping the aspect) or `height`, default the canvas size.

    Beyond MAX_PIXELS or 32767 px a side it is a SceneError, unless `limit` is off (vector outputs).
    """
    if width is not None and height is not None:
        w, h = width, height
    elif width is not None:
        w, h = width, round(width * canvas.height / canvas.width)
    elif height is not None:
        w, h = round(height * canvas.width / canvas.height), height
    else:
        w, h = round(canvas.width), round(canvas.height)
    w, h = max(int(w), 1), max(int(h), 1)
    if limit and (w * h > MAX_PIXELS or w > 32767 or h > 32767):
        raise SceneError(f"output size {w}x{h} is too large (at most 32767 px a side, {MAX_PIXELS} px in all)")
    return w, h


def _round(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        rounded = round(value, digits)
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    return value


def dumps(scene: Scene, digits: int = 4) -> str:
    """Serialize a scene to compact JSON, floats rounded to `digits` decimals."""
    data = _round(scene.model_dump(mode="json", exclude_defaults=False), digits)
    return json.dumps(data, separators=(",", ":"), allow_nan=False)


def encode(scene: Scene, name: str | Path, digits: int = 4) -> bytes:
    """The bytes of the scene file `name` (gzipped for a name ending in `.gz`), floats rounded to `digits`.

    A scene that `load` would refuse for its size (its elements, JSON values or bytes beyond the
    limits of reading, `max_elements()`) is a SceneError naming the file and the limit: genart
    never writes a scene it could not read back.
    """
    limit = check_size(scene, name)  # before the dump, which takes long for a scene too large
    data = dumps(scene, digits).encode()
    problem = _too_many_values(data, limit)
    if problem is None and len(data) > _byte_limit(limit):
        problem = f"{len(data)} bytes, more than the {_byte_limit(limit)} a scene of the limit of {limit} elements may take"
    if problem is not None:
        raise SceneError(f"{name}: {_cannot_be_read_back(problem)}")
    return gzip.compress(data, compresslevel=6, mtime=0) if str(name).endswith(".gz") else data


def _cannot_be_read_back(problem: str) -> str:
    return f"the scene would hold {problem}, so it could not be read back; not written ({RAISE_LIMIT})"


def check_size(scene: Scene, name: str | Path) -> int:
    """Raise SceneError, naming the file `name` and the limit, if `scene` holds more elements (`count_elements`)
    than `load` reads (`max_elements()`); else that limit."""
    try:
        limit = max_elements()
    except SceneError as exc:
        raise SceneError(f"{name}: {exc}") from None
    if (problem := _too_many_elements(scene, limit)) is not None:
        raise SceneError(f"{name}: {_cannot_be_read_back(problem)}")
    return limit


def save(scene: Scene, path: str | Path, digits: int = 4) -> Path:
    """Write a scene atomically (see `encode`: gzipped for a name ending in `.gz`, never beyond the limits)."""
    path = Path(path)
    atomic_write_bytes(path, encode(scene, path, digits))
    return path


def _reject_constant(name: str) -> float:
    raise SceneError(f"{name} is not a valid number in a scene file")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SceneError(f"{text[:20]} is out of range for a number in a scene file")
    return value


def _short_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise SceneError(f"an integer of {len(text)} digits is out of range in a scene file")
    return int(text)


def max_elements() -> int:
    """The most elements a scene may hold: $GENART_MAX_ELEMENTS, else DEFAULT_MAX_ELEMENTS."""
    try:
        return limit_from_env(ELEMENTS_VARIABLE, DEFAULT_MAX_ELEMENTS)
    except ValueError as exc:
        raise SceneError(str(exc)) from None


def _length(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _field(obj: Any, name: str) -> Any:
    """A field of a raw object (a dict) or of a model, None where there is none."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None) if isinstance(obj, Model) else None


def _layer_elements(layer: Any) -> int:
    """Shapes, nodes, edges or cells of a layer, raw or a model (the larger of a mosaic's grid and its tile list)."""
    cells = 0
    columns, rows = _field(layer, "columns"), _field(layer, "rows")
    if isinstance(columns, int) and isinstance(rows, int):
        cells = max(columns, 0) * max(rows, 0)
    return max(cells, SHAPE_ELEMENTS * _length(_field(layer, "shapes")) + _length(_field(layer, "xy"))
               + _length(_field(layer, "ids")) + _length(_field(layer, "edges")) + _length(_field(layer, "tiles")))


def count_elements(obj: dict[str, Any] | Scene) -> int:
    """Elements of a scene, a raw object or a model: graph nodes and edges, mosaic cells, shapes (SHAPE_ELEMENTS
    each), in its layers and its snapshots' layers, and snapshots, and a clip's keys (`_video_elements`); a raw
    object is counted before any of it is validated."""
    layers = _field(obj, "layers")
    total = sum(_layer_elements(layer) for layer in layers) if isinstance(layers, list) else 0
    snapshots = _field(obj, "snapshots")
    if isinstance(snapshots, list):
        total += len(snapshots)
        for snap in snapshots:
            inner = _field(snap, "layers")
            if isinstance(inner, list):
                total += sum(_layer_elements(layer) for layer in inner)
    return total + _video_elements(_field(obj, "video"))


def _video_elements(video: Any) -> int:
    """Elements of a clip (raw or a model): SHAPE_ELEMENTS for every key of every track, and for every graph key
    one plus its graph's nodes and edges (`genart.render.video`)."""
    total = 0
    tracks, graphs = _field(video, "tracks"), _field(video, "graphs")
    if isinstance(tracks, list):
        total += SHAPE_ELEMENTS * sum(_length(_field(track, "keys")) for track in tracks)
    if isinstance(graphs, list):
        total += sum(1 + _layer_elements(_field(key, "graph")) for key in graphs)
    return total


def _byte_limit(elements: int) -> int:
    """The most (decompressed) bytes a scene file of at most `elements` elements may take."""
    return min(MAX_FILE_BYTES, elements * BYTES_PER_ELEMENT)


def _too_many_values(data: bytes | str, limit: int) -> str | None:
    """What is wrong with a document of more JSON values (counted by their separators) than a scene of `limit`
    elements holds, else None."""
    separators = data.count(b",") if isinstance(data, bytes) else data.count(",")
    if separators > limit * VALUES_PER_ELEMENT:
        return f"{separators} JSON values, more than a scene of the limit of {limit} elements would"
    return None


def _too_many_elements(obj: dict[str, Any] | Scene, limit: int) -> str | None:
    """What is wrong with a scene (raw or a model) of more than `limit` elements (`count_elements`), else None."""
    elements = count_elements(obj)
    if elements > limit:
        return f"{elements} elements (a shape counts {SHAPE_ELEMENTS}), more than the limit of {limit}"
    return None


def read_limited(path: Path) -> bytes:
    """The (decompressed) bytes of a regular file, at most MAX_FILE_BYTES or BYTES_PER_ELEMENT per allowed
    element; FIFOs and devices are refused without being opened for reading."""
    limit = _byte_limit(max_elements())
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        raise SceneError("not a regular file")
    with open(path, "rb") as raw:
        head = raw.read(2)
        raw.seek(0)
        gzipped = head == b"\x1f\x8b"
        stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise SceneError(f"larger than {limit} bytes{' decompressed' if gzipped else ''} "
                         f"(set {ELEMENTS_VARIABLE} above {max_elements()} to read larger scenes)")
    return data


_TAGS = (*BY_TAG, *LAYER_TYPES)


def _error_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and isinstance(loc[i - 1], int) and part in _TAGS:
            continue  # a union's discriminator tag adds nothing for the reader
        else:
            text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(part)[:80])  # a key names itself
            out += f".{text}" if out else text
    return out or "scene"


def parse(data: bytes | str, name: str = "scene") -> Scene:
    """Validate scene JSON; any problem raises SceneError with a one-line message.

    The elements (`count_elements`) are counted, and refused beyond `max_elements()`, before the
    scene is built; a document with more JSON values than such a scene could hold is refused before
    it is even parsed.
    """
    try:
        limit = max_elements()
    except SceneError as exc:
        raise SceneError(f"{name}: {exc}") from None
    if (problem := _too_many_values(data, limit)) is not None:
        raise SceneError(f"{name}: holds {problem} ({RAISE_LIMIT})")
    try:
        obj = json.loads(data, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_short_int)
    except SceneError as exc:
        raise SceneError(f"{name}: {exc}") from None
    except RecursionError:
        raise SceneError(f"{name}: JSON nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SceneError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise SceneError(f"{name}: a scene must be a JSON object")
    if obj.get("format") != FORMAT:
        raise SceneError(f"{name}: format: expected {FORMAT!r}, got {obj.get('format')!r}")
    if obj.get("version") != VERSION:
        raise SceneError(f"{name}: version: this genart reads version {VERSION}, got {obj.get('version')!r}")
    if (problem := _too_many_elements(obj, limit)) is not None:
        raise SceneError(f"{name}: holds {problem} ({RAISE_LIMIT})")
    try:
        return Scene.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = exc.error_count() - 1
        extra = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise SceneError(f"{name}: {_error_path(first['loc'])}: {first['msg']}{extra}") from None
    except RecursionError:
        raise SceneError(f"{name}: nested too deeply") from None


def read_file(path: Path, what: str, error: type[GenartError] = SceneError) -> bytes:
    """`read_limited`'s bytes of `path`, each way it can fail a one-line `error` naming `path`; `what` is the
    kind of file wanted (for a directory given instead)."""
    try:
        return read_limited(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not {what}") from None
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise error(f"{path}: cannot read ({exc})") from None
    except SceneError as exc:
        raise error(f"{path}: {exc}") from None


def load(path: str | Path) -> Scene:
    """Read and validate a scene file (plain or gzipped JSON)."""
    path = Path(path)
    return parse(read_file(path, "a scene file"), str(path))


def json_schema() -> dict[str, Any]:
    """The scene format as a JSON Schema document."""
    schema = Scene.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://genart.invalid/scene.schema.json"
    return schema

