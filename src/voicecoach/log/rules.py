"""The rules a logged session obeys, written once: `log` (``--set``, ``--date`` and the
prompt), the page's form and `log-import` all check with these, so what one refuses the
others refuse too.

Each rule raises ``Broken``: what was expected and what was found, and which value (a CSV
column name) and which set broke it; the caller says where that is (an exercise's name
on the command line, a row and column of a CSV file).

- An amount per set: 0 to MAX_AMOUNT always; where the program is known (`log`, the form,
  `log-import --program`), at most twice the top of the exercise's range, plus 5.
  Doubling leaves room for someone far stronger than the program expects, the 5 for
  short ranges (a 2-4 range allows 13, an 8-12 range 29, a 30-60 s hold 125 s), and a slip
  of the finger (100 for 10, 1000) is caught.
- A date from EARLIEST_DATE to today, and not before the latest session already logged.
  The lower end catches a mistyped year (0001, 1026, 0226). No day after today: the form
  offers the server's today, and a phone and the server in one home share its time zone.
- A note: one line of plain text, at most MAX_NOTE_CHARS. Control characters (NUL, ESC,
  tab, line breaks) are refused rather than stripped, so what is stored is what was
  typed; a note is shown on one line in the history table, the CSV and the page.
"""

from __future__ import annotations

import datetime
import difflib
import unicodedata
from collections.abc import Sequence

from voicecoach.errors import LogError
from voicecoach.log.records import SessionRecord, SetRecord, Target, measure_of
from voicecoach.program import Exercise, Program

MAX_AMOUNT = 3600  # any count or seconds, program or not: nobody does 3601 reps in a set
MAX_WEIGHT = 1000.0
MAX_SETS = 20  # as the program format allows (program/schema.py)
UNITS = ("kg", "lb")
EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_NOTE_CHARS = 500
_NOT_IN_A_NOTE = {"Cc", "Zl", "Zp"}  # controls (C0, DEL, C1) and Unicode line breaks


