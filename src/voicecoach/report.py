"""Readable summaries of a program and a week's session for the terminal."""

from __future__ import annotations

from voicecoach.compiler import Prescription, Timeline, plan_week
from voicecoach.program import Exercise, Program


def clock(ms: int) -> str:
    """``75:04`` style minutes:seconds (hours folded into minutes)."""
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def summarize_program(program: Program) -> str:
    exercises = program.exercises
    return (
        f"{program.source}: ok — {program.title!r}, {len(program.phases)} phases, "
        f"{len(exercises)} exercises, {program.sessions_per_week} sessions a week, "
        f"foundation weeks 1-{program.progression.foundation_weeks}"
    )


def prescription_text(exercise: Exercise, prescription: Prescription) -> str:
    per_side = "/side" if exercise.per_side else ""
    if exercise.kind == "hold":
        return f"{prescription.amount // 1000}s hold{per_side}"
    if exercise.kind == "cycles":
        return f"{prescription.amount} cycles{per_side}"
    alternate = " alt." if exercise.sides == "alternating" else ""
    return f"{prescription.amount} reps{per_side}{alternate}"


def tempo_text(exercise: Exercise) -> str:
    if exercise.kind != "reps":
        return ""
    if exercise.tempo is None:
        return f"{exercise.rep_ms / 1000:g}s/rep"
    t = exercise.tempo
    digits = "-".join(f"{ms / 1000:g}" for ms in (t.lower_ms, t.bottom_ms, t.lift_ms, t.top_ms))
    return digits + (" lift first" if t.start == "lift" else "")


PLAN_HEADER = ("#", "Exercise", "Sets", "Prescription", "Tempo", "Rest", "Start", "Length", "Note")


def plan_rows(program: Program, timeline: Timeline) -> list[tuple[str, ...]]:
    """One row per exercise of the week (columns as ``PLAN_HEADER``): the terminal's plan
    table and the published page's."""
    week = plan_week(program, timeline.week)
    rows: list[tuple[str, ...]] = []
    spans = {title: (start, end) for start, end, title in timeline.chapter_spans()}
    for exercise, prescription in zip(program.exercises, week.prescriptions):
        match = [title for title in spans if title.split(". ", 1)[-1] == exercise.name]
        if not match:
            continue
        start, end = spans[match[0]]
        note = "heavier" if prescription.raise_weight else ("top" if prescription.at_top else "")
        rows.append(
            (
                match[0].split(".", 1)[0],
                exercise.name,
                str(exercise.sets),
                prescription_text(exercise, prescription),
                tempo_text(exercise),
                f"{prescription.rest_ms // 1000}s" if prescription.rest_ms else "-",
                clock(start),
                clock(end - start),
                note,
            )
        )
    return rows


def format_plan(program: Program, timeline: Timeline) -> str:
    """A table of the session: one row per exercise, with start time and duration."""
    week = plan_week(program, timeline.week)
    stage = "foundation" if week.foundation else "build"
    lines = [f"{program.title} — week {timeline.week} ({stage}): {timeline.focus}", ""]
    header = PLAN_HEADER
    rows = plan_rows(program, timeline)
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
