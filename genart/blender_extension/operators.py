"""The extension's operators and panel: File > Import > genart scene, and the genart tab's fit.

Both run the `genart` command of the environment named in the preferences (or on PATH). Errors
reach the user as Blender reports: one line, genart's own text, never a traceback.
"""

# No `from __future__ import annotations` here: Blender reads the classes' property annotations as objects.
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bpy
from bpy_extras.io_utils import ImportHelper

from . import importer, settings
from .runner import Failure, Job, genart_command
from .settings import SCHEMA

MOTIONS = SCHEMA["motions"]
METHODS = SCHEMA["methods"]
METHOD_GROUPS = {name: settings.group(f"method_{name}", section) for name, section in METHODS.items()}
JOBS: list[Job] = []  # every fit started, the last one last (tests wait on it: Blender as a module has no timers)
TICK_SECONDS = 0.25
PLACEMENTS = [("none", "As genart makes it", "genart's units: 0.01 per canvas unit, on the XY plane"),
              ("camera", "Fill the camera", "facing the scene's camera, filling its frame, at the 3D cursor's depth"),
              ("size", "Given size", "the canvas's longer side this long, centred on the 3D cursor")]


class GenartPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__
    genart: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="genart", subtype="FILE_PATH",
        description="The genart command, or the folder of an environment holding bin/genart (empty: genart on PATH)")

    def draw(self, context: Any) -> None:
        self.layout.prop(self, "genart")


def genart(context: Any) -> str:
    return genart_command(context.preferences.addons[__package__].preferences.genart)


def reported(operator: Any, work: Callable[[], set[str]]) -> set[str]:
    """Run the operator's work; a failure becomes one ERROR report (genart's line), never a traceback."""
    try:
        return work()
    except Failure as exc:
        operator.report({"ERROR"}, str(exc))
    except Exception as exc:  # a bug of the extension: still one line, the traceback only in --debug runs
        if bpy.app.debug:
            traceback.print_exc()
        operator.report({"ERROR"}, f"genart extension: internal error: {type(exc).__name__}: {exc}")
    return {"CANCELLED"}


def motion_options(holder: Any, motion: str) -> list[str]:
    """The options of the motion chosen (its properties are named `MOTION_FIELD`: `flyin_duration`)."""
    return settings.arguments(MOTIONS[motion], holder, f"{motion}_")


def import_scene(context: Any, path: Path, motion: str, options: list[str], setup: bool,
                 placement: importer.Placement, target: Any = None) -> list[str]:
    """Import the scene file (or, given a genart `target`, replace its import's geometry); the objects' names."""
    scene = context.scene
    data = importer.builder_data(genart(context), path, motion, options, scene.render.fps / scene.render.fps_base)
    if target is not None:
        return [o.name for o in importer.replace(target, data)]
    made = importer.build(data, path.name.split(".")[0], setup, placement)
    return [o.name for o in made]


def _motion_annotations() -> dict[str, Any]:
    notes: dict[str, Any] = {key: value for name, section in MOTIONS.items()
                             for key, value in settings.properties(section, f"{name}_").items()}
    notes["motion"] = bpy.props.EnumProperty(name="Motion", items=[(m, m, "") for m in MOTIONS])
    notes["setup"] = bpy.props.BoolProperty(
        name="genart's camera and colours", default=True,
        description="add genart's camera, render size, Cycles and colour settings (off: keep the file's)")
    notes["placement"] = bpy.props.EnumProperty(name="Placement", items=PLACEMENTS)
    notes["size"] = bpy.props.FloatProperty(name="Size", default=2.0, min=1e-4, description="the canvas's longer side")
    return notes


def draw_motion(layout: Any, holder: Any) -> None:
    layout.prop(holder, "motion")
    settings.draw(layout.box(), MOTIONS[holder.motion], holder, f"{holder.motion}_")
    layout.prop(holder, "placement")
    if holder.placement == "size":
        layout.prop(holder, "size")
    layout.prop(holder, "setup")


class IMPORT_SCENE_OT_genart(bpy.types.Operator, ImportHelper):
    """Import a genart scene as animated objects (Geometry Nodes), in a new collection"""

    bl_idname = "import_scene.genart"
    bl_label = "Import genart scene"
    bl_options = {"REGISTER", "UNDO"}
    filename_ext = ".json"
    __annotations__ = {"filter_glob": bpy.props.StringProperty(default="*.scene.json;*.scene.json.gz",
                                                               options={"HIDDEN"}),
                       **_motion_annotations()}

    def draw(self, context: Any) -> None:
        draw_motion(self.layout, self)

    def execute(self, context: Any) -> set[str]:
        def work() -> set[str]:
            made = import_scene(context, Path(self.filepath), self.motion, motion_options(self, self.motion),
                                self.setup, importer.Placement(self.placement, self.size))
            self.report({"INFO"}, f"genart: imported {len(made)} objects")
            return {"FINISHED"}
        return reported(self, work)


def _fit_annotations() -> dict[str, Any]:
    notes = {f"method_{name}": bpy.props.PointerProperty(type=group) for name, group in METHOD_GROUPS.items()}
    notes["method"] = bpy.props.EnumProperty(name="Method", items=[(m, m, METHODS[m]["help"]) for m in METHODS])
    notes["image_path"] = bpy.props.StringProperty(name="Picture file", subtype="FILE_PATH")
    notes["image"] = bpy.props.PointerProperty(name="or image", type=bpy.types.Image)
    notes["folder"] = bpy.props.StringProperty(name="Scenes folder", subtype="DIR_PATH",
                                               description="where fitted scenes are kept (empty: a temporary folder)")
    return {**notes, **_motion_annotations()}


