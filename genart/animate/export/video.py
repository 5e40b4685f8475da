"""The video motion exported: every shape's track as keyframes, linear between them as genart plays it.

A clip's track (`genart.render.video.ShapeTrack`) is a shape's record at its key frames;
`genart.animate.motions.video` draws it linearly between keys (points, parameters, colour),
from its first key until the frame after its last. The exports carry exactly that:

- Lottie: one layer per track, in-point at its birth and out-point at its death; its shape
  items are the drawable's own (`Drawable.lottie_items`) at each key, and every property that
  differs between keys is keyed with linear easing at the keys' times (paths, centres, sizes,
  turns, colours, opacities);
- SMIL: one SVG element per track (its drawable's, `Drawable.svg_element`, at its first key),
  every attribute that differs between keys animated linearly at the keys' times (a turn as an
  `animateTransform`), in a group shown (a discrete opacity) from its birth until its death;
- glTF: one node per track, its drawable's mesh (`Drawable.mesh`) at its first key with a morph
  target per later key, the node's weights keyed linearly at the keys' times (one target at full
  weight at each key, so consecutive keys blend linearly), its colour and alpha keyed linearly on
  its material (`KHR_animation_pointer`, linear light as glTF's colours are) and its scale keyed
  (STEP) to 0 before its birth and from its death (`gltf.morphed_element`);
- Blender: one object per track, its faces (`Drawable.faces`) at its first key, a shape key
  per key (keyed 0 → 1 → 0 so Blender blends consecutive keys linearly, as genart does), its
  colour and alpha keyed on the object's colour (linear), and its render visibility keyed
  (constant) at birth and death; `blender_builder.tracks_layer` builds it.

Every point matches genart's at the keys. Between keys a polygon moves vertex by vertex in all
four; Lottie turns a turning ellipse by its interpolated angle as genart does, while Blender's
shape keys and glTF's morph targets move its outline's vertices straight (a chord of the turn: off by at most
r·(1 − cos(Δangle/2)) midway). Exports carry the motion with its linear easing only (a movie
plays any), at any `fps`, `start`, `duration` and `hold`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import svgwrite

from genart.animate.export import ExportError
from genart.animate.export.gltf import DEPTH, animated_document, finished_bytes, morphed_element
from genart.animate.export.lottie import IDENTITY, background_layer, document
from genart.animate.export.smil import svg_canvas
from genart.animate.motions.video import VideoPlayback
from genart.animate.timeline import Playable, frame_times
from genart.render.drawables import LottiePaint, Packed, drawable, drawable_of, pack
from genart.render.drawables.base import Json, lottie_static
from genart.render.layers.base import svg_paint
from genart.render.video import ShapeTrack

LINEAR = {"o": {"x": [0.0], "y": [0.0]}, "i": {"x": [1.0], "y": [1.0]}}


def playback(clip: Playable) -> VideoPlayback:
    """The video clip an export carries; another clip, a loop or an eased playback is an ExportError."""
    if not isinstance(clip, VideoPlayback):
        raise ExportError("this export carries the video motion of a clip scene only")
    if clip.easing != "linear":
        raise ExportError(f"the video motion is exported with the linear easing only, not {clip.easing}: "
                          "leave out --easing (a movie plays any)")
    return clip


def key_seconds(clip: VideoPlayback, frames: np.ndarray) -> np.ndarray:
    """When the clip's frame positions `frames` show (seconds of the motion).

    Examples
    --------
    >>> from genart.render.video import VideoTracks
    >>> from genart.render.scene import Canvas
    >>> clip = VideoPlayback(duration=2.0, start=1.0, canvas=Canvas(width=1, height=1), video=VideoTracks(fps=2, frames=5))
    >>> key_seconds(clip, np.array([0.0, 4.0, 5.0])).tolist()
    [1.0, 3.0, 3.5]
    """
    last = clip.video.frames - 1
    per_frame = clip.duration / last if last > 0 else 0.0
    return clip.start + np.asarray(frames, np.float64) * per_frame


def life(clip: VideoPlayback, track: ShapeTrack) -> tuple[float, float]:
    """When a track's shape is born and dies (seconds); one showing on the clip's last frame never dies."""
    born, dies = key_seconds(clip, np.array([track.keys[0], track.keys[-1] + 1.0]))
    return float(born), float("inf") if track.keys[-1] == clip.video.frames - 1 else float(dies)


def packed_keys(track: ShapeTrack) -> Packed:
    """A track's records at its keys, packed."""
    return pack(track.shapes)


def _lottie_key_items(keys: Packed, j: int) -> list[Json]:
    color = keys.colors[j]
    paint = LottiePaint([float(c) for c in color[:3]] + [1.0], lottie_static(float(color[3]) * 100.0))
    return drawable(int(keys.kinds[j])).lottie_items(keys.points[j], int(keys.counts[j]), keys.params[j], paint)


