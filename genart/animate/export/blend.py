"""Motions as a Blender scene: genart writes neutral data, Blender builds and saves the .blend.

genart turns a clip into layers of plain geometry, each with the per-element attributes of
its motion, in Blender units (`UNIT` per canvas unit, y up), each element a small `DEPTH`
above the one before it so painter's order holds:

- *faces* (a fly-in's flights, a time-lapse's appearances, still layers): every shape
  tessellated as its drawable makes its faces (`Drawable.faces`: polygons as n-gons,
  ellipses and circles as 48-gons, Bézier strokes as ribbon quads with round caps), with its
  colour, alpha and motion: a flight's rank in the take-off order, Bézier path and spin; a
  time-lapse shape's first state;
- *segments* and *dots* (a graph's growth): every edge and node of every transition between
  two snapshots (`graph_transitions`), with where it is, how opaque, wide or large at the
  transition's start and end, and the window of eased progress the transition plays in;
- *cells* (a mosaic): a quad per cell, its tile from image atlases of the sizes genart draws
  tiles at, with a camera move keyed at every frame and a cell's pixels (per pixel of render
  width) keyed too, from which the material picks the atlas genart would draw at that size.

The motion's settings (start, duration, easing, lag ratio...) go along as the inputs of the
builder's Geometry Nodes modifiers, so they stay editable in Blender; every easing genart
has goes along as an expression (`genart.animate.easing.expression`). `blender_builder.py`,
run inside Blender, builds it all (see that file), naming no drawable kind. Colours stay
genart's sRGB values: Blender blends them as cairo does, and its compositor turns the result
back to linear light before the Standard view transform, so the render shows genart's own
colours. Blender's frame N is genart's frame N at t = N / fps, the one clock
(`genart.animate.timeline.frame_times`), up to the frame at or past the clip's end.
"""

from __future__ import annotations

import base64
import io
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from genart.animate.easing import EASINGS, expression
from genart.animate.export import ExportError, parts
from genart.animate.export.blender import find_blender
from genart.animate.export.tracks import Appearances, Flights
from genart.animate.export.video import blender_tracks, playback
from genart.animate.frame import Shapes
from genart.animate.motions.flyin import ORDERS, FlyIn, concat_shapes, take_off_ranks
from genart.animate.motions.growth import Growth, Transition, transition
from genart.animate.motions.mosaic_zoom import MosaicZoom
from genart.animate.motions.timelapse import TimeLapse
from genart.animate.motions.video import VideoPlayback
from genart.animate.timeline import Playable, frame_times
from genart.errors import UserError
from genart.render.atomic import atomic_path, atomic_write_bytes
from genart.render.drawables import Packed, drawable
from genart.render.drawables.base import CX, CY
from genart.render.scene import Canvas

FORMAT, VERSION = "genart.blender", 4
BUILDER = Path(__file__).with_name("blender_builder.py")
NEVER = 1_000_000_000  # the state of a shape that never shows
UNIT = 0.01  # Blender units per canvas unit
DEPTH = 1e-4  # Blender units between consecutive shapes (painter's order)
RESOLUTION = 1280  # the longer side of the .blend's render size, in pixels
MAX_ATLAS = 4096  # pixels on a side of a mosaic's tile atlas: tiles are at most MAX_ATLAS / ⌈√tiles⌉ px
LEVELS = 8  # atlases of a mosaic, each a power of two smaller than the next (a Blender mesh holds 8 UV maps)
ATLAS_PAD = 2  # pixels of each tile's edge repeated around it in the atlas (no neighbour bleeds in)


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


def _blender_xy(xy: np.ndarray, canvas: Canvas) -> np.ndarray:
    """Canvas points (..., 2) in Blender units, y up."""
    return np.stack([xy[..., 0] * UNIT, (canvas.height - xy[..., 1]) * UNIT], axis=-1)


def _clock(clip: Any) -> dict[str, Any]:
    """The modifier inputs every motion shares: when it starts, how long it moves, its easing."""
    return {"Start": clip.start, "Duration": clip.duration, "Easing": clip.easing}


