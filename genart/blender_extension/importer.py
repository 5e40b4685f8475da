"""Importing a genart scene into the open file: `genart export --blender-script` gives the builder's data,
the shipped builder (`genart_builder.py`, genart's own .blend builder) makes the objects here.

Everything imported is plain Blender data (meshes, Geometry Nodes, materials, a camera): no
handler, driver or script, so the saved file renders anywhere. Each object carries the custom
properties `genart_part` (its part: "canvas", "shapes 1", ...) and `genart_import` (its import's
collection), by which a re-run fit finds what to replace (`replace`).
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy
from mathutils import Matrix, Vector

from . import genart_builder as builder  # type: ignore[attr-defined]  # added by build-extension
from .runner import Failure, run
from .settings import SCHEMA

NUMBERED = re.compile(r"\.\d{3}$")  # Blender's suffix for a name already taken
DATA = ("objects", "meshes", "materials", "node_groups", "cameras", "collections")


@dataclass(frozen=True)
class Placement:
    """Where the imported canvas goes: "none" (genart's units), "camera" (filling the scene's camera) or
    "size" (its longer side `size` units, centred on the 3D cursor)."""

    how: str = "none"
    size: float = 1.0


def check_scene_version(path: Path) -> None:
    """A scene file's format version, refused in one line (naming both) when newer than this extension reads."""
    try:
        with gzip.open(path, "rt") if path.name.endswith(".gz") else path.open() as f:
            version = json.load(f).get("version")
    except (OSError, ValueError, AttributeError):
        return  # genart says what is wrong with the file
    if isinstance(version, int) and version > SCHEMA["scene"]:
        raise Failure(f"{path.name}: scene version {version} is newer than this genart extension reads "
                      f"(version {SCHEMA['scene']}, genart {SCHEMA['genart']}): install a newer extension")


def builder_data(genart: str, scene_path: Path, motion: str, options: list[str], fps: float) -> dict[str, Any]:
    """The builder's data for the scene's motion, from `genart export --blender-script`."""
    check_scene_version(scene_path)
    with tempfile.TemporaryDirectory(prefix="genart-import-") as folder:
        script = Path(folder) / "build.py"
        run([genart, "export", str(scene_path), "--motion", motion, "-o", str(script), "--blender-script",
             "--fps", f"{fps:g}", "-q", *options])
        data: dict[str, Any] = json.loads(script.with_suffix(".json").read_text())
    version = data.get("version")
    if data.get("format") != builder.FORMAT or not isinstance(version, int):
        raise Failure(f"{scene_path.name}: genart gave no Blender builder data")
    if version != builder.VERSION:
        newer = "newer" if version > builder.VERSION else "older"
        raise Failure(f"{scene_path.name}: genart's Blender data is version {version}, {newer} than this "
                      f"extension's builder (version {builder.VERSION}): build the extension with the same genart "
                      "(genart blender build-extension)")
    return data


def _snapshot() -> dict[str, set[Any]]:
    return {kind: set(getattr(bpy.data, kind)) for kind in DATA}


def _new(before: dict[str, set[Any]], kind: str) -> list[Any]:
    return [block for block in getattr(bpy.data, kind) if block not in before[kind]]


def _camera_matrix(scene: Any, canvas: tuple[float, float]) -> Matrix:
    """The canvas filling the frame of the scene's camera, facing it, at the 3D cursor's depth."""
    cam = scene.camera
    if cam is None:
        raise Failure("genart import: scale to camera: the scene has no camera")
    rotation = cam.matrix_world.to_quaternion()
    origin = cam.matrix_world.to_translation()
    forward = rotation @ Vector((0.0, 0.0, -1.0))
    depth = (scene.cursor.location - origin).dot(forward)
    depth = min(max(depth if depth > 0 else 10.0, cam.data.clip_start * 2), cam.data.clip_end * 0.5)
    corners = cam.data.view_frame(scene=scene)
    span = [max(c[k] for c in corners) - min(c[k] for c in corners) for k in (0, 1)]
    if cam.data.type != "ORTHO":
        span = [s * depth / abs(corners[0].z) for s in span]
    scale = min(span[0] / canvas[0], span[1] / canvas[1])
    return (Matrix.LocRotScale(origin + forward * depth, rotation, None) @ Matrix.Scale(scale, 4)
            @ Matrix.Translation((-canvas[0] / 2, -canvas[1] / 2, 0.0)))


