"""A script's data validated by the models, pydantic's errors turned into one located line."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from genart.animate.easing import EASINGS
from genart.animate.motions import MOTIONS
from genart.generative.methods import METHODS
from genart.script.errors import ScriptError, did_you_mean
from genart.script.model import (
    EXPORT_MODELS,
    PROGRAM_KEYS,
    SCENE_MODELS,
    SCRIPT_SUPPLIED,
    SHOT_MODELS,
    Script,
    known_keys,
)
from genart.script.source import Path_, Source

_BOUNDS = {"greater_than": "greater than {gt}", "greater_than_equal": "at least {ge}",
           "less_than": "less than {lt}", "less_than_equal": "at most {le}"}


def validate(source: Source) -> Script:
    """The validated script; the first mistake raises ScriptError naming its line."""
    data = source.data
    if not isinstance(data, dict):
        raise source.error((), "a script is a mapping of keys (genart: 1, inputs:, scenes:, posters:, movie:, "
                               "exports:)")
    _refuse_programs(source, data, ())
    _refuse_supplied(source)
    _give_seeds(data)
    try:
        return Script.model_validate(data)
    except ValidationError as exc:
        raise _located(source, exc.errors()[0]) from None


NAMED = (("inputs",), ("scenes",))  # the mappings whose keys are names


def _refuse_programs(source: Source, node: Any, path: Path_) -> None:
    """ScriptError at the first key, anywhere in the data, that would name a program to run or a place to
    connect (`PROGRAM_KEYS`): what the person running genart chooses, never a script. The keys of `inputs:`
    and `scenes:` are names the script gives, not settings."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(node, dict) and key in PROGRAM_KEYS and path not in NAMED:
            raise source.error((*path, key), f"a script names no program to run and no place to connect: "
                                             f"{PROGRAM_KEYS[key]}", key=True)
        _refuse_programs(source, value, (*path, key))


def _refuse_supplied(source: Source) -> None:
    scenes = source.data.get("scenes")
    for name, entry in (scenes.items() if isinstance(scenes, dict) else ()):
        for key, instead in SCRIPT_SUPPLIED.items():
            if isinstance(entry, dict) and key in entry:
                raise source.error(("scenes", name, key), f"a script names it by `{instead}:` (an input)", key=True)


def _give_seeds(data: dict[str, Any]) -> None:
    """The script's seed goes to every scene and shot whose settings take one and do not set it."""
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        return
    scenes = data.get("scenes")
    movie = data.get("movie")
    shots = movie.get("shots") if isinstance(movie, dict) else None
    entries = [(e, SCENE_MODELS.get(str(e.get("method")))) for e in (scenes.values() if isinstance(scenes, dict) else ())
               if isinstance(e, dict)]
    entries += [(s, SHOT_MODELS.get(str(s.get("motion")))) for s in (shots if isinstance(shots, list) else ())
                if isinstance(s, dict)]
    exports = data.get("exports")
    entries += [(e, EXPORT_MODELS.get(str(e.get("motion")))) for e in (exports if isinstance(exports, list) else ())
                if isinstance(e, dict) and "shot" not in e]
    for entry, model in entries:
        if model is not None and "seed" in model.model_fields:
            entry.setdefault("seed", seed)


def _tagged(path: list[str | int]) -> bool:
    """Whether the entry at `path` is a tagged union (a scene by method, a shot by motion, an export by motion or
    shot)."""
    return (len(path) == 2 and path[0] in ("scenes", "exports")) or (len(path) == 3 and path[:2] == ["movie", "shots"])


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """pydantic's location with its union tags left out: the path in the data."""
    path: list[str | int] = []
    tag_next = False
    for part in loc:
        if tag_next:
            tag_next = False
            continue
        if (isinstance(data, dict) and part in data) or (isinstance(data, list) and isinstance(part, int)
                                                         and part < len(data)):
            data = data[part]
            path.append(part)
            tag_next = _tagged(path) and isinstance(data, dict)
    return tuple(path)


def _given_keys(source: Source, path: tuple[str | int, ...]) -> set[str]:
    """The keys the mapping at `path` holds already (an unknown key there more likely meant another)."""
    node: Any = source.data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else node[part] if isinstance(node, list) and \
            isinstance(part, int) and part < len(node) else None
    return set(node) if isinstance(node, dict) else set()


def _located(source: Source, error: Any) -> ScriptError:
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    path = _data_path(source.data, error["loc"])
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        return source.error(path, "unknown key" + did_you_mean(key, known_keys(path[:-1], source.data),
                                                               _given_keys(source, path[:-1])), key=True)
    if kind == "missing":
        return source.error(path, f"{error['loc'][-1]} is missing")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _unknown_tag(source, path, ctx.get("tag"))
    if path[:1] == ("inputs",) and len(path) == 2 and not isinstance(given, (str, dict)):
        return source.error(path, "an input is a picture file name, or {photos: folder}")
    if kind in _BOUNDS:
        return source.error(path, f"must be {_BOUNDS[kind].format(**ctx)}, got {given}")
    if kind == "literal_error" and isinstance(given, str):
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        return source.error(path, f"{given!r} is not one of {', '.join(choices)}" + did_you_mean(given, choices)
                            .replace(f" (known: {', '.join(sorted(choices))})", ""))
    if kind == "value_error":
        text = str(ctx.get("error", error["msg"]))
        if text.startswith("unknown easing") and isinstance(given, str):
            text = f"unknown easing {given!r}{did_you_mean(given, EASINGS)}"
        return source.error(path, text)
    if kind == "string_pattern_mismatch" and path and isinstance(error["loc"][-1], str) and "[key]" in error["loc"]:
        return source.error(path, "names are letters, digits, _ . - (not starting with . or -)", key=True)
    message = str(error["msg"])
    return source.error(path, message[0].lower() + message[1:])


TAGS = {  # what tags each kind of tagged entry: its key, the known values, and the other kind of entry it may be
    "scenes": ("method", list(METHODS), "", ""),
    "movie": ("motion", list(MOTIONS), " (or a transition)", " or a transition: crossfade"),
    "exports": ("motion", list(MOTIONS), " (or a shot)", " or a shot of the movie: shot: N"),
}


def _unknown_tag(source: Source, path: Path_, tag: str | None) -> ScriptError:
    key, known, other, other_given = TAGS[str(path[0])]
    entry = source.data
    for part in path:
        entry = entry[part]
    if not isinstance(entry, dict):
        return source.error(path, f"give a mapping with a {key}{other}")
    if tag is None or key not in entry:
        return source.error(path, f"no {key}: name one of {', '.join(known)}{other_given}")
    return source.error((*path, key), f"unknown {key} {tag!r}" + did_you_mean(str(tag), known))
