"""Lottie JSON (lottie-spec 1.0) of a fly-in or a greedy time-lapse: one shape layer per shape.

Each shape is a layer holding one group: the shape at rest and a group transform that
turns and scales it about its rest anchor, moved to its place on the path by the layer's
position, split into x and y (lottie-web reads a split position in a layer's transform,
not in a group's). Position, scale and rotation are each keyed (`genart.animate.export.keys`, "cubic") with bezier easing handles
that draw a cubic Hermite curve of genart's own track between keyframes: every point of
every shape within `keys.TOLERANCE` of the canvas's longer side of genart's at every time.
Scale and rotation are on the group, not the layer transform, and the fade-in on the
shape's own fill (or stroke) opacity, not the layer's: the same picture, and players agree
on it (rlottie ignores a 2-D layer's `r` and composites hundreds of partly transparent layers
wrongly: the background loses alpha). The fade is linear in time, keyed exactly. A
time-lapse shape is a still layer whose in-point is when it first shows. Lottie draws its
first layer on top, so layers are listed in reverse draw order.

Frame f of the animation is time f / fps, genart's one clock (`timeline.frame_times`): the
animation's out-point is one frame past the last frame, which shows the end exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from genart.animate.export.keys import FlightKeys, GraphKnots, Track, bends
from genart.animate.export.tracks import Appearances, Flights, Growing, Zooming, grout
from genart.animate.timeline import frame_times
from genart.render.drawables import LottiePaint, Packed, drawable
from genart.render.drawables.base import CX, CY, Json
from genart.render.drawables.base import lottie_static as static
from genart.render.layers.mosaic import jpeg_uri, overlapping_cells
from genart.render.scene import Canvas


def _transform(anchor: list[float], position: Json, scale: Json, rotation: Json, opacity: Json) -> Json:
    return {"a": static(anchor), "p": position, "s": scale, "r": rotation, "o": opacity}


IDENTITY = _transform([0.0, 0.0], static([0.0, 0.0]), static([100.0, 100.0]), static(0.0), static(100.0))


def _shape_items(packed: Packed, i: int, opacity: Json | None = None) -> list[Json]:
    """Lottie shape items drawing packed shape i at rest, as its drawable draws itself; `opacity` (0–100)
    replaces its alpha if given."""
    color = packed.colors[i]
    paint = LottiePaint([float(c) for c in color[:3]] + [1.0],
                        opacity if opacity is not None else static(float(color[3]) * 100.0))
    return drawable(int(packed.kinds[i])).lottie_items(packed.points[i], int(packed.counts[i]), packed.params[i], paint)


def _keyed(track: Track, times: np.ndarray, values: np.ndarray, fps: float, digits: int = 4) -> Json:
    """An animated property keyed at `times` (seconds) with `values` (K+1, D), eased along `track`'s spans."""
    frames = []
    k = track.spans
    for j in range(k + 1):
        frame: Json = {"t": round(float(times[j] * fps), 6), "s": [round(float(v), digits) for v in values[j]]}
        if j < k:
            y1, y2 = track.handles[j, 0]
            frame["o"] = {"x": [0.333333], "y": [round(float(y1), 6)]}
            frame["i"] = {"x": [0.666667], "y": [round(float(y2), 6)]}
        frames.append(frame)
    return {"a": 1, "k": frames}


def _position(track: Track, times: np.ndarray, fps: float) -> Json:
    """The anchor's path as a split position: x and y, each eased along its own spans."""
    def coordinate(d: int) -> Json:
        one = Track(track.u, track.values[:, d : d + 1], track.leaving[:, d : d + 1], track.reaching[:, d : d + 1],
                    track.handles[:, d : d + 1])
        return _keyed(one, times, one.values, fps)
    return {"s": True, "x": coordinate(0), "y": coordinate(1)}


