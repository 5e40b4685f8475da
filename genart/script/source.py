"""Reading a YAML script safely, keeping where every value came from.

The text is composed into PyYAML's node tree (nothing is constructed by tag), then turned
into plain data by hand: mappings, sequences and the core scalars only. Any other tag
(`!!python/object`, `!!binary`, `!local`, ...) is refused, as are duplicate keys. Each
value's position is kept by its path (`("scenes", "tris", "shape")`), so an error found
later by validation can name its file, line and column. `--set` overrides are applied to
the data and remembered as their own locations.

The script file is opened without blocking and judged by what was opened (a regular file
of at most MAX_SCRIPT_BYTES) before a byte is read, so a FIFO, a device or a huge file is
refused at once; an alias that contains itself, or data nested deeper than MAX_DEPTH, is
refused as one line too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from genart.script.errors import ScriptError

CORE = "tag:yaml.org,2002:"
SCALARS = {CORE + t for t in ("null", "bool", "int", "float", "str")}
MAX_NODES = 100_000  # aliases can repeat a subtree: bounded so an alias bomb stays small
MAX_DEPTH = 64  # mappings and lists inside each other (a script needs about 6)
MAX_SCRIPT_BYTES = 1 << 20  # a larger script file is refused before it is read
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Where:
    """Where a value was given: a file position (1-based) or a --set option."""

    file: str
    line: int = 0
    column: int = 0
    option: str = ""

    def __str__(self) -> str:
        return f"--set {self.option}" if self.option else f"{self.file}:{self.line}:{self.column}"


@dataclass
class Source:
    """A script's data and the position of every value and key in it."""

    name: str
    data: Any
    values: dict[Path_, Where] = field(default_factory=dict)  # where each value starts
    keys: dict[Path_, Where] = field(default_factory=dict)  # where each mapping key is written

    def where(self, path: Path_, key: bool = False) -> Where:
        """The position of `path` (its key, with `key`), else of its nearest ancestor."""
        table = self.keys if key else self.values
        for n in range(len(path), -1, -1):
            if path[:n] in table:
                return table[path[:n]]
            if path[:n] in self.values:
                return self.values[path[:n]]
        return Where(self.name, 1, 1)

    def error(self, path: Path_, message: str, key: bool = False) -> ScriptError:
        """A ScriptError located at `path`: `file:line:col: dotted.path: message`."""
        shown = dotted(path)
        return ScriptError(f"{self.where(path, key)}: {shown + ': ' if shown else ''}{message}")


