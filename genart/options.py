"""Command-line options that several commands share, defined once: the scheduler, -q, and the options
generated from the settings models of methods and motions (`add_settings_options`, `settings_from`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from genart.errors import UserError
from genart.runtime.execution import SCHEDULER_VARIABLE, ExecutionError, parse_scheduler


def _scheduler(text: str) -> str:
    try:
        return parse_scheduler(text)
    except ExecutionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_scheduler_option(parser: argparse._ActionsContainer, work: str, otherwise: str = "local processes") -> None:
    """`--scheduler ADDRESS`: run `work` (e.g. "the tiles") on a Dask cluster. The address is checked as the
    options are read; only the command line and $GENART_SCHEDULER choose it, never a file."""
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None, type=_scheduler,
                        help=f"run {work} on this Dask scheduler, tcp://HOST:PORT (default: ${SCHEDULER_VARIABLE}, "
                             f"else {otherwise}); trusted as a shell is: its results are unpickled here")


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """Register -q / --quiet (and the older --no-progress) as `quiet`: no progress bar and no line but the
    files written (a command's own answer, such as `info`'s, stays), warnings and errors."""
    parser.add_argument("-q", "--quiet", "--no-progress", dest="quiet", action="store_true",
                        help="no progress bar and no line but the files written (warnings and errors still show)")


@dataclass(frozen=True)
class Spelling:
    """How a settings field is written on the command line where its type does not say: the parser of the
    text (an `argparse.ArgumentTypeError` for bad text), its metavar, and how a default is shown."""

    parse: Callable[[str], Any]
    metavar: str
    shown: Callable[[Any], str] = str


def flag(field: str) -> str:
    """The option of a settings field: `lag_ratio` → `--lag-ratio`."""
    return "--" + field.replace("_", "-")


def _plain(annotation: Any) -> Any:
    """The annotation without None (X | None → X)."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if get_origin(annotation) in (Union, UnionType) and len(args) == 1 else annotation


def _shown(value: object) -> str:
    if value is None:
        return "auto"
    if isinstance(value, float):
        return f"{value:g}"
    return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)


def owners(models: Mapping[str, type[BaseModel]]) -> dict[str, list[str]]:
    """Each settings field of `models` → the names of the models that have it, in order."""
    out: dict[str, list[str]] = {}
    for name, model in models.items():
        for field in model.model_fields:
            out.setdefault(field, []).append(name)
    return out


def add_settings_options(parser: argparse.ArgumentParser, models: Mapping[str, type[BaseModel]],
                         spellings: Mapping[str, Spelling] | None = None,
                         flags: Mapping[str, tuple[str, ...]] | None = None, skip: Sequence[str] = (),
                         sections: Mapping[str, str] | None = None) -> None:
    """One option per settings field of `models` (named, e.g. by method or motion): `lag_ratio` →
    `--lag-ratio`, with the field's description as its help and each model's default after it (when the
    description does not say it). The type comes from the annotation (bool: `--x`, and `--no-x` when on by default; a Literal:
    its choices; int, float) or from `spellings`; `flags` adds short names (`-n`). A field of some models
    only goes in a group titled by them, a field named in `sections` in the group it names. An option not given is left out of the namespace, so each model
    keeps its own default (`settings_from`). So the command line, scripts and the Python API share one
    set of names, ranges and words.
    """
    spellings, flags, sections = spellings or {}, flags or {}, sections or {}
    groups: dict[str, argparse._ArgumentGroup] = {}
    for field, taking in owners(models).items():
        if field in skip:
            continue
        infos = [models[name].model_fields[field] for name in taking]
        info = infos[0]
        kind = _plain(info.annotation)
        spelled = spellings.get(field)
        options: dict[str, Any] = {"default": argparse.SUPPRESS, "dest": field}
        if spelled is not None:
            options["type"], options["metavar"] = spelled.parse, spelled.metavar
        elif kind is bool:  # a switch: --x; one on by default can be turned off too (--no-x)
            options["action"] = argparse.BooleanOptionalAction if any(i.default for i in infos) else "store_true"
        elif get_origin(kind) is Literal:
            options["choices"] = list(dict.fromkeys(c for i in infos for c in get_args(_plain(i.annotation))))
        elif kind in (int, float):
            options["type"] = kind
        show = spelled.shown if spelled is not None else _shown
        defaults = {name: show(i.default) for name, i in zip(taking, infos)}
        unset = all(i.default is None for i in infos) and (spelled is None or spelled.shown is str)
        if kind is bool or unset or any("default" in (i.description or "") for i in infos):
            said = ""
        elif len(set(defaults.values())) == 1:
            said = f" (default {next(iter(defaults.values()))})"
        else:
            said = " (default " + "; ".join(f"{name}: {shown}" for name, shown in defaults.items()) + ")"
        described: dict[str, list[str]] = {}  # each wording of the field, with the models that word it so
        for name, i in zip(taking, infos):
            described.setdefault(i.description or "", []).append(name)
        words = next(iter(described)) if len(described) == 1 else "; ".join(
            f"{' and '.join(names)}: {text}" for text, names in described.items())
        options["help"] = f"{words}{said}"
        target: argparse._ActionsContainer = parser
        title = sections.get(field) or (" and ".join(taking) if len(taking) < len(models) else None)
        if title is not None:
            target = groups.setdefault(title, parser.add_argument_group(title))
        target.add_argument(*flags.get(field, ()), flag(field), **options)


def settings_from(args: argparse.Namespace, model: type[BaseModel], models: Mapping[str, type[BaseModel]],
                  selector: str, chosen: str, also: Sequence[str] = (), **fixed: Any) -> Any:
    """The settings `model` (that of `chosen` among `models`) from the options given, plus `fixed` values; an
    option of the other models only (unless another step takes it, `also`) or a bad value is a one-line
    UserError naming the option (`--reverse applies to --motion mosaic_zoom only`)."""
    from genart.generative.methods.base import settings_error

    taking = owners(models)
    given = {field: getattr(args, field) for field in taking if hasattr(args, field) and field not in fixed}
    for field in given:
        if field not in model.model_fields and field not in also:
            raise UserError(f"{flag(field)} applies to {selector} {' and '.join(taking[field])} only, "
                            f"not to {selector} {chosen}")
    try:
        return model(**{**{k: v for k, v in given.items() if k in model.model_fields}, **fixed})
    except ValidationError as exc:
        raise UserError(settings_error(exc, model, flag)) from None
