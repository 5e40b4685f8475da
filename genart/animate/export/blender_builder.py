"""Build a genart fly-in or time-lapse as a Blender scene. Runs inside Blender (genart never imports it):

    blender -b --python build.py -- data.json out.blend     # build and save
    blender --python build.py -- data.json                   # build in the open Blender
    python_with_bpy build.py -- data.json out.blend          # Blender as a Python module

`data.json` is what `genart.animate.export.blend.blender_data` writes: one mesh per part
(vertices, face sizes) with per-shape colour, alpha and motion. The result:

- one object per part, its faces carrying the attributes `fill_color`, `fill_alpha`, `opacity`
  and `shape` (draw order), and a Geometry Nodes modifier "genart motion" that sets every
  face at the current frame as genart draws its shape. A flying part's faces also carry
  `takeoff`, `landing` (seconds), `spin` (degrees) and `path0`..`path3` (the Bézier its
  anchor follows): the nodes put the anchor on the Bézier at eased progress s (the data's
  easing expression, built as math nodes: every easing genart has, as genart computes it),
  scale start_scale + (1 − start_scale)·s, turned spin·(1 − s), opacity clip(progress / fade).
  A time-lapse part's faces carry `shown_from` (seconds): opacity 1 from then on, 0 before.
  The modifier's inputs re-time the motion: genart time = (frame · seconds per frame − time
  offset) · speed; start scale and fade are inputs too;
- an emission material (colour, alpha × opacity mixed with transparency), a canvas plane
  behind everything, an orthographic camera framing the canvas, Standard view transform,
  Cycles (box filter, 16 samples, many transparent bounces), the clip's fps and frames
  0..frames−1, so Blender's frame N is genart's frame N, at t = N / fps;
- colours as genart's sRGB values (`fill_color`), blended as values the way cairo, SVG and
  browsers blend them, and a compositor node (Convert Colorspace sRGB → Linear Rec.709)
  before the Standard view transform, so the render shows genart's colours and blends
  exactly (blending linear light instead would wash translucent overlaps out).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import bpy
import numpy as np

FORMAT, VERSION = "genart.blender", 2
MOTION = "genart motion"
TRANSPARENT_BOUNCES = 1024  # Cycles' most: every shape over a pixel is one bounce (none cut at random)


def arguments(argv: list[str]) -> tuple[Path, Path | None]:
    """data.json and the optional .blend from the arguments after `--`."""
    args = argv[argv.index("--") + 1 :] if "--" in argv else []
    if not 1 <= len(args) <= 2:
        raise SystemExit("usage: blender -b --python build.py -- data.json [out.blend]")
    return Path(args[0]), Path(args[1]) if len(args) == 2 else None


def material() -> Any:
    """Emission of the face's `color`, seen through by 1 − alpha · opacity."""
    mat = bpy.data.materials.new("genart shapes")
    mat.surface_render_method = "BLENDED"
    mat.use_transparency_overlap = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.clear()

    def attribute(name: str) -> Any:
        node = nodes.new("ShaderNodeAttribute")
        node.attribute_type, node.attribute_name = "GEOMETRY", name
        return node

    times = nodes.new("ShaderNodeMath")
    times.operation = "MULTIPLY"
    links.new(attribute("fill_alpha").outputs["Fac"], times.inputs[0])
    links.new(attribute("opacity").outputs["Fac"], times.inputs[1])
    emission = nodes.new("ShaderNodeEmission")
    links.new(attribute("fill_color").outputs["Color"], emission.inputs["Color"])
    mix = nodes.new("ShaderNodeMixShader")
    links.new(times.outputs[0], mix.inputs["Fac"])
    links.new(nodes.new("ShaderNodeBsdfTransparent").outputs[0], mix.inputs[1])
    links.new(emission.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes.new("ShaderNodeOutputMaterial").inputs["Surface"])
    return mat


