"""A program table (and the document around it) becomes program YAML, with a
``# TODO(import): ...`` comment at every value it could not read.

``import_program`` touches no files: text in, YAML text and the list of TODOs out.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

import yaml

from voicecoach.errors import ImportInputError
from voicecoach.importer.cells import Amount, CellError, read_amount, read_rest, read_sets
from voicecoach.importer.document import (
    Document,
    Section,
    name_keys,
    read_document,
    read_schedule,
    read_stages,
    read_tempo,
    sentences,
)
from voicecoach.importer.tables import Table, find_table

TODO = "TODO(import)"
# The labels of an exercise section's bullets, by the text key they fill.
_LABELS = {
    "target": ("target", "target musculature", "targets", "muscles", "muscles worked", "works"),
    "setup": ("setup", "set-up", "set up", "starting position", "start", "position"),
    "execution": ("execution", "how to", "movement", "instructions", "action", "perform"),
    "key_cue": ("key cue", "cue", "tip", "focus"),
}
_PROGRESSION_TITLES = ("progression", "progression strategy", "progression plan", "progressing")
_DESCRIPTION_TITLES = ("objective", "overview", "about", "description", "goal", "introduction")


@dataclass(frozen=True)
class Todo:
    line: int  # in the source file, from 1 (0: the file as a whole)
    where: str  # the key path it belongs to
    message: str


@dataclass
class _Exercise:
    name: str
    line: int
    path: str = ""  # phases[p].exercises[e]
    sets: int | None = None
    amount: Amount | None = None
    rest: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # key -> TODO comment


@dataclass
class _Phase:
    name: str
    line: int
    note: str = ""
    exercises: list[_Exercise] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Imported:
    yaml: str
    todos: tuple[Todo, ...]


def kind_of(file: str) -> str:
    suffix = PurePath(file).suffix.lower()
    return {".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}.get(suffix, "markdown")


def import_program(
    text: str,
    *,
    file: str,
    kind: str | None = None,
    columns: Mapping[str, str] | None = None,
    schema_ref: str = "",
) -> Imported:
    """The program YAML of ``text`` and what to check in it."""
    if "\x00" in text:
        raise ImportInputError(f"{file}: contains binary data (a NUL byte); expected text")
    text = text.removeprefix("\ufeff")
    kind = kind or kind_of(file)
    table = find_table(text, kind=kind, columns=columns or {}, file=file)
    todos: list[Todo] = []
    phases = _read_table(table, todos)
    if not phases:
        raise ImportInputError(
            f"{file}:{table.header_line}: the table has no exercise rows under its header"
        )
    program: dict[str, object] = {}
    comments: dict[str, str] = {}
    if kind == "markdown":
        document = read_document(text, range(table.header_line, table.end_line + 1))
        _read_document(document, phases, program, comments, todos)
    if not program.get("title") and table.title:
        program["title"] = table.title
    if not program.get("title"):
        program["title"] = PurePath(file).stem.replace("-", " ").replace("_", " ").title()
    progression = program.get("progression")
    if not (isinstance(progression, dict) and "weeks" in progression):
        todos.append(
            Todo(
                0,
                "progression.foundation.weeks",
                "how many weeks the foundation lasts: "
                "the source has no 'Weeks 1-2: ...' progression",
            )
        )
    out = _write(program, comments, phases, schema_ref, file)
    return Imported(out, tuple(sorted(todos, key=lambda t: t.line)))


# -- the table ----------------------------------------------------------------------


def _read_table(table: Table, todos: list[Todo]) -> list[_Phase]:
    phases: list[_Phase] = []
    for row in table.rows:
        name = row.cells.get("exercise", "")
        amount_text = row.cells.get("reps", "")
        sets_text = row.cells.get("sets", "")
        if not name:
            continue
        if not amount_text.strip() and not sets_text.strip():
            title = re.sub(
                r"^\s*(?:phase|part|block|day)\s*(?:\d+|[a-z])\b\s*[:.–—-]\s*", "", name, flags=re.I
            )
            phases.append(_Phase(_strip_markup(title), row.line))
            continue
        if not phases:
            phases.append(_Phase("", row.line))
        p, e = len(phases) - 1, len(phases[-1].exercises)
        path = f"phases[{p}].exercises[{e}]"
        exercise = _Exercise(_strip_markup(name), row.line, path)
        phases[-1].exercises.append(exercise)

        def todo(
            key: str,
            message: str,
            line: int = row.line,
            path: str = path,
            exercise: _Exercise = exercise,
        ) -> None:
            exercise.notes[key] = message
            todos.append(Todo(line, f"{path}.{key}", message))

        if "reps" in table.columns:
            try:
                exercise.amount = read_amount(amount_text)
            except CellError as exc:
                todo("reps", f"could not read {amount_text!r}: {exc}")
        else:
            todo("reps", "the table has no repetitions column (name it with --columns reps=HEADER)")
        if exercise.amount and exercise.amount.sets is not None:
            exercise.sets = exercise.amount.sets
        if "sets" in table.columns and sets_text.strip():
            try:
                exercise.sets = read_sets(sets_text)
            except CellError as exc:
                todo("sets", f"could not read {sets_text!r}: {exc}")
        elif exercise.sets is None:
            todo(
                "sets",
                "no sets given"
                if "sets" in table.columns
                else "no sets: the cell that gives them was not read"
                if "reps" in exercise.notes
                else "the table has no sets column (name it with --columns sets=HEADER)",
            )
        if "rest" in table.columns:
            try:
                exercise.rest = read_rest(row.cells["rest"], unit=table.units.get("rest", ""))
            except CellError as exc:
                todo("rest", f"could not read {row.cells['rest']!r}: {exc}")
        if row.cells.get("notes"):
            exercise.texts["key_cue"] = row.cells["notes"]
        if exercise.amount and exercise.amount.kind == "cycles":
            todo("cycle", "the spoken steps of one cycle (say, time) are not in the table")
    for index, phase in enumerate(phases):
        if not phase.name:
            phase.name = "Session"
            phase.notes["name"] = "the table has no phase rows; named 'Session'"
            todos.append(Todo(phase.line, f"phases[{index}].name", phase.notes["name"]))
    empty = [i for i, phase in enumerate(phases) if not phase.exercises]
    for index in empty:
        todos.append(
            Todo(
                phases[index].line,
                f"phases[{index}]",
                f"phase {phases[index].name!r} has no exercises; left out",
            )
        )
    return [phase for phase in phases if phase.exercises]


def _strip_markup(text: str) -> str:
    return " ".join(re.sub(r"\*\*|__|`", "", text).split())


# -- the document -------------------------------------------------------------------


def _label_key(label: str) -> str | None:
    text = " ".join(re.sub(r"[*_]", "", label).lower().split())
    for key, labels in _LABELS.items():
        if text in labels:
            return key
    return None


def _read_document(
    document: Document,
    phases: list[_Phase],
    program: dict[str, object],
    comments: dict[str, str],
    todos: list[Todo],
) -> None:
    if document.title:
        program["title"] = document.title
    by_name: dict[str, tuple[int, _Exercise]] = {}
    for index, phase in enumerate(phases):
        for exercise in phase.exercises:
            for key in name_keys(exercise.name):
                by_name.setdefault(key, (index, exercise))
    everything = " ".join(
        text for s in document.sections for _, text in [*s.paragraphs, *s.bullets]
    )
    everything = " ".join([*(t for _, t in document.preamble), everything])
    schedule = read_schedule(everything)
    if schedule:
        program["sessions_per_week"], program["schedule"] = schedule
    tempo = read_tempo(everything)
    if tempo:
        program["tempo"] = tempo[0]
    for section in document.sections:
        title = section.title
        key = " ".join(title.lower().split())
        if key in _DESCRIPTION_TITLES and section.paragraphs and "description" not in program:
            program["description"] = section.paragraphs[0][1]
            continue
        if key in _PROGRESSION_TITLES:
            _read_progression(section, program, comments, todos)
            continue
        phase_index = _match_phase(title, phases)
        if phase_index is not None:
            if section.paragraphs:
                phases[phase_index].note = " ".join(t for _, t in section.paragraphs)
            continue
        found = next((by_name[k] for k in name_keys(title) if k in by_name), None)
        labelled = [(line, *_split_label(text)) for line, text in section.bullets]
        if found is None:
            if any(_label_key(label) in ("setup", "execution") for _, label, _ in labelled):
                todos.append(
                    Todo(
                        section.line,
                        "",
                        f"the exercise section {title!r} has no table row; left out",
                    )
                )
            continue
        _, exercise = found
        for line, label, value in labelled:
            text_key = _label_key(label)
            if text_key is None:
                todos.append(Todo(line, exercise.path, f"unknown label {label!r}: {value}"))
                exercise.notes.setdefault("name", f"not read: {label}: {value}")
            else:
                exercise.texts[text_key] = value


def _split_label(text: str) -> tuple[str, str]:
    label, sep, value = re.sub(r"^\*\*(.+?)\*\*", r"\1", text).partition(":")
    if not sep or len(label) > 40:
        return "", text
    return label.strip(), value.strip()


def _match_phase(title: str, phases: list[_Phase]) -> int | None:
    number = re.match(r"^\s*phase\s*(\d+)\b", title, re.IGNORECASE)
    if number and 1 <= int(number.group(1)) <= len(phases):
        return int(number.group(1)) - 1
    keys = name_keys(title)
    for index, phase in enumerate(phases):
        if keys & name_keys(phase.name):
            return index
    return None


def _read_progression(
    section: Section, program: dict[str, object], comments: dict[str, str], todos: list[Todo]
) -> None:
    stages = read_stages(section)
    if not stages:
        todos.append(
            Todo(
                section.line,
                "progression",
                "no 'Weeks 1-2: ...' lines; the foundation weeks are not given",
            )
        )
        return
    foundation, rest = stages[0], stages[1:]
    progression: dict[str, object] = {}
    if foundation.first != 1 or foundation.last is None:
        todos.append(
            Todo(
                foundation.line,
                "progression.foundation.weeks",
                "the first stage does not start at week 1 or has no end",
            )
        )
    else:
        progression["weeks"] = foundation.last
        progression["focus"] = foundation.text
    if rest:
        build = rest[0]
        if foundation.last is not None and build.first != foundation.last + 1:
            todos.append(
                Todo(
                    build.line,
                    "progression.build",
                    f"the second stage starts at week {build.first}, not {foundation.last + 1}",
                )
            )
        focus: list[str] = []
        top: list[str] = []
        for sentence in sentences(build.text):
            (top if top or re.search(r"\btop\b", sentence, re.IGNORECASE) else focus).append(
                sentence
            )
        progression["build_focus"] = " ".join(focus)
        if top:
            comments["progression.build.at_top"] = " ".join(top)
            todos.append(
                Todo(
                    build.line,
                    "progression.build.at_top",
                    "copied into a comment, not mapped: " + " ".join(top),
                )
            )
        for extra in rest[1:]:
            todos.append(
                Todo(
                    extra.line,
                    "progression",
                    f"a third stage (week {extra.first}): not mapped: {extra.text}",
                )
            )
    program["progression"] = progression


# -- the YAML -----------------------------------------------------------------------


def yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"\d+", text):
        return text  # a count: "8" is read as 8, which the format takes too
    try:
        plain_ok = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain_ok = False
    return (
        text if plain_ok and text.strip() == text and text else json.dumps(text, ensure_ascii=False)
    )


def _comment(text: str) -> str:
    return " ".join(text.split())


def yaml_text_lines(key: str, text: str, indent: str) -> list[str]:
    one = f"{indent}{key}: {yaml_scalar(text)}"
    if len(one) <= 96 and not text.startswith((" ",)):
        return [one]
    wrapped = textwrap.wrap(text, width=88 - len(indent), break_on_hyphens=False)
    return [f"{indent}{key}: >-", *(f"{indent}  {line}" for line in wrapped)]


def _write(
    program: Mapping[str, object],
    comments: Mapping[str, str],
    phases: list[_Phase],
    schema_ref: str,
    file: str,
) -> str:
    out: list[str] = []
    if schema_ref:
        out.append(f"# yaml-language-server: $schema={schema_ref}")
    out.append(
        f"# Imported from {PurePath(file).name} by `voicecoach import`; "
        "the format is docs/program-format.md."
    )
    out.append(f"# Search for {TODO} for what to check.")
    out.extend(yaml_text_lines("title", str(program["title"]), ""))
    if "sessions_per_week" in program:
        out.append(f"sessions_per_week: {program['sessions_per_week']}")
    for key in ("schedule", "description"):
        if key in program:
            out.extend(yaml_text_lines(key, str(program[key]), ""))
    tempo = program.get("tempo")
    if isinstance(tempo, dict):
        parts = ", ".join(
            f"{k}: {yaml_scalar(tempo[k])}"
            for k in ("lower", "bottom", "lift", "top", "start")
            if k in tempo
        )
        out.append(f"tempo: {{{parts}}}")
    out.append("")
    progression = program.get("progression")
    out.append("progression:")
    out.append("  foundation:")
    if isinstance(progression, dict) and "weeks" in progression:
        out.append(f"    weeks: {progression['weeks']}")
        out.extend(yaml_text_lines("focus", str(progression["focus"]), "    "))
    else:
        out.append(f"    weeks:  # {TODO}: how many weeks the foundation lasts")
    if isinstance(progression, dict) and progression.get("build_focus"):
        out.append("  build:")
        out.extend(yaml_text_lines("focus", str(progression["build_focus"]), "    "))
        if "progression.build.at_top" in comments:
            out.append(
                f"    # {TODO}: at_top, in the document's words: "
                f"{_comment(comments['progression.build.at_top'])}"
            )
    out.append("")
    out.append("phases:")
    for phase in phases:
        name = f"  - name: {yaml_scalar(phase.name)}"
        if "name" in phase.notes:
            name += f"  # {TODO}: {_comment(phase.notes['name'])}"
        out.append(name)
        if phase.note:
            out.extend(yaml_text_lines("note", phase.note, "    "))
        out.append("    exercises:")
        for exercise in phase.exercises:
            out.extend(_exercise_lines(exercise))
            out.append("")
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _exercise_lines(exercise: _Exercise) -> list[str]:
    notes = exercise.notes

    def line(key: str, value: object | None) -> str:
        text = f"        {key}:" + ("" if value is None else f" {yaml_scalar(value)}")
        if key in notes:
            text += f"  # {TODO}: {_comment(notes[key])}"
        return text

    first = f"      - name: {yaml_scalar(exercise.name)}"
    if "name" in notes:
        first += f"  # {TODO}: {_comment(notes['name'])}"
    out = [first, line("sets", exercise.sets)]
    amount = exercise.amount
    if amount is None:
        out.append(line("reps", None))
    else:
        out.append(line(amount.kind, amount.value))
        if amount.sides != "none":
            out.append(line("sides", amount.sides))
        if amount.kind == "cycles":
            out.append(line("cycle", None))
    if exercise.rest is not None or "rest" in notes:
        out.append(line("rest", exercise.rest))
    for key in ("target", "setup", "execution", "key_cue"):
        if key in exercise.texts:
            out.extend(yaml_text_lines(key, exercise.texts[key], "        "))
    return out
