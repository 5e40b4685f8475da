"""genart: generative art that moves.

Fit a picture with translucent shapes, a line drawing (Growing Neural Gas) or a photo
mosaic; keep it as a scene; render it to posters and animate it to movies, or hand it to
Blender and the web. From Python::

    import genart
    scene = genart.fit("photo.jpg", method="hillclimb", shape="triangle", shapes=200, seed=1)
    scene.save("photo.scene.json"); scene.render("photo.svg")
    clip = scene.animate("flyin", duration=4, fps=30, size=(1280, 720))
    clip.save("photo.mp4")

`import genart` is cheap: the names below load on first use (numba, cairo and Dask only
when a fit, a render or a cluster needs them). Every error genart raises on purpose is a
`GenartError`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from genart.errors import GenartError, SettingsError

if TYPE_CHECKING:
    from genart.api import Clip, Scene, fit, fit_clip, load, mosaic_index

try:
    __version__ = version("genart")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

__all__ = ["Clip", "GenartError", "Scene", "SettingsError", "__version__", "fit", "fit_clip", "load", "mosaic_index"]
_LAZY = {"Clip", "Scene", "fit", "fit_clip", "load", "mosaic_index"}  # from genart.api, loaded on first use


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module("genart.api"), name)
    raise AttributeError(f"module 'genart' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
