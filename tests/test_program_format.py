"""The program format is declared once (program/schema.py): the docs, the models and a
first program written from the docs all agree with that declaration."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from voicecoach.cli import cli
from voicecoach.program import CycleStep, Exercise, Phase, Program, Tempo, Voice, parse_program
from voicecoach.program.fields import REQUIRED, Integer, Keys
from voicecoach.program.reference import with_reference
from voicecoach.program.schema import (
    KINDS,
    CycleStepKeys,
    ExerciseKeys,
    PhaseKeys,
    ProgramKeys,
    TempoKeys,
    VoiceKeys,
    declared_mappings,
)
from voicecoach.words import KEYS, PLURAL_CATEGORIES, catalogue
from voicecoach.words.reference import BEGIN, END, with_words

DOCS = ROOT / "docs" / "program-format.md"
# What a program that writes no focus says: the catalogue's words for it.
FOUNDATION_FOCUS = catalogue("en").say("foundation_focus")
BUILD_FOCUS = catalogue("en").say("build_focus")


def doc_tables(text: str) -> dict[str, list[tuple[str, str]]]:
    """The reference as the document shows it: heading -> [(key, default column)]."""
    tables: dict[str, list[tuple[str, str]]] = {}
    heading = None
    for line in text.splitlines():
        match = re.match(r"### (.+) keys$", line)
        if match:
            heading = match.group(1)
            tables[heading] = []
        elif heading and line.startswith("| `"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))]
            tables[heading].append((cells[0].strip("`"), cells[2]))
    return tables


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_the_docs_reference_is_generated_from_the_declaration() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert with_reference(text) == text, (
        "docs/program-format.md is out of date: run "
        "`python -m voicecoach.program.reference docs/program-format.md`"
    )


def test_every_declared_key_is_documented_with_its_default_and_nothing_else() -> None:
    documented = doc_tables(DOCS.read_text(encoding="utf-8"))
    declared = {
        keys.heading: [
            (key, "required" if field.required else field.default_text())
            for key, field in keys.fields.items()
        ]
        for keys in declared_mappings()
    }
    assert documented == declared
    # Spot checks, so the comparison cannot pass with both sides empty or defaults blank.
    assert ("sessions_per_week", "`3`") in documented["program"]
    assert ("setup", "`10s`") in documented["program"]
    assert ("hold_step", "`5s`") in documented["progression.build"]
    assert ("weeks", "required") in documented["progression.foundation"]


def test_the_docs_words_are_generated_from_the_catalogue() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert with_words(text) == text, (
        "docs/program-format.md is out of date: run "
        "`python -m voicecoach.words.reference docs/program-format.md`"
    )
    listed = text.split(BEGIN, 1)[1].split(END, 1)[0]
    for key in KEYS:  # every key is listed, once
        assert listed.count(f"| `{key}` |") == 1, key


def test_every_key_in_the_docs_examples_is_declared() -> None:
    known = {key for keys in declared_mappings() for key in keys.fields}
    known |= set(KEYS) | set(PLURAL_CATEGORIES)  # words: takes the catalogue's keys
    used: set[str] = set()
    for block in yaml_blocks(DOCS.read_text(encoding="utf-8")):
        for line in block.splitlines():
            code = line.split(" #", 1)[0]
            used.update(re.findall(r"(?:^\s*(?:- )?|[{,]\s*)([a-z_]+):", code))
    assert used, "no example keys found: the pattern is broken"
    assert used - known == set()


def test_each_model_has_exactly_the_declared_values() -> None:
    """Adding a key takes its declaration and its model attribute; this keeps them paired."""

    def names(keys: Keys) -> set[str]:
        return {field.name for field in keys.fields.values()}

    def attributes(model: type) -> set[str]:
        return {field.name for field in dataclasses.fields(model)}

    assert names(TempoKeys()) == attributes(Tempo)
    assert names(VoiceKeys()) == attributes(Voice)
    assert names(CycleStepKeys()) == attributes(CycleStep)
    assert names(PhaseKeys()) == attributes(Phase)
    assert names(ProgramKeys()) | {"source"} == attributes(Program)
    assert names(ExerciseKeys()) - set(KINDS) | {"kind", "amount"} == attributes(Exercise)


def test_a_key_cannot_hide_the_machinery() -> None:
    with pytest.raises(TypeError, match="would hide Keys.read"):

        class Broken(Keys):
            read = Integer("x", default=REQUIRED, low=0, high=1, what="x")


def first_program() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Your first program", 1)[1]
    return yaml_blocks(section)[0]


def test_the_first_program_of_the_docs_validates_as_shown_and_plans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("first.yaml").write_text(first_program(), encoding="utf-8")
    shown = re.search(r"\$ voicecoach validate first.yaml\n(.*)\n", DOCS.read_text()).group(1)
    result = CliRunner().invoke(cli, ["validate", "first.yaml"])
    assert (result.exit_code, result.output) == (0, shown + "\n")
    for week in (1, 3):
        result = CliRunner().invoke(cli, ["plan", "first.yaml", "--week", str(week), "--json"])
        assert result.exit_code == 0, result.output
        timeline = json.loads(result.output)
        assert timeline["focus"] == (FOUNDATION_FOCUS if week <= 2 else BUILD_FOCUS)
        spoken = " ".join(c["text"] for c in timeline["cues"] if c["kind"] == "speech")
        assert "Goblet Squat" in spoken and "Push-up" in spoken


def test_a_first_program_writes_no_prose() -> None:
    program = parse_program(first_program())
    policy = program.progression
    # Nothing written: the catalogue's words, in the session's language, are said instead.
    assert (policy.foundation.focus, policy.build.focus) == ("", "")
    assert (policy.at_top, policy.weight_increase) == ("", "")
    assert [(ex.name, ex.sets, ex.kind) for ex in program.exercises] == [
        ("Goblet Squat", 3, "reps"),
        ("Push-up", 3, "reps"),
    ]


def test_the_foundation_still_needs_its_length(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(first_program().replace("    weeks: 2\n", "    focus: Learn.\n"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert (
        result.output
        == f"error: {path}:4:5: progression.foundation: missing required key 'weeks'\n"
    )


PHASE = "  - name: {name}\n    exercises:\n{exercises}"
EXERCISE = "      - {{name: Ex {n}, sets: 1, reps: 5}}\n"


def program_text(phases: list[int], weeks: int, sessions: int) -> str:
    body = "".join(
        PHASE.format(
            name=f"P{p}", exercises="".join(EXERCISE.format(n=f"{p}.{e}") for e in range(count))
        )
        for p, count in enumerate(phases)
    )
    return (
        f"title: T\nsessions_per_week: {sessions}\n"
        f"progression: {{foundation: {{weeks: {weeks}}}}}\nphases:\n{body}"
    )


@pytest.mark.parametrize(
    ("phases", "weeks", "sessions", "expected"),
    [
        ([1], 1, 1, "1 phase, 1 exercise, 1 session a week, foundation week 1"),
        ([2, 1], 2, 3, "2 phases, 3 exercises, 3 sessions a week, foundation weeks 1-2"),
        ([1], 0, 14, "1 phase, 1 exercise, 14 sessions a week, no foundation weeks"),
        ([3], 4, 2, "1 phase, 3 exercises, 2 sessions a week, foundation weeks 1-4"),
    ],
)
def test_validate_reads_as_english(
    phases: list[int], weeks: int, sessions: int, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(program_text(phases, weeks, sessions))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.output) == (0, f"{path}: ok — 'T', {expected}\n")