OBJECT_NAMES = {"faces": "shapes", "segments": "edges", "dots": "nodes", "cells": "cells", "tracks": "tracks"}  # by geometry


@dataclass
class Layers:
    """What a clip becomes: its layers back to front, and the depth above the last one."""

    canvas: Canvas
    layers: list[dict[str, Any]]
    top: int = 0  # elements so far (the next one is drawn at (top + 1) · DEPTH)

    def depths(self, n: int) -> np.ndarray:
        """The depths of the next `n` elements, each above the one before."""
        depth = (self.top + 1 + np.arange(n)) * DEPTH
        self.top += n
        return depth

    def add(self, geometry: str, motion: str, inputs: dict[str, Any], **values: Any) -> None:
        name = f"{OBJECT_NAMES[geometry]} {len(self.layers) + 1}"
        self.layers.append({"name": name, "geometry": geometry, "motion": motion, "inputs": inputs, **values})


def _faces_layer(out: Layers, rest: Packed, motion: str, inputs: dict[str, Any], **shape_values: Any) -> None:
    """One part's shapes as faces, with per-shape `shape_values` (lists of one value, or of 3, per shape)."""
    n = len(rest)
    faces, owner = shape_faces(rest)
    depth = out.depths(n)
    corners = np.concatenate(faces) if faces else np.zeros((0, 2))
    sizes = np.array([len(f) for f in faces], np.int64)
    positions = np.column_stack([_blender_xy(corners, out.canvas), depth[np.repeat(owner, sizes)]])
    colors = np.clip(rest.colors, 0.0, 1.0)
    out.add("faces", motion, inputs, positions=_numbers(positions), face_sizes=sizes.tolist(),
            face_shape=owner.tolist(), color=_numbers(colors[:, :3]), alpha=_numbers(colors[:, 3]), **shape_values)


def flight_orders(clip: FlyIn) -> tuple[str, dict[str, np.ndarray]]:
    """The order `clip` takes off in, and every shape's rank (over all its flying shapes) in each order
    genart has (`flyin.ORDERS`): the clip's own ranks for its order; "random" is a permutation of seed 0
    unless it is the clip's (a fly-in's curves depend on its seed, not on its order, except for random's)."""
    shapes = concat_shapes([p for p in clip.parts if isinstance(p, Shapes)])
    own = np.concatenate(clip.ranks)
    ranks = {order: take_off_ranks(order, shapes, shapes.params[:, [CX, CY]], clip.canvas, np.random.default_rng(0))
             for order in ORDERS}
    order = next((o for o, r in ranks.items() if np.array_equal(r, own)), "random")
    return order, {**ranks, order: own}


def _flight(out: Layers, part: Flights, ranks: dict[str, np.ndarray], order: str, clip: FlyIn) -> None:
    n = len(part.rest)
    path = np.concatenate([_blender_xy(part.path, out.canvas),
                           np.broadcast_to(((out.top + 1 + np.arange(n)) * DEPTH)[:, None, None], (n, 4, 1))], axis=-1)
    inputs = {**_clock(clip), "Lag ratio": clip.lag_ratio, "Shapes": clip.total, "Order": order,
              "Start scale": part.start_scale, "Fade": part.fade}
    _faces_layer(out, part.rest, "flight", inputs, spin=_numbers(-part.spin),  # Blender's y is up: turns reverse
                 path=_numbers(path), **{f"rank_{o}": r.tolist() for o, r in ranks.items()})


def _shapes(clip: Playable, out: Layers) -> None:
    """A fly-in's or a time-lapse's parts: flights, appearances, still shapes."""
    order, ranks = flight_orders(clip) if isinstance(clip, FlyIn) else ("", {})
    first = 0
    for part in parts(clip):
        if isinstance(part, Flights):
            assert isinstance(clip, FlyIn)
            n = len(part.rest)
            _flight(out, part, {o: r[first:first + n] for o, r in ranks.items()}, order, clip)
            first += n
        elif isinstance(part, Appearances):
            assert isinstance(clip, TimeLapse)
            _faces_layer(out, part.shapes, "appear", {**_clock(clip), "States": len(clip.states)},
                         state=first_states(clip).tolist())
        else:
            _faces_layer(out, part, "still", {})