def _keyed_value(values: list[Any], frames: list[float]) -> Json:
    """A Lottie property holding `values` at `frames`: static where they all agree, else keyed linearly."""
    if all(v == values[0] for v in values[1:]):
        return lottie_static(values[0])
    keys = []
    for j, (value, frame) in enumerate(zip(values, frames)):
        start = value if isinstance(value, list) else [value]
        key: Json = {"t": round(frame, 6), "s": start}
        if j + 1 < len(values):
            key.update(LINEAR)
        keys.append(key)
    return {"a": 1, "k": keys}


def merged(trees: list[Any], frames: list[float]) -> Any:
    """The Lottie items of one shape at its keys (`trees`, all of one structure) merged into one tree, each static
    property (`{"a": 0, "k": v}`) keyed where it differs between keys."""
    first = trees[0]
    if isinstance(first, dict):
        if first.get("a") == 0 and "k" in first and len(first) == 2:
            values = [tree["k"] for tree in trees]
            if isinstance(values[0], dict):  # a path: keyed as a list of one path
                values = [[value] for value in values]
                if all(v == values[0] for v in values[1:]):
                    return first
            return _keyed_value(values, frames)
        return {key: merged([tree[key] for tree in trees], frames) for key in first}
    if isinstance(first, list) and first and isinstance(first[0], (dict, list)):
        return [merged([tree[i] for tree in trees], frames) for i in range(len(first))]
    return first


def lottie_track_layers(clip: VideoPlayback, fps: float, out_frame: float) -> list[Json]:
    """One Lottie layer per track, in draw order (see the module docstring); identity transforms."""
    layers = []
    for track in clip.video.tracks:
        keys = packed_keys(track)
        frames = [float(t) * fps for t in key_seconds(clip, np.array(track.keys, np.float64))]
        items = merged([_lottie_key_items(keys, j) for j in range(len(keys))], frames)
        born, dies = life(clip, track)
        layers.append({"ty": 4, "ind": 0, "ip": round(born * fps, 6), "op": min(out_frame, dies * fps), "st": 0,
                       "ks": IDENTITY, "shapes": items})
    return layers


def lottie_animation(clip: Playable, fps: float) -> Json:
    """The Lottie document of a video clip at `fps`: its background, then a layer per track."""
    video = playback(clip)
    out_frame = float(len(frame_times(video.length, fps)))
    background = [background_layer(video.canvas, out_frame)] if video.canvas.background[3] > 0 else []
    return document(video.canvas, background + lottie_track_layers(video, fps, out_frame), fps, out_frame)


SVG_DEFAULTS = {"fill-opacity": "1", "stroke-opacity": "1"}


def _svg_value(attributes: dict[str, str], name: str) -> str:
    """An SVG attribute of a key's element, or what it is where the element leaves it out."""
    if name in attributes:
        return attributes[name]
    if name == "transform":  # an unturned ellipse: turned by 0 about its centre
        return f"rotate(0 {attributes.get('cx', '0')} {attributes.get('cy', '0')})"
    return SVG_DEFAULTS.get(name, "")


def _smil(tag: str, length: float, values: list[str], times: list[float], **attrs: str) -> Any:
    """An SMIL element over the whole movie [0, length], linear between `values` at `times`, frozen at its end."""
    el = svgwrite.base.BaseElement(debug=False)
    el.elementname = tag
    if times[0] > 0:
        values, times = [values[0], *values], [0.0, *times]
    if times[-1] < length:
        values, times = [*values, values[-1]], [*times, length]
    el.attribs.update({"dur": f"{length:.9g}s", "fill": "freeze", "values": ";".join(values),
                       "keyTimes": ";".join(f"{min(max(t / length, 0.0), 1.0):.9f}" for t in times), **attrs})
    return el


def smil_track(dwg: svgwrite.Drawing, clip: VideoPlayback, track: ShapeTrack, length: float) -> Any:
    """A track as its drawable's SVG element at its first key, every attribute that differs between keys animated
    linearly at the keys' times, inside a group shown from its birth until its death."""
    elements = [drawable_of(shape).svg_element(dwg, shape, svg_paint(shape.color)) for shape in track.shapes]
    keyed = [dict(el.get_xml().attrib) for el in elements]
    times = [float(t) for t in key_seconds(clip, np.array(track.keys, np.float64))]
    shape = elements[0]
    for name in dict.fromkeys(n for attributes in keyed for n in attributes):
        values = [_svg_value(attributes, name) for attributes in keyed]
        if all(v == values[0] for v in values[1:]):
            continue
        if name == "transform":
            turns = [v.removeprefix("rotate(").removesuffix(")") for v in values]
            shape.add(_smil("animateTransform", length, turns, times, attributeName="transform", type="rotate"))
        else:
            shape.add(_smil("animate", length, values, times, attributeName=name))
    group = dwg.g()
    born, dies = life(clip, track)
    shown = ([(0.0, "0"), (born, "1")] if born > 0 else [(0.0, "1")]) + ([(dies, "0")] if dies < length else [])
    if len(shown) > 1:
        group.add(_smil("animate", length, [v for _, v in shown], [t for t, _ in shown], attributeName="opacity",
                        calcMode="discrete"))
    group.add(shape)
    return group


