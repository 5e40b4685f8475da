"""The optimizers ("methods") by name: each fits a picture and returns a scene.

Every method is a `Method` record: a name, one-line help, a pydantic settings model
(every field with a default, a range and a description) and `fit(picture, settings,
checkpoint, resume, reporter, scheduler) -> Scene`. A scene of shapes can then be refined jointly
(`genart.generative.methods.refine.refine_scene`). docs/extending.md ("A method") says how to add one.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from genart.generative.methods.base import Method, MethodError, settings_error

NAMES = ("hillclimb", "anneal", "gradient", "gng", "mosaic")  # each the module genart.generative.methods.NAME


class _Methods(Mapping[str, Method]):
    """The methods by name, each module imported when its method is first asked for (a command that runs
    one method does not load the others' libraries: `genart gng` starts faster)."""

    def __getitem__(self, name: str) -> Method:
        if name not in NAMES:
            raise KeyError(name)
        method: Method = importlib.import_module(f"{__name__}.{name}").METHOD
        return method

    def __iter__(self) -> Iterator[str]:
        return iter(NAMES)

    def __len__(self) -> int:
        return len(NAMES)


METHODS: Mapping[str, Method] = _Methods()


def get_method(name: str) -> Method:
    """The method called `name`; MethodError names the known ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise MethodError(f"unknown method {name!r} (known: {', '.join(METHODS)})") from None


__all__ = ["METHODS", "Method", "MethodError", "get_method", "settings_error"]