def mesh_object(name: str, positions: np.ndarray, face_sizes: np.ndarray, mat: Any) -> Any:
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
    mesh.materials.append(mat)
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def face_attribute(mesh: Any, name: str, kind: str, values: np.ndarray) -> None:
    """A face attribute of type `kind` (FLOAT, INT, FLOAT_VECTOR, FLOAT_COLOR)."""
    field = {"FLOAT": "value", "INT": "value", "FLOAT_VECTOR": "vector", "FLOAT_COLOR": "color"}[kind]
    dtype = np.int32 if kind == "INT" else np.float32
    mesh.attributes.new(name, kind, "FACE").data.foreach_set(field, np.ascontiguousarray(values, dtype).ravel())


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
            if isinstance(value, (int, float)):
                socket.default_value = value
            else:
                self.link(value, socket)
        return node.outputs[0]

    def math(self, operation: str, a: Any, b: Any = None, clamp: bool = False) -> Any:
        return self.feed(self.node("ShaderNodeMath", operation=operation, use_clamp=clamp), a, b)

    def vector(self, operation: str, a: Any, b: Any) -> Any:
        node = self.node("ShaderNodeVectorMath", operation=operation)
        self.link(a, node.inputs[0])
        if operation == "SCALE":
            self.link(b, node.inputs["Scale"])
        else:
            self.link(b, node.inputs[1])
        return node.outputs[0]

    def attribute(self, name: str, data_type: str = "FLOAT") -> Any:
        node = self.node("GeometryNodeInputNamedAttribute", data_type=data_type)
        node.inputs["Name"].default_value = name
        return node.outputs["Attribute"]


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


INPUTS = (("Seconds per frame", 0.0), ("Time offset", 0.0), ("Speed", 1.0), ("Start scale", 0.3), ("Fade", 0.4))


def _group(name: str) -> tuple[Any, Nodes, Any, Any, Any]:
    """A geometry node group with genart's inputs: it, its helper, its inputs, its output node and genart's time."""
    group = bpy.data.node_groups.new(name, "GeometryNodeTree")
    group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    for socket_name, default in INPUTS:
        socket = group.interface.new_socket(socket_name, in_out="INPUT", socket_type="NodeSocketFloat")
        socket.default_value = default
    group.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    n = Nodes(group)
    given = n.node("NodeGroupInput").outputs
    frame = n.node("GeometryNodeInputSceneTime").outputs["Frame"]
    t = n.math("MULTIPLY", n.math("SUBTRACT", n.math("MULTIPLY", frame, given["Seconds per frame"]),
                                  given["Time offset"]), given["Speed"])
    return group, n, given, n.node("NodeGroupOutput"), t


def _store_opacity(n: Nodes, geometry: Any, opacity: Any, out: Any) -> None:
    store = n.node("GeometryNodeStoreNamedAttribute", data_type="FLOAT", domain="FACE")
    n.link(geometry, store.inputs["Geometry"])
    store.inputs["Name"].default_value = "opacity"
    n.link(opacity, store.inputs["Value"])
    n.link(store.outputs[0], out.inputs[0])


def motion_group(easing: str, eased: Any) -> Any:
    """The geometry nodes that put every face where genart's `Flights.pose_at` puts its shape."""
    group, n, given, out, t = _group(f"{MOTION} ({easing})")
    takeoff, landing = n.attribute("takeoff"), n.attribute("landing")
    span = n.math("MAXIMUM", n.math("SUBTRACT", landing, takeoff), 1e-9)
    lin = n.math("DIVIDE", n.math("SUBTRACT", t, takeoff), span, clamp=True)
    landed = n.math("SUBTRACT", 1.0, n.math("LESS_THAN", lin, 1.0))
    easing_of_lin = expression(n, eased, lin)
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
    place = n.node("GeometryNodeSetPosition")
    n.link(given["Geometry"], place.inputs["Geometry"])
    n.link(position, place.inputs["Position"])
    _store_opacity(n, place.outputs[0], opacity, out)
    return group


def appear_group() -> Any:
    """The geometry nodes that show every face from its `shown_from` on, as a time-lapse shows its shapes."""
    group, n, given, out, t = _group(f"{MOTION} (appear)")
    _store_opacity(n, given["Geometry"], n.math("SUBTRACT", 1.0, n.math("LESS_THAN", t, n.attribute("shown_from"))),
                   out)
    return group


