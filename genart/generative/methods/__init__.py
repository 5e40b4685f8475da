"""The optimizers ("methods") by name: each fits a picture and returns a scene.

Every method is a `Method` record: a name, one-line help, a pydantic settings model
(every field with a default, a range and a description) and `fit(picture, settings,
checkpoint, resume, reporter, scheduler) -> Scene`. A scene of shapes can then be refined jointly
(`genart.generative.methods.refine.refine_scene`). docs/extending.md ("A method") says how to add one.
"""

from __future__ import annotations

from genart.generative.methods import anneal, gng, gradient, hillclimb, mosaic
from genart.generative.methods.base import Method, MethodError, settings_error

METHODS: dict[str, Method] = {m.name: m for m in (hillclimb.METHOD, anneal.METHOD, gradient.METHOD, gng.METHOD,
                                                   mosaic.METHOD)}


def get_method(name: str) -> Method:
    """The method called `name`; MethodError names the known ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise MethodError(f"unknown method {name!r} (known: {', '.join(METHODS)})") from None


__all__ = ["METHODS", "Method", "MethodError", "get_method", "settings_error"]
