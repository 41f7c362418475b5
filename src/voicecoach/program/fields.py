"""Declared fields: each key of a mapping said once, with its type, limits, default and doc.

The way mkdocs declares its config options (``site_name = c.Type(str)``), a mapping of the
program format is a ``Keys`` subclass whose attributes are its keys::

    class CycleStepKeys(Keys):
        say = Text("What the coach says.", default=REQUIRED, limit=200)
        time = Duration("How long the step lasts.", default=REQUIRED, ...)

From that one declaration come: the keys a mapping accepts, in order (for "valid keys
are: ..."), which of them are required, the value each is read into or its default, and
the reference tables of docs/program-format.md (reference.py). Nothing here knows the
program format; schema.py declares it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from yaml.nodes import MappingNode, Node, ScalarNode

from voicecoach.program.model import Span
from voicecoach.program.nodes import MAX_TEXT, Nodes, describe, seconds_text
from voicecoach.program.quantities import (
    COUNT_PATTERN,
    DURATION_PATTERN,
    DURATION_RANGE_PATTERN,
    NONE_PATTERN,
    is_none_word,
    parse_count_span,
    parse_seconds,
)
from voicecoach.words import KEYS, PLURAL_CATEGORIES, Entry, entry_problem

MAX_WORDS = 500  # one catalogue entry of a program's own words, or one pronunciation


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of a key the file must give."""


class _KeyDefaults:
    def __repr__(self) -> str:
        return "KEY_DEFAULTS"


KEY_DEFAULTS: Any = _KeyDefaults()
"""The default of a ``Section``: what its own keys' defaults make."""


@dataclass(frozen=True)
class Derived:
    """A default computed from the mapping's other values, once they are read."""

    doc: str  # how the reference states it: "the first sentence of execution"
    compute: Callable[[Mapping[str, Any]], Any]


class Field:
    """One key: a one-line doc, a default (or REQUIRED), and the model attribute it fills."""

    def __init__(self, doc: str, *, default: Any, attr: str = "", shown_default: str = "") -> None:
        self.doc = doc
        self.default = default
        self.attr = attr  # the model's name for the value when it is not the key: "setup_ms"
        self.shown_default = shown_default  # the reference's wording, when not the value's
        self.key = ""  # set by Keys when the class is made

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def name(self) -> str:
        """The value's name in the model."""
        return self.attr or self.key

    def read(self, nodes: Nodes, node: Node, path: str) -> Any:
        """Check the key's value node and return its value."""
        raise NotImplementedError

    def value_text(self) -> str:
        """What the reference says the value is: "whole number, 1 to 20"."""
        raise NotImplementedError

    def default_text(self) -> str:
        """The default as the reference shows it; "" for a required key."""
        if self.shown_default:
            return self.shown_default
        if self.required:
            return ""
        if isinstance(self.default, Derived):
            return self.default.doc
        if self.default is None:
            return "none"
        return self.format(self.default)

    def format(self, value: Any) -> str:
        """A value the way a program file writes it."""
        return f"`{value}`"

    def json_schema(self) -> dict[str, Any]:
        """The key's JSON Schema: its kind's, with the doc and the default."""
        schema = {"description": self.doc, **self.value_schema()}
        default = self.json_default()
        if default is not None:
            schema["default"] = default
        return schema

    def value_schema(self) -> dict[str, Any]:
        """What values the kind accepts, as JSON Schema."""
        raise NotImplementedError

    def json_default(self) -> Any:
        """The default as a program file writes it, or None when it has none to show."""
        if (
            self.required
            or self.default is None
            or isinstance(self.default, (Derived, _KeyDefaults))
        ):
            return None
        return self.default


class Text(Field):
    def __init__(self, doc: str, *, limit: int = MAX_TEXT, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.limit = limit

    def read(self, nodes: Nodes, node: Node, path: str) -> str:
        return nodes.text(node, path, limit=self.limit)

    def value_text(self) -> str:
        return f"text, at most {self.limit:,} characters"

    def format(self, value: Any) -> str:
        return f"“{value}”" if value else "none"

    def value_schema(self) -> dict[str, Any]:
        # Numbers and dates read as text too ("target: 2"), so any scalar but a boolean.
        return {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": self.limit},
                {"type": "number"},
            ]
        }

    def json_default(self) -> Any:
        return super().json_default() or None