def _opacity(takeoff: float, landing: float, fade: float, fps: float, alpha: float) -> Json:
    """The shape's alpha (0–100) fading in over the first `fade` of its flight, linearly in time."""
    full = takeoff + fade * (landing - takeoff)
    if full <= takeoff:
        return {"a": 1, "k": [{"t": takeoff * fps, "s": [0.0], "h": 1}, {"t": takeoff * fps, "s": [alpha]}]}
    linear = {"o": {"x": [0.0], "y": [0.0]}, "i": {"x": [1.0], "y": [1.0]}}
    return {"a": 1, "k": [{"t": takeoff * fps, "s": [0.0], **linear}, {"t": full * fps, "s": [alpha]}]}


def _layer(index: int, items: list[Json], transform: Json, out_frame: float, in_frame: float = 0.0) -> Json:
    return {"ty": 4, "ind": index, "ip": in_frame, "op": out_frame, "st": 0, "ks": transform, "shapes": items}


def flight_layers(flights: Flights, keys: FlightKeys, fps: float, out_frame: float) -> list[Json]:
    """One layer per flying shape, in draw order."""
    rest = flights.rest
    eased = keys.eased
    s = eased.values[:, 0]
    layers = []
    for i in range(len(rest)):
        anchor = rest.params[i, [CX, CY]].tolist()
        scale = 100.0 * (flights.start_scale + (1.0 - flights.start_scale) * s)
        turn = float(flights.spin[i]) * (1.0 - s)
        times = keys.times(flights, i, eased)
        position = _position(keys.anchors[i], keys.times(flights, i, keys.anchors[i]), fps)
        turning = {"ty": "tr", **_transform(anchor, static([0.0, 0.0]),
                                            _keyed(eased, times, np.stack([scale, scale], axis=1), fps),
                                            _keyed(eased, times, turn[:, None], fps), static(100.0))}
        fading = _opacity(float(flights.takeoff[i]), float(flights.landing[i]), flights.fade, fps,
                          float(rest.colors[i, 3]) * 100.0)
        items = _shape_items(rest, i, fading)
        moving = _transform([0.0, 0.0], position, static([100.0, 100.0]), static(0.0), static(100.0))
        layers.append(_layer(0, [{"ty": "gr", "it": [*items, turning]}], moving, out_frame))
    return layers


def still_layers(shapes: Packed, out_frame: float, visible_from: np.ndarray | None = None, fps: float = 0.0) -> list[Json]:
    """One still layer per shape, in draw order, shown from `visible_from` (seconds) on if given."""
    layers = []
    for i in range(len(shapes)):
        items = _shape_items(shapes, i)
        shown = 0.0 if visible_from is None else float(visible_from[i] * fps)
        if math.isfinite(shown):
            layers.append(_layer(0, items, IDENTITY, out_frame, shown))
    return layers


def background_layer(canvas: Canvas, out_frame: float) -> Json:
    """The canvas background as a full-size rectangle."""
    r, g, b, a = canvas.background
    rect = {"ty": "rc", "p": static([canvas.width / 2, canvas.height / 2]), "s": static([canvas.width, canvas.height]),
            "r": static(0.0)}
    fill = {"ty": "fl", "c": static([r, g, b, 1.0]), "o": static(a * 100.0), "r": 1}
    return _layer(0, [rect, fill], IDENTITY, out_frame)


def animation(canvas: Canvas, parts: list[Flights | Appearances | Packed], keys: list[FlightKeys | None], fps: float,
              length: float, name: str = "genart") -> Json:
    """The whole Lottie document: background, then each part's layers, top layer first; `keys` are the
    flights' keyframes ("cubic"), one per part (None for the others)."""
    out_frame = float(len(frame_times(length, fps)))  # frames 0 … out − 1 show t = 0 … length
    layers = [background_layer(canvas, out_frame)] if canvas.background[3] > 0 else []
    for part, keyed in zip(parts, keys):
        if isinstance(part, Flights):
            assert keyed is not None
            layers += flight_layers(part, keyed, fps, out_frame)
        elif isinstance(part, Appearances):
            layers += still_layers(part.shapes, out_frame, part.visible_from, fps)
        else:
            layers += still_layers(part, out_frame)
    return document(canvas, layers, fps, out_frame, name)