def placement_matrix(scene: Any, placement: Placement, canvas: tuple[float, float]) -> Matrix:
    """Where the canvas goes (genart's own coordinates: the canvas spans [0, w] × [0, h] at z = 0)."""
    if placement.how == "camera":
        return _camera_matrix(scene, canvas)
    if placement.how == "size":
        return (Matrix.Translation(scene.cursor.location) @ Matrix.Scale(placement.size / max(canvas), 4)
                @ Matrix.Translation((-canvas[0] / 2, -canvas[1] / 2, 0.0)))
    return Matrix.Identity(4)


def _place(objects: list[Any], matrix: Matrix) -> None:
    for obj in objects:
        placed = matrix @ obj.matrix_basis  # (matrix_world is not up to date before the next update)
        if obj.type == "CAMERA":  # a camera keeps unit scale: its frame scales instead
            location, rotation, scale = placed.decompose()
            obj.data.ortho_scale *= scale.x
            obj.data.clip_start *= scale.x
            obj.data.clip_end *= scale.x
            placed = Matrix.LocRotScale(location, rotation, None)
        obj.matrix_basis = placed


def build(data: dict[str, Any], name: str, setup: bool, placement: Placement) -> list[Any]:
    """Build the data in the open file, in a new collection `name`, placed; the objects made."""
    scene = bpy.context.scene
    user_camera = scene.camera
    matrix = placement_matrix(scene, placement, (data["canvas"]["width"], data["canvas"]["height"]))
    before = _snapshot()
    builder.build(data, open_file=True, setup=setup and placement.how != "camera")
    made = _new(before, "objects")
    collection = bpy.data.collections.new(name)
    scene.collection.children.link(collection)
    for obj in made:
        for owner in list(obj.users_collection):
            owner.objects.unlink(obj)
        collection.objects.link(obj)
        obj["genart_part"] = NUMBERED.sub("", obj.name)
        obj["genart_import"] = collection.name
    if placement.how == "camera":
        scene.camera = user_camera
    _place(made, matrix)
    return made


def _swap(old: Any, new: Any) -> None:
    """`old` takes `new`'s geometry and motion, keeping its own materials, modifiers and transform."""
    mesh, previous = new.data, old.data
    materials = list(previous.materials)
    mesh.materials.clear()
    for mat in materials:
        mesh.materials.append(mat)
    old.data = mesh
    motion_old = old.modifiers.get(builder.MOTION)
    motion_new = new.modifiers.get(builder.MOTION)
    if motion_old is not None and motion_new is not None:
        motion_old.node_group = motion_new.node_group
        for key in motion_new.keys():  # noqa: SIM118 (an ID property group: keys() is its API)
            motion_old[key] = motion_new[key]
    if previous.users == 0:
        bpy.data.meshes.remove(previous)


def replace(target: Any, data: dict[str, Any]) -> list[Any]:
    """Re-import into `target`'s import: each part takes the new geometry in place; the objects updated."""
    group = target.get("genart_import")
    olds = {o.get("genart_part"): o for o in bpy.data.objects if o.get("genart_import") == group}
    before = _snapshot()
    builder.build(data, open_file=True, setup=False)
    updated = []
    for new in _new(before, "objects"):
        old = olds.get(NUMBERED.sub("", new.name))
        if old is not None and old.type == new.type == "MESH":
            _swap(old, new)
            updated.append(old)
        bpy.data.objects.remove(new)
    for kind in ("meshes", "materials", "node_groups", "cameras"):  # what the build made that nothing uses
        for block in _new(before, kind):
            if block.users == 0:
                getattr(bpy.data, kind).remove(block)
    return updated
