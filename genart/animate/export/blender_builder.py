"""Build a genart motion as a Blender scene. Runs inside Blender (genart never imports it):

    blender -b --python build.py -- data.json out.blend     # build and save
    blender --python build.py -- data.json                   # build in the open Blender
    python_with_bpy build.py -- data.json out.blend          # Blender as a Python module

`data.json` is what `genart.animate.export.blend.blender_data` writes: layers of neutral
geometry (this file names no drawable kind and no motion of genart's), each with per-element
attributes and the inputs of its motion. `add_motion(data, collection)` adds them to a collection
of the open file; `build(data)` makes a new, empty file's scene of them with genart's camera. The result:

- one object per layer: *faces* (a mesh, its faces carrying `fill_color`, `fill_alpha`,
  `opacity` and `shape`, the draw order), *segments* (straight lines made curves with a
  thickness: a ribbon of the line's width and a round cap at each end, in Geometry Nodes),
  *dots* (discs), *cells* (textured quads, with a camera move keyed at every frame) and
  *tracks* (a clip's shapes: an object per track, a shape key per key, its colour keyed;
  see `genart.animate.export.video`);
- a Geometry Nodes modifier "genart motion" on each moving layer that sets every element at
  the current frame as genart draws it, computed from its attributes and the modifier's
  inputs, all editable after the build: `Start` and `Duration` (seconds), `Easing` (a menu
  of every easing genart has, built as math nodes from genart's own formulas, in one node
  group "genart easing"), and the motion's own: a flight's `Lag ratio`, `Order`, `Start
  scale` and `Fade` (take-off times are computed in the nodes from each shape's rank in each
  order, so re-timing and re-ordering need no re-build), a time-lapse's `States`. genart
  time is frame · `Seconds per frame`; progress u = clip((t − Start) / Duration, 0, 1);
- a flight (attributes `rank_<order>`, `spin`, `path0`..`path3`): the anchor on the Bézier at
  eased progress s, scale start_scale + (1 − start_scale)·s, turned spin·(1 − s), opacity
  clip(progress / fade); an appearance (attribute `state`): opacity 1 once the eased
  progress times `States` reaches the shape's first state; a graph element (`window`, the
  eased progress it shows in, and its keys at the two ends of its transition): at local
  progress f its keys blended linearly, as genart's growth draws it;
- an emission material (colour, alpha × opacity mixed with transparency), a canvas plane
  behind everything, an orthographic camera framing the canvas, Standard view transform,
  Cycles (box filter, 16 samples, many transparent bounces), the clip's fps and frames
  0..frames−1, so Blender's frame N is genart's frame N, at t = N / fps;
- colours as genart's sRGB values (`fill_color`, tile atlases as Non-Color data), blended
  as values the way cairo, SVG and browsers blend them, and a compositor node (Convert
  Colorspace sRGB → Linear Rec.709) before the Standard view transform, so the render shows
  genart's colours and blends exactly (blending linear light instead would wash translucent
  overlaps out).

The saved file needs nothing of genart's to render (no handlers, drivers or scripts).
"""

from __future__ import annotations

import base64
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bpy
import numpy as np

FORMAT, VERSION = "genart.blender", 4
MOTION = "genart motion"
EASING = "genart easing"
TRANSPARENT_BOUNCES = 1024  # Cycles' most: every shape over a pixel is one bounce (none cut at random)
DISC = 48  # vertices of a dot's disc and of a cap's half disc


def arguments(argv: list[str]) -> tuple[Path, Path | None]:
    """data.json and the optional .blend from the arguments after `--`."""
    args = argv[argv.index("--") + 1 :] if "--" in argv else []
    if not 1 <= len(args) <= 2:
        raise SystemExit("usage: blender -b --python build.py -- data.json [out.blend]")
    return Path(args[0]), Path(args[1]) if len(args) == 2 else None


def _attribute_node(nodes: Any, name: str) -> Any:
    node = nodes.new("ShaderNodeAttribute")
    node.attribute_type, node.attribute_name = "GEOMETRY", name
    return node


def _emitting(mat: Any, color: Any, alpha: Any) -> None:
    """Emission of `color`, seen through by 1 − `alpha` (sockets of `mat`'s nodes)."""
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    emission = nodes.new("ShaderNodeEmission")
    links.new(color, emission.inputs["Color"])
    mix = nodes.new("ShaderNodeMixShader")
    links.new(alpha, mix.inputs["Fac"])
    links.new(nodes.new("ShaderNodeBsdfTransparent").outputs[0], mix.inputs[1])
    links.new(emission.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes.new("ShaderNodeOutputMaterial").inputs["Surface"])


def material() -> Any:
    """Emission of the element's `fill_color`, seen through by 1 − fill_alpha · opacity."""
    mat = bpy.data.materials.new("genart shapes")
    mat.surface_render_method = "BLENDED"
    mat.use_transparency_overlap = True
    nodes = mat.node_tree.nodes
    nodes.clear()
    times = nodes.new("ShaderNodeMath")
    times.operation = "MULTIPLY"
    mat.node_tree.links.new(_attribute_node(nodes, "fill_alpha").outputs["Fac"], times.inputs[0])
    mat.node_tree.links.new(_attribute_node(nodes, "opacity").outputs["Fac"], times.inputs[1])
    _emitting(mat, _attribute_node(nodes, "fill_color").outputs["Color"], times.outputs[0])
    return mat