class Broken(ValueError):
    """A value breaks a rule. ``field`` names the value as the CSV export does ("amount",
    "date"); ``index`` is the set within the session's sets, None for the session's own
    values."""

    def __init__(self, message: str, field: str, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.index = index


def find_exercise(program: Program, name: str) -> Exercise:
    """The exercise called ``name`` (case-insensitive; a unique part of a name will do)."""
    exercises = program.exercises
    key = name.strip().casefold()
    exact = [ex for ex in exercises if ex.name.casefold() == key]
    matches = exact or [ex for ex in exercises if key and key in ex.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(repr(ex.name) for ex in matches[:4])
        raise LogError(f"{name.strip()!r} matches several exercises ({names}); give the full name")
    close = difflib.get_close_matches(name.strip(), [ex.name for ex in exercises], n=1, cutoff=0.4)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise LogError(f"{program.title!r} has no exercise {name.strip()!r}{hint}")


def _nearest(name: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.4)
    return f" (did you mean {close[0]!r}?)" if close else ""


def sides_of(exercise: Exercise) -> tuple[str | None, ...]:
    """The rows one set makes: left and right for an exercise done on each side."""
    return ("left", "right") if exercise.sides == "each" else (None,)


def top_of_range(exercise: Exercise) -> int:
    """The top of the exercise's range in the log's units (seconds for a hold, not ms)."""
    top = exercise.amount.high
    return round(top / 1000) if exercise.kind == "hold" else top


def max_amount(exercise: Exercise | None = None) -> int:
    """The most reps, cycles or seconds (for a hold) one set of ``exercise`` may log;
    MAX_AMOUNT when the exercise is not known (an import without its program)."""
    if exercise is None:
        return MAX_AMOUNT
    return min(2 * top_of_range(exercise) + 5, MAX_AMOUNT)


def check_amount(amount: int, what: str, exercise: Exercise | None = None) -> int:
    """Reps, cycles or seconds in one set; ``what`` is the amount's word."""
    most = max_amount(exercise)
    if not 0 <= amount <= most:
        why = (
            f" (twice the top of its range, {top_of_range(exercise)}, plus 5)"
            if exercise is not None and most < MAX_AMOUNT
            else ""
        )
        raise Broken(f"expected 0 to {most} {what} in one set{why}, got {amount}", "amount")
    return amount


def check_weight(weight: float, unit: str | None) -> None:
    if not 0 < weight <= MAX_WEIGHT:  # also refuses nan
        raise Broken(
            f"expected a weight above 0 and up to {MAX_WEIGHT:g}, got {weight:g}", "weight"
        )
    if unit not in UNITS:
        raise Broken(
            f"expected the weight's unit, {' or '.join(UNITS)}, got {unit or ''!r}", "unit"
        )


def check_weighted(exercise: Exercise, weight: float | None) -> None:
    if weight is not None and not exercise.weighted:
        raise Broken(
            f"expected no weight (the program does not use one for {exercise.name!r}), "
            f"got {weight:g}",
            "weight",
        )


def check_set_count(given: int, prescribed: int) -> None:
    if given > prescribed:
        raise Broken(
            f"{given} sets given, but {prescribed} {'is' if prescribed == 1 else 'are'} "
            "prescribed",
            "set",
        )


def check_date(
    date: datetime.date, today: datetime.date, latest: SessionRecord | None = None
) -> None:
    """From EARLIEST_DATE to today, and not before the latest session already logged: a
    new session goes last, and the log's sessions are in date order."""
    if date > today:
        raise Broken(
            f"expected today ({today.isoformat()}) or earlier, got {date.isoformat()} "
            "(in the future)",
            "date",
        )
    if date < EARLIEST_DATE:
        raise Broken(
            f"expected {EARLIEST_DATE.isoformat()} or later (no training log is older; "
            f"check the year), got {date.isoformat()}",
            "date",
        )
    if latest is not None and date < latest.date:
        raise Broken(
            f"expected {latest.date.isoformat()} or later (session {latest.number} of "
            f"{latest.program!r} is dated {latest.date.isoformat()}; sessions are logged in "
            f"date order), got {date.isoformat()}",
            "date",
        )


def check_note(note: str) -> None:
    """One line of plain text, at most MAX_NOTE_CHARS characters."""
    for char in note:
        if unicodedata.category(char) in _NOT_IN_A_NOTE:
            raise Broken(
                "expected a note of one line of plain text, got a control character "
                f"(U+{ord(char):04X})",
                "note",
            )
    if len(note) > MAX_NOTE_CHARS:
        raise Broken(
            f"expected a note of at most {MAX_NOTE_CHARS} characters, got {len(note)}", "note"
        )


def check_target(name: str, target: Target) -> None:
    if not 1 <= target.sets <= MAX_SETS:
        raise Broken(f"{name}: expected 1 to {MAX_SETS} sets, got {target.sets}", "targets")
    try:
        check_amount(target.amount, "reps or seconds")
    except Broken as broken:
        raise Broken(f"{name}: {broken}", "targets") from None


def check_session(
    record: SessionRecord,
    *,
    today: datetime.date,
    latest: SessionRecord | None = None,
    program: Program | None = None,
) -> None:
    """Every rule a session obeys before it is written. ``latest`` is the latest session
    of its program already in the log; ``program``, when known, is what the sets must fit
    (names, sides, weights, units, amounts within its ranges); without it the session's own
    targets say which exercises it had and how many sets each was prescribed."""
    if program is not None and record.program != program.title:
        raise Broken(
            f"expected {program.title!r} (the program's title), got {record.program!r}",
            "program",
        )
    check_date(record.date, today, latest)
    for name, target in record.targets.items():
        check_target(name, target)
    if record.status == "missed" and record.sets:
        raise Broken("expected no sets in a missed session, got a set", "exercise", 0)
    by_exercise: dict[str, list[int]] = {}
    for index, row in enumerate(record.sets):
        by_exercise.setdefault(row.exercise, []).append(index)
    for name, indexes in by_exercise.items():
        _check_exercise(record, name, [record.sets[i] for i in indexes], indexes, program)


def _check_exercise(
    record: SessionRecord,
    name: str,
    rows: Sequence[SetRecord],
    indexes: Sequence[int],
    program: Program | None,
) -> None:
    first = indexes[0]
    target = record.targets.get(name)
    if target is None:
        raise Broken(
            f"expected one of the session's exercises (its targets), got {name!r}"
            + _nearest(name, list(record.targets)),
            "exercise",
            first,
        )
    exercise = None
    if program is not None:
        try:
            exercise = find_exercise(program, name)
        except LogError as exc:
            raise Broken(str(exc), "exercise", first) from None
        if exercise.name != name:
            raise Broken(
                f"expected the exercise's full name {exercise.name!r}, got {name!r}",
                "exercise",
                first,
            )
    if exercise is not None:
        sides = sides_of(exercise)
    else:  # the exercise's first row says whether it is done on each side
        sides = (None,) if rows[0].side is None else ("left", "right")
    measure = measure_of(exercise) if exercise else rows[0].measure
    expected = [(number, side) for number in range(1, len(rows) + 1) for side in sides]
    for row, index, (number, side) in zip(rows, indexes, expected):
        if row.set_number != number:
            raise Broken(f"expected set {number} of {name!r}, got {row.set_number}", "set", index)
        if row.side != side:
            raise Broken(
                f"expected side {side or ''!r} for set {number} of {name!r}, "
                f"got {row.side or ''!r}",
                "side",
                index,
            )
        if row.measure != measure:
            raise Broken(
                f"expected {measure!r} ({name!r} is counted in {measure}), got {row.measure!r}",
                "measure",
                index,
            )
        try:
            check_amount(row.amount, measure, exercise)
            check_note(row.note)
            if exercise is not None:
                check_weighted(exercise, row.weight)
            if row.weight is not None:
                check_weight(row.weight, row.unit)
            elif row.unit is not None:
                raise Broken(f"expected no unit without a weight, got {row.unit!r}", "unit")
        except Broken as broken:
            raise Broken(str(broken), broken.field, index) from None
    count = len(rows) // len(sides)
    if len(rows) % len(sides):
        raise Broken(
            f"expected side 'right' for set {count + 1} of {name!r}, got no row",
            "side",
            indexes[-1],
        )
    try:
        check_set_count(count, target.sets)
    except Broken as broken:
        raise Broken(f"{name}: {broken}", "set", indexes[target.sets * len(sides)]) from None