def first_states(clip: TimeLapse) -> np.ndarray:
    """The first state that shows each shape of a prefix time-lapse (NEVER for one that never shows)."""
    if clip.poster is None or clip.prefixes is None:
        raise ExportError("only time-lapses of a greedy run (prefix snapshots of one shapes layer) can be exported")
    first = np.full(len(clip.poster), NEVER, np.int64)
    shown = 0
    for index, prefix in enumerate(clip.prefixes):
        if prefix > shown:
            first[shown:prefix] = index
            shown = prefix
    return first


def graph_transitions(clip: Growth) -> list[tuple[Transition, float, float]]:
    """Every transition of a growth with the eased progress it plays from and to (one still transition
    for a single snapshot)."""
    states = clip.states
    if len(states) == 1:
        return [(transition(states[0], states[0]), 0.0, 1.0)]
    return [(transition(a, b), float(clip.knots[j]), float(clip.knots[j + 1]))
            for j, (a, b) in enumerate(zip(states, states[1:]))]


POSITIONS = ("start0", "start1", "end0", "end1", "at0", "at1")  # the graph values that are canvas points


def _graph(clip: Playable, out: Layers) -> None:
    """A growth: per transition, its edges as segments, then its nodes as dots."""
    assert isinstance(clip, Growth)
    steps = graph_transitions(clip)
    segments: list[dict[str, np.ndarray]] = []
    dots: list[dict[str, np.ndarray]] = []
    for j, (step, lo, hi) in enumerate(steps):
        show = (-1.0 if j == 0 else lo, 2.0 if j == len(steps) - 1 else hi)
        m, n = len(step.grows), len(step.radii)
        window = np.column_stack([np.tile(show, (m + n, 1)), np.tile([lo, hi], (m + n, 1))])
        depth = out.depths(m + n)
        segments.append({"start0": step.starts[:, 0], "start1": step.starts[:, 1], "end0": step.ends[:, 0],
                         "end1": step.ends[:, 1], "depth": depth[:m], "grows": step.grows.astype(np.float64),
                         "color": step.edge_colors, "opacity": step.edge_opacity,
                         "width": np.tile(step.widths, (m, 1)) * UNIT, "window": window[:m]})
        dots.append({"at0": step.nodes[:, 0], "at1": step.nodes[:, 1], "depth": depth[m:], "radius": step.radii * UNIT,
                     "color": step.node_colors, "opacity": step.node_opacity, "window": window[m:]})
    inputs = _clock(clip)
    for geometry, pieces in (("segments", segments), ("dots", dots)):
        joined = {key: np.concatenate([p[key] for p in pieces]) for key in pieces[0]}
        if geometry == "dots" and not np.any(joined["radius"] > 0):
            continue  # a graph drawn without nodes
        values = {key: _numbers(_blender_xy(v, out.canvas) if key in POSITIONS else v) for key, v in joined.items()}
        colors = np.clip(joined["color"], 0.0, 1.0)
        values.update(color=_numbers(colors[:, :3]), alpha=_numbers(colors[:, 3]))
        out.add(geometry, "graph", inputs, count=len(joined["depth"]), **values)


def _png(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=6)
    return base64.b64encode(buf.getvalue()).decode()


def _power_of_two(px: float) -> int:
    return 1 << max(0, math.ceil(math.log2(max(px, 1.0))))