def shapes_layer(layer: dict[str, Any], mat: Any, groups: dict[str, Any], seconds_per_frame: float) -> None:
    """One part's mesh, its face attributes and its motion modifier."""
    sizes = np.array(layer["face_sizes"], np.int64)
    owner = np.array(layer["face_shape"], np.int64)
    obj = mesh_object(layer["name"], np.array(layer["positions"]).reshape(-1, 3), sizes, mat)
    mesh = obj.data
    n = len(layer["alpha"])
    color = np.column_stack([np.array(layer["color"]).reshape(n, 3), np.ones(n)])
    face_attribute(mesh, "fill_color", "FLOAT_COLOR", color[owner])
    face_attribute(mesh, "fill_alpha", "FLOAT", np.array(layer["alpha"])[owner])
    face_attribute(mesh, "opacity", "FLOAT", np.ones(len(owner)))
    face_attribute(mesh, "shape", "INT", owner)
    if layer["motion"] == "appear":
        face_attribute(mesh, "shown_from", "FLOAT", np.array(layer["shown_from"])[owner])
        key = "appear"
        if key not in groups:
            groups[key] = appear_group()
    else:
        path = np.array(layer["path"]).reshape(n, 4, 3)
        for name in ("takeoff", "landing", "spin"):
            face_attribute(mesh, name, "FLOAT", np.array(layer[name])[owner])
        for k in range(4):
            face_attribute(mesh, f"path{k}", "FLOAT_VECTOR", path[owner, k])
        key = layer["easing"]
        if key not in groups:
            groups[key] = motion_group(key, layer["eased"])
    modifier = obj.modifiers.new(MOTION, "NODES")
    modifier.node_group = groups[key]
    for item in modifier.node_group.interface.items_tree:
        value = {"Seconds per frame": seconds_per_frame, "Start scale": layer.get("start_scale"),
                 "Fade": layer.get("fade")}.get(item.name)
        if value is not None and item.in_out == "INPUT":
            modifier[item.identifier] = float(value)


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


def track_object(name: str, track: dict[str, Any], mat: Any, fps: float) -> None:
    """One shape of a clip: its faces at its first key, a shape key per key keyed so consecutive keys blend
    linearly, its colour keyed at the keys, its alpha 0 before its birth and from its death."""
    sizes = np.array(track["face_sizes"], np.int64)
    shapes = [np.array(p, np.float64).reshape(-1, 3) for p in track["positions"]]
    obj = mesh_object(name, shapes[0], sizes, mat)
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


def tracks_layer(layer: dict[str, Any], fps: float) -> None:
    """A clip's tracks (`genart.animate.export.video`): one keyed object per shape, linear between keys."""
    bpy.context.preferences.edit.keyframe_new_interpolation_type = "LINEAR"
    mat = tracks_material()
    for i, track in enumerate(layer["tracks"]):
        track_object(f"track {i}", track, mat, fps)


def canvas_plane(canvas: dict[str, Any], mat: Any) -> None:
    """The canvas background: one quad at depth 0, drawn with the shapes' material."""
    w, h = canvas["width"], canvas["height"]
    obj = mesh_object("canvas", np.array([[0, 0, 0], [w, 0, 0], [w, h, 0], [0, h, 0]], np.float64),
                      np.array([4]), mat)
    face_attribute(obj.data, "fill_color", "FLOAT_COLOR", np.array([[*canvas["color"], 1.0]]))
    face_attribute(obj.data, "fill_alpha", "FLOAT", np.array([canvas["alpha"]]))
    face_attribute(obj.data, "opacity", "FLOAT", np.ones(1))


def camera(canvas: dict[str, Any], top: float) -> None:
    """An orthographic camera looking down at the canvas, framing it exactly."""
    w, h = canvas["width"], canvas["height"]
    cam = bpy.data.cameras.new("camera")
    cam.type, cam.ortho_scale = "ORTHO", max(w, h)
    cam.clip_start, cam.clip_end = 0.01, top + 2.0
    obj = bpy.data.objects.new("camera", cam)
    obj.location = (w / 2, h / 2, top + 1.0)
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.scene.camera = obj


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


def build(data: dict[str, Any]) -> None:
    """The whole scene from the builder data, in an empty Blender."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise SystemExit(f"not genart Blender data of version {VERSION}")
    bpy.ops.wm.read_factory_settings(use_empty=True)
    mat = material()
    canvas_plane(data["canvas"], mat)
    groups: dict[str, Any] = {}
    for layer in data["layers"]:
        if layer["motion"] == "tracks":
            tracks_layer(layer, data["fps"])
        else:
            shapes_layer(layer, mat, groups, data["seconds_per_frame"])
    camera(data["canvas"], data["top"])
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