def new_object(name: str, data: Any, mat: Any, collection: Any) -> Any:
    data.materials.append(mat)
    obj = bpy.data.objects.new(name, data)
    collection.objects.link(obj)
    return obj


def mesh_object(name: str, positions: np.ndarray, face_sizes: np.ndarray, mat: Any, collection: Any) -> Any:
    """An object of faces with their own vertices (`face_sizes` consecutive positions each)."""
    mesh = bpy.data.meshes.new(name)
    mesh.vertices.add(len(positions))
    mesh.vertices.foreach_set("co", positions.astype(np.float32).ravel())
    mesh.loops.add(len(positions))
    mesh.loops.foreach_set("vertex_index", np.arange(len(positions), dtype=np.int32))
    mesh.polygons.add(len(face_sizes))
    starts = np.concatenate([[0], np.cumsum(face_sizes)[:-1]]).astype(np.int32)
    mesh.polygons.foreach_set("loop_start", starts)
    mesh.update(calc_edges=True)
    return new_object(name, mesh, mat, collection)


def points_object(name: str, count: int, per_element: int, mat: Any, collection: Any) -> Any:
    """An object of `count` elements of `per_element` vertices each (2: an edge joins them), all at 0."""
    mesh = bpy.data.meshes.new(name)
    mesh.vertices.add(count * per_element)
    if per_element == 2:
        mesh.edges.add(count)
        mesh.edges.foreach_set("vertices", np.arange(2 * count, dtype=np.int32))
    mesh.update()
    return new_object(name, mesh, mat, collection)


def element_attribute(mesh: Any, name: str, kind: str, values: np.ndarray, domain: str = "FACE") -> None:
    """An attribute of type `kind` (FLOAT, INT, FLOAT_VECTOR, FLOAT_COLOR) on `domain` (FACE, POINT)."""
    field = {"FLOAT": "value", "INT": "value", "FLOAT_VECTOR": "vector", "FLOAT_COLOR": "color"}[kind]
    dtype = np.int32 if kind == "INT" else np.float32
    mesh.attributes.new(name, kind, domain).data.foreach_set(field, np.ascontiguousarray(values, dtype).ravel())


class Nodes:
    """A small helper for wiring a geometry node group by hand."""

    def __init__(self, group: Any) -> None:
        self.group = group

    def node(self, kind: str, **settings: Any) -> Any:
        node = self.group.nodes.new(kind)
        for key, value in settings.items():
            setattr(node, key, value)
        return node

    def link(self, source: Any, target: Any) -> None:
        self.group.links.new(source, target)

    def feed(self, node: Any, *inputs: Any) -> Any:
        """Link or set `node`'s inputs in order (a socket is linked, a number set); returns its first output."""
        for socket, value in zip(node.inputs, inputs):
            if value is None:
                continue
            if isinstance(value, (int, float, tuple)):
                socket.default_value = value
            else:
                self.link(value, socket)
        return node.outputs[0]

    def math(self, operation: str, a: Any, b: Any = None, clamp: bool = False) -> Any:
        return self.feed(self.node("ShaderNodeMath", operation=operation, use_clamp=clamp), a, b)

    def vector(self, operation: str, a: Any, b: Any) -> Any:
        node = self.node("ShaderNodeVectorMath", operation=operation)
        self.link(a, node.inputs[0])
        self.link(b, node.inputs["Scale"] if operation == "SCALE" else node.inputs[1])
        return node.outputs[0]

    def attribute(self, name: str, data_type: str = "FLOAT") -> Any:
        node = self.node("GeometryNodeInputNamedAttribute", data_type=data_type)
        node.inputs["Name"].default_value = name
        return node.outputs["Attribute"]

    def lerp(self, a: Any, b: Any, f: Any) -> Any:
        """a + (b − a) · f, of numbers or (with vector sockets a, b) of vectors."""
        if a.type == "VECTOR":
            return self.vector("ADD", a, self.vector("SCALE", self.vector("SUBTRACT", b, a), f))
        return self.math("ADD", a, self.math("MULTIPLY", self.math("SUBTRACT", b, a), f))

    def store(self, geometry: Any, name: str, value: Any, domain: str) -> Any:
        store = self.node("GeometryNodeStoreNamedAttribute", data_type="FLOAT", domain=domain)
        self.link(geometry, store.inputs["Geometry"])
        store.inputs["Name"].default_value = name
        self.link(value, store.inputs["Value"])
        return store.outputs[0]

    def chain(self, kind: str, geometry: Any, **inputs: Any) -> Any:
        """A node taking `geometry` first and `inputs` by socket name (sockets linked, values set); its output."""
        node = self.node(kind)
        self.link(geometry, node.inputs[0])
        for name, value in inputs.items():
            if not isinstance(value, bpy.types.NodeSocket):
                node.inputs[name.replace("_", " ")].default_value = value
            else:
                self.link(value, node.inputs[name.replace("_", " ")])
        return node.outputs[0]


