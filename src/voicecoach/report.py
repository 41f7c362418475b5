"""Readable summaries of a program and a week's session for the terminal."""

from __future__ import annotations

from voicecoach.compiler import (
    Timeline,
    Week,
    clock,
    counted,
    session_words,
    shown_amount,
    shown_rest,
    shown_tempo,
)
from voicecoach.program import Program
from voicecoach.words import catalogue

__all__ = ["counted", "format_plan", "summarize_program"]


def summarize_program(program: Program) -> str:
    """The line ``validate`` prints: "x.yaml: ok — 'Title', 1 phase, 2 exercises, ..."."""
    weeks = program.progression.foundation_weeks
    if weeks == 0:
        foundation = "no foundation weeks"
    elif weeks == 1:
        foundation = "foundation week 1"
    else:
        foundation = f"foundation weeks 1-{weeks}"
    return (
        f"{program.source}: ok — {program.title!r}, {counted(len(program.phases), 'phase')}, "
        f"{counted(len(program.exercises), 'exercise')}, "
        f"{counted(program.sessions_per_week, 'session')} a week, {foundation}"
    )


PLAN_HEADER = ("#", "Exercise", "Sets", "Prescription", "Tempo", "Rest", "Start", "Length", "Note")
PLAN_COLUMNS = ("number", "exercise", "sets", "prescription", "tempo", "rest", "start", "length",
                "note")  # fmt: skip


def plan_header(language: str) -> tuple[str, ...]:
    """The plan table's column names in ``language`` (``PLAN_HEADER`` in English)."""
    words = catalogue(language)
    return tuple(words.say(f"plan_col_{column}") for column in PLAN_COLUMNS)


def plan_rows(program: Program, week: Week, timeline: Timeline) -> list[tuple[str, ...]]:
    """One row per exercise of the session (columns as ``PLAN_HEADER``): the terminal's plan
    table and the published page's.

    ``week`` is the plan the timeline was compiled from; rows are matched to chapters by
    the exercise's index, so two exercises with the same name keep their own times. The
    cells are worded in the timeline's language (the headers are the command line's).
    """
    words = session_words(program, timeline.language)
    rows: list[tuple[str, ...]] = []
    for position, (start, end, chapter) in enumerate(timeline.exercise_chapters(), start=1):
        exercise = program.exercises[chapter]
        prescription = week.prescriptions[chapter]
        note = ""
        if prescription.raise_weight:
            note = words.say("shown_heavier")
        elif prescription.at_top:
            note = words.say("shown_top")
        rows.append(
            (
                str(position),
                exercise.name,
                str(exercise.sets),
                shown_amount(exercise, prescription, words),
                shown_tempo(exercise, words),
                shown_rest(prescription, words),
                clock(start),
                clock(end - start),
                note,
            )
        )
    return rows


def format_plan(program: Program, week: Week, timeline: Timeline) -> str:
    """A table of the session: one row per exercise, with start time and duration."""
    stage = "foundation" if week.foundation else "build"
    lines = [f"{program.title} — week {timeline.week} ({stage}): {timeline.focus}", ""]
    header = plan_header(timeline.language)
    rows = plan_rows(program, week, timeline)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {0, 2, 5, 6, 7}

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        ]
        return "  ".join(cells).rstrip()

    lines.append(fmt(header))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(fmt(row) for row in rows)
    lines.append("")
    lines.append(
        f"Total: {clock(timeline.duration_ms)} ({timeline.duration_ms} ms), "
        f"{len(timeline.chapters)} chapters, {len(timeline.cues)} cues"
    )
    return "\n".join(lines)
