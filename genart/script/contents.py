"""What a method's scene will contain, known from its settings before it is fitted.

A shot's motion needs things of its scene (`genart.animate.motions.Requirement`: shapes, a
graph, a mosaic, snapshots). A script is checked against these before any long work
starts; the real scene is checked again (`build_clip`) when the shot is rendered.
"""

from __future__ import annotations

from pydantic import BaseModel

from genart.animate.motions import GRAPH, MOSAIC, SHAPES, SNAPSHOTS, Requirement
from genart.generative.methods import Method

LAYERS: dict[str, Requirement] = {"gng": GRAPH, "mosaic": MOSAIC}  # methods whose layer is not shapes
NO_HISTORY = ("mosaic",)  # methods that record no snapshots whatever their settings


def scene_contents(method: Method, settings: BaseModel) -> tuple[Requirement, ...]:
    """The requirements a scene fitted by `method` with `settings` will meet."""
    layer = SHAPES if method.draws_shapes else LAYERS[method.name]
    values = dict(settings)
    history = method.name not in NO_HISTORY and values.get("snapshots") != "none" and values.get("snapshot_every") != 0
    return (layer, SNAPSHOTS) if history else (layer,)