class Integer(Field):
    def __init__(self, doc: str, *, low: int, high: int, what: str, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.low, self.high, self.what = low, high, what

    def read(self, nodes: Nodes, node: Node, path: str) -> int:
        return nodes.integer(node, path, self.low, self.high, self.what)

    def value_text(self) -> str:
        return f"whole number, {self.low} to {self.high}"

    def value_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


class Choice(Field):
    def __init__(self, doc: str, *, choices: Sequence[str], **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.choices = tuple(choices)

    def read(self, nodes: Nodes, node: Node, path: str) -> str:
        return nodes.choice(node, path, self.choices)

    def value_text(self) -> str:
        return " \\| ".join(f"`{choice}`" for choice in self.choices)

    def value_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


class TextList(Field):
    """One text or a list of them (``music: songs/`` or ``music: [a.mp3, b.flac]``)."""

    def __init__(self, doc: str, *, limit: int, what: str, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.limit, self.what = limit, what

    def read(self, nodes: Nodes, node: Node, path: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode):
            return (nodes.text(node, path),)
        items = nodes.sequence(node, path, self.what, self.limit)
        return tuple(nodes.text(item, f"{path}[{i}]") for i, item in enumerate(items))

    def value_text(self) -> str:
        return f"text, or a list of 1 to {self.limit} {self.what}"

    def format(self, value: Any) -> str:
        return ", ".join(f"“{v}”" for v in value) if value else "none"

    def value_schema(self) -> dict[str, Any]:
        text = {"type": "string", "minLength": 1}
        return {
            "anyOf": [text, {"type": "array", "items": text, "minItems": 1, "maxItems": self.limit}]
        }

    def json_default(self) -> Any:
        return list(self.default) or None


class Boolean(Field):
    def read(self, nodes: Nodes, node: Node, path: str) -> bool:
        return nodes.boolean(node, path)

    def value_text(self) -> str:
        return "`true` \\| `false`"

    def format(self, value: Any) -> str:
        return "`true`" if value else "`false`"

    def value_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Count(Field):
    """A count or a range of counts (``12``, ``8-12``), each end from 1 to ``limit``."""

    def __init__(self, doc: str, *, limit: int, what: str, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.limit, self.what = limit, what

    def read(self, nodes: Nodes, node: Node, path: str) -> Span:
        span = nodes.parsed(node, path, parse_count_span)
        if span.low < 1 or span.high > self.limit:
            nodes.fail(node, path, f"expected 1 to {self.limit} {self.what}, got {describe(node)}")
        return span

    def value_text(self) -> str:
        return f"count or range, 1 to {self.limit}"

    def value_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": self.limit},
                {"type": "string", "pattern": COUNT_PATTERN},
            ]
        }


class Duration(Field):
    """A duration (``10s``), or with ``ranged`` a range (``60-90s``), or with ``none_ok``
    also ``none`` (read as None)."""

    def __init__(
        self,
        doc: str,
        *,
        low_ms: int,
        high_ms: int,
        ranged: bool = False,
        none_ok: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(doc, **kwargs)
        self.low_ms, self.high_ms = low_ms, high_ms
        self.ranged, self.none_ok = ranged, none_ok

    def read(self, nodes: Nodes, node: Node, path: str) -> Span | int | None:
        if self.none_ok and is_none_word(nodes.scalar(node, path, "a duration")):
            return None
        if self.ranged:
            return nodes.duration(node, path, self.low_ms, self.high_ms)
        return nodes.single_duration(node, path, self.low_ms, self.high_ms)

    def value_text(self) -> str:
        what = "duration or range" if self.ranged else "duration"
        text = f"{what}, {seconds_text(self.low_ms)} to {seconds_text(self.high_ms)}"
        return text + (", or `none`" if self.none_ok else "")

    def value_schema(self) -> dict[str, Any]:
        options: list[dict[str, Any]] = [
            {
                "type": "string",
                "pattern": DURATION_RANGE_PATTERN if self.ranged else DURATION_PATTERN,
            }
        ]
        if self.none_ok:
            options.append({"type": "string", "pattern": NONE_PATTERN})
            options.append({"type": "null"})
            options.append({"const": 0})
        return {"anyOf": options} if len(options) > 1 else options[0]

    def json_default(self) -> Any:
        value = super().json_default()
        return seconds_text(value).replace(" ", "") if isinstance(value, int) and value else None

    def format(self, value: Any) -> str:
        return f"`{seconds_text(value)}`"


class Seconds(Field):
    """A plain number of seconds (``5``, ``0``, ``1.5``), read as milliseconds."""

    def __init__(self, doc: str, *, high_ms: int, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.high_ms = high_ms

    def read(self, nodes: Nodes, node: Node, path: str) -> int:
        ms = nodes.parsed(node, path, parse_seconds)
        if ms > self.high_ms:
            nodes.fail(
                node, path, f"expected 0 to {self.high_ms / 1000:g} seconds, got {ms / 1000:g}"
            )
        return ms

    def value_text(self) -> str:
        return f"seconds, 0 to {self.high_ms / 1000:g}"

    def value_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": 0, "maximum": self.high_ms / 1000}

    def json_default(self) -> Any:
        return self.default / 1000

    def format(self, value: Any) -> str:
        return f"`{value / 1000:g}`"


class Wording(Field):
    """A mapping of catalogue keys (voicecoach.words) to a program's own words for them:
    a text, or for a counted key plural forms (``{one: ..., other: ...}``). Each is checked
    against the key: its placeholders, its plural forms (a beat's fit is the program's
    check, which knows the rate)."""

    def read(self, nodes: Nodes, node: Node, path: str) -> tuple[tuple[str, Entry], ...]:
        found = nodes.mapping(node, path, tuple(KEYS))
        entries: list[tuple[str, Entry]] = []
        for key, value in found.items():
            where = f"{path}.{key}"
            entry: Entry
            if isinstance(value, MappingNode):
                forms = nodes.mapping(value, where, PLURAL_CATEGORIES)
                entry = tuple(
                    (category, nodes.text(text, f"{where}.{category}", limit=MAX_WORDS))
                    for category, text in forms.items()
                )
            else:
                entry = nodes.text(value, where, limit=MAX_WORDS)
            problem = entry_problem(key, entry)
            if problem:
                nodes.fail(value, where, problem)
            entries.append((key, entry))
        return tuple(entries)

    def value_text(self) -> str:
        return "mapping: a catalogue key to its words ([the words](#the-words))"

    def format(self, value: Any) -> str:
        return "none" if not value else ", ".join(key for key, _ in value)

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                key: {"description": spec.doc, "$ref": f"#/$defs/{self.ENTRY}"}
                for key, spec in KEYS.items()
            },
            "additionalProperties": False,
        }

    ENTRY = "words_entry"  # the definition each key refers to (json_schema.py adds it)

    @staticmethod
    def entry_schema() -> dict[str, Any]:
        """One entry: a text, or plural forms with 'other' among them."""
        text = {"type": "string", "minLength": 1, "maxLength": MAX_WORDS}
        forms = {
            "type": "object",
            "properties": {category: text for category in PLURAL_CATEGORIES},
            "required": ["other"],
            "additionalProperties": False,
        }
        return {"anyOf": [text, forms]}

    def json_default(self) -> Any:
        return None


class Glossary(Field):
    """A mapping of words to how a speech engine should say them (``RDL: "R D L"``)."""

    def __init__(self, doc: str, *, limit: int, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.limit = limit

    def read(self, nodes: Nodes, node: Node, path: str) -> tuple[tuple[str, str], ...]:
        if not isinstance(node, MappingNode):
            nodes.fail(node, path, f"expected a mapping of words to how to say them, got "
                       f"{describe(node)}")  # fmt: skip
        if len(node.value) > self.limit:
            nodes.fail(node, path, f"at most {self.limit} words, got {len(node.value)}")
        pairs: dict[str, str] = {}
        for key_node, value_node in node.value:
            word = nodes.text(key_node, path, limit=MAX_WORDS)
            where = f"{path}[{word!r}]"
            if word in pairs:
                nodes.fail(key_node, where, "given twice")
            pairs[word] = nodes.text(value_node, where, limit=MAX_WORDS)
        return tuple(pairs.items())

    def value_text(self) -> str:
        return f"mapping of up to {self.limit} words to the words an engine says for them"

    def format(self, value: Any) -> str:
        return "none" if not value else ", ".join(word for word, _ in value)

    def value_schema(self) -> dict[str, Any]:
        text = {"type": "string", "minLength": 1, "maxLength": MAX_WORDS}
        return {"type": "object", "additionalProperties": text, "maxProperties": self.limit}

    def json_default(self) -> Any:
        return None


class Section(Field):
    """A key whose value is a mapping of its own, declared by another ``Keys``."""

    def __init__(self, doc: str, *, keys: Keys, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.keys = keys

    def read(self, nodes: Nodes, node: Node, path: str) -> Any:
        return self.keys.read(nodes, node, path)

    def value_text(self) -> str:
        return f"mapping: [{self.keys.heading}](#{self.keys.anchor})"

    def format(self, value: Any) -> str:
        return "its keys' defaults"

    def value_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.keys.definition}"}


class Items(Field):
    """A key whose value is a non-empty list of mappings declared by another ``Keys``."""

    def __init__(self, doc: str, *, keys: Keys, what: str, limit: int, **kwargs: Any) -> None:
        super().__init__(doc, **kwargs)
        self.keys, self.what, self.limit = keys, what, limit

    def item_nodes(self, nodes: Nodes, node: Node, path: str) -> list[tuple[Node, str]]:
        """Each item's node with its key path (``phases[2]``)."""
        items = nodes.sequence(node, path, self.what, self.limit)
        return [(item, f"{path}[{index}]") for index, item in enumerate(items)]

    def read(self, nodes: Nodes, node: Node, path: str) -> tuple[Any, ...]:
        return tuple(
            self.keys.read(nodes, item, where) for item, where in self.item_nodes(nodes, node, path)
        )

    def value_text(self) -> str:
        return f"list of 1 to {self.limit} [{self.what}](#{self.keys.anchor})"

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "minItems": 1,
            "maxItems": self.limit,
            "items": {"$ref": f"#/$defs/{self.keys.definition}"},
        }

    def json_default(self) -> Any:
        return None


class Keys:
    """One mapping of the format. Subclasses declare its keys as ``Field`` attributes, in
    the order messages and the reference list them, and may override ``assemble``."""

    heading: ClassVar[str] = ""  # the reference names the mapping so: "exercise"
    builds: ClassVar[Callable[..., Any] | None] = None  # made from the values; None: a dict
    fields: ClassVar[dict[str, Field]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.fields = {}
        for key, value in vars(cls).items():
            if isinstance(value, Field):
                if hasattr(Keys, key):
                    raise TypeError(f"{cls.__name__}.{key} would hide Keys.{key}")
                value.key = key
                cls.fields[key] = value

    @property
    def anchor(self) -> str:
        """The link target of the mapping's reference table, "### exercise keys"."""
        return f"{self.heading} keys".lower().replace(" ", "-").replace(".", "")

    @property
    def definition(self) -> str:
        """The mapping's name under the JSON Schema's ``$defs``: "exercise", "progression.build"."""
        return self.heading.replace(" ", "_")

    def json_schema(self) -> dict[str, Any]:
        """The mapping as a JSON Schema object: its keys, the required ones, no others."""
        schema: dict[str, Any] = {
            "type": "object",
            "description": " ".join((self.__doc__ or "").split()),
            "properties": {key: declared.json_schema() for key, declared in self.fields.items()},
            "additionalProperties": False,
        }
        if self.required_keys:
            schema["required"] = [key for key in self.fields if key in self.required_keys]
        return schema

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.fields)

    @property
    def required_keys(self) -> frozenset[str]:
        return frozenset(key for key, declared in self.fields.items() if declared.required)

    def found(self, nodes: Nodes, node: Node, path: str) -> dict[str, Node]:
        """The mapping's value nodes by key, after the checks every mapping gets."""
        return nodes.mapping(node, path, self.names, self.required_keys)

    def values(
        self,
        nodes: Nodes,
        found: Mapping[str, Node],
        path: str,
        *,
        given: Mapping[str, Any] | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Every declared value by model name, read in declaration order or defaulted.

        ``given``: values the caller has read already (by key). ``defaults``: defaults
        that replace the declared ones (by key), e.g. an exercise's tempo starts from the
        program's.
        """
        given = given or {}
        defaults = defaults or {}
        values: dict[str, Any] = {}
        derived: list[Field] = []
        for key, declared in self.fields.items():
            if key in given:
                values[declared.name] = given[key]
            elif key in found:
                values[declared.name] = declared.read(nodes, found[key], _child(path, key))
            elif key in defaults:
                values[declared.name] = defaults[key]
            elif isinstance(declared.default, Derived):
                derived.append(declared)
            else:
                values[declared.name] = self.default_of(declared)
        for declared in derived:
            values[declared.name] = declared.default.compute(values)
        return values

    def default_of(self, declared: Field) -> Any:
        """An absent key's value: its default; a section's default is its keys' defaults."""
        if isinstance(declared, Section) and declared.default is KEY_DEFAULTS:
            return declared.keys.make(declared.keys.values_of_defaults())
        return declared.default

    def values_of_defaults(self) -> dict[str, Any]:
        return self.values(Nodes("<defaults>"), {}, "")

    def make(self, values: dict[str, Any]) -> Any:
        return self.builds(**values) if self.builds is not None else values

    def assemble(self, nodes: Nodes, found: dict[str, Node], node: Node, path: str) -> Any:
        """The mapping's value from its key nodes; override for rules across keys."""
        return self.make(self.values(nodes, found, path))

    def read(self, nodes: Nodes, node: Node, path: str) -> Any:
        return self.assemble(nodes, self.found(nodes, node, path), node, path)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
