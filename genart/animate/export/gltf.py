"""glTF 2.0 (`.gltf`, `.glb`) of a fly-in or a greedy time-lapse: a node and a mesh per shape,
the motion as animation channels (written with pygltflib).

Canvas x is glTF x, canvas y is −y (glTF is y-up) and draw order is z: every shape lies
`DEPTH` in front of the one before, so a camera looking down −z sees the painter's
order. A node sits at its shape's anchor and its mesh is the shape at rest around it, as
the drawable meshes itself (`Drawable.mesh`); the node's own TRS is the final pose, so a
viewer without animation shows the poster. Translation, rotation about z and scale are keyed
LINEAR (`genart.animate.export.keys`, "linear": every point within `keys.TOLERANCE` of the
canvas's longer side of genart's at every time; slerp about one axis turns linearly in
angle, as the keys assume). LINEAR, not CUBICSPLINE: Blender's glTF importer drops
CUBICSPLINE tangents, and would put shapes elsewhere between keys. The fade-in animates
the material's alpha with `KHR_animation_pointer` (LINEAR, exact: the fade is linear in
time); a viewer without that extension shows shapes unfaded. A time-lapse shape is
scaled to 0 until it shows (STEP). Key times are seconds, genart's one clock. Colours are
unlit (`KHR_materials_unlit`), glTF's linear values of genart's sRGB colours, with alpha
blending (which viewers do in linear light: translucent overlaps come out lighter than
genart's, which blends sRGB values as SVG and cairo do). One node per shape: viewers
handle a few thousand (Blender's glTF importer takes 13 s for 2,000 nodes); use the
Blender export for larger scenes. The video motion's writer (`genart.animate.export.video`) builds
its document from `animated_document`, `morphed_element` (a node whose mesh morphs between keys)
and `finished_bytes`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygltflib as gl

from genart.animate.export.keys import FlightKeys, Form, GraphKnots, tolerances
from genart.animate.export.tracks import Appearances, Flights, Growing
from genart.render.drawables import Packed, drawable
from genart.render.drawables.base import CX, CY

DEPTH = 1e-3  # canvas units between consecutive shapes along z
POINTER = "KHR_animation_pointer"


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


def linear_light(srgb: np.ndarray) -> np.ndarray:
    """sRGB values in [0, 1] as linear light (glTF's colour factors are linear)."""
    c = np.clip(np.asarray(srgb, np.float64), 0.0, 1.0)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _mesh(doc: gl.GLTF2, blob: _Blob, packed: Packed, i: int, fades: bool) -> int:
    """Shape i's mesh and its material (blended if it is translucent or `fades`); the mesh's index."""
    vertices, triangles = drawable(int(packed.kinds[i])).mesh(packed.points[i], int(packed.counts[i]), packed.params[i])
    anchor = packed.params[i, [CX, CY]]
    local = np.zeros((len(vertices), 3), np.float32)
    local[:, 0], local[:, 1] = vertices[:, 0] - anchor[0], -(vertices[:, 1] - anchor[1])
    position = blob.add(local, gl.VEC3, gl.FLOAT, gl.ARRAY_BUFFER, bounds=True)
    indices = blob.add(triangles.reshape(-1).astype(np.uint32), gl.SCALAR, gl.UNSIGNED_INT, gl.ELEMENT_ARRAY_BUFFER)
    alpha = float(packed.colors[i, 3])
    color = [*(float(c) for c in linear_light(packed.colors[i, :3])), alpha]
    doc.materials.append(gl.Material(
        name=f"shape {len(doc.materials)}",  # Blender's importer needs an animated material's name
        pbrMetallicRoughness=gl.PbrMetallicRoughness(baseColorFactor=color, metallicFactor=0.0),
        alphaMode=gl.BLEND if alpha < 1.0 or fades else gl.OPAQUE, doubleSided=True,
        extensions={"KHR_materials_unlit": {}}))
    doc.meshes.append(gl.Mesh(primitives=[gl.Primitive(attributes=gl.Attributes(POSITION=position), indices=indices,
                                                       material=len(doc.materials) - 1)]))
    return len(doc.meshes) - 1


def _sampler(blob: _Blob, animation: gl.Animation, times: np.ndarray | int, values: np.ndarray, kind: str,
             interpolation: str) -> tuple[int, int]:
    """A sampler of `values` at `times` (or at an input accessor already written); its index and its input's."""
    keyed = times if isinstance(times, int) else blob.add(np.asarray(times, np.float32), gl.SCALAR, gl.FLOAT,
                                                         bounds=True)
    output = blob.add(np.asarray(values, np.float32), kind, gl.FLOAT)
    animation.samplers.append(gl.AnimationSampler(input=keyed, output=output, interpolation=interpolation))
    return len(animation.samplers) - 1, keyed


def _channel(animation: gl.Animation, sampler: int, node: int | None, path: str, pointer: str | None = None) -> None:
    target = gl.AnimationChannelTarget(node=node, path=path)
    if pointer is not None:
        target.extensions = {POINTER: {"pointer": pointer}}
    animation.channels.append(gl.AnimationChannel(sampler=sampler, target=target))


def _fly(blob: _Blob, animation: gl.Animation, flights: Flights, keys: FlightKeys, i: int, node: int, material: int,
         z: float) -> None:
    """Shape i's flight: translation on its anchor's keys, rotation and scale on the eased keys, the fade."""
    path = keys.anchors[i]
    moved = np.column_stack([path.values[:, 0], -path.values[:, 1], np.full(len(path.u), z)])
    sampler, _ = _sampler(blob, animation, keys.times(flights, i, path), moved, gl.VEC3, gl.ANIM_LINEAR)
    _channel(animation, sampler, node, "translation")
    s = keys.eased.values[:, 0]
    scale = flights.start_scale + (1.0 - flights.start_scale) * s
    turn = float(flights.spin[i]) * (1.0 - s)
    sampler, times = _sampler(blob, animation, keys.times(flights, i, keys.eased), _z_quaternions(turn), gl.VEC4,
                              gl.ANIM_LINEAR)
    _channel(animation, sampler, node, "rotation")
    sampler, _ = _sampler(blob, animation, times, np.column_stack([scale, scale, np.ones(len(s))]), gl.VEC3,
                          gl.ANIM_LINEAR)
    _channel(animation, sampler, node, "scale")
    takeoff, landing = float(flights.takeoff[i]), float(flights.landing[i])
    full = max(takeoff + flights.fade * (landing - takeoff), takeoff + 1e-6)  # no fade: at once after take-off
    color = linear_light(flights.rest.colors[i, :3])
    alpha = float(flights.rest.colors[i, 3])
    sampler, _ = _sampler(blob, animation, np.array([takeoff, full]), np.array([[*color, 0.0], [*color, alpha]]),
                          gl.VEC4, gl.ANIM_LINEAR)
    _channel(animation, sampler, None, "pointer", f"/materials/{material}/pbrMetallicRoughness/baseColorFactor")


def scene_gltf(parts: list[Flights | Appearances | Packed], keys: list[FlightKeys | None]) -> gl.GLTF2:
    """The glTF document (one scene, one animation) of the exported parts, back to front; `keys` are the
    flights' keyframes ("linear"), one per part (None for the others)."""
    doc = gl.GLTF2(asset=gl.Asset(generator="genart", version="2.0"), scene=0, scenes=[gl.Scene(nodes=[])],
                   extensionsUsed=["KHR_materials_unlit"], buffers=[gl.Buffer(byteLength=0)])
    blob = _Blob(doc)
    animation = gl.Animation(name="motion", samplers=[], channels=[])
    depth = 0
    for part, keyed in zip(parts, keys):
        packed = part.rest if isinstance(part, Flights) else part.shapes if isinstance(part, Appearances) else part
        for i in range(len(packed)):
            z = depth * DEPTH
            depth += 1
            anchor = packed.params[i, [CX, CY]]
            node = gl.Node(mesh=_mesh(doc, blob, packed, i, isinstance(part, Flights)),
                           translation=[float(anchor[0]), float(-anchor[1]), z])
            doc.nodes.append(node)
            index = len(doc.nodes) - 1
            doc.scenes[0].nodes.append(index)
            if isinstance(part, Flights):
                assert keyed is not None
                _fly(blob, animation, part, keyed, i, index, len(doc.materials) - 1, z)
            elif isinstance(part, Appearances) and part.visible_from[i] > 0:
                shown = float(min(part.visible_from[i], 1e9))
                sampler, _ = _sampler(blob, animation, np.array([0.0, shown]), np.array([[0.0] * 3, [1.0] * 3]),
                                      gl.VEC3, gl.ANIM_STEP)
                _channel(animation, sampler, index, "scale")
    if animation.channels:
        doc.animations.append(animation)
    if any(c.target.path == "pointer" for c in animation.channels):
        doc.extensionsUsed.append(POINTER)
    doc.buffers[0].byteLength = len(blob.data)
    doc.set_binary_blob(bytes(blob.data))
    return doc


def gltf_bytes(parts: list[Flights | Appearances | Packed], keys: list[FlightKeys | None], binary: bool) -> bytes:
    """The document as .glb bytes, or as .gltf JSON with the buffer embedded as a data URI."""
    return _encoded(scene_gltf(parts, keys), binary)


def _encoded(doc: gl.GLTF2, binary: bool) -> bytes:
    if binary:
        return b"".join(doc.save_to_bytes())
    doc.convert_buffers(gl.BufferFormat.DATAURI)
    return doc.to_json().encode()


EdgeForm = Callable[[Growing, float], Form]
RING = 32  # sides of a graph node's disc


def final_angles(grown: Growing) -> np.ndarray:
    """The angle (radians, clockwise on the canvas) from each edge's lower node to its higher one at the end."""
    last = np.ones(len(grown.edge_nodes))
    way = (grown.values(grown.nodes, grown.edge_nodes[:, 1], last)[:, 0:2]
           - grown.values(grown.nodes, grown.edge_nodes[:, 0], last)[:, 0:2])
    return np.arctan2(way[:, 1], way[:, 0])


def ribbons(grown: Growing, edges: np.ndarray, u: np.ndarray, values: np.ndarray, final: np.ndarray) -> np.ndarray:
    """Edges (P,) at progresses `u` (P,) with `values` (P, EDGE_VALUES) as ribbons (P, 9): the lower end x0, y0,
    the angle (radians, clockwise on the canvas, within π of the edge's `final_angles`), the length, then width
    and colour. The angle is the one between the edge's nodes, also while the edge has no length yet."""
    ends = grown.edge_nodes[edges]
    way = grown.values(grown.nodes, ends[:, 1], u)[:, 0:2] - grown.values(grown.nodes, ends[:, 0], u)[:, 0:2]
    reference = final[edges]
    angle = reference + (np.arctan2(way[:, 1], way[:, 0]) - reference + np.pi) % (2 * np.pi) - np.pi
    length = np.hypot(values[:, 2] - values[:, 0], values[:, 3] - values[:, 1])
    return np.column_stack([values[:, 0:2], angle, length, values[:, 4:9]])


def ribbon_form(grown: Growing, canvas_side: float) -> Form:
    """Edges keyed as ribbons (`ribbons`), each value within its tolerance (the angle's moves an edge's far end
    by at most the positions' tolerance: scaled by the longest the edge gets)."""
    scale = tolerances(("x0", "y0", "angle", "length", "width", "red", "green", "blue", "alpha"), canvas_side)
    pieces = grown.edges
    ends = np.concatenate([pieces.a[..., 0:4], (pieces.a + pieces.b + pieces.c)[..., 0:4]])
    nodes = np.concatenate([grown.nodes.a, grown.nodes.a + grown.nodes.b])[:, grown.edge_nodes, 0:2]
    longest = np.maximum(np.hypot(*(nodes[:, :, 1] - nodes[:, :, 0]).transpose(2, 0, 1)).max(axis=0),
                         np.hypot(ends[..., 2] - ends[..., 0], ends[..., 3] - ends[..., 1]).max(axis=0))
    weight = np.maximum(longest, 1e-9)
    final = final_angles(grown)

    def form(edges: np.ndarray, u: np.ndarray, values: np.ndarray) -> np.ndarray:
        keyed = ribbons(grown, edges, u, values, final) / scale
        keyed[:, 2] *= weight[edges]
        return keyed
    return form


def _unit_mesh(doc: gl.GLTF2, blob: _Blob, vertices: np.ndarray, triangles: np.ndarray) -> int:
    """A mesh of the `vertices` (V, 2; glTF x, y) and `triangles` (F, 3), its own blended material; its index."""
    local = np.zeros((len(vertices), 3), np.float32)
    local[:, 0:2] = vertices
    position = blob.add(local, gl.VEC3, gl.FLOAT, gl.ARRAY_BUFFER, bounds=True)
    indices = blob.add(triangles.reshape(-1).astype(np.uint32), gl.SCALAR, gl.UNSIGNED_INT, gl.ELEMENT_ARRAY_BUFFER)
    doc.materials.append(gl.Material(
        name=f"element {len(doc.materials)}", pbrMetallicRoughness=gl.PbrMetallicRoughness(metallicFactor=0.0),
        alphaMode=gl.BLEND, doubleSided=True, extensions={"KHR_materials_unlit": {}}))
    doc.meshes.append(gl.Mesh(primitives=[gl.Primitive(attributes=gl.Attributes(POSITION=position), indices=indices,
                                                       material=len(doc.materials) - 1)]))
    return len(doc.meshes) - 1


DISC = (np.column_stack([np.cos(np.linspace(0, 2 * np.pi, RING, endpoint=False)),
                         np.sin(np.linspace(0, 2 * np.pi, RING, endpoint=False))]),
        np.column_stack([np.zeros(RING - 2), np.arange(1, RING - 1), np.arange(2, RING)]))
STRIP = (np.array([[0.0, -0.5], [1.0, -0.5], [1.0, 0.5], [0.0, 0.5]]), np.array([[0, 1, 2], [0, 2, 3]]))


def _keyed_element(doc: gl.GLTF2, blob: _Blob, animation: gl.Animation, times: np.ndarray, trs: np.ndarray,
                   rgba: np.ndarray, unit: tuple[np.ndarray, np.ndarray]) -> None:
    """A node of the `unit` mesh whose TRS (K, 10: translation, rotation xyzw, scale) and colour (K, 4, sRGB) are
    keyed at `times`; its own TRS is the last (the poster)."""
    mesh = _unit_mesh(doc, blob, *unit)
    material = len(doc.materials) - 1
    doc.nodes.append(gl.Node(mesh=mesh, translation=trs[-1, 0:3].tolist(), rotation=trs[-1, 3:7].tolist(),
                             scale=trs[-1, 7:10].tolist()))
    node = len(doc.nodes) - 1
    doc.scenes[0].nodes.append(node)
    keyed: np.ndarray | int = times
    for path, columns, kind in (("translation", slice(0, 3), gl.VEC3), ("rotation", slice(3, 7), gl.VEC4),
                                ("scale", slice(7, 10), gl.VEC3)):
        sampler, keyed = _sampler(blob, animation, keyed, trs[:, columns], kind, gl.ANIM_LINEAR)
        _channel(animation, sampler, node, path)
    color = np.column_stack([linear_light(rgba[:, 0:3]), rgba[:, 3]])
    sampler, _ = _sampler(blob, animation, keyed, color, gl.VEC4, gl.ANIM_LINEAR)
    _channel(animation, sampler, None, "pointer", f"/materials/{material}/pbrMetallicRoughness/baseColorFactor")


def growth_gltf(grown: Growing, knots: GraphKnots) -> gl.GLTF2:
    """The glTF document of a growth: a ribbon (two triangles) per edge, then a disc per node, each a node whose
    translation, rotation, scale and material colour are keyed LINEAR at its `knots` (edges as `ribbons`)."""
    doc = gl.GLTF2(asset=gl.Asset(generator="genart", version="2.0"), scene=0, scenes=[gl.Scene(nodes=[])],
                   extensionsUsed=["KHR_materials_unlit", POINTER], buffers=[gl.Buffer(byteLength=0)])
    blob = _Blob(doc)
    animation = gl.Animation(name="motion", samplers=[], channels=[])
    depth = 0
    final = final_angles(grown)
    for e, u in enumerate(knots.edges):
        edges = np.full(len(u), e)
        ribbon = ribbons(grown, edges, u, grown.values(grown.edges, e, u), final)
        trs = np.column_stack([ribbon[:, 0], -ribbon[:, 1], np.full(len(u), depth * DEPTH),
                               _z_quaternions(np.degrees(ribbon[:, 2])), ribbon[:, 3], ribbon[:, 4], np.ones(len(u))])
        _keyed_element(doc, blob, animation, grown.seconds(u), trs, ribbon[:, 5:9], STRIP)
        depth += 1
    for n, u in enumerate(knots.nodes):
        disc = grown.values(grown.nodes, n, u)
        trs = np.column_stack([disc[:, 0], -disc[:, 1], np.full(len(u), depth * DEPTH), _z_quaternions(np.zeros(len(u))),
                               disc[:, 2], disc[:, 2], np.ones(len(u))])
        _keyed_element(doc, blob, animation, grown.seconds(u), trs, disc[:, 3:7], DISC)
        depth += 1
    doc.animations.append(animation)
    doc.buffers[0].byteLength = len(blob.data)
    doc.set_binary_blob(bytes(blob.data))
    return doc


def growth_gltf_bytes(grown: Growing, knots: GraphKnots, binary: bool) -> bytes:
    """The growth as .glb bytes, or as .gltf JSON with the buffer embedded."""
    return _encoded(growth_gltf(grown, knots), binary)


def animated_document() -> tuple[gl.GLTF2, _Blob, gl.Animation]:
    """An empty document (one scene, unlit materials, `KHR_animation_pointer`), its buffer and its one animation,
    for the writers that add keyed elements to them (`morphed_element`); `finished_bytes` ends it."""
    doc = gl.GLTF2(asset=gl.Asset(generator="genart", version="2.0"), scene=0, scenes=[gl.Scene(nodes=[])],
                   extensionsUsed=["KHR_materials_unlit", POINTER], buffers=[gl.Buffer(byteLength=0)])
    return doc, _Blob(doc), gl.Animation(name="motion", samplers=[], channels=[])


def finished_bytes(doc: gl.GLTF2, blob: _Blob, animation: gl.Animation, binary: bool) -> bytes:
    """The document of `animated_document` with its animation (if keyed) and buffer, as .glb or .gltf bytes."""
    if animation.channels:
        doc.animations.append(animation)
    doc.buffers[0].byteLength = len(blob.data)
    doc.set_binary_blob(bytes(blob.data))
    return _encoded(doc, binary)


def morphed_element(doc: gl.GLTF2, blob: _Blob, animation: gl.Animation, times: np.ndarray, shapes: np.ndarray,
                    triangles: np.ndarray, rgba: np.ndarray, z: float, shown: list[tuple[float, float]]) -> None:
    """A node at depth `z` whose mesh (the `triangles` of the first of `shapes`, K × V × 2 glTF x, y) has a morph
    target per later key, its weights keyed LINEAR at `times` (one target at full weight at each key, so
    consecutive keys blend linearly); its colour (K, 4, sRGB) keyed LINEAR by `KHR_animation_pointer` where it
    changes; its scale keyed STEP to `shown`'s (seconds, 0 or 1) where there is more than one."""
    positions = np.zeros((*shapes.shape[:2], 3), np.float32)
    positions[..., 0:2] = shapes
    base = blob.add(positions[0], gl.VEC3, gl.FLOAT, gl.ARRAY_BUFFER, bounds=True)
    targets = [{"POSITION": blob.add(key - positions[0], gl.VEC3, gl.FLOAT, gl.ARRAY_BUFFER, bounds=True)}
               for key in positions[1:]]
    indices = blob.add(triangles.reshape(-1).astype(np.uint32), gl.SCALAR, gl.UNSIGNED_INT, gl.ELEMENT_ARRAY_BUFFER)
    color = np.column_stack([linear_light(rgba[:, 0:3]), rgba[:, 3]])
    recoloured = bool(np.any(color != color[0]))
    doc.materials.append(gl.Material(
        name=f"element {len(doc.materials)}",  # Blender's importer needs an animated material's name
        pbrMetallicRoughness=gl.PbrMetallicRoughness(baseColorFactor=color[0].tolist(), metallicFactor=0.0),
        # blended also when only its colour is keyed: Blender 5.0's importer fails on a keyed opaque colour
        alphaMode=gl.BLEND if recoloured or rgba[:, 3].min() < 1.0 else gl.OPAQUE, doubleSided=True,
        extensions={"KHR_materials_unlit": {}}))
    material = len(doc.materials) - 1
    doc.meshes.append(gl.Mesh(primitives=[gl.Primitive(attributes=gl.Attributes(POSITION=base), indices=indices,
                                                       material=material, targets=targets)],
                              weights=[0.0] * len(targets) if targets else None))
    doc.nodes.append(gl.Node(mesh=len(doc.meshes) - 1, translation=[0.0, 0.0, z]))
    node = len(doc.nodes) - 1
    doc.scenes[0].nodes.append(node)
    keyed: np.ndarray | int = times
    if targets:
        weights = np.vstack([np.zeros(len(targets)), np.eye(len(targets))])
        sampler, keyed = _sampler(blob, animation, keyed, weights.reshape(-1), gl.SCALAR, gl.ANIM_LINEAR)
        _channel(animation, sampler, node, "weights")
    if recoloured:
        sampler, _ = _sampler(blob, animation, keyed, color, gl.VEC4, gl.ANIM_LINEAR)
        _channel(animation, sampler, None, "pointer", f"/materials/{material}/pbrMetallicRoughness/baseColorFactor")
    if len(shown) > 1:
        sampler, _ = _sampler(blob, animation, np.array([t for t, _ in shown]),
                              np.array([[v] * 3 for _, v in shown]), gl.VEC3, gl.ANIM_STEP)
        _channel(animation, sampler, node, "scale")
