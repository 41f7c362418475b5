"""What a log may hold: the bounds every way of logging checks, declared once.

``voicecoach log`` (``--set``, ``--date`` and the prompt), the served page's form (both
through ``record_session``) and ``log-import`` call these; each raises ``LogError`` with
one line saying what is wrong and what is allowed.

- An amount per set at most twice the top of the exercise's range, plus 5: doubling
  leaves room for someone far stronger than the program expects, the 5 for short ranges
  (a 2-4 range allows 13, an 8-12 range 29, a 30-60 s hold 125 s), and a slip of the
  finger (100 for 10, 1000) is caught. An import has no program: it keeps MAX_AMOUNT.
- A date from EARLIEST_DATE to today. The lower end catches a mistyped year (0001, 1026,
  0226); that a session is not dated before the log's last one is record_session's rule.
  No day after today: the form offers the server's today, and a phone and the server in
  one home share its time zone.
- A note: one line of plain text, at most MAX_NOTE_CHARS. Control characters (NUL, ESC,
  tab, line breaks) are refused rather than stripped, so what is stored is what was
  typed; a note is shown on one line in the history table, the CSV and the page.
"""

from __future__ import annotations

import datetime
import unicodedata

from voicecoach.errors import LogError
from voicecoach.program import Exercise

MAX_AMOUNT = 3600  # any count or seconds, program or not: nobody does 3601 reps in a set
EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_NOTE_CHARS = 500
_NOT_IN_A_NOTE = {"Cc", "Zl", "Zp"}  # controls (C0, DEL, C1) and Unicode line breaks


def top_of_range(exercise: Exercise) -> int:
    """The top of the exercise's range in the log's units (seconds for a hold, not ms)."""
    top = exercise.amount.high
    return round(top / 1000) if exercise.kind == "hold" else top


def max_amount(exercise: Exercise) -> int:
    """The most reps, cycles or seconds (for a hold) one set of ``exercise`` may log."""
    return min(2 * top_of_range(exercise) + 5, MAX_AMOUNT)


def check_amount(where: str, exercise: Exercise, amount: int, what: str) -> None:
    """``what`` is the amount's word: reps, seconds, cycles."""
    most = max_amount(exercise)
    if amount > most:
        raise LogError(
            f"{where}: {amount} {what} in one set is more than this program allows ({most}: "
            f"twice the top of its range, {top_of_range(exercise)}, plus 5); check the number"
        )


def check_date(
    date: datetime.date, today: datetime.date | None = None, what: str = "the date"
) -> None:
    """A session's date: from EARLIEST_DATE to ``today`` (the machine's, by default)."""
    today = today or datetime.date.today()
    if date > today:
        raise LogError(f"{what} {date.isoformat()} is in the future; log a session after it")
    if date < EARLIEST_DATE:
        raise LogError(
            f"{what} {date.isoformat()} is before {EARLIEST_DATE.isoformat()}, earlier than "
            "any training log; check the year"
        )


def check_note(where: str, note: str) -> None:
    """A note: one line of plain text, at most MAX_NOTE_CHARS characters."""
    for char in note:
        if unicodedata.category(char) in _NOT_IN_A_NOTE:
            raise LogError(
                f"{where}: the note has a control character (U+{ord(char):04X}); "
                "a note is one line of plain text"
            )
    if len(note) > MAX_NOTE_CHARS:
        raise LogError(
            f"{where}: the note is {len(note)} characters long; at most {MAX_NOTE_CHARS}"
        )
