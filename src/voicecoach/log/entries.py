"""What a person types to log an exercise, parsed and checked against the program.

One grammar for the command line (``--set "NAME=VALUE"``), the interactive prompt (VALUE)
and the served page's form (one VALUE field per exercise)::

    VALUE   = [SETS] [@WEIGHT] [; NOTE]   empty: done as prescribed
            | skip | -                   not done today
    SETS    = SET {, SET}                 one per set, at most the prescribed number
    SET     = N | N/N                     N/N: left/right, for an exercise done on each side
    N       = whole number                reps, cycles, or seconds for a hold (30 or 30s)
    WEIGHT  = number [kg | lb]            kg when no unit is given

Examples: ``10,10,9@12kg``, ``10/10,10/9@12kg``, ``30s,25s``, ``@14kg`` (prescribed reps at
14 kg), ``12,12,12; left knee fine``. Every mistake raises ``LogError`` with one line that
names the exercise, what was wrong and what to write instead; the rules themselves
(amounts per set, weights, notes, how many sets) are log/rules.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecoach.errors import LogError
from voicecoach.log.records import SetRecord, Target, measure_of
from voicecoach.log.rules import (
    Broken,
    check_amount,
    check_note,
    check_set_count,
    check_weight,
    sides_of,
)
from voicecoach.program import Exercise

SKIP_WORDS = {"skip", "-", "skipped", "no", "none"}
_WEIGHT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(kg|kgs|kilos?|lb|lbs|pounds?)?\s*$", re.I)
_AMOUNT = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?)?\s*$", re.I)


@dataclass(frozen=True)
class Entry:
    """One exercise's answer: the sets done, or ``None`` for 'as prescribed', or skipped."""

    exercise: Exercise
    sets: tuple[tuple[int, ...], ...] | None  # per set: (amount,) or (left, right)
    weight: float | None
    unit: str | None
    note: str
    skipped: bool = False

    def records(self, target: Target, last_weight: tuple[float, str] | None) -> list[SetRecord]:
        """The rows this answer adds; 'as prescribed' fills in the target's sets and amount,
        and the weight last used for the exercise when none is given."""
        if self.skipped:
            return []
        sets = self.sets
        if sets is None:
            sets = tuple((target.amount,) for _ in range(target.sets))
        weight, unit = self.weight, self.unit
        if weight is None and last_weight is not None and self.exercise.weighted:
            weight, unit = last_weight
        sides = sides_of(self.exercise)
        rows = []
        for number, amounts in enumerate(sets, start=1):
            if len(sides) == 2 and len(amounts) == 1:
                amounts = (amounts[0], amounts[0])  # one number for both sides
            for side, amount in zip(sides, amounts):
                rows.append(
                    SetRecord(
                        exercise=self.exercise.name,
                        set_number=number,
                        side=side,
                        amount=amount,
                        measure=measure_of(self.exercise),
                        weight=weight,
                        unit=unit,
                        note=self.note if number == 1 and side in (None, "left") else "",
                    )
                )
        return rows


def split_set_option(text: str) -> tuple[str, str]:
    """``"Bulgarian Split Squat=10,10,9@12kg"`` -> (name, value)."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise LogError(f'--set {text!r}: expected EXERCISE=REPS, like "Russian Twist=12,12,12"')
    return name.strip(), value


def parse_entry(exercise: Exercise, value: str, prescribed_sets: int) -> Entry:
    """Parse one exercise's VALUE (see the module docstring)."""
    where = exercise.name
    text, _, note = value.partition(";")
    note = note.strip()
    try:
        check_note(note)
    except Broken as broken:
        raise LogError(f"{where}: {broken}") from None
    text = text.strip()
    if text.casefold() in SKIP_WORDS:
        return Entry(exercise, None, None, None, note, skipped=True)
    sets_text, at, weight_text = text.partition("@")
    weight, unit = _weight(where, exercise, weight_text) if at else (None, None)
    if not sets_text.strip():
        return Entry(exercise, None, weight, unit, note)
    parts = [part for part in sets_text.split(",")]
    try:
        check_set_count(len(parts), prescribed_sets)
    except Broken as broken:
        raise LogError(f"{where}: {broken}") from None
    sets = tuple(_one_set(where, exercise, part) for part in parts)
    return Entry(exercise, sets, weight, unit, note)


def _one_set(where: str, exercise: Exercise, part: str) -> tuple[int, ...]:
    sides = part.split("/")
    if len(sides) > len(sides_of(exercise)):  # one number for both sides is fine
        how = "one number per set" if exercise.sides != "each" else "left/right like 10/9"
        raise LogError(f"{where}: {part.strip()!r} is not a set; write {how}")
    return tuple(_amount(where, exercise, side) for side in sides)


def _amount(where: str, exercise: Exercise, text: str) -> int:
    match = _AMOUNT.match(text)
    what = {"reps": "reps", "hold": "seconds", "cycles": "cycles"}[exercise.kind]
    if not match or (match.group(2) and exercise.kind != "hold"):
        example = "30 or 30s" if exercise.kind == "hold" else "10"
        raise LogError(
            f"{where}: {what} must be whole numbers like {example}, got {text.strip()!r}"
        )
    try:
        return check_amount(int(match.group(1)), what, exercise)
    except Broken as broken:
        raise LogError(f"{where}: {broken}") from None


def _weight(where: str, exercise: Exercise, text: str) -> tuple[float, str]:
    if not exercise.weighted:  # the rule is check_weighted; here, say what to type instead
        raise LogError(f"{where}: the program does not use a weight for it; leave out @...")
    match = _WEIGHT.match(text)
    if not match:
        raise LogError(f"{where}: expected a weight like @12kg or @25lb, got @{text.strip()!r}")
    weight = float(match.group(1).replace(",", "."))
    unit = "lb" if (match.group(2) or "kg").lower().startswith(("lb", "p")) else "kg"
    try:
        check_weight(weight, unit)
    except Broken as broken:
        raise LogError(f"{where}: {broken}") from None
    return weight, unit
