"""The documentation site's generated parts cover what they document.

The site itself is built by CI (`.ci/run`: `mkdocs build --strict`, where a broken link, a page
missing from the navigation or an API name mkdocstrings cannot find fails the build); these
tests check, without building it, that the generators in `tools/docs_reference.py` leave
nothing out: every option of every command, every key of both published schemas, every name
of `genart.__all__` on the API page, and a README that stays a README.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import genart
from genart.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _load_reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_reference", ROOT / "tools" / "docs_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_reference"] = module
    spec.loader.exec_module(module)
    return module


reference = _load_reference()


def _parsers(command: str) -> list[argparse.ArgumentParser]:
    """The parser of `genart COMMAND` and of each of its verbs, walked here apart from the generator."""
    top = build_parser(command)
    found: list[argparse.ArgumentParser] = []

    def walk(parser: argparse.ArgumentParser, name: str | None) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for verb, sub in action.choices.items():
                    if name is None and verb != command:
                        continue
                    found.append(sub)
                    walk(sub, verb)

    walk(top, None)
    return found


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| `")]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_command_reference_has_a_row_for_every_option(command: str) -> None:
    text = reference.options_markdown(command)
    rows = _table_rows(text)
    actions = [a for parser in _parsers(command) for a in parser._actions
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]
    assert actions, f"genart {command} has no options?"
    assert len(rows) == len(actions), f"genart {command}: {len(actions)} options and arguments, {len(rows)} rows"
    for action in actions:
        names = action.option_strings or [action.metavar if isinstance(action.metavar, str) else action.dest]
        for name in names:
            assert any(re.search(rf"`{re.escape(name)}[ `]", row) for row in rows), f"genart {command}: {name} left out"
        if action.help:
            first_words = " ".join(action.help.split()[:3])
            if "%(" not in first_words:
                assert any(reference._cell(first_words) in row for row in rows), f"{names[0]}: its help left out"


def test_verbs_get_a_part_each_with_their_own_options() -> None:
    text = reference.options_markdown("mosaic")
    index, build = text.index("`genart mosaic index`"), text.index("`genart mosaic build`")
    assert "`--sizes SIZES`" not in text  # metavars as the parser has them
    assert "`--sizes PX,PX,...`" in text[index:build] and "`--match MATCH`" in text[build:]
    assert "`--jobs JOBS`" in text[index:build] and "`--jobs JOBS`" not in text[build:]


def test_a_group_can_be_shown_alone() -> None:
    text = reference.options_markdown("render", group="posters")
    assert "`--paper PAPER`" in text and "`--outline WIDTH[:COLOUR]`" in text
    assert "`--background" not in text and "usage:" not in text
    with pytest.raises(reference.ReferenceError, match="no option group"):
        reference.options_markdown("render", group="nothing like it")
    with pytest.raises(reference.ReferenceError, match="no command"):
        reference.options_markdown("evolv")


def test_every_command_has_a_page_with_its_whole_reference() -> None:
    asked = {m.group(2).split()[0] for page in (DOCS / "commands").glob("*.md")
             for m in reference.DIRECTIVE.finditer(page.read_text()) if m.group(1) == "options"
             and "group=" not in m.group(2)}
    assert asked == set(COMMANDS)


def test_directives_are_replaced_and_unknown_ones_fail() -> None:
    page = "# x\n\n<!-- genart:options info -->\n\n<!-- genart:schema genart/script/schema.json -->\n"
    text = reference.expand(page)
    assert "genart:" not in text and "`-q`, `--quiet`, `--no-progress`" in text and "{#def-movie}" in text
    with pytest.raises(reference.ReferenceError, match="no schema"):
        reference.expand("<!-- genart:schema genart/nothing.json -->")


@pytest.mark.parametrize("path", ["genart/script/schema.json", "genart/render/scene.schema.json"])
def test_the_schema_reference_has_every_definition_and_key(path: str) -> None:
    schema = json.loads((ROOT / path).read_text())
    text = reference.schema_markdown(path)
    sections = dict(re.findall(r"^### .+? \{#([a-z0-9-]+)\}\n(.*?)(?=^### |\Z)", text, flags=re.M | re.S))
    objects = {"def-document": schema, **{f"def-{name.lower()}": d for name, d in schema["$defs"].items()}}
    assert set(sections) == set(objects)
    for anchor, body in sections.items():
        for key, value in objects[anchor].get("properties", {}).items():
            row = next((r for r in _table_rows(body) if r.startswith(f"| `{key}`")), None)
            assert row is not None, f"{path}: {anchor} leaves out {key}"
            if value.get("description"):
                assert reference._cell(" ".join(value["description"].split())) in row
    for target in re.findall(r"\]\(#([a-z0-9-]+)\)", text):
        assert target in sections, f"{path}: a link to #{target}, which is not there"


def test_the_schema_types_say_ranges_and_choices() -> None:
    describe = reference.describe
    assert describe({"type": "number", "exclusiveMinimum": 0, "maximum": 60.0}) == "number, 0 < x ≤ 60"
    assert describe({"type": "integer", "minimum": 0, "maximum": 9223372036854775807}) == \
        "integer, 0 ≤ x ≤ 9223372036854775807"
    assert describe({"enum": ["rgb", "lab"]}) == 'one of `"rgb"`, `"lab"`'
    assert describe({"anyOf": [{"$ref": "#/$defs/Movie"}, {"type": "null"}]}) == "[Movie](#def-movie) or null"
    assert describe({"type": "array", "prefixItems": [{"type": "number"}] * 3}) == "array of 3 × (number)"


def test_the_api_page_documents_every_public_name() -> None:
    documented = re.findall(r"^::: genart\.(\S+)$", (DOCS / "api.md").read_text(), flags=re.M)
    assert sorted(documented) == sorted(genart.__all__)
    assert len(documented) == len(set(documented))


def test_the_readme_is_short_and_its_links_lead_somewhere() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    assert any(t.startswith("docs/") for t in targets)
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"


def test_the_pages_link_only_to_files_that_exist() -> None:
    """What `mkdocs build --strict` checks of the site, checked on the sources too (GitHub shows them)."""
    missing = []
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target and not (page.parent / target).exists():
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert not missing, missing


def test_defaults_are_shown_as_the_parser_has_them() -> None:
    """Options generated from a settings model say their model's default in their help (the parser leaves
    them unset, so each method keeps its own); the others have it in the default column."""
    rows = _table_rows(reference.options_markdown("gng"))
    row = {r.split(" | ")[0].strip("| "): r.split(" | ", 2)[1:] for r in rows}
    assert row["`--seed SEED`"][1].endswith("(default 0) |") and row["`--sigma SIGMA`"][1].endswith("(default 0.6) |")
    assert row["`--node-radius NODE_RADIUS`"][1].rstrip(" |").endswith("(default 0)")  # falsy, still a default
    assert "default" not in row["`--invert`"][1] and row["`--invert`"][0] == ""  # a flag has none
    assert "(default" not in row["`--offset OFFSET`"][1].replace("(default otsu", "")  # none set: the help says
    assert row["`--width WIDTH`"][0] == ""