MATH = {"add": "ADD", "sub": "SUBTRACT", "mul": "MULTIPLY", "div": "DIVIDE", "pow": "POWER", "exp": "EXPONENT",
        "sin": "SINE", "cos": "COSINE", "min": "MINIMUM", "max": "MAXIMUM", "lt": "LESS_THAN", "gt": "GREATER_THAN"}


def expression(n: Nodes, tree: Any, t: Any) -> Any:
    """Math nodes computing an easing expression (`genart.animate.easing.expression`) of the socket `t`."""
    if tree == "t":
        return t
    if isinstance(tree, (int, float)):
        return float(tree)
    operation, *operands = tree
    values = [expression(n, operand, t) for operand in operands]
    if operation == "neg":
        return n.math("MULTIPLY", values[0], -1.0)
    if operation in ("le", "ge"):  # a ≤ b is not a > b
        return n.math("SUBTRACT", 1.0, n.math("GREATER_THAN" if operation == "le" else "LESS_THAN", *values))
    if operation == "where":  # condition (1 or 0) · a + (1 − condition) · b
        condition, a, b = values
        return n.math("ADD", b, n.math("MULTIPLY", condition, n.math("SUBTRACT", a, b)))
    return n.math(MATH[operation], *values)


def _socket(group: Any, name: str, kind: str, in_out: str = "INPUT", default: Any = None) -> Any:
    socket = group.interface.new_socket(name, in_out=in_out, socket_type=kind)
    if default is not None:
        socket.default_value = default
    return socket


def switch_group(name: str, items: dict[str, Any], build: Any, value: str | None = None) -> Any:
    """A node group choosing by its menu input among `items`: item name → what `build(n, item, value)`
    computes (a float), of the group's float input `value` if it has one."""
    group = bpy.data.node_groups.new(name, "GeometryNodeTree")
    _socket(group, "Menu", "NodeSocketMenu")
    if value is not None:
        _socket(group, value, "NodeSocketFloat")
    _socket(group, "Value", "NodeSocketFloat", "OUTPUT")
    n = Nodes(group)
    given = n.node("NodeGroupInput").outputs
    choose = n.node("GeometryNodeMenuSwitch", data_type="FLOAT")
    choose.enum_items.clear()
    for item_name in items:
        choose.enum_items.new(item_name)
    n.link(given["Menu"], choose.inputs["Menu"])
    for k, item in enumerate(items.values()):
        n.feed(choose, *([None] * (k + 1)), build(n, item, given[value] if value is not None else None))
    n.link(choose.outputs[0], n.node("NodeGroupOutput").inputs[0])
    return group


def easing_group(easings: dict[str, Any]) -> Any:
    """The node group of every easing: its menu input chooses one, applied to its input `Progress`."""
    return switch_group(EASING, easings, expression, "Progress")


class Motion:
    """A motion's node group being built: its inputs, genart's time and progress, and the output node."""

    def __init__(self, name: str, inputs: dict[str, Any], easings: Any) -> None:
        group = bpy.data.node_groups.new(f"{MOTION} ({name})", "GeometryNodeTree")
        _socket(group, "Geometry", "NodeSocketGeometry")
        _socket(group, "Seconds per frame", "NodeSocketFloat", default=1 / 30)
        for socket_name, value in inputs.items():
            if isinstance(value, str):
                _socket(group, socket_name, "NodeSocketMenu")
            else:
                _socket(group, socket_name, "NodeSocketFloat", default=float(value))
        _socket(group, "Geometry", "NodeSocketGeometry", "OUTPUT")
        self.group, self.n, self.easings = group, Nodes(group), easings
        self.given = self.n.node("NodeGroupInput").outputs
        self.out = self.n.node("NodeGroupOutput")
        frame = self.n.node("GeometryNodeInputSceneTime").outputs["Frame"]
        self.t = self.n.math("MULTIPLY", frame, self.given["Seconds per frame"])

    def ease(self, progress: Any) -> Any:
        """The chosen easing of `progress` (the node group of every easing)."""
        node = self.n.node("GeometryNodeGroup")
        node.node_tree = self.easings
        self.n.link(self.given["Easing"], node.inputs["Menu"])
        self.n.link(progress, node.inputs["Progress"])
        return node.outputs[0]

    def progress(self, start: Any, duration: Any) -> Any:
        """Linear progress in [0, 1] of a motion from `start` lasting `duration` (sockets or numbers) at genart's time."""
        n = self.n
        return n.math("DIVIDE", n.math("SUBTRACT", self.t, start), n.math("MAXIMUM", duration, 1e-9), clamp=True)

    def finish(self, geometry: Any, mat: Any = None) -> Any:
        """The group, its output `geometry` (given the material `mat`: made in the nodes, it has none)."""
        if mat is not None:
            geometry = self.n.chain("GeometryNodeSetMaterial", geometry, Material=mat)
        self.n.link(geometry, self.out.inputs[0])
        return self.group


