"""The shipped program carries the whole document: checked against its table and text."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SHIPPED
from voicecoach.program import Exercise, load_program

DOCUMENT = ROOT / "tests" / "data" / "alleviating-back-pain.md"
SHARED_DOCUMENT = ROOT.parent / "shared" / "seeds" / "000_41c04cff75a6440a.txt"


def table_rows() -> list[list[str]]:
    rows = []
    for line in DOCUMENT.read_text().splitlines():
        if line.startswith("|") and not line.startswith("| ---") and "Phase & Exercise" not in line:
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_copy_matches_the_shared_document() -> None:
    if not SHARED_DOCUMENT.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert DOCUMENT.read_text() == SHARED_DOCUMENT.read_text()


def prescription_cell(exercise: Exercise) -> str:
    """Write the exercise back the way the document's table does."""
    span = exercise.amount
    if exercise.kind == "hold":
        text = f"{span.low // 1000}-{span.high // 1000} sec hold"
    elif exercise.kind == "cycles":
        text = f"{span.low}-{span.high} slow cycles"
    else:
        text = f"{span.low}-{span.high}"
    return text + ("/side" if exercise.per_side else "")


def rest_cell(exercise: Exercise) -> str:
    if exercise.rest_ms is None:
        return "-"
    low, high = exercise.rest_ms.low // 1000, exercise.rest_ms.high // 1000
    return f"{low} sec" if low == high else f"{low}-{high} sec"


def test_program_matches_the_document_table() -> None:
    program = load_program(str(SHIPPED))
    expected_phases: list[str] = []
    expected: list[tuple[str, str, str, str]] = []
    for name, sets, reps, rest in table_rows():
        match = re.match(r"Phase \d+: (.*)", name)
        if match:
            expected_phases.append(match.group(1))
        else:
            expected.append((name, sets, reps, rest))
    assert [phase.name for phase in program.phases] == expected_phases
    actual = [
        (ex.name, str(ex.sets), prescription_cell(ex), rest_cell(ex)) for ex in program.exercises
    ]
    assert len(actual) == 14
    assert actual == expected


def test_every_cue_and_note_is_carried_word_for_word() -> None:
    text = " ".join(DOCUMENT.read_text().split())
    program = load_program(str(SHIPPED))
    for phase in program.phases:
        assert phase.note in text
    for exercise in program.exercises:
        assert exercise.setup and exercise.setup in text, exercise.name
        assert exercise.execution and exercise.execution in text, exercise.name
        assert exercise.target and exercise.target in text, exercise.name
    notes = [p.note for p in program.phases]
    assert notes[2] == ""  # the document gives the core phase no note


def test_tempo_and_progression_follow_the_document() -> None:
    program = load_program(str(SHIPPED))
    tempo = program.tempo
    assert (tempo.lower_ms, tempo.bottom_ms, tempo.lift_ms, tempo.top_ms) == (5000, 0, 2000, 0)
    by_name = {ex.name: ex for ex in program.exercises}
    assert by_name["Dumbbell Glute Bridge"].tempo.top_ms == 2000  # "hold ... for two seconds"
    assert by_name["Single-Arm Dumbbell Row"].tempo.start == "lift"
    assert by_name["Bulgarian Split Squat"].tempo.start == "lower"
    assert by_name["Bulgarian Split Squat"].sides == "each"  # "all reps on one side"
    assert by_name["Renegade Row"].sides == "alternating"
    assert by_name["Russian Twist"].sides == "alternating"
    policy = program.progression
    assert policy.foundation_weeks == 2
    assert "Form is the only priority." in policy.foundation.focus
    assert "last two repetitions" in policy.build.focus
    assert program.sessions_per_week == 3
