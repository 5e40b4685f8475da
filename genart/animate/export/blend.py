"""A fly-in or a greedy time-lapse as a Blender scene: genart writes the data, Blender builds and saves the .blend.

genart tessellates every shape, as its drawable makes its faces (`Drawable.faces`:
polygons as n-gons, ellipses and circles as 48-gons, Bézier strokes as ribbon quads with
round caps), into one neutral mesh per part (`genart.animate.export.parts`: a layer's flights, a time-lapse's appearances, still
layers) in Blender units (`UNIT` per canvas unit, y up), each shape a small `DEPTH` above
the one before it so painter's order holds. The per-shape colour, alpha and motion (a
flight's take-off, landing, Bézier path and spin; when a time-lapse shape shows) go along
as face attributes, and a flight's easing as an expression (`genart.animate.easing.expression`):
`blender_builder.py`, run inside Blender, makes the meshes, the geometry-nodes motion (every
easing genart has, computed as genart computes it), the camera and the render settings (see
that file). Colours stay genart's sRGB values: Blender blends them as cairo does, and its
compositor turns the result back to linear light before the Standard view transform, so the
render shows genart's own colours. Blender's frame N is genart's frame N at t = N / fps, the
one clock (`genart.animate.timeline.frame_times`), up to the frame at or past the clip's end.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from genart.animate.easing import expression
from genart.animate.export import Part, parts
from genart.animate.export.blender import find_blender
from genart.animate.export.tracks import Appearances, Flights
from genart.animate.export.video import blender_track_layer, playback
from genart.animate.motions.video import VideoPlayback
from genart.animate.timeline import Playable, frame_times
from genart.errors import UserError
from genart.render.atomic import atomic_path, atomic_write_bytes
from genart.render.drawables import Packed, drawable
from genart.render.scene import Canvas

FORMAT, VERSION = "genart.blender", 2
BUILDER = Path(__file__).with_name("blender_builder.py")
NEVER = 1e9  # seconds: when a shape that never shows would
UNIT = 0.01  # Blender units per canvas unit
DEPTH = 1e-4  # Blender units between consecutive shapes (painter's order)
RESOLUTION = 1280  # the longer side of the .blend's render size, in pixels


def shape_faces(shapes: Packed) -> tuple[list[np.ndarray], np.ndarray]:
    """Every packed shape as its drawable's faces (outlines (k, 2) in canvas units), and each face's shape index."""
    faces: list[np.ndarray] = []
    owner: list[int] = []
    for i, kind in enumerate(shapes.kinds.tolist()):
        shape = drawable(kind).faces(shapes.points[i], int(shapes.counts[i]), shapes.params[i])
        faces.extend(shape)
        owner.extend([i] * len(shape))
    return faces, np.array(owner, np.int64)


def _numbers(a: np.ndarray, digits: int = 6) -> list[float]:
    return [float(v) for v in np.round(np.asarray(a, np.float64), digits).ravel()]


def _layer(part: Part, canvas: Canvas, first: int, name: str) -> dict[str, Any]:
    """One part's mesh and per-shape attributes in Blender coordinates: a flight, or shapes shown from a time."""
    rest = part.rest if isinstance(part, Flights) else part.shapes if isinstance(part, Appearances) else part
    n = len(rest)
    faces, owner = shape_faces(rest)
    depth = (first + 1 + np.arange(n)) * DEPTH
    corners = np.concatenate(faces) if faces else np.zeros((0, 2))
    sizes = np.array([len(f) for f in faces], np.int64)
    vertex_owner = np.repeat(owner, sizes)
    positions = np.column_stack([corners[:, 0] * UNIT, (canvas.height - corners[:, 1]) * UNIT, depth[vertex_owner]])
    colors = np.clip(rest.colors, 0.0, 1.0)
    layer = {
        "name": name,
        "positions": _numbers(positions),
        "face_sizes": sizes.tolist(),
        "face_shape": owner.tolist(),
        "color": _numbers(colors[:, :3]),
        "alpha": _numbers(colors[:, 3]),
    }
    if not isinstance(part, Flights):
        shown = part.visible_from if isinstance(part, Appearances) else np.zeros(n)
        return {**layer, "motion": "appear", "shown_from": _numbers(np.minimum(shown, NEVER))}
    path = np.concatenate([part.path[..., :1] * UNIT, (canvas.height - part.path[..., 1:]) * UNIT,
                           np.broadcast_to(depth[:, None, None], (n, 4, 1))], axis=-1)
    return {
        **layer,
        "motion": "flight",
        "takeoff": _numbers(part.takeoff),
        "landing": _numbers(part.landing),
        "spin": _numbers(-part.spin),  # Blender's y points up: a turn the other way round
        "path": _numbers(path),
        "start_scale": part.start_scale,
        "fade": part.fade,
        "easing": part.easing,
        "eased": expression(part.easing),
    }


