"""``voicecoach new``: the answers of a short interview become a valid, commented program.

The questions are asked by the CLI; here the answers are checked (each with the same
readers as an imported cell) and written out. No terminal, no files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from voicecoach.importer.cells import Amount, CellError, read_rest
from voicecoach.importer.importing import yaml_scalar, yaml_text_lines


@dataclass(frozen=True)
class Step:
    say: str
    time: str  # "4s"


@dataclass(frozen=True)
class NewExercise:
    name: str
    sets: int
    amount: Amount
    rest: str  # "60-90s" or "none"
    steps: tuple[Step, ...] = ()


@dataclass
class Answers:
    title: str
    sessions_per_week: int = 3
    tempo: tuple[float, float, float, float] = (2, 0, 2, 0)
    start: str = "lower"
    foundation_weeks: int = 2
    phase: str = "Session"
    exercises: list[NewExercise] = field(default_factory=list)


def read_tempo_answer(text: str) -> tuple[float, float, float, float]:
    """``5-0-2-0`` or ``5 0 2 0`` (lowering, bottom, lifting, top, in seconds)."""
    parts = [p for p in re.split(r"[\s,/-]+", text.strip()) if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(n < 0 or n > 30 for n in numbers) or numbers[0] + numbers[2] < 1:
        raise CellError(
            "expected four numbers of seconds like 3-0-2-0 "
            "(lowering, pause at the bottom, lifting, pause at the top)"
        )
    return numbers[0], numbers[1], numbers[2], numbers[3]


def read_step_time(text: str) -> str:
    """A cycle step's length: one duration, ``4s`` or ``4 sec``."""
    value = read_rest(text, unit="s")
    if value == "none" or "-" in value:
        raise CellError("expected one duration like 4s")
    return value


def write_new_program(answers: Answers, *, schema_ref: str) -> str:
    """The program the answers describe, with comments saying what to add next."""
    lower, bottom, lift, top = (f"{n:g}" for n in answers.tempo)
    out = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {answers.title}: written by `voicecoach new`. Every key is described in",
        "# docs/program-format.md; `voicecoach validate` checks the file, `plan` shows a week.",
        *yaml_text_lines("title", answers.title, ""),
        "sessions_per_week: " + str(answers.sessions_per_week),
        "",
        "# Seconds of lowering, pause at the bottom, lifting, pause at the top; a rep starts",
        "# with `start`. An exercise may change it with its own `tempo:`.",
        f"tempo: {{lower: {lower}, bottom: {bottom}, lift: {lift}, top: {top}, "
        f"start: {answers.start}}}",
        "",
        "# The first weeks stay at the bottom of each range; then a rep (or 5 s) a week.",
        "progression:",
        "  foundation:",
        f"    weeks: {answers.foundation_weeks}",
        "",
        "phases:",
        f"  - name: {yaml_scalar(answers.phase)}",
        "    exercises:",
    ]
    for exercise in answers.exercises:
        amount = exercise.amount
        out += [
            f"      - name: {yaml_scalar(exercise.name)}",
            f"        sets: {exercise.sets}",
            f"        {amount.kind}: {yaml_scalar(amount.value)}",
        ]
        if amount.sides != "none":
            out.append(f"        sides: {amount.sides}")
        out.append(f"        rest: {exercise.rest}")
        if exercise.steps:
            out.append("        cycle:  # the spoken steps of one cycle")
            out += [
                f"          - {{say: {_flow(step.say)}, time: {step.time}}}"
                for step in exercise.steps
            ]
        out += [
            "        # Spoken in the foundation weeks: target, setup, execution (key_cue later).",
            "",
        ]
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _flow(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