def smil_document(clip: Playable, width: float | None = None) -> str:
    """The animated SVG of a video clip: its background, then a group per track (see `smil_track`)."""
    video = playback(clip)
    dwg = svg_canvas(video.canvas, width)
    length = max(video.length, 1e-6)
    for track in video.video.tracks:
        dwg.add(smil_track(dwg, video, track, length))
    return str(dwg.tostring())


def blender_tracks(clip: VideoPlayback, canvas_height: float, first: int, unit: float,
                   depth: float) -> list[dict[str, Any]]:
    """The builder's tracks: per track its faces at each key (Blender coordinates, the i-th track at depth
    (first + 1 + i) · depth), the keys' times, colours and alphas, and its life (see the module docstring)."""
    tracks = []
    for i, track in enumerate(clip.video.tracks):
        keys = packed_keys(track)
        z = (first + 1 + i) * depth
        shapes = []
        for j in range(len(keys)):
            faces = drawable(int(keys.kinds[j])).faces(keys.points[j], int(keys.counts[j]), keys.params[j])
            corners = np.concatenate(faces)
            shapes.append(np.column_stack([corners[:, 0] * unit, (canvas_height - corners[:, 1]) * unit,
                                           np.full(len(corners), z)]))
        born, dies = life(clip, track)
        tracks.append({
            "face_sizes": [len(face) for face in faces],
            "keys": [round(float(t), 6) for t in key_seconds(clip, np.array(track.keys, np.float64))],
            "positions": [np.round(s, 6).ravel().tolist() for s in shapes],
            "color": np.round(np.clip(keys.colors, 0.0, 1.0), 6).tolist(),
            "born": round(born, 6),
            "dies": None if dies == float("inf") else round(dies, 6),
        })
    return tracks


def gltf_track(track: ShapeTrack) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A track's mesh at each key (K, V, 2: glTF x, y), its first key's triangles and its colour at each key
    (K, 4, sRGB); a shape whose mesh changes its vertex count between keys (which morph targets cannot carry)
    is an ExportError."""
    keys = packed_keys(track)
    meshes = [drawable(int(keys.kinds[j])).mesh(keys.points[j], int(keys.counts[j]), keys.params[j])
              for j in range(len(keys))]
    if any(len(vertices) != len(meshes[0][0]) for vertices, _ in meshes):
        raise ExportError(f"track {track.id}: its shape's mesh changes its vertex count between keys, which glTF "
                          "morph targets cannot carry; export it as .blend or .json")
    shapes = np.stack([vertices for vertices, _ in meshes]) * np.array([1.0, -1.0])  # canvas y down, glTF y up
    return shapes, np.asarray(meshes[0][1]), keys.colors


MORPH_KEYS = 32  # keys a glTF node carries at most: a longer track is a node per stretch of keys, one after another


def key_stretches(count: int) -> list[range]:
    """A track's `count` keys cut into stretches of at most MORPH_KEYS, each starting on the one before's last key
    (weights grow as keys × targets: stretches keep them linear in the keys).

    Examples
    --------
    >>> [list(r) for r in key_stretches(3)], [(r.start, r.stop) for r in key_stretches(70)]
    ([[0, 1, 2]], [(0, 32), (31, 63), (62, 70)])
    """
    starts = range(0, max(count - 1, 1), MORPH_KEYS - 1)
    return [range(start, min(start + MORPH_KEYS, count)) for start in starts]


def gltf_document(clip: Playable, binary: bool) -> bytes:
    """The glTF (`binary`: .glb) of a video clip: a node per track (per stretch of its keys, `key_stretches`, each
    shown until the next takes over), back to front along z (see the module docstring); the canvas's background
    is the viewer's to set, as for the other glTF exports."""
    video = playback(clip)
    doc, blob, animation = animated_document()
    for i, track in enumerate(video.video.tracks):
        shapes, triangles, colors = gltf_track(track)
        times = key_seconds(video, np.array(track.keys, np.float64))
        born, dies = life(video, track)
        stretches = key_stretches(len(times))
        for k, keys in enumerate(stretches):
            shows = born if k == 0 else float(times[keys.start])
            hides = dies if k == len(stretches) - 1 else float(times[keys.stop - 1])
            shown = ([(0.0, 0.0), (shows, 1.0)] if shows > 0 else [(0.0, 1.0)]) + \
                ([(hides, 0.0)] if hides < float("inf") else [])
            morphed_element(doc, blob, animation, times[keys.start:keys.stop], shapes[keys.start:keys.stop],
                            triangles, colors[keys.start:keys.stop], i * DEPTH, shown)
    return finished_bytes(doc, blob, animation, binary)
