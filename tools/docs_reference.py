"""The documentation site's generated parts, and the MkDocs hooks that put them in (`mkdocs.yml`: `hooks`).

A page asks for a reference with an HTML comment on a line of its own (invisible on GitHub):

- `<!-- genart:options COMMAND -->`: every option of `genart COMMAND`, read from the argument
  parser `genart.cli.build_parser(COMMAND)` builds (its groups, metavars, defaults and help), so
  the pages cannot drift from `--help`; a command with verbs (`mosaic`) gets one part per verb.
  `<!-- genart:options COMMAND group=TITLE -->` gives only the groups whose title starts so.
- `<!-- genart:schema PATH -->`: the keys of the JSON Schema at PATH (from the repository's
  root): every object, its keys, their types, ranges, defaults and descriptions.

Pages link to the repository's own files (the pictures of `assets/`, the published schemas) by
their relative path from `docs/` (`../assets/readme/flyin.gif`), which works on GitHub; the hooks
copy each such file into the site and point the link at the copy. A link to a file that does not
exist is left alone, so `mkdocs build --strict` fails on it.

Examples
--------
>>> "`--motion MOTION`" in options_markdown("export")
True
>>> "#def-poster" in schema_markdown("genart/script/schema.json")
True
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r"^<!-- genart:(options|schema) (.+?) -->$", re.MULTILINE)
LINK = re.compile(r"(\]\(|src=\")([^)\s\"#]+)")  # a markdown link's or an <img>'s target
USAGE_WIDTH = 100  # columns the usage lines are wrapped at (argparse would take the terminal's)


class ReferenceError(ValueError):
    """A directive that names no command, verb, group or schema."""


# -- the command-line reference ------------------------------------------------------------------------


def command_parser(command: str) -> argparse.ArgumentParser:
    """The parser of `genart COMMAND`, as `genart COMMAND --help` builds it."""
    from genart.cli import COMMANDS, build_parser

    if command not in COMMANDS:
        raise ReferenceError(f"no command {command!r} (commands: {', '.join(COMMANDS)})")
    return verbs(build_parser(command))[command]


def verbs(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-commands of a parser by name (none: {})."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def documented_actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every option and argument of a parser but `--help` and the verbs."""
    for action in parser._actions:
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            yield action


def _cell(text: str) -> str:
    """Text safe in a markdown table cell: one line, and outside code spans no pipe, tag or emphasis."""
    parts = re.split(r"(`[^`]*`)", " ".join(text.split()))
    return "".join(part if part.startswith("`") else
                   part.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
                   for part in parts)


def _argument(name: str, nargs: int | str | None) -> str:
    """An option's or argument's value as argparse's usage writes it: `N`, `[PATH]`, `SCENE [SCENE ...]`."""
    if nargs == 0:
        return ""
    if nargs == "?":
        return f"[{name}]"
    if nargs == "*":
        return f"[{name} ...]"
    if nargs == "+":
        return f"{name} [{name} ...]"
    return " ".join([name] * nargs) if isinstance(nargs, int) else name


def invocation(action: argparse.Action) -> str:
    """How an option is written (`-n SHAPES`, `--shapes SHAPES`), or an argument (`image`), as `--help` does."""
    if not action.option_strings:
        return f"`{_argument(action.metavar if isinstance(action.metavar, str) else action.dest, action.nargs)}`"
    value = _argument(action.metavar if isinstance(action.metavar, str) else action.dest.upper(), action.nargs)
    return ", ".join(f"`{option} {value}`".replace(" `", "`") for option in action.option_strings)


def help_text(action: argparse.Action, prog: str) -> str:
    """The option's help with `%(default)s` and the like filled in as `--help` fills them, and its choices."""
    params: dict[str, Any] = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
    params["prog"] = prog
    if isinstance(action.choices, (list, tuple, dict)):
        params["choices"] = ", ".join(map(str, action.choices))
    text = (action.help or "") % params if action.help else ""
    if isinstance(action.choices, (list, tuple, dict)) and not all(str(c) in text for c in action.choices):
        text += ("; " if text else "") + "one of " + ", ".join(f"`{c}`" for c in action.choices)
    if isinstance(action, argparse._AppendAction):
        text += " (repeatable)" if "repeatable" not in text else ""
    if action.required and action.option_strings:
        text += " (required)"
    return text


def default_text(action: argparse.Action) -> str:
    """The default as a table cell: blank for none, flags and defaults the help already states."""
    default = action.default
    if default is None or default is argparse.SUPPRESS or default == [] or isinstance(default, bool) or action.nargs == 0:
        return ""
    if action.help and "%(default)" in action.help:
        return ""
    return f"`{default}`"