def flight_group(easings: Any, layer: dict[str, Any], mat: Any) -> Any:
    """The geometry nodes that put every face where genart's fly-in puts its shape (`Flights.pose_at`)."""
    m = Motion("flight", layer["inputs"], easings)
    orders = [name[len("rank_"):] for name in layer if name.startswith("rank_")]
    n, given = m.n, m.given
    rank = n.node("GeometryNodeGroup")
    rank.node_tree = switch_group("genart order", {o: f"rank_{o}" for o in orders},
                                  lambda nn, name, _: nn.attribute(name))
    n.link(given["Order"], rank.inputs["Menu"])
    span = n.math("DIVIDE", 1.0, n.math("ADD", 1.0, n.math("MULTIPLY", n.math("SUBTRACT", given["Shapes"], 1.0),
                                                            given["Lag ratio"])))
    flight = n.math("MULTIPLY", span, given["Duration"])
    takeoff = n.math("ADD", given["Start"], n.math("MULTIPLY", n.math("MULTIPLY", rank.outputs[0], given["Lag ratio"]),
                                                   flight))
    lin = m.progress(takeoff, flight)
    landed = n.math("SUBTRACT", 1.0, n.math("LESS_THAN", lin, 1.0))
    easing_of_lin = m.ease(lin)
    s = n.math("ADD", easing_of_lin, n.math("MULTIPLY", landed, n.math("SUBTRACT", 1.0, easing_of_lin)))  # 1 landed
    rest = n.math("SUBTRACT", 1.0, s)
    weights = (n.math("POWER", rest, 3.0),
               n.math("MULTIPLY", n.math("MULTIPLY", s, n.math("POWER", rest, 2.0)), 3.0),
               n.math("MULTIPLY", n.math("MULTIPLY", n.math("POWER", s, 2.0), rest), 3.0),
               n.math("POWER", s, 3.0))
    anchor = None
    for k, weight in enumerate(weights):
        term = n.vector("SCALE", n.attribute(f"path{k}", "FLOAT_VECTOR"), weight)
        anchor = term if anchor is None else n.vector("ADD", anchor, term)
    scale = n.math("ADD", given["Start scale"], n.math("MULTIPLY", n.math("SUBTRACT", 1.0, given["Start scale"]), s))
    turn = n.math("MULTIPLY", n.math("RADIANS", n.attribute("spin")), rest)
    relative = n.vector("SUBTRACT", n.node("GeometryNodeInputPosition").outputs[0],
                        n.attribute("path3", "FLOAT_VECTOR"))
    rotate = n.node("ShaderNodeVectorRotate", rotation_type="Z_AXIS")
    n.link(relative, rotate.inputs["Vector"])
    n.link(turn, rotate.inputs["Angle"])
    position = n.vector("ADD", anchor, n.vector("SCALE", rotate.outputs[0], scale))
    opacity = n.math("DIVIDE", lin, n.math("MAXIMUM", given["Fade"], 1e-9), clamp=True)
    placed = n.chain("GeometryNodeSetPosition", given["Geometry"], Position=position)
    return m.finish(n.store(placed, "opacity", opacity, "FACE"))


def appear_group(easings: Any, layer: dict[str, Any], mat: Any) -> Any:
    """The geometry nodes that show every face once the eased progress reaches its `state`, as a time-lapse
    shows its shapes (state ⌊eased · States⌋ shows the shapes of the states up to it)."""
    m = Motion("appear", layer["inputs"], easings)
    n = m.n
    reached = n.math("MAXIMUM", n.math("MULTIPLY", m.ease(m.progress(m.given["Start"], m.given["Duration"])),
                                       m.given["States"]), 0.0)
    shown = n.math("SUBTRACT", 1.0, n.math("LESS_THAN", reached, n.attribute("state")))
    return m.finish(n.store(m.given["Geometry"], "opacity", shown, "FACE"))


def _transition(m: Motion) -> tuple[Any, Any]:
    """A graph element's geometry, its invisible elements deleted, and its local progress f at genart's time."""
    n = m.n
    x = n.math("MINIMUM", n.math("MAXIMUM", m.ease(m.progress(m.given["Start"], m.given["Duration"])), 0.0), 1.0)
    window = [n.attribute(f"window{k}") for k in range(4)]
    hidden = n.math("MAXIMUM", n.math("LESS_THAN", x, window[0]), n.math("SUBTRACT", 1.0, n.math("LESS_THAN", x,
                                                                                                   window[1])))
    kept = n.chain("GeometryNodeDeleteGeometry", m.given["Geometry"], Selection=hidden)
    f = n.math("DIVIDE", n.math("SUBTRACT", x, window[2]),
               n.math("MAXIMUM", n.math("SUBTRACT", window[3], window[2]), 1e-12), clamp=True)
    return kept, f


def _instances(n: Nodes, points: Any, instance: Any, scale: Any, rotation: Any = None) -> Any:
    node = n.node("GeometryNodeInstanceOnPoints")
    n.link(points, node.inputs["Points"])
    n.link(instance, node.inputs["Instance"])
    n.link(scale, node.inputs["Scale"])
    if rotation is not None:
        n.link(rotation, node.inputs["Rotation"])
    return n.chain("GeometryNodeRealizeInstances", node.outputs[0])