def document(canvas: Canvas, layers: list[Json], fps: float, out_frame: float, name: str = "genart") -> Json:
    """The Lottie document of `layers` listed in draw order (bottom first), numbered top layer first."""
    layers = layers[::-1]
    for index, layer in enumerate(layers, start=1):
        layer["ind"] = index
    return {"v": "5.7.0", "fr": fps, "ip": 0, "op": out_frame, "w": round(canvas.width), "h": round(canvas.height),
            "nm": name, "ddd": 0, "assets": [], "layers": layers}


LINEAR = {"o": {"x": [0.0], "y": [0.0]}, "i": {"x": [1.0], "y": [1.0]}}  # a keyframe's straight span


def _linear(frames: np.ndarray, values: Sequence[object], numbers: np.ndarray) -> Json:
    """A property keyed linearly: `values` (the `numbers`, K × D, as Lottie writes them) at `frames`, but those
    on a line between their neighbours; static if it never changes."""
    if all(v == values[0] for v in values):
        return static(values[0])
    kept = np.flatnonzero(bends(frames, numbers)).tolist()
    keys = [{"t": round(float(frames[k]), 6), "s": values[k], **LINEAR} for k in kept]
    del keys[-1]["o"], keys[-1]["i"]
    return {"a": 1, "k": keys}


def _numbers(frames: np.ndarray, values: np.ndarray, digits: int = 4) -> Json:
    """A property of numbers (K, D) keyed linearly at `frames`, rounded to `digits`."""
    rounded = np.round(values, digits)
    return _linear(frames, rounded.tolist(), rounded)


def _node_group(values: np.ndarray, frames: np.ndarray) -> Json:
    """A graph node: a disc whose centre, radius, colour and alpha are keyed (NODE_VALUES at `frames`)."""
    disc = {"ty": "el", "p": _numbers(frames, values[:, 0:2]), "s": _numbers(frames, 2 * values[:, [2, 2]])}
    fill = {"ty": "fl", "r": 1, "c": _numbers(frames, np.c_[values[:, 3:6], np.ones(len(values))], 5),
            "o": _numbers(frames, 100 * values[:, 6:7], 3)}
    return {"ty": "gr", "it": [disc, fill, {"ty": "tr", **IDENTITY}]}


def _edge_group(values: np.ndarray, frames: np.ndarray) -> Json:
    """A graph edge: a round-capped stroke whose ends, width, colour and alpha are keyed (EDGE_VALUES)."""
    rounded = np.round(values[:, 0:4], 4)
    ends = [[{"c": False, "v": [row[0], row[1]], "i": [[0, 0], [0, 0]], "o": [[0, 0], [0, 0]]}]
            for row in rounded.reshape(-1, 2, 2).tolist()]
    stroke = {"ty": "st", "lc": 2, "lj": 2, "ml": 4, "w": _numbers(frames, values[:, 4:5]),
              "c": _numbers(frames, np.c_[values[:, 5:8], np.ones(len(values))], 5),
              "o": _numbers(frames, 100 * values[:, 8:9], 3)}
    path = _linear(frames, ends, rounded)
    if not path["a"]:  # a still path is the shape itself, not a list of one
        path["k"] = ends[0][0]
    return {"ty": "gr", "it": [{"ty": "sh", "ks": path}, stroke, {"ty": "tr", **IDENTITY}]}


