"""Find the program table in a document or a spreadsheet export and name its columns.

A Markdown pipe table (``| Exercise | Sets | Reps | Rest |``) in ``.md`` / ``.txt``, or the
rows of a CSV/TSV (a spreadsheet's export: a BOM, ``sep=`` line, title rows above the
header, CRLF). The header is the first row with an exercise column; columns are matched
by name, or by ``--columns`` for the unusual ones.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from voicecoach.errors import ImportInputError

ROLES = ("exercise", "sets", "reps", "rest", "notes")
# Words a header may use for each role, matched against its lowercased words.
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "exercise": ("exercise", "exercises", "name", "movement", "movements", "drill", "stretch"),
    "sets": ("sets", "set", "rounds", "series"),
    "reps": (
        "reps",
        "rep",
        "repetitions",
        "repetition",
        "duration",
        "time",
        "hold",
        "volume",
        "prescription",
        "amount",
        "dosage",
        "reps/time",
    ),
    "rest": ("rest", "recovery", "break", "pause", "resting"),
    "notes": ("notes", "note", "cue", "cues", "tips", "comments", "key cue"),
}


@dataclass(frozen=True)
class Row:
    line: int  # in the file, from 1
    cells: Mapping[str, str]  # by role


@dataclass(frozen=True)
class Table:
    columns: Mapping[str, str]  # role -> the header as written
    units: Mapping[str, str]  # role -> unit the header gives ("s" for "Rest (s)")
    rows: tuple[Row, ...]
    header_line: int
    end_line: int  # the table's last line
    title: str = ""  # a spreadsheet's title row above the header


def role_of(header: str, columns: Mapping[str, str]) -> str | None:
    """The role a header plays: from ``--columns`` first, then by its words."""
    text = " ".join(header.split()).lower()
    for role, given in columns.items():
        if text == given.lower():
            return role
    words = re.findall(r"[a-z/]+", text)
    found = [role for role in ROLES if any(w in _ROLE_WORDS[role] for w in words)]
    if "exercise" in found:
        return "exercise"  # "Phase & Exercise", "Exercise name"
    if "sets" in found and "reps" in found:
        return "reps"  # "Sets x Reps": the cell says both
    for word in words:  # "Rest between sets": the first word that names a role
        for role in found:
            if word in _ROLE_WORDS[role]:
                return role
    return None


def parse_columns(text: str) -> dict[str, str]:
    """``--columns "exercise=Movement,reps=Prescription"`` -> {role: header}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, sep, header = part.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLES or not header.strip():
            raise ImportInputError(
                f"--columns: expected ROLE=HEADER with ROLE one of {', '.join(ROLES)}, got {part!r}"
            )
        mapping[role] = header.strip()
    return mapping


def _table_from_rows(
    rows: Sequence[tuple[int, Sequence[str]]], columns: Mapping[str, str], file: str
) -> Table | None:
    """The table whose header is the first row naming an exercise column."""
    for at, (line, header) in enumerate(rows):
        roles: dict[int, str] = {}
        for index, cell in enumerate(header):
            role = role_of(cell, columns)
            if role and role not in roles.values():
                roles[index] = role
        if "exercise" not in roles.values():
            continue
        names = {role: header[i].strip() for i, role in roles.items()}
        units = {
            role: "s" if re.search(r"\((?:s|sec|secs|seconds)\)", header[i], re.I) else ""
            for i, role in roles.items()
        }
        body = []
        for row_line, cells in rows[at + 1 :]:
            if not any(c.strip() for c in cells):
                continue
            by_role = {
                role: (cells[i].strip() if i < len(cells) else "") for i, role in roles.items()
            }
            body.append(Row(row_line, by_role))
        end = rows[-1][0] if rows else line
        above = [[c.strip() for c in cells if c.strip()] for _, cells in rows[:at]]
        title = next((cells[0] for cells in above if len(cells) == 1), "")
        return Table(names, units, tuple(body), line, end, title)
    return None


def _markdown_tables(text: str) -> list[list[tuple[int, list[str]]]]:
    """Each run of pipe-table lines, separator rows dropped, with line numbers."""
    tables: list[list[tuple[int, list[str]]]] = []
    current: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.endswith("|")):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
                continue  # the |---|:--:| row
            current.append((number, cells))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def find_table(text: str, *, kind: str, columns: Mapping[str, str], file: str) -> Table:
    """The program table of ``text`` (``kind``: "markdown", "csv" or "tsv")."""
    if kind == "markdown":
        found = [_table_from_rows(rows, columns, file) for rows in _markdown_tables(text)]
        tables = [t for t in found if t is not None]
        if not tables:
            if _markdown_tables(text):
                raise ImportInputError(f"{file}: {_no_exercise(_markdown_tables(text)[0][0])}")
            raise ImportInputError(
                f"{file}: no table found; expected a Markdown table with a header like "
                "| Exercise | Sets | Reps | Rest |"
            )
        return tables[0]
    rows = _delimited_rows(text, "\t" if kind == "tsv" else None)
    if not rows:
        raise ImportInputError(
            f"{file}: no rows found; expected a header like Exercise,Sets,Reps,Rest"
        )
    table = _table_from_rows(rows, columns, file)
    if table is None:
        raise ImportInputError(f"{file}:{rows[0][0]}: {_no_exercise(rows[0])}")
    return table


def _no_exercise(header: tuple[int, Sequence[str]]) -> str:
    shown = ", ".join(repr(c) for c in header[1]) or "none"
    return (
        f"the table has no exercise column (headers: {shown}); "
        "name one with --columns exercise=HEADER"
    )


def _delimited_rows(text: str, delimiter: str | None) -> list[tuple[int, list[str]]]:
    lines = text.splitlines(keepends=True)
    start = 0
    if lines and lines[0].lower().startswith("sep="):  # Excel's "sep=;" first line
        delimiter, start = lines[0].strip()[4:5] or ",", 1
    body = "".join(lines[start:])
    if delimiter is None:
        sample = body[:4096]
        counts = {d: sample.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num + start, cells))
    except csv.Error as exc:
        raise ImportInputError(f"line {reader.line_num + start}: {exc}") from None
    return rows