def _disc(n: Nodes, half: bool) -> Any:
    """A unit disc of DISC vertices as one n-gon; its x ≥ 0 half (the left half folded onto the y axis)."""
    disc = n.node("GeometryNodeMeshCircle", fill_type="NGON")
    disc.inputs["Vertices"].default_value = DISC
    if not half:
        return disc.outputs[0]
    split = n.node("ShaderNodeSeparateXYZ")
    n.link(n.node("GeometryNodeInputPosition").outputs[0], split.inputs[0])
    folded = n.node("ShaderNodeCombineXYZ")
    n.link(n.math("MAXIMUM", split.outputs[0], 0.0), folded.inputs[0])
    n.link(split.outputs[1], folded.inputs[1])
    return n.chain("GeometryNodeSetPosition", disc.outputs[0], Position=folded.outputs[0])


def segments_group(easings: Any, layer: dict[str, Any], mat: Any) -> Any:
    """The geometry nodes that draw every edge of the transition playing as genart's growth draws it: a line
    from start(f) to start(f) + grown(f) · (end(f) − start(f)), a ribbon of its width with round caps."""
    m = Motion("segments", layer["inputs"], easings)
    n = m.n
    kept, f = _transition(m)
    start = n.lerp(n.attribute("start0", "FLOAT_VECTOR"), n.attribute("start1", "FLOAT_VECTOR"), f)
    full = n.lerp(n.attribute("end0", "FLOAT_VECTOR"), n.attribute("end1", "FLOAT_VECTOR"), f)
    grown = n.math("SUBTRACT", 1.0, n.math("MULTIPLY", n.attribute("grows"), n.math("SUBTRACT", 1.0, f)))
    end = n.lerp(start, full, grown)
    tip = n.attribute("tip")
    placed = n.chain("GeometryNodeSetPosition", kept, Position=n.lerp(start, end, tip))
    width = n.lerp(n.attribute("width0"), n.attribute("width1"), f)
    placed = n.store(placed, "opacity", n.lerp(n.attribute("opacity0"), n.attribute("opacity1"), f), "POINT")
    facing = n.vector("SCALE", n.vector("NORMALIZE", n.vector("SUBTRACT", end, start), end),
                      n.math("SUBTRACT", n.math("MULTIPLY", tip, 2.0), 1.0))
    align = n.node("FunctionNodeAlignRotationToVector", axis="X")
    n.link(facing, align.inputs["Vector"])
    caps = _instances(n, placed, _disc(n, half=True), n.math("MULTIPLY", width, 0.5), align.outputs[0])
    curves = n.chain("GeometryNodeSetCurveNormal", n.chain("GeometryNodeMeshToCurve", placed), Mode="Z Up")
    profile = n.node("GeometryNodeCurvePrimitiveLine")
    profile.inputs["Start"].default_value, profile.inputs["End"].default_value = (-0.5, 0, 0), (0.5, 0, 0)
    ribbons = n.chain("GeometryNodeCurveToMesh", curves, Profile_Curve=profile.outputs[0], Scale=width)
    join = n.node("GeometryNodeJoinGeometry")
    n.link(caps, join.inputs[0])
    n.link(ribbons, join.inputs[0])
    return m.finish(join.outputs[0], mat)


def dots_group(easings: Any, layer: dict[str, Any], mat: Any) -> Any:
    """The geometry nodes that draw every node of the transition playing as a disc, as genart's growth does."""
    m = Motion("dots", layer["inputs"], easings)
    n = m.n
    kept, f = _transition(m)
    placed = n.chain("GeometryNodeSetPosition", kept,
                     Position=n.lerp(n.attribute("at0", "FLOAT_VECTOR"), n.attribute("at1", "FLOAT_VECTOR"), f))
    placed = n.store(placed, "opacity", n.lerp(n.attribute("opacity0"), n.attribute("opacity1"), f), "POINT")
    radius = n.lerp(n.attribute("radius0"), n.attribute("radius1"), f)
    return m.finish(_instances(n, placed, _disc(n, half=False), radius), mat)


Group = Callable[[Any, dict[str, Any], Any], Any]  # (the easing group, the layer, its material) → its motion group
GROUPS: dict[str, Group] = {"flight": flight_group, "appear": appear_group, "segments": segments_group, "dots": dots_group}


def set_inputs(modifier: Any, values: dict[str, Any]) -> None:
    """Set a motion modifier's inputs by name: numbers as they are, a menu's item by its name."""
    for item in modifier.node_group.interface.items_tree:
        if item.in_out != "INPUT" or item.name not in values:
            continue
        value = values[item.name]
        if isinstance(value, str):
            items = modifier.id_properties_ui(item.identifier).as_dict()["items"]
            value = next(number for name, *_, number in items if name == value)
        else:
            value = float(value)
        modifier[item.identifier] = value


def motion_modifier(obj: Any, group: Any, values: dict[str, Any]) -> Any:
    modifier = obj.modifiers.new(MOTION, "NODES")
    modifier.node_group = group
    set_inputs(modifier, values)
    return modifier


def _shape_values(layer: dict[str, Any], owner: np.ndarray, mesh: Any) -> None:
    """A faces layer's per-shape values as face attributes (lists of 1 or 3 numbers per shape; `path`: 4 × 3)."""
    n = len(layer["alpha"])
    for name, values in layer.items():
        if name in ("rank", "spin", "state") or name.startswith("rank_"):
            element_attribute(mesh, name, "FLOAT", np.array(values, np.float64)[owner])
    if "path" in layer:
        path = np.array(layer["path"]).reshape(n, 4, 3)
        for k in range(4):
            element_attribute(mesh, f"path{k}", "FLOAT_VECTOR", path[owner, k])