def growth_animation(canvas: Canvas, growing: Growing, knots: GraphKnots, fps: float, length: float,
                     name: str = "genart") -> Json:
    """The Lottie document of a growth: background, then one layer of the graph, a group per edge and per
    node (nodes on top), each property keyed linearly at its element's `knots` (`keys.growth_knots`)."""
    out_frame = float(len(frame_times(length, fps)))
    groups = [_edge_group(growing.values(growing.edges, e, u), growing.seconds(u) * fps) for e, u in enumerate(knots.edges)]
    groups += [_node_group(growing.values(growing.nodes, n, u), growing.seconds(u) * fps) for n, u in enumerate(knots.nodes)]
    layers = [_layer(1, groups[::-1], IDENTITY, out_frame)]
    if canvas.background[3] > 0:
        layers.append(background_layer(canvas, out_frame))
        layers[-1]["ind"] = 2
    return {"v": "5.7.0", "fr": fps, "ip": 0, "op": out_frame, "w": round(canvas.width), "h": round(canvas.height),
            "nm": name, "ddd": 0, "assets": [], "layers": layers}


def zoom_animation(canvas: Canvas, zooming: Zooming, track: Track, tile_px: int, cell_px: float, fps: float,
                   length: float, name: str = "genart") -> Json:
    """The Lottie document of a mosaic zoom: each distinct tile an embedded JPEG of `tile_px` pixels (an image
    asset), each cell an image layer over its rectangle (as the SVG poster's) over a layer of `grout` (cells
    shown `cell_px` wide at the least), all children of a null layer, the camera, scaled about the zoom's fixed
    point by `track` ("cubic" keys)."""
    out_frame = float(len(frame_times(length, fps)))
    fx, fy = zooming.fixed
    scale = 100.0 * track.values[:, 0]
    camera = _layer(1, [], _transform([fx, fy], static([fx, fy]), _keyed(track, zooming.seconds(track.u),
                                                                         np.stack([scale, scale], axis=1), fps),
                                      static(0.0), static(100.0)), out_frame)
    camera.update(ty=3)
    del camera["shapes"]
    layer, assets, layers = zooming.layer, {}, []  # cells, in draw order
    for index, tile, (x, y, w, h) in overlapping_cells(layer, canvas, tile_px):
        if zooming.tiles is not None:
            if tile not in assets:
                assets[tile] = {"id": f"tile{tile}", "w": tile_px, "h": tile_px, "u": "", "e": 1,
                                "p": jpeg_uri(zooming.tiles(tile, tile_px))}
            image = _transform([0.0, 0.0], static([x, y]), static([100 * w / tile_px, 100 * h / tile_px]),
                               static(0.0), static(100.0))
            layers.append({"ty": 2, "refId": f"tile{tile}", "ind": 0, "parent": 1, "ip": 0, "op": out_frame, "st": 0,
                           "ks": image})
        if layer.cell_colors is not None and (zooming.tiles is None or layer.blend > 0):
            r, g, b = layer.cell_colors[index]
            rect = {"ty": "rc", "p": static([x + w / 2, y + h / 2]), "s": static([w, h]), "r": static(0.0)}
            fill = {"ty": "fl", "c": static([r, g, b, 1.0]), "o": static(100.0 if zooming.tiles is None else
                                                                          100.0 * layer.blend), "r": 1}
            layers.append({**_layer(0, [rect, fill], IDENTITY, out_frame), "parent": 1})
    under = [{"ty": "gr", "it": [{"ty": "rc", "p": static([x + w / 2, y + h / 2]), "s": static([w, h]), "r": static(0.0)},
                                 {"ty": "fl", "c": static([*color, 1.0]), "o": static(100.0), "r": 1},
                                 {"ty": "tr", **IDENTITY}]} for (x, y, w, h), color in grout(zooming, canvas, cell_px)]
    layers.insert(0, {**_layer(0, under[::-1], IDENTITY, out_frame), "parent": 1})
    layers = [*layers[::-1], camera, *([background_layer(canvas, out_frame)] if canvas.background[3] > 0 else [])]
    for index, each in enumerate((each for each in layers if each is not camera), start=2):
        each["ind"] = index
    return {"v": "5.7.0", "fr": fps, "ip": 0, "op": out_frame, "w": round(canvas.width), "h": round(canvas.height),
            "nm": name, "ddd": 0, "assets": list(assets.values()), "layers": layers}
