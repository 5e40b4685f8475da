"""Command-line options for motions, generated from the motion registry's settings models.

Every field of a motion's settings model is an option (`lag_ratio` → `--lag-ratio`) with
the model's description as help and each motion's default; an option the chosen motion
does not take is an error. `genart animate` and `genart export` share these.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from genart.animate.motions import MOTIONS, Motion, MotionSettings
from genart.errors import UserError


def takers(motions: Iterable[Motion]) -> dict[str, list[Motion]]:
    """Each settings field → the motions whose settings have it, in registry order."""
    out: dict[str, list[Motion]] = {}
    for motion in motions:
        for name in motion.settings.model_fields:
            out.setdefault(name, []).append(motion)
    return out


def flag(field: str) -> str:
    """The option of a settings field."""
    return "--" + field.replace("_", "-")


def _shown(value: object) -> str:
    return "auto" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def add_motion_options(p: argparse.ArgumentParser, motions: Iterable[Motion] = tuple(MOTIONS.values())) -> None:
    """One option per settings field of `motions`, with its help and per-motion defaults from the models."""
    offered = list(motions)
    for field, taking in takers(offered).items():
        info = taking[0].settings.model_fields[field]
        who = "" if len(taking) == len(offered) else ", ".join(m.name for m in taking) + ": "
        defaults = {m.name: m.settings.model_fields[field].default for m in taking}
        kwargs: dict[str, Any] = {"default": argparse.SUPPRESS}
        if info.annotation is bool:
            kwargs["action"] = "store_true"
            shown = ""
        else:
            if get_origin(info.annotation) is Literal:
                kwargs["choices"] = get_args(info.annotation)
            values = set(map(_shown, defaults.values()))
            shown = ("" if values == {"auto"} else f" (default {values.pop()})" if len(values) == 1 else
                     " (default: " + ", ".join(f"{name} {_shown(v)}" for name, v in defaults.items()) + ")")
        p.add_argument(flag(field), help=f"{who}{info.description}{shown}", **kwargs)


def motion_settings(motion: Motion, args: argparse.Namespace, motions: Iterable[Motion] = tuple(MOTIONS.values())
                    ) -> MotionSettings:
    """The motion's settings from the options given; options of other motions and bad values raise UserError."""
    taking = takers(motions)
    given = {field: getattr(args, field) for field in taking if hasattr(args, field)}
    for field in given:
        if field not in motion.settings.model_fields:
            raise UserError(f"{flag(field)} applies to --motion {' and '.join(m.name for m in taking[field])} only")
    try:
        return motion.settings(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0])
        reason = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
        raise UserError(f"{flag(field)} {given[field]}: {reason[0].lower()}{reason[1:]}") from None
