"""glTF 2.0 (`.gltf`, `.glb`) of a fly-in or a greedy time-lapse: a node and a mesh per shape,
the motion as animation channels (written with pygltflib).

Canvas x is glTF x, canvas y is −y (glTF is y-up) and draw order is z: every shape lies
`DEPTH` in front of the one before, so a camera looking down −z sees the painter's
order. A node sits at its shape's anchor and its mesh is the shape at rest around it
(polygons triangulated by earcut, ellipses and circles as `ROUND_SIDES`-gons, a Bézier
curve as a ribbon of its stroke); the node's own TRS is the final pose, so a viewer
without animation shows the poster. Translation, rotation about z and scale are keyed
(LINEAR) at every frame time of the flight and at take-off and landing, so the node's
pose equals genart's at those times. Core glTF cannot animate opacity: the fade-in is
not exported. A time-lapse shape is scaled to 0 until it shows (STEP). Colours are unlit
(`KHR_materials_unlit`) with alpha blending. One node per shape: viewers handle a few
thousand (Blender's glTF importer takes 13 s for 2,000 nodes); use the Blender export
for larger scenes.
"""

from __future__ import annotations

import math

import mapbox_earcut
import numpy as np
import pygltflib as gl

from genart.animate.export.tracks import Appearances, Flights
from genart.render.drawables import Kind, Packed
from genart.render.drawables.base import ANGLE, CX, CY, RX, RY, STROKE
from genart.render.scanlines.bezier import SEGMENTS, flatten

DEPTH = 1e-3  # canvas units between consecutive shapes along z
ROUND_SIDES = 48