def faces_layer(layer: dict[str, Any], mat: Any, collection: Any) -> Any:
    """A layer of faces and their per-shape attributes."""
    owner = np.array(layer["face_shape"], np.int64)
    obj = mesh_object(layer["name"], np.array(layer["positions"]).reshape(-1, 3),
                      np.array(layer["face_sizes"], np.int64), mat, collection)
    n = len(layer["alpha"])
    color = np.column_stack([np.array(layer["color"]).reshape(n, 3), np.ones(n)])
    element_attribute(obj.data, "fill_color", "FLOAT_COLOR", color[owner])
    element_attribute(obj.data, "fill_alpha", "FLOAT", np.array(layer["alpha"])[owner])
    element_attribute(obj.data, "opacity", "FLOAT", np.ones(len(owner)))
    element_attribute(obj.data, "shape", "INT", owner)
    _shape_values(layer, owner, obj.data)
    return obj


def graph_layer(layer: dict[str, Any], mat: Any, collection: Any) -> Any:
    """A layer of segments (two vertices joined by an edge each) or dots (a vertex each), every value per element
    (pairs: at the two ends of the element's transition; `window`: shown from, until and its two knots)."""
    count = layer["count"]
    per = 2 if layer["geometry"] == "segments" else 1
    obj = points_object(layer["name"], count, per, mat, collection)
    mesh = obj.data
    depth = np.array(layer["depth"])

    def put(name: str, kind: str, values: np.ndarray) -> None:
        element_attribute(mesh, name, kind, np.repeat(values, per, axis=0), "POINT")

    for name in ("start0", "start1", "end0", "end1", "at0", "at1"):
        if name in layer:
            put(name, "FLOAT_VECTOR", np.column_stack([np.array(layer[name]).reshape(count, 2), depth]))
    for name in ("opacity", "width", "radius", "window"):
        if name in layer:
            values = np.array(layer[name]).reshape(count, -1)
            for k in range(values.shape[1]):
                put(f"{name}{k}", "FLOAT", values[:, k])
    if per == 2:
        put("grows", "FLOAT", np.array(layer["grows"]))
        element_attribute(mesh, "tip", "FLOAT", np.tile([0.0, 1.0], count), "POINT")
    put("fill_color", "FLOAT_COLOR", np.column_stack([np.array(layer["color"]).reshape(count, 3), np.ones(count)]))
    put("fill_alpha", "FLOAT", np.array(layer["alpha"]))
    put("opacity", "FLOAT", np.ones(count))
    return obj


def _image(entry: dict[str, Any]) -> Any:
    """An image from the data's base64 PNG, packed into the file, its values taken as they are (sRGB values)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiles.png"
        path.write_bytes(base64.b64decode(entry["png"]))
        image = bpy.data.images.load(str(path))
        image.pack()
    image.name = entry["name"]
    image.colorspace_settings.name = "Non-Color"
    return image


def _render_setting(nodes: Any, name: str) -> Any:
    """A value node driven by the scene's render setting `name` (a plain property driver: no Python runs)."""
    node = nodes.new("ShaderNodeValue")
    node.label = name
    driver = node.outputs[0].driver_add("default_value").driver
    driver.type = "SUM"
    variable = driver.variables.new()
    variable.type = "SINGLE_PROP"
    variable.targets[0].id_type, variable.targets[0].id = "SCENE", bpy.context.scene
    variable.targets[0].data_path = f"render.{name}"
    return node.outputs[0]


def _cell_pixels(mat: Any, keys: list[float]) -> Any:
    """A cell's pixels in the render × 100: its keyed pixels per pixel of render width × the render's width
    × the render's percentage."""
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    per_width = nodes.new("ShaderNodeValue")
    per_width.name = per_width.label = "cell pixels per render pixel"
    for frame, value in enumerate(keys):
        per_width.outputs[0].default_value = value
        per_width.outputs[0].keyframe_insert("default_value", frame=frame)
    width = nodes.new("ShaderNodeMath")
    width.operation = "MULTIPLY"
    links.new(_render_setting(nodes, "resolution_x"), width.inputs[0])
    links.new(_render_setting(nodes, "resolution_percentage"), width.inputs[1])
    pixels = nodes.new("ShaderNodeMath")
    pixels.operation = "MULTIPLY"
    links.new(per_width.outputs[0], pixels.inputs[0])
    links.new(width.outputs[0], pixels.inputs[1])
    return pixels.outputs[0]