def dotted(path: Path_) -> str:
    """`scenes.tris.shape`, `movie.shots[2].duration`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _mark(name: str, node: Node) -> Where:
    return Where(name, node.start_mark.line + 1, node.start_mark.column + 1)


def read(path: Path, shown: str) -> Source:
    """The script at `path` (named `shown` in messages) as data with positions; a file that is not a
    regular file of at most MAX_SCRIPT_BYTES, or bad YAML, raises ScriptError."""
    return parse(read_text(path, shown), shown)


def read_text(path: Path, shown: str) -> str:
    """The text of the script file at `path`: opened without blocking (a FIFO does not wait for a
    writer), checked by what was opened, then read; anything else raises ScriptError, one line."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ScriptError(f"{shown}: no such file") from None
    except OSError as exc:
        raise ScriptError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ScriptError(f"{shown}: is a directory, not a script")
        if not stat.S_ISREG(st.st_mode):
            raise ScriptError(f"{shown}: not a regular file (a FIFO, socket or device is not read)")
        if st.st_size > MAX_SCRIPT_BYTES:
            raise ScriptError(f"{shown}: {st.st_size} bytes; a script is at most {MAX_SCRIPT_BYTES >> 20} MiB")
        data = os.read(fd, MAX_SCRIPT_BYTES + 1)
    except OSError as exc:
        raise ScriptError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_SCRIPT_BYTES:
        raise ScriptError(f"{shown}: grew past {MAX_SCRIPT_BYTES >> 20} MiB while it was read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


YAML_WORDS = (  # PyYAML's words for the common mistakes, said as a person would (the rest keep PyYAML's)
    ("mapping values are not allowed here", "a ':' where a value was expected: quote a value that holds ': ', "
                                            "or check the indentation"),
    ("expected <block end>, but found", "this line's indentation does not line up with the lines above it"),
    ("could not find expected ':'", "a key without its ':' (or a line that should be part of the one above)"),
    ("found character '\\t' that cannot start any token", "a tab: indent YAML with spaces"),
    ("found character '\t' that cannot start any token", "a tab: indent YAML with spaces"),
    ("found undefined alias", "an alias (*name) used before its anchor (&name) is set"),
    ("found unexpected end of stream", "a quote or bracket that is never closed"),
    ("found unknown escape character", "an unknown backslash escape inside double quotes (use single quotes)"),
    ("expected ',' or ']'", "a list in [brackets] that is not closed, or items without commas"),
    ("expected ',' or '}'", "a mapping in {braces} that is not closed, or entries without commas"),
)


def plain_yaml_error(problem: str) -> str:
    """A YAML syntax problem in plain words where it is a common one, else PyYAML's own.

    Examples
    --------
    >>> plain_yaml_error("mapping values are not allowed here")
    "YAML syntax: a ':' where a value was expected: quote a value that holds ': ', or check the indentation"
    """
    said = next((plain for words, plain in YAML_WORDS if problem.startswith(words)), problem)
    return f"YAML syntax: {said}"


def parse(text: str, name: str) -> Source:
    """Data with positions from YAML `text`; syntax errors, tags and duplicate keys raise ScriptError."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise ScriptError(f"{where}: {plain_yaml_error(' '.join(str(exc.problem or exc.context).split()))}") from None
    except yaml.YAMLError as exc:  # PyYAML's reader errors add the position on a line of their own
        raise ScriptError(f"{name}: YAML syntax: {str(exc).splitlines()[0]}") from None
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        raise ScriptError(f"{name}: the script nests too deeply (at most {MAX_DEPTH} levels)") from None
    source = Source(name, {})
    if root is None:
        return source
    budget = iter(range(MAX_NODES))
    source.data = _build(root, (), source, budget, ())
    return source


def _build(node: Node, path: Path_, source: Source, budget: Iterator[int], within: tuple[int, ...]) -> Any:
    """Plain data from `node` at `path`; `within` holds the ids of the nodes it is inside (an alias to
    one of them would hold itself)."""
    if id(node) in within:
        raise ScriptError(f"{_mark(source.name, node)}: {dotted(path) + ': ' if path else ''}"
                          "an alias refers to a value that holds it (a recursive alias)")
    if len(within) > MAX_DEPTH:
        raise ScriptError(f"{_mark(source.name, node)}: the script nests too deeply (at most {MAX_DEPTH} levels)")
    if next(budget, None) is None:
        raise source.error(path, f"the script is too large (more than {MAX_NODES} values, counting aliases)")
    within = (*within, id(node))
    source.values[path] = _mark(source.name, node)
    if isinstance(node, MappingNode):
        if node.tag != CORE + "map":
            raise _tag_error(node, source)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in SCALARS:
                raise ScriptError(f"{_mark(source.name, key_node)}: {dotted(path) + ': ' if path else ''}"
                                  "keys must be plain words")
            key = str(key_node.value)
            inner = (*path, key)
            if key in out:
                raise ScriptError(f"{_mark(source.name, key_node)}: {dotted(inner)}: given twice")
            source.keys[inner] = _mark(source.name, key_node)
            out[key] = _build(value_node, inner, source, budget, within)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != CORE + "seq":
            raise _tag_error(node, source)
        return [_build(item, (*path, i), source, budget, within) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if node.tag == CORE + "timestamp":  # a date-like word is just text here
        return str(node.value)
    if node.tag not in SCALARS:
        raise _tag_error(node, source)
    return SafeConstructor().construct_object(node)


def _tag_error(node: Node, source: Source) -> ScriptError:
    tag = node.tag.replace(CORE, "!!")
    return ScriptError(f"{_mark(source.name, node)}: YAML tag {tag} is not allowed (scripts hold plain values only)")


def apply_set(source: Source, option: str) -> None:
    """Apply one `--set dotted.path=value` (the value read as YAML; list items by number) to the data."""
    dotted_path, eq, text = option.partition("=")
    if not eq or not dotted_path:
        raise ScriptError(f"--set {option}: give PATH=VALUE, e.g. scenes.tris.shapes=800")
    try:
        value = parse(text, f"--set {option}").data if text.strip() else None
    except ScriptError as exc:
        raise ScriptError(f"--set {option}: {str(exc).partition(': ')[2]}") from None
    if not isinstance(source.data, dict):
        source.data = {}
    words = dotted_path.split(".")
    holder: Any = source.data
    path: Path_ = ()
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if isinstance(holder, list):
            if not word.isdigit() or int(word) > len(holder) - (not last):
                raise ScriptError(f"--set {option}: {dotted(path)} is a list: give an item's number "
                                  f"(0 to {len(holder) - 1})")
            part: str | int = int(word)
        elif isinstance(holder, dict):
            part = word
        else:
            raise ScriptError(f"--set {option}: {dotted(path)} holds a single value, not settings")
        path = (*path, part)
        if last:
            if isinstance(holder, list) and part == len(holder):
                holder.append(value)
            else:
                holder[part] = value
        elif isinstance(holder, dict) and not isinstance(holder.get(word), (dict, list)):
            holder[word] = {}
        if not last:
            holder = holder[part]
    for known in [k for k in source.values if k[:len(path)] == path]:
        del source.values[known]
    source.values[path] = source.keys[path] = Where(source.name, option=option)