GENART_PG_fit = type("GENART_PG_fit", (bpy.types.PropertyGroup,), {"__annotations__": _fit_annotations()})


def _picture(fit: Any, folder: Path) -> Path:
    """The picture to fit: the file, else the image datablock's file (or the image saved as a PNG)."""
    if fit.image is not None:
        source = Path(bpy.path.abspath(fit.image.filepath)) if fit.image.filepath else None
        if source is not None and source.is_file() and not fit.image.is_dirty:
            return source
        saved = folder / f"{bpy.path.clean_name(fit.image.name)}.png"
        fit.image.save(filepath=str(saved))
        return saved
    if not fit.image_path:
        raise Failure("genart fit: pick a picture (a file or an image)")
    return Path(bpy.path.abspath(fit.image_path))


def start_fit(context: Any, replace: bool) -> Job:
    """Start `genart evolve` in the background on the panel's settings; the job, imported on completion."""
    fit = context.scene.genart_fit
    command = genart(context)
    parent = Path(bpy.path.abspath(fit.folder)) if fit.folder else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="genart-fit-", dir=parent))
    picture = _picture(fit, folder)
    out = folder / f"{picture.stem}.scene.json"
    options = settings.arguments(METHODS[fit.method], getattr(fit, f"method_{fit.method}"))
    target = context.active_object if replace and context.active_object is not None \
        and context.active_object.get("genart_import") else None
    motion, motion_args = fit.motion, motion_options(fit, fit.motion)
    setup, placement = fit.setup, importer.Placement(fit.placement, fit.size)

    def finish() -> list[str]:  # later, from a timer: Blender's context of now, not the operator's
        return import_scene(bpy.context, out, motion, motion_args, setup, placement, target)

    job = Job([command, "evolve", str(picture), "-o", str(out), "--method", fit.method, *options], folder, finish, out)
    JOBS.append(job)
    return job


class GENART_OT_fit(bpy.types.Operator):
    """Fit shapes to the picture with genart in the background, then import (or update the active genart object)"""

    bl_idname = "genart.fit"
    bl_label = "Fit"
    replace: bpy.props.BoolProperty(  # type: ignore[valid-type]
        name="Replace", default=True,
        description="re-running on an object made by genart replaces its geometry, keeping its materials, "
                    "modifiers and transform")

    def execute(self, context: Any) -> set[str]:  # scripts and tests: the job runs on, polled by a timer
        def work() -> set[str]:
            job = start_fit(context, self.replace)
            bpy.app.timers.register(lambda: None if job.poll() != "running" else TICK_SECONDS,
                                    first_interval=TICK_SECONDS)
            return {"FINISHED"}
        return reported(self, work)

    def invoke(self, context: Any, event: Any) -> set[str]:
        def work() -> set[str]:
            self.job = start_fit(context, self.replace)
            self.timer = context.window_manager.event_timer_add(TICK_SECONDS, window=context.window)
            context.window_manager.modal_handler_add(self)
            return {"RUNNING_MODAL"}
        return reported(self, work)

    def _end(self, context: Any) -> None:
        context.window_manager.event_timer_remove(self.timer)
        context.workspace.status_text_set(None)

    def modal(self, context: Any, event: Any) -> set[str]:
        if event.type == "ESC":
            self.job.cancel()
            self._end(context)
            self.report({"WARNING"}, self.job.message)
            return {"CANCELLED"}
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        state = self.job.poll()
        if state == "running":
            context.workspace.status_text_set(f"genart fit: {self.job.progress:.0%} (Esc cancels)")
            return {"PASS_THROUGH"}
        self._end(context)
        if state == "failed":
            self.report({"ERROR"}, self.job.message)
            return {"CANCELLED"}
        self.report({"INFO"}, f"genart fit: {', '.join(self.job.result or [])}")
        return {"FINISHED"}


class GENART_OT_cancel(bpy.types.Operator):
    """Cancel the running genart fits: their processes stop, nothing of them is imported"""

    bl_idname = "genart.cancel"
    bl_label = "Cancel fit"

    def execute(self, context: Any) -> set[str]:
        for job in JOBS:
            job.cancel()
        return {"FINISHED"}


class GENART_PT_fit(bpy.types.Panel):
    bl_label = "genart fit"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "genart"

    def draw(self, context: Any) -> None:
        fit, layout = context.scene.genart_fit, self.layout
        layout.prop(fit, "image_path")
        layout.prop(fit, "image")
        layout.prop(fit, "method")
        settings.draw(layout.box(), METHODS[fit.method], getattr(fit, f"method_{fit.method}"))
        draw_motion(layout, fit)
        layout.prop(fit, "folder")
        target = context.active_object
        label = f"Re-fit {target.name}" if target is not None and target.get("genart_import") else "Fit"
        layout.operator(GENART_OT_fit.bl_idname, text=label)
        if JOBS and JOBS[-1].state != "done":
            layout.label(text=f"{JOBS[-1].state}: {JOBS[-1].message or f'{JOBS[-1].progress:.0%}'}")


def menu_import(self: Any, context: Any) -> None:
    self.layout.operator(IMPORT_SCENE_OT_genart.bl_idname, text="genart scene (.scene.json)")


CLASSES = (GenartPreferences, *METHOD_GROUPS.values(), GENART_PG_fit,
           IMPORT_SCENE_OT_genart, GENART_OT_fit, GENART_OT_cancel, GENART_PT_fit)