def tiles_material(layer: dict[str, Any]) -> Any:
    """Emission of the tile atlas genart would draw a cell from at the render's size (the smallest at or above a
    cell's pixels, as genart asks its tiles), blended toward the cell's colour."""
    mat = bpy.data.materials.new("genart tiles")
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.clear()
    pixels = _cell_pixels(mat, layer["cell_pixels_keys"]) if layer["images"] else None
    color, below = None, 0
    for entry in layer["images"]:
        texture = nodes.new("ShaderNodeTexImage")
        texture.image, texture.interpolation, texture.extension = _image(entry), "Linear", "EXTEND"
        uv = nodes.new("ShaderNodeUVMap")
        uv.uv_map = entry["name"]
        links.new(uv.outputs[0], texture.inputs["Vector"])
        if color is not None:
            larger = nodes.new("ShaderNodeMath")  # 1 where a cell needs more than the atlases so far hold
            larger.operation, larger.inputs[1].default_value = "GREATER_THAN", below * 100.0  # × the percentage
            links.new(pixels, larger.inputs[0])
            mix = nodes.new("ShaderNodeMix")
            mix.data_type = "RGBA"
            links.new(larger.outputs[0], mix.inputs["Factor"])
            links.new(color, mix.inputs[6])
            links.new(texture.outputs["Color"], mix.inputs[7])
            texture = mix
        color, below = texture.outputs[2 if color is not None else "Color"], entry["px"]
    blend = nodes.new("ShaderNodeMix")
    blend.data_type = "RGBA"
    blend.inputs["Factor"].default_value = layer["blend"]
    if color is not None:
        links.new(color, blend.inputs[6])
    links.new(_attribute_node(nodes, "cell_color").outputs["Color"], blend.inputs[7])
    opaque = nodes.new("ShaderNodeValue")
    opaque.outputs[0].default_value = 1.0
    _emitting(mat, blend.outputs[2], opaque.outputs[0])
    return mat


def cells_layer(layer: dict[str, Any], collection: Any) -> Any:
    """A quad per cell, its tile's corners in each atlas as a UV map, its colour as `cell_color`."""
    positions = np.array(layer["positions"]).reshape(-1, 3)
    cells = len(positions) // 4
    obj = mesh_object(layer["name"], positions, np.full(cells, 4), tiles_material(layer), collection)
    for entry, uvs in zip(layer["images"], layer["uvs"]):
        obj.data.uv_layers.new(name=entry["name"]).data.foreach_set("uv", np.array(uvs, np.float32))
    element_attribute(obj.data, "cell_color", "FLOAT_COLOR",
                      np.column_stack([np.array(layer["color"]).reshape(cells, 3), np.ones(cells)]))
    return obj


def tracks_material() -> Any:
    """Emission of the object's colour, seen through by 1 − its alpha: a clip's tracks key them per object."""
    mat = bpy.data.materials.new("genart tracks")
    mat.surface_render_method = "BLENDED"
    mat.use_transparency_overlap = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.clear()
    info = nodes.new("ShaderNodeObjectInfo")
    emission = nodes.new("ShaderNodeEmission")
    links.new(info.outputs["Color"], emission.inputs["Color"])
    mix = nodes.new("ShaderNodeMixShader")
    links.new(info.outputs["Alpha"], mix.inputs["Fac"])
    links.new(nodes.new("ShaderNodeBsdfTransparent").outputs[0], mix.inputs[1])
    links.new(emission.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes.new("ShaderNodeOutputMaterial").inputs["Surface"])
    return mat


UNSEEN = 0.05  # frames over which a track's shape appears or vanishes (Blender merges keys under 0.01 frames apart)


def track_object(name: str, track: dict[str, Any], mat: Any, fps: float, collection: Any) -> None:
    """One shape of a clip: its faces at its first key, a shape key per key keyed so consecutive keys blend
    linearly, its colour keyed at the keys, its alpha 0 before its birth and from its death."""
    sizes = np.array(track["face_sizes"], np.int64)
    shapes = [np.array(p, np.float64).reshape(-1, 3) for p in track["positions"]]
    obj = mesh_object(name, shapes[0], sizes, mat, collection)
    frames = [t * fps for t in track["keys"]]
    obj.shape_key_add(name="Basis", from_mix=False)
    for j, positions in enumerate(shapes):
        block = obj.shape_key_add(name=f"key {j}", from_mix=False)
        block.data.foreach_set("co", positions.astype(np.float32).ravel())
        for k in (j - 1, j, j + 1):
            if 0 <= k < len(frames):
                block.value = 1.0 if k == j else 0.0
                block.keyframe_insert("value", frame=frames[k])
    colors = [list(c) for c in track["color"]]
    keyed = [(frames[0] - UNSEEN, [*colors[0][:3], 0.0]), *zip(frames, colors)]
    if track["dies"] is not None:
        dies = track["dies"] * fps
        keyed += [(dies - UNSEEN, colors[-1]), (dies, [*colors[-1][:3], 0.0])]
    for frame, color in keyed:
        obj.color = color
        obj.keyframe_insert("color", frame=frame)


def tracks_layer(layer: dict[str, Any], fps: float, collection: Any) -> None:
    """A clip's tracks (`genart.animate.export.video`): one keyed object per shape, linear between keys (new
    keys are made linear while they are inserted; the user's preference is put back after)."""
    edit = bpy.context.preferences.edit
    users = edit.keyframe_new_interpolation_type
    edit.keyframe_new_interpolation_type = "LINEAR"
    try:
        mat = tracks_material()
        for i, track in enumerate(layer["tracks"]):
            track_object(f"track {i}", track, mat, fps, collection)
    finally:
        edit.keyframe_new_interpolation_type = users