def tile_levels(clip: MosaicZoom, times: np.ndarray, size: tuple[int, int], unique: int) -> tuple[list[int], list[float]]:
    """The tile sizes (px) the .blend holds atlases of, and, at each of `times`, a cell's pixels per pixel of
    render width. At a render `size` genart draws a frame's tiles at the power of two at or above a cell's
    pixels (`MosaicType.draw_cairo` asking its `TileCache`); the LEVELS atlases run up to the largest of those
    at `size` (at most what an atlas of `unique` tiles holds), the smaller ones for smaller renders."""
    layer, canvas = clip.layer, clip.canvas
    cell = max(canvas.width / layer.columns, canvas.height / layer.rows)
    per_width = [cell * min(size[0] / w, size[1] / h) / size[0]
                 for _, _, w, h in (clip.view_at(clip.progress(float(t))) for t in times)]
    fits = 1 << int(math.log2(max(1, MAX_ATLAS // math.ceil(math.sqrt(unique)) - 2 * ATLAS_PAD)))
    top = int(math.log2(min(_power_of_two(math.ceil(max(per_width) * size[0])), fits)))
    return [1 << k for k in range(max(0, top + 1 - LEVELS), top + 1)], per_width


def atlas(tiles: Any, ids: list[int], px: int) -> tuple[np.ndarray, int]:
    """The tiles `ids` at `px` pixels in one square image, row-major, each padded by its own edge; its
    slots per row."""
    per_row = math.ceil(math.sqrt(len(ids)))
    slot = px + 2 * ATLAS_PAD
    image = np.zeros((per_row * slot, per_row * slot, 3), np.uint8)
    for k, tile in enumerate(ids):
        picture = np.asarray(tiles(tile, px))
        if picture.shape[:2] != (px, px):
            picture = np.asarray(Image.fromarray(picture).resize((px, px), Image.Resampling.BOX))
        row, col = divmod(k, per_row)
        image[row * slot:(row + 1) * slot, col * slot:(col + 1) * slot] = np.pad(
            picture[..., :3], ((ATLAS_PAD, ATLAS_PAD), (ATLAS_PAD, ATLAS_PAD), (0, 0)), mode="edge")
    return image, per_row


def _cell_uvs(slots: np.ndarray, px: int, per_row: int) -> np.ndarray:
    """Each cell's corners (top left, top right, bottom right, bottom left) in its tile's atlas slot: (C, 4, 2)."""
    side = per_row * (px + 2 * ATLAS_PAD)
    row, col = np.divmod(slots, per_row)
    left = (col * (px + 2 * ATLAS_PAD) + ATLAS_PAD) / side
    top = (row * (px + 2 * ATLAS_PAD) + ATLAS_PAD) / side
    u = np.stack([left, left + px / side, left + px / side, left], axis=1)
    v = 1.0 - np.stack([top, top, top + px / side, top + px / side], axis=1)  # an image's v runs up
    return np.stack([u, v], axis=-1)


def _mosaic(clip: Playable, out: Layers, fps: float, size: tuple[int, int]) -> dict[str, Any]:
    """A mosaic zoom: the cells as quads textured from tile atlases, the camera's view keyed at every frame."""
    assert isinstance(clip, MosaicZoom)
    layer, canvas = clip.layer, clip.canvas
    cw, ch = canvas.width / layer.columns, canvas.height / layer.rows
    row, col = np.divmod(np.arange(layer.columns * layer.rows), layer.columns)
    corners = np.stack([np.column_stack([col + dx, row + dy]) * (cw, ch) for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1))],
                       axis=1)
    positions = np.concatenate([_blender_xy(corners, canvas), np.full((*corners.shape[:2], 1), out.depths(1)[0])],
                               axis=-1)
    cell_colors = np.asarray(layer.cell_colors if layer.cell_colors is not None else [(0.5, 0.5, 0.5)] * len(row))
    times = frame_times(clip.length, fps)
    ids = sorted(set(layer.tiles))
    slots = np.searchsorted(ids, layer.tiles)
    levels, per_width = tile_levels(clip, times, size, len(ids)) if clip.tiles is not None else ([], [])
    images, uvs = [], []
    for px in levels:
        image, per_row = atlas(clip.tiles, ids, px)
        images.append({"name": f"tiles {px} px", "px": px, "png": _png(image)})
        uvs.append(_numbers(_cell_uvs(slots, px, per_row)))
    out.add("cells", "still", {}, positions=_numbers(positions), color=_numbers(cell_colors),
            blend=float(layer.blend) if clip.tiles is not None else 1.0, images=images, uvs=uvs,
            cell_pixels_keys=_numbers(np.array(per_width), 9))
    views = np.array([clip.view_at(clip.progress(float(t))) for t in times])
    centres = _blender_xy(views[:, :2] + views[:, 2:] / 2, canvas)
    return {"camera_keys": _numbers(np.column_stack([centres, np.max(views[:, 2:], axis=1) * UNIT]))}


def _tracks(clip: Playable, out: Layers) -> None:
    """A clip scene's video: one keyed object per shape track (`genart.animate.export.video`)."""
    video = playback(clip)
    first = out.top
    out.depths(len(video.video.tracks))
    out.add("tracks", "tracks", {}, tracks=blender_tracks(video, out.canvas.height, first, UNIT, DEPTH))


Describe = Callable[[Playable, Layers, float, tuple[int, int]], dict[str, Any] | None]
DESCRIBE: dict[type, Describe] = {  # what each motion's clip becomes; the registry says which formats carry it
    FlyIn: lambda clip, out, fps, size: _shapes(clip, out),
    TimeLapse: lambda clip, out, fps, size: _shapes(clip, out),
    Growth: lambda clip, out, fps, size: _graph(clip, out),
    MosaicZoom: _mosaic,
    VideoPlayback: lambda clip, out, fps, size: _tracks(clip, out),
}


def render_size(canvas: Canvas, longer: int = RESOLUTION) -> tuple[int, int]:
    """The .blend's render size: the canvas's aspect, `longer` pixels on its longer side."""
    scale = longer / max(canvas.width, canvas.height)
    return max(2, round(canvas.width * scale)), max(2, round(canvas.height * scale))


def blender_data(clip: Playable, fps: float, resolution: int = RESOLUTION) -> dict[str, Any]:
    """What the builder needs to make the .blend of `clip` at `fps`, rendered `resolution` pixels on the longer
    side; an error for what it cannot replay."""
    if not 0 < fps <= 1000:
        raise UserError(f"--fps must be in (0, 1000], got {fps}")
    describe = DESCRIBE.get(type(clip))
    if describe is None:
        raise ExportError("only flyin, timelapse, growth, mosaic_zoom and video clips can be exported to Blender "
                          "(not a loop)")
    canvas: Canvas = clip.canvas  # type: ignore[attr-defined]
    size = render_size(canvas, resolution)
    out = Layers(canvas, [])
    extra = describe(clip, out, fps, size) or {}
    return {
        "format": FORMAT,
        "version": VERSION,
        "canvas": {"width": canvas.width * UNIT, "height": canvas.height * UNIT,
                   "color": _numbers(np.array(canvas.background[:3])),
                   "alpha": float(canvas.background[3])},
        "resolution": list(size),
        "fps": fps,
        "frames": len(frame_times(clip.length, fps)),
        "seconds_per_frame": 1.0 / fps,
        "top": (out.top + 1) * DEPTH,
        "easings": {name: expression(name) for name in EASINGS},
        "layers": out.layers,
        **extra,
    }


def write_builder_script(out: Path) -> None:
    """The builder script alone, for `blender -b --python build.py -- data.json [out.blend]`."""
    atomic_write_bytes(out, BUILDER.read_bytes())


def write_blender_data(clip: Playable, fps: float, out: Path) -> None:
    """The builder's data file (JSON) for `clip` at `fps`."""
    atomic_write_bytes(out, json.dumps(blender_data(clip, fps), separators=(",", ":")).encode())


def export_blend(clip: Playable, out: Path, fps: float, blender: str | None = None) -> None:
    """Write `clip` as a .blend at `out`, built by the Blender `blender` (see `find_blender`)."""
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