def outline(kind: int, points: np.ndarray, count: int, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A packed drawable at rest as a triangle mesh in canvas units: vertices (V, 2) and triangles (T, 3)."""
    if kind == Kind.POLYGON:
        ring = np.ascontiguousarray(points[:count], np.float64)
        tris = mapbox_earcut.triangulate_float64(ring, np.array([count], np.uint32))
        return ring, tris.reshape(-1, 3)
    if kind == Kind.BEZIER:
        line = np.empty((SEGMENTS + 1, 2))
        (x0, y0), (x1, y1), (x2, y2) = points[:3].tolist()
        flatten(x0, y0, x1, y1, x2, y2, line)
        step = np.concatenate([line[1:2] - line[:1], (line[2:] - line[:-2]) / 2, line[-1:] - line[-2:-1]])
        normal = np.stack([-step[:, 1], step[:, 0]], axis=1)
        normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
        half = 0.5 * params[STROKE]
        ribbon = np.concatenate([line + half * normal, line - half * normal])
        n = SEGMENTS + 1
        quads = [(i, i + 1, n + i, i + 1, n + i + 1, n + i) for i in range(SEGMENTS)]
        return ribbon, np.array(quads, np.int64).reshape(-1, 3)
    t = np.linspace(0.0, 2 * math.pi, ROUND_SIDES, endpoint=False)
    a = math.radians(params[ANGLE]) if kind == Kind.ELLIPSE else 0.0
    ex, ey = params[RX] * np.cos(t), params[RY] * np.sin(t)
    ring = np.stack([params[CX] + ex * math.cos(a) - ey * math.sin(a), params[CY] + ex * math.sin(a) + ey * math.cos(a)], 1)
    fan = np.array([(0, i, i + 1) for i in range(1, ROUND_SIDES - 1)], np.int64)
    return ring, fan


class _Blob:
    """The binary buffer and its views and accessors, grown one array at a time."""

    def __init__(self, doc: gl.GLTF2) -> None:
        self.doc, self.data = doc, bytearray()

    def add(self, array: np.ndarray, kind: str, component: int, target: int | None = None, bounds: bool = False) -> int:
        while len(self.data) % 4:
            self.data.append(0)
        raw = np.ascontiguousarray(array).tobytes()
        self.doc.bufferViews.append(gl.BufferView(buffer=0, byteOffset=len(self.data), byteLength=len(raw),
                                                  target=target))
        self.data += raw
        accessor = gl.Accessor(bufferView=len(self.doc.bufferViews) - 1, componentType=component,
                               count=len(array), type=kind)
        if bounds:
            accessor.min = np.atleast_1d(np.min(array, axis=0)).tolist()
            accessor.max = np.atleast_1d(np.max(array, axis=0)).tolist()
        self.doc.accessors.append(accessor)
        return len(self.doc.accessors) - 1


def _z_quaternions(turn_degrees: np.ndarray) -> np.ndarray:
    """Rotations about +z for canvas turns (clockwise on screen, y down): (T, 4) xyzw."""
    half = -np.radians(turn_degrees) / 2.0
    return np.stack([np.zeros_like(half), np.zeros_like(half), np.sin(half), np.cos(half)], axis=1)


def _mesh(doc: gl.GLTF2, blob: _Blob, packed: Packed, i: int) -> int:
    vertices, triangles = outline(int(packed.kinds[i]), packed.points[i], int(packed.counts[i]), packed.params[i])
    anchor = packed.params[i, [CX, CY]]
    local = np.zeros((len(vertices), 3), np.float32)
    local[:, 0], local[:, 1] = vertices[:, 0] - anchor[0], -(vertices[:, 1] - anchor[1])
    position = blob.add(local, gl.VEC3, gl.FLOAT, gl.ARRAY_BUFFER, bounds=True)
    indices = blob.add(triangles.reshape(-1).astype(np.uint32), gl.SCALAR, gl.UNSIGNED_INT, gl.ELEMENT_ARRAY_BUFFER)
    r, g, b, a = (float(c) for c in packed.colors[i])
    doc.materials.append(gl.Material(
        pbrMetallicRoughness=gl.PbrMetallicRoughness(baseColorFactor=[r, g, b, a], metallicFactor=0.0),
        alphaMode=gl.BLEND if a < 1.0 else gl.OPAQUE, doubleSided=True, extensions={"KHR_materials_unlit": {}}))
    doc.meshes.append(gl.Mesh(primitives=[gl.Primitive(attributes=gl.Attributes(POSITION=position), indices=indices,
                                                       material=len(doc.materials) - 1)]))
    return len(doc.meshes) - 1


def _channels(doc: gl.GLTF2, blob: _Blob, animation: gl.Animation, node: int, times: np.ndarray,
              values: dict[str, np.ndarray], interpolation: str) -> None:
    keyed = blob.add(times.astype(np.float32), gl.SCALAR, gl.FLOAT, bounds=True)
    for path, value in values.items():
        output = blob.add(value.astype(np.float32), gl.VEC4 if path == "rotation" else gl.VEC3, gl.FLOAT)
        animation.samplers.append(gl.AnimationSampler(input=keyed, output=output, interpolation=interpolation))
        animation.channels.append(gl.AnimationChannel(sampler=len(animation.samplers) - 1,
                                                      target=gl.AnimationChannelTarget(node=node, path=path)))


def flight_times(flights: Flights, i: int, fps: float) -> np.ndarray:
    """Key times of one flight: take-off, every frame time inside the flight, landing."""
    takeoff, landing = float(flights.takeoff[i]), float(flights.landing[i])
    inside = np.arange(math.floor(takeoff * fps) + 1, math.ceil(landing * fps)) / fps
    return np.unique(np.concatenate([[takeoff], inside[(inside > takeoff) & (inside < landing)], [landing]]))


def scene_gltf(parts: list[Flights | Appearances | Packed], fps: float) -> gl.GLTF2:
    """The glTF document (one scene, one animation) of the exported parts, back to front."""
    doc = gl.GLTF2(asset=gl.Asset(generator="genart", version="2.0"), scene=0, scenes=[gl.Scene(nodes=[])],
                   extensionsUsed=["KHR_materials_unlit"], buffers=[gl.Buffer(byteLength=0)])
    blob = _Blob(doc)
    animation = gl.Animation(name="motion", samplers=[], channels=[])
    depth = 0
    for part in parts:
        packed = part.rest if isinstance(part, Flights) else part.shapes if isinstance(part, Appearances) else part
        for i in range(len(packed)):
            z = depth * DEPTH
            depth += 1
            anchor = packed.params[i, [CX, CY]]
            node = gl.Node(mesh=_mesh(doc, blob, packed, i), translation=[float(anchor[0]), float(-anchor[1]), z])
            doc.nodes.append(node)
            index = len(doc.nodes) - 1
            doc.scenes[0].nodes.append(index)
            if isinstance(part, Flights):
                times = flight_times(part, i, fps)
                pose = part.pose_of(i, times)
                moved = np.column_stack([pose.anchor[:, 0], -pose.anchor[:, 1], np.full(len(times), z)])
                scale = np.column_stack([pose.scale, pose.scale, np.ones(len(times))])
                _channels(doc, blob, animation, index, times, {"translation": moved,
                                                              "rotation": _z_quaternions(pose.turn), "scale": scale},
                          gl.LINEAR)
            elif isinstance(part, Appearances) and part.visible_from[i] > 0:
                shown = float(min(part.visible_from[i], 1e9))
                _channels(doc, blob, animation, index, np.array([0.0, shown]),
                          {"scale": np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])}, gl.STEP)
    if animation.channels:
        doc.animations.append(animation)
    doc.buffers[0].byteLength = len(blob.data)
    doc.set_binary_blob(bytes(blob.data))
    return doc


def gltf_bytes(parts: list[Flights | Appearances | Packed], fps: float, binary: bool) -> bytes:
    """The document as .glb bytes, or as .gltf JSON with the buffer embedded as a data URI."""
    doc = scene_gltf(parts, fps)
    if binary:
        return b"".join(doc.save_to_bytes())
    doc.convert_buffers(gl.BufferFormat.DATAURI)
    return doc.to_json().encode()