def add_layer(layer: dict[str, Any], mat: Any, groups: dict[str, Any], data: dict[str, Any], collection: Any) -> None:
    """One layer's object and, if it moves, its motion modifier (one node group per motion, shared)."""
    geometry, motion = layer["geometry"], layer["motion"]
    if geometry == "cells":
        cells_layer(layer, collection)
        return
    if geometry == "tracks":
        tracks_layer(layer, data["fps"], collection)
        return
    obj = faces_layer(layer, mat, collection) if geometry == "faces" else graph_layer(layer, mat, collection)
    if motion == "still":
        return
    key = geometry if motion == "graph" else motion
    if key not in groups:
        if EASING not in groups:
            groups[EASING] = easing_group(data["easings"])
        groups[key] = GROUPS[key](groups[EASING], layer, mat)
    motion_modifier(obj, groups[key], {**layer["inputs"], "Seconds per frame": data["seconds_per_frame"]})


def canvas_plane(canvas: dict[str, Any], mat: Any, collection: Any) -> None:
    """The canvas background: one quad at depth 0, drawn with the shapes' material."""
    w, h = canvas["width"], canvas["height"]
    obj = mesh_object("canvas", np.array([[0, 0, 0], [w, 0, 0], [w, h, 0], [0, h, 0]], np.float64),
                      np.array([4]), mat, collection)
    element_attribute(obj.data, "fill_color", "FLOAT_COLOR", np.array([[*canvas["color"], 1.0]]))
    element_attribute(obj.data, "fill_alpha", "FLOAT", np.array([canvas["alpha"]]))
    element_attribute(obj.data, "opacity", "FLOAT", np.ones(1))


def camera(data: dict[str, Any], collection: Any) -> None:
    """An orthographic camera looking down at the canvas, framing it exactly, or keyed (centre x, y and the
    view's longer side at every frame) where the data moves it."""
    canvas, top = data["canvas"], data["top"]
    w, h = canvas["width"], canvas["height"]
    cam = bpy.data.cameras.new("camera")
    cam.type, cam.ortho_scale = "ORTHO", max(w, h)
    cam.clip_start, cam.clip_end = 0.01, top + 2.0
    obj = bpy.data.objects.new("camera", cam)
    obj.location = (w / 2, h / 2, top + 1.0)
    collection.objects.link(obj)
    bpy.context.scene.camera = obj
    keys = np.array(data.get("camera_keys", [])).reshape(-1, 3)
    for frame, (x, y, side) in enumerate(keys.tolist()):
        obj.location = (x, y, top + 1.0)
        cam.ortho_scale = side
        obj.keyframe_insert("location", frame=frame)
        cam.keyframe_insert("ortho_scale", frame=frame)


def compositing() -> None:
    """Render → sRGB-to-linear conversion → output: the view transform's sRGB curve then gives the values back."""
    group = bpy.data.node_groups.new("genart sRGB values", "CompositorNodeTree")
    group.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
    layers = group.nodes.new("CompositorNodeRLayers")
    convert = group.nodes.new("CompositorNodeConvertColorSpace")
    convert.from_color_space, convert.to_color_space = "sRGB", "Linear Rec.709"
    group.links.new(layers.outputs["Image"], convert.inputs[0])
    group.links.new(convert.outputs[0], group.nodes.new("NodeGroupOutput").inputs[0])
    bpy.context.scene.compositing_node_group = group
    bpy.context.scene.render.use_compositing = True


def settings(data: dict[str, Any]) -> None:
    """Render size, frame range and rate, colour management and Cycles settings."""
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = data["resolution"]
    scene.render.resolution_percentage = 100
    rate = max(1, round(data["fps"]))
    scene.render.fps, scene.render.fps_base = rate, rate / data["fps"]
    scene.frame_start, scene.frame_end = 0, data["frames"] - 1
    scene.frame_current = data["frames"] - 1
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    scene.render.film_transparent = data["canvas"]["alpha"] < 1.0
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = 16
    scene.cycles.pixel_filter_type = "BOX"
    scene.cycles.filter_width = 1.0
    scene.cycles.transparent_max_bounces = scene.cycles.min_transparent_bounces = TRANSPARENT_BOUNCES
    scene.cycles.use_denoising = False


def add_motion(data: dict[str, Any], collection: Any) -> None:
    """The data's layers (and the canvas behind them) into `collection`, in the open file."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise SystemExit(f"not genart Blender data of version {VERSION}")
    mat = material()
    canvas_plane(data["canvas"], mat, collection)
    groups: dict[str, Any] = {}
    for layer in data["layers"]:
        add_layer(layer, mat, groups, data, collection)


def build(data: dict[str, Any], open_file: bool = False, setup: bool = True) -> None:
    """The whole scene from the builder data, in an empty Blender (or, `open_file`, in the open one: the
    extension's import): the layers, and with `setup` genart's camera, render settings and compositing too
    (else the file's stay)."""
    if not open_file:
        bpy.ops.wm.read_factory_settings(use_empty=True)
    collection = bpy.context.scene.collection
    add_motion(data, collection)
    if setup:
        camera(data, collection)
        settings(data)
        compositing()


def main() -> None:
    source, out = arguments(sys.argv)
    build(json.loads(source.read_text()))
    if out is not None:
        bpy.context.preferences.filepaths.save_version = 0  # no .blend1 backup beside the output
        bpy.ops.wm.save_as_mainfile(filepath=str(out.absolute()), compress=True)


if __name__ == "__main__":
    main()
