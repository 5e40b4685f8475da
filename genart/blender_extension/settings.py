"""Blender properties generated from the settings schema genart publishes (`genart blender schema`).

The extension ships that document as `schema.json`, written by the genart that built it. Each
settings field the command line takes as a plain value (an int, a number, a switch or one of
some words) becomes a property; a field that may be unset (None) gets a "set" switch beside
it. `arguments` turns the properties back into the command line's options, giving only the
values that differ from genart's defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

SCHEMA: dict[str, Any] = json.loads((Path(__file__).with_name("schema.json")).read_text())
INT_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class Field:
    """One settings field as a property: its kind ("int", "float", "bool", "choice"), limits and default."""

    name: str
    option: str
    kind: str
    title: str
    description: str
    default: Any
    optional: bool
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


def _resolved(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return {**defs[prop["$ref"].split("/")[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def field(name: str, option: str, prop: dict[str, Any], defs: dict[str, Any]) -> Field | None:
    """The property of one JSON schema field, or None for one the panel does not show (tuples, text)."""
    outer = _resolved(prop, defs)
    variants = [_resolved(v, defs) for v in outer.get("anyOf", [outer])]
    kinds = [v for v in variants if v.get("type") != "null"]
    if len(kinds) != 1:
        return None
    inner = {**kinds[0], **{k: v for k, v in outer.items() if k not in ("anyOf", "type")}}
    kind = {"integer": "int", "number": "float", "boolean": "bool"}.get(inner.get("type", ""))
    if "enum" in inner:
        kind = "choice"
    if kind is None:
        return None
    low = inner.get("minimum", inner.get("exclusiveMinimum"))
    high = inner.get("maximum", inner.get("exclusiveMaximum"))
    return Field(name, option, kind, inner.get("title", name.replace("_", " ")), inner.get("description", ""),
                 inner.get("default"), len(kinds) != len(variants), low, high,
                 tuple(str(c) for c in inner.get("enum", ())))


def fields(section: dict[str, Any]) -> list[Field]:
    """The fields of one method's or motion's schema that the panel shows."""
    schema, defs = section["schema"], section["schema"].get("$defs", {})
    found = [field(name, option, schema["properties"][name], defs) for name, option in section["options"].items()]
    return [f for f in found if f is not None and f.name != "workers"]


def _value_default(f: Field) -> Any:
    if f.default is not None:
        return f.default
    if f.kind == "choice":
        return f.choices[0]
    start = 1 if f.kind == "int" else 1.0
    return min(max(start, f.low if f.low is not None else start), f.high if f.high is not None else start)


def prop(f: Field) -> Any:
    """The bpy property of a field."""
    named = {"name": f.title.capitalize(), "description": f.description[:400]}
    default = _value_default(f)
    if f.kind == "bool":
        return bpy.props.BoolProperty(default=bool(default), **named)
    if f.kind == "choice":
        return bpy.props.EnumProperty(items=[(c, c, "") for c in f.choices], default=str(default), **named)
    limits: dict[str, Any] = {}
    if f.kind == "int":
        limits = {"min": int(max(f.low, -INT_LIMIT)) if f.low is not None else -INT_LIMIT,
                  "max": int(min(f.high, INT_LIMIT)) if f.high is not None else INT_LIMIT}
        return bpy.props.IntProperty(default=int(default), **limits, **named)
    if f.low is not None:
        limits["min"] = float(f.low)
    if f.high is not None:
        limits["max"] = float(f.high)
    return bpy.props.FloatProperty(default=float(default), **limits, **named)


def properties(section: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A property per field, named `prefix` + field (and `use_` + that for a field that may be unset)."""
    notes: dict[str, Any] = {}
    for f in fields(section):
        notes[prefix + f.name] = prop(f)
        if f.optional:
            notes[f"use_{prefix}{f.name}"] = bpy.props.BoolProperty(
                name=f"Set {f.title}", default=False, description=f"give {f.option}; unset: genart's default")
    return notes


def group(name: str, section: dict[str, Any]) -> type:
    """A PropertyGroup class of the section's properties (`properties`)."""
    return type(f"GENART_PG_{name}", (bpy.types.PropertyGroup,), {"__annotations__": properties(section)})


def arguments(section: dict[str, Any], values: Any, prefix: str = "") -> list[str]:
    """The command-line options for the properties of `values` that differ from genart's defaults."""
    out: list[str] = []
    for f in fields(section):
        if f.optional and not getattr(values, f"use_{prefix}{f.name}"):
            continue
        value = getattr(values, prefix + f.name)
        if not f.optional and value == f.default:
            continue
        if f.kind == "bool":
            out.append(f.option if value else "--no-" + f.option[2:])
        else:
            out.extend([f.option, f"{value:g}" if isinstance(value, float) else str(value)])
    return out


def draw(layout: Any, section: dict[str, Any], values: Any, prefix: str = "") -> None:
    """The fields of `values` in a panel: a field that may be unset with its switch beside it."""
    for f in fields(section):
        if f.optional:
            row = layout.row(align=True)
            row.prop(values, f"use_{prefix}{f.name}", text="")
            sub = row.row()
            sub.enabled = getattr(values, f"use_{prefix}{f.name}")
            sub.prop(values, prefix + f.name)
        else:
            layout.prop(values, prefix + f.name)
