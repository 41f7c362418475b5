"""The week policy: foundation, then double progression, always inside the ranges."""

from __future__ import annotations

import pytest

from conftest import PROGRAMS, SHIPPED
from voicecoach.compiler import prescribe_week
from voicecoach.program import load_program


def test_bulgarian_split_squat_weeks_1_to_10() -> None:
    program = load_program(str(SHIPPED))
    index = [ex.name for ex in program.exercises].index("Bulgarian Split Squat")
    chosen = [prescribe_week(program, week).prescriptions[index] for week in range(1, 11)]
    assert [p.count for p in chosen] == [8, 8, 8, 9, 10, 11, 12, 8, 9, 10]
    assert [p.rest_ms // 1000 for p in chosen] == [90, 90, 60, 70, 75, 85, 90, 60, 70, 75]
    assert [p.raise_weight for p in chosen].index(True) == 7  # week 8: heavier, start over
    assert [p.at_top for p in chosen] == [False] * 6 + [True] + [False] * 3


@pytest.mark.parametrize("path", sorted(PROGRAMS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_value_stays_inside_its_range(path) -> None:
    program = load_program(str(path))
    for week in range(1, 53):
        plan = prescribe_week(program, week)
        for exercise, prescription in zip(program.exercises, plan.prescriptions):
            value = prescription.hold_ms if exercise.kind == "hold" else prescription.count
            assert exercise.amount.low <= value <= exercise.amount.high
            if exercise.rest_ms:
                assert exercise.rest_ms.low <= prescription.rest_ms <= exercise.rest_ms.high
            else:
                assert prescription.rest_ms == 0


def test_unweighted_exercises_stay_at_the_top() -> None:
    program = load_program(str(SHIPPED))
    index = [ex.name for ex in program.exercises].index("Scapular Push-up")
    amounts = [prescribe_week(program, week).prescriptions[index].count for week in range(1, 12)]
    assert amounts == [12, 12, 12, 13, 14, 15, 15, 15, 15, 15, 15]


def test_holds_climb_by_the_step_and_stay() -> None:
    program = load_program(str(SHIPPED))
    index = [ex.name for ex in program.exercises].index("Doorway Chest Stretch")
    amounts = [
        prescribe_week(program, week).prescriptions[index].hold_ms // 1000 for week in range(1, 9)
    ]
    assert amounts == [30, 30, 30, 35, 40, 45, 45, 45]


def test_foundation_weeks_speak_in_full() -> None:
    program = load_program(str(SHIPPED))
    assert [prescribe_week(program, w).full_instructions for w in (1, 2, 3)] == [True, True, False]


def test_weeks_that_are_the_same_session_are_one_run() -> None:
    """The shipped program's foundation weeks differ only in their number: one session,
    "Weeks 1 and 2", whatever week of the run is asked for; every other week is its own."""
    from dataclasses import replace

    from voicecoach.compiler import CompileOptions, compile_program, session_run, session_runs
    from voicecoach.words import Phrase

    program = load_program(str(SHIPPED))
    runs = session_runs(program, list(range(1, 13)))
    assert [(w.number, w.through) for w in runs] == [(1, 2)] + [(n, None) for n in range(3, 13)]
    assert runs[0].label == "Weeks 1 and 2"
    assert session_run(program, prescribe_week(program, 2), 12) == runs[0]
    assert prescribe_week(program, 1).same_session(prescribe_week(program, 2))
    assert not prescribe_week(program, 2).same_session(prescribe_week(program, 3))
    # A week with a training log's decision in it is no program week: not a run.
    decided = prescribe_week(program, 1)
    first = replace(decided.prescriptions[0], decision=(Phrase.of("log_missed"),))
    decided = replace(decided, prescriptions=(first, *decided.prescriptions[1:]))
    assert session_run(program, decided, 12) is decided

    timeline = compile_program(program, runs[0], CompileOptions())
    said = [c.text for c in timeline.cues if c.kind == "speech"]
    assert said[0] == "Alleviating Back Pain. Weeks 1 and 2."
    assert "Session complete. That was weeks 1 and 2 of Alleviating Back Pain." in said
    assert timeline.title == "Alleviating Back Pain — weeks 1–2"
    document = timeline.to_dict()
    assert list(document)[:3] == ["program", "week", "through"] and document["through"] == 2
    # One week alone is as it always was: no "through" in its document.
    assert "through" not in compile_program(program, 3, CompileOptions()).to_dict()