def _groups(parser: argparse.ArgumentParser) -> list[tuple[str, list[argparse.Action]]]:
    """The parser's argument groups with their documented actions, groups of one title merged, empty ones out."""
    shown = set(map(id, documented_actions(parser)))
    merged: dict[str, list[argparse.Action]] = {}
    for group in parser._action_groups:
        actions = [a for a in group._group_actions if id(a) in shown]
        if actions:
            merged.setdefault(group.title or "options", []).extend(actions)
    return list(merged.items())


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def parser_markdown(parser: argparse.ArgumentParser, level: int, group: str | None = None) -> str:
    """A parser's usage and one table per argument group (only those titled `group...`, if given)."""
    heading = "#" * level
    out: list[str] = []
    if group is None:
        out += ["```text", _usage(parser), "```", ""]
    groups = [(t, a) for t, a in _groups(parser) if group is None or t.startswith(group)]
    if group is not None and not groups:
        raise ReferenceError(f"{parser.prog} has no option group {group!r}")
    for title, actions in groups:
        positional = all(not a.option_strings for a in actions)
        out += [f"{heading} {title[0].upper()}{title[1:]}", "",
                f"| {'argument' if positional else 'option'} | default | meaning |", "|---|---|---|"]
        out += [f"| {invocation(a)} | {default_text(a)} | {_cell(help_text(a, parser.prog))} |" for a in actions]
        out.append("")
    return "\n".join(out)


def options_markdown(command: str, level: int = 3, group: str | None = None) -> str:
    """The option reference of `genart COMMAND`: its usage and tables, or a part per verb (`mosaic`)."""
    parser = command_parser(command)
    by_verb = verbs(parser)
    if not by_verb:
        return parser_markdown(parser, level, group)
    parts = [f"{'#' * level} `genart {command} {verb}`\n\n{parser_markdown(sub, level + 1, group)}"
             for verb, sub in by_verb.items()]
    return "\n".join(parts)


# -- the JSON Schema reference ---------------------------------------------------------------------


def _anchor(name: str) -> str:
    return f"def-{name.lower()}"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else str(int(value)) if value.is_integer() else f"{value:g}"


def _range(schema: dict[str, Any]) -> str:
    """`0 ≤ x ≤ 1`, `> 0`, ... of a number's bounds ('' for none)."""
    low = (f"{_number(schema['minimum'])} ≤ " if "minimum" in schema
           else f"{_number(schema['exclusiveMinimum'])} < " if "exclusiveMinimum" in schema else "")
    high = (f" ≤ {_number(schema['maximum'])}" if "maximum" in schema
            else f" < {_number(schema['exclusiveMaximum'])}" if "exclusiveMaximum" in schema else "")
    return f"{low}x{high}" if low or high else ""


