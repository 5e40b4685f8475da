"""genart's Blender extension (Blender 4.2+): import genart scenes as animated objects, fit from a panel.

Built by `genart blender build-extension -o genart.zip`, which adds the Blender builder of
genart's .blend export (`genart_builder.py`) and the settings schema (`schema.json`) of the
genart that built it. This package runs inside Blender only (genart never imports it).
"""

from __future__ import annotations

import bpy

from . import operators


def register() -> None:
    for cls in operators.CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.genart_fit = bpy.props.PointerProperty(type=operators.GENART_PG_fit)
    bpy.types.TOPBAR_MT_file_import.append(operators.menu_import)


def unregister() -> None:
    for job in operators.JOBS:
        job.cancel()
    bpy.types.TOPBAR_MT_file_import.remove(operators.menu_import)
    del bpy.types.Scene.genart_fit
    for cls in reversed(operators.CLASSES):
        bpy.utils.unregister_class(cls)
