"""Generic checks on YAML nodes: is this a mapping, a list, a whole number in range ...

Each check returns a plain Python value or raises ProgramError located as
``file:line:column: key.path: expected ..., got ...``. Nothing here knows what a program
is: fields.py builds declared fields on these checks, schema.py declares the format.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Sequence
from typing import Any, NoReturn, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from voicecoach.errors import ProgramError
from voicecoach.program.model import Span
from voicecoach.program.quantities import QuantityError, parse_duration_span

T = TypeVar("T")

# The longest free text a file may hold in one value (docs/program-format.md#limits).
MAX_TEXT = 2_000


def describe(node: Node) -> str:
    """What a node holds, as the "got ..." half of a message."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = _construct(node)
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def seconds_text(ms: int) -> str:
    """A duration the way a program file writes it: ``5s``, ``1.5s``, ``2 min``."""
    if ms % 60_000 == 0 and ms >= 60_000:
        return f"{ms // 60_000} min"
    return f"{ms / 1000:g}s"


def key_path(path: str, key: str) -> str:
    """``phases[0]`` + ``name`` -> ``phases[0].name``; odd keys are shown quoted."""
    shown = key if key.isidentifier() else f"[{key!r}]"
    if not path:
        return shown
    return f"{path}.{shown}" if shown[0] != "[" else f"{path}{shown}"


def _construct(node: Node) -> Any:
    # A fresh constructor per scalar: it remembers what it built, and scalars are few.
    return yaml.constructor.SafeConstructor().construct_object(node)


class Nodes:
    """The checks, carrying the file name that every message starts with."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, node: Node, path: str, message: str) -> NoReturn:
        raise ProgramError(
            self.file,
            message,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            path=path or None,
        )

    def mapping(
        self, node: Node, path: str, keys: Sequence[str], required: Collection[str] = ()
    ) -> dict[str, Node]:
        """The mapping's value nodes by key; unknown, duplicate or missing keys are refused."""
        if not isinstance(node, MappingNode):
            self.fail(node, path, f"expected a mapping of {', '.join(keys)}, got {describe(node)}")
        found: dict[str, Node] = {}
        key_nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, path, f"expected a key name, got {describe(key_node)}")
            key = str(key_node.value)
            where = key_path(path, key)
            if key in found:
                first = key_nodes[key].start_mark.line + 1
                self.fail(key_node, where, f"duplicate key (first given on line {first})")
            if key not in keys:
                close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.fail(
                    key_node, where, f"unknown key {key!r}; {hint}valid keys are: {', '.join(keys)}"
                )
            found[key] = value_node
            key_nodes[key] = key_node
        missing = [key for key in keys if key in required and key not in found]
        if missing:
            self.fail(node, path, f"missing required key {missing[0]!r}")
        return found

    def sequence(self, node: Node, path: str, what: str, limit: int) -> list[Node]:
        """A non-empty list of at most ``limit`` items; ``what`` is their plural name."""
        if not isinstance(node, SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {describe(node)}")
        if not node.value:
            self.fail(node, path, f"expected at least one {what.rstrip('s')}, got an empty list")
        if len(node.value) > limit:
            self.fail(node, path, f"at most {limit} {what} are allowed, got {len(node.value)}")
        return list(node.value)

    def scalar(self, node: Node, path: str, expected: str) -> Any:
        """The node's plain value (text, number, boolean or None)."""
        if not isinstance(node, ScalarNode):
            self.fail(node, path, f"expected {expected}, got {describe(node)}")
        try:
            return _construct(node)
        except yaml.YAMLError:
            self.fail(node, path, f"expected {expected}, got {node.value!r}")

    def text(self, node: Node, path: str, *, limit: int = MAX_TEXT) -> str:
        """One line of plain text, whitespace runs folded to one space."""
        value = self.scalar(node, path, "text")
        if value is None or isinstance(value, bool):
            self.fail(node, path, f"expected text, got {describe(node)}")
        text = " ".join(str(value).split())
        if not text:
            self.fail(node, path, "expected text, got an empty string")
        if len(text) > limit:
            self.fail(node, path, f"expected at most {limit} characters, got {len(text)}")
        if any(ord(ch) < 32 for ch in text):
            self.fail(node, path, "expected plain text, got control characters")
        return text

    def integer(self, node: Node, path: str, low: int, high: int, what: str) -> int:
        value = self.scalar(node, path, f"a whole number of {what}")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node, path, f"expected a whole number of {what}, got {describe(node)}")
        if not low <= value <= high:
            self.fail(node, path, f"expected {low} to {high} {what}, got {value}")
        return value

    def choice(self, node: Node, path: str, choices: Sequence[str]) -> str:
        value = self.scalar(node, path, f"one of {', '.join(choices)}")
        if value not in choices:
            self.fail(node, path, f"expected one of {', '.join(choices)}, got {describe(node)}")
        return str(value)

    def boolean(self, node: Node, path: str) -> bool:
        value = self.scalar(node, path, "true or false")
        if not isinstance(value, bool):
            self.fail(node, path, f"expected true or false, got {describe(node)}")
        return value

    def parsed(self, node: Node, path: str, parse: Callable[[Any], T]) -> T:
        """A scalar given to one of quantities.py's parsers; its complaint becomes the message."""
        value = self.scalar(node, path, "a value")
        try:
            return parse(value)
        except QuantityError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            self.fail(node, path, f"{exc.expected}, got {describe(node)}{hint}")
        except ValueError as exc:
            self.fail(node, path, f"{exc}, got {describe(node)}")

    def duration(self, node: Node, path: str, low_ms: int, high_ms: int) -> Span:
        """A duration or a range of durations, each end within ``low_ms..high_ms``."""
        span = self.parsed(node, path, parse_duration_span)
        if span.low < low_ms or span.high > high_ms:
            self.fail(
                node,
                path,
                f"expected {seconds_text(low_ms)} to {seconds_text(high_ms)}, got {describe(node)}",
            )
        return span

    def single_duration(self, node: Node, path: str, low_ms: int, high_ms: int) -> int:
        """One duration (not a range), in milliseconds."""
        span = self.duration(node, path, low_ms, high_ms)
        if not span.fixed:
            self.fail(node, path, f"expected one duration like 10s, got {describe(node)}")
        return span.low