def blender_data(clip: Playable, fps: float) -> dict[str, Any]:
    """What the builder needs to make the .blend of `clip` at `fps`; an error for what it cannot replay."""
    if not 0 < fps <= 1000:
        raise UserError(f"--fps must be in (0, 1000], got {fps}")
    video = isinstance(clip, VideoPlayback)  # a clip's tracks: keyed shapes (`genart.animate.export.video`)
    drawn = [] if video else parts(clip)  # a fly-in or a time-lapse (an ExportError otherwise), which have a canvas
    canvas: Canvas = clip.canvas  # type: ignore[attr-defined]
    layers: list[dict[str, Any]] = []
    first = 0
    if video:
        layers.append(blender_track_layer(playback(clip), canvas.height, first, UNIT, DEPTH))
        first += len(layers[-1]["alpha"])
    for part in drawn:
        layers.append(_layer(part, canvas, first, f"shapes {len(layers) + 1}"))
        first += len(layers[-1]["alpha"])
    scale = RESOLUTION / max(canvas.width, canvas.height)
    return {
        "format": FORMAT,
        "version": VERSION,
        "canvas": {"width": canvas.width * UNIT, "height": canvas.height * UNIT,
                   "color": _numbers(np.array(canvas.background[:3])),
                   "alpha": float(canvas.background[3])},
        "resolution": [max(2, round(canvas.width * scale)), max(2, round(canvas.height * scale))],
        "fps": fps,
        "frames": len(frame_times(clip.length, fps)),
        "seconds_per_frame": 1.0 / fps,
        "top": (first + 1) * DEPTH,
        "layers": layers,
    }


def write_builder_script(out: Path) -> None:
    """The builder script alone, for `blender -b --python build.py -- data.json [out.blend]`."""
    atomic_write_bytes(out, BUILDER.read_bytes())


def write_blender_data(clip: Playable, fps: float, out: Path) -> None:
    """The builder's data file (JSON) for `clip` at `fps`."""
    atomic_write_bytes(out, json.dumps(blender_data(clip, fps), separators=(",", ":")).encode())


def export_blend(clip: Playable, out: Path, fps: float, blender: str | None = None) -> None:
    """Write `clip` (a fly-in) as a .blend at `out`, built by the Blender `blender` (see `find_blender`)."""
    data = json.dumps(blender_data(clip, fps), separators=(",", ":"))
    program = find_blender(blender)
    with tempfile.TemporaryDirectory(prefix="genart-blend-") as folder, atomic_path(out) as tmp:
        data_path = Path(folder) / "data.json"
        data_path.write_text(data)
        try:
            program.run(BUILDER, [str(data_path), str(tmp)], f"{out}")
        finally:  # Blender saves to FILE@, then renames it to FILE: a Blender stopped while saving leaves it
            tmp.with_name(f"{tmp.name}@").unlink(missing_ok=True)
        if tmp.stat().st_size == 0:
            raise UserError(f"{out}: Blender wrote nothing")