def describe(schema: dict[str, Any]) -> str:
    """A short account of a JSON Schema (its type, range, items, or the definition it names, linked)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [describe(s) for s in schema[key]]
            told = " or ".join(k for k in kinds if k != "null") + (" or null" if "null" in kinds else "")
            if "discriminator" in schema:
                told += f" (told apart by `{schema['discriminator']['propertyName']}`)"
            return told
    kind = schema.get("type", "any")
    if kind in ("number", "integer"):
        bounds = _range(schema)
        return f"{kind}, {bounds}" if bounds else kind
    if kind == "string":
        notes = ([f"pattern `{schema['pattern']}`"] if "pattern" in schema else []) + (
            [f"at most {schema['maxLength']} characters"] if "maxLength" in schema else [])
        return f"string ({', '.join(notes)})" if notes else "string"
    if kind == "array":
        return _describe_array(schema)
    if kind == "object":
        for key in ("patternProperties", "additionalProperties"):
            values = schema.get(key)
            if isinstance(values, dict) and values:
                value = next(iter(values.values())) if key == "patternProperties" else values
                return f"map of names to ({describe(value)})"
        return "object"
    return str(kind)


def _describe_array(schema: dict[str, Any]) -> str:
    if "prefixItems" in schema:
        items = [describe(s) for s in schema["prefixItems"]]
        if len(set(items)) == 1:
            return f"array of {len(items)} × ({items[0]})"
        return "array of (" + "; ".join(items) + ")"
    count = [f"at least {schema['minItems']}"] if "minItems" in schema else []
    count += [f"at most {schema['maxItems']}"] if "maxItems" in schema else []
    item = describe(schema["items"]) if "items" in schema else "any"
    return f"array of ({item})" + (f", {' and '.join(count)} items" if count else "")


def _references(schema: Any) -> Iterator[str]:
    """The definitions a schema names, in the order it names them."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            yield schema["$ref"].rsplit("/", 1)[-1]
        for value in schema.values():
            yield from _references(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _references(value)


def _object_markdown(name: str, schema: dict[str, Any], level: int, anchor: str) -> str:
    out = [f"{'#' * level} {name} {{#{anchor}}}", ""]
    if schema.get("description"):
        out += [" ".join(schema["description"].split()), ""]
    properties = schema.get("properties", {})
    if not properties:
        out += [f"A {describe(schema)}.", ""]
        return "\n".join(out)
    required = set(schema.get("required", ()))
    rows = [[f"`{key}`" + (" (required)" if key in required else ""), describe(value),
             f"`{json.dumps(value['default'])}`" if "default" in value else "", value.get("description", "")]
            for key, value in properties.items()]
    shown = [i for i in range(4) if i < 2 or any(row[i] for row in rows)]  # no empty default or meaning column
    header = ["key", "type", "default", "meaning"]
    out += ["| " + " | ".join(header[i] for i in shown) + " |", "|" + "---|" * len(shown)]
    out += ["| " + " | ".join(_cell(row[i]) if i else row[i] for i in shown) + " |" for row in rows]
    if schema.get("additionalProperties", True) is False:
        out += ["", "Other keys are refused."]
    out.append("")
    return "\n".join(out)


def schema_markdown(path: str, level: int = 3) -> str:
    """Every object of the JSON Schema at `path` (from the repository's root): the document first, then
    each definition in the order they are first named."""
    file = ROOT / path
    if not file.is_file():
        raise ReferenceError(f"no schema {path}")
    schema = json.loads(file.read_text())
    definitions: dict[str, Any] = schema.get("$defs", {})
    order = list(dict.fromkeys(_references({k: v for k, v in schema.items() if k != "$defs"})))
    for name in order:  # definitions named by definitions, breadth first
        order += [n for n in dict.fromkeys(_references(definitions[name])) if n not in order]
    order += [n for n in definitions if n not in order]
    parts = [_object_markdown(schema.get("title", "The document"), schema, level, "def-document")]
    parts += [_object_markdown(name, definitions[name], level, _anchor(name)) for name in order]
    return "\n".join(parts)


def expand(markdown: str) -> str:
    """A page with its directives replaced by the references they ask for."""

    def reference(match: re.Match[str]) -> str:
        kind, words = match.group(1), shlex.split(match.group(2))
        if kind == "schema":
            return schema_markdown(words[0])
        named = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        return options_markdown(words[0], group=named.get("group"))

    return DIRECTIVE.sub(reference, markdown)


# -- MkDocs hooks ----------------------------------------------------------------------------------


def _repository_files(page_uri: str, markdown: str, docs: Path) -> dict[str, str]:
    """The links of a page into the repository outside docs/, to files that exist: target → repository path."""
    found = {}
    for _, target in LINK.findall(markdown):
        if "://" in target:
            continue
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), target))
        if path.startswith("../"):
            repo_path = (docs / path).resolve()
            if repo_path.is_file() and ROOT in repo_path.parents and docs not in repo_path.parents:
                found[target] = repo_path.relative_to(ROOT).as_posix()
    return found


def on_files(files: Any, config: Any) -> Any:
    """Add the repository files the pages link to (pictures, schemas) to the site, at their repository path."""
    from mkdocs.structure.files import File

    docs = Path(config["docs_dir"]).resolve()
    wanted: set[str] = set()
    for page in files.documentation_pages():
        wanted |= set(_repository_files(page.src_uri, Path(page.abs_src_path).read_text(), docs).values())
    for path in sorted(wanted):
        files.append(File(path, src_dir=str(ROOT), dest_dir=config["site_dir"],
                          use_directory_urls=config["use_directory_urls"]))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Fill in the page's references and point its links into the repository at the site's copies."""
    from mkdocs.exceptions import PluginError

    try:
        markdown = expand(markdown)
    except (ReferenceError, ValueError, KeyError) as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc
    docs = Path(config["docs_dir"]).resolve()
    links = _repository_files(page.file.src_uri, markdown, docs)
    here = posixpath.dirname(page.file.src_uri) or "."

    def relink(match: re.Match[str]) -> str:
        target = match.group(2)
        return match.group(1) + (posixpath.relpath(links[target], here) if target in links else target)

    return LINK.sub(relink, markdown)
