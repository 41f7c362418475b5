"""Read a program file into YAML nodes that keep their line/column marks.

Only the safe YAML subset is accepted: no Python tags, no custom tags, and a bound on how
many nodes aliases may expand to, so a hostile file is refused quickly. Nothing here knows
what a program is; schema.py gives the nodes their meaning.
"""

from __future__ import annotations

import os

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from voicecoach.errors import ProgramError

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000
# A program nests about 8 deep (phases, exercises, cycle, step); far deeper is a broken or
# hostile file, refused where it gets too deep whether or not the parser's recursion held.
MAX_DEPTH = 64

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def read_text(path: str) -> str:
    """Read a program file as UTF-8 text, refusing what is not a text file."""
    if os.path.isdir(path):
        raise ProgramError(path, "is a directory, expected a program file (.yaml)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ProgramError(path, "no such file") from None
    except PermissionError:
        raise ProgramError(path, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise ProgramError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ProgramError(
            path, f"is larger than {MAX_FILE_BYTES:,} bytes; a program file is a short text"
        )
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        raise ProgramError(
            path, "contains binary data (a NUL byte); expected YAML text", line=line, column=column
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise ProgramError(
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            line=line,
            column=column,
        ) from None
    return text.lstrip("\ufeff")


def compose_yaml(text: str, path: str) -> Node:
    """Parse YAML text into one node tree; report syntax errors with their position."""
    if not text.strip():
        raise ProgramError(
            path, "is empty; expected a program (a mapping with 'title' and 'phases')"
        )
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in (exc.problem or ""):  # libyaml's own limit (1000 levels)
            raise _too_deep(path, mark) from None
        problem = exc.problem or "invalid YAML"
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            problem = "a tab character cannot indent YAML; use spaces"
        elif exc.context and exc.context not in problem:
            problem = f"{problem} ({exc.context})"
        raise ProgramError(
            path,
            f"YAML syntax error: {problem}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ProgramError(path, f"YAML error: {exc}") from None
    except RecursionError:
        raise _too_deep(path, _deep_mark(text)) from None
    if node is None:
        raise ProgramError(
            path, "is empty; expected a program (a mapping with 'title' and 'phases')"
        )
    _check_nodes(node, path)
    return node


def _compose(text: str) -> Node | None:
    """Parse with libyaml when it is there (four times faster on a large file); for the
    message of an error in a file of ordinary size, ask the pure-Python parser, whose
    wording is clearer ("expected ',' or ']', but got ':'")."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=fast)
    except yaml.MarkedYAMLError as exc:
        if len(text) > 100_000 or "nesting depth" in (exc.problem or ""):
            raise  # the pure-Python parser would take seconds to reach its recursion limit
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def _too_deep(path: str, mark: yaml.Mark | None) -> ProgramError:
    return ProgramError(
        path,
        f"YAML is nested more than {MAX_DEPTH} levels deep; a program nests about 8",
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _deep_mark(text: str) -> yaml.Mark | None:
    """Where the text first nests deeper than MAX_DEPTH, read from the parser's events
    (a loop, not a recursion, so it gets there when composing could not)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # libyaml stops at 1000
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark  # type: ignore[return-value]  # libyaml's Mark is alike
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def _check_nodes(root: Node, path: str) -> None:
    """Refuse non-standard tags, documents whose aliases expand beyond MAX_NODES and
    collections nested deeper than MAX_DEPTH."""
    count = 0
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ProgramError(
                path,
                f"the document expands to more than {MAX_NODES:,} values "
                "(too many aliases or entries); refused",
                line=root.start_mark.line + 1,
                column=root.start_mark.column + 1,
            )
        if node.tag not in _STANDARD_TAGS:
            raise ProgramError(
                path,
                f"the tag {node.tag!r} is not allowed; program files hold plain values only",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        if isinstance(node, (MappingNode, SequenceNode)) and depth >= MAX_DEPTH:
            raise _too_deep(path, node.start_mark)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        else:
            assert isinstance(node, ScalarNode)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column
