"""The served page's "log this session" form, as data: what to show, and what to record.

The server renders ``form_fields`` as one text input per exercise (labelled with its
target, empty = done as prescribed) plus a date and a "missed" checkbox, and hands the
submitted fields to ``record_form``. Both sides use the same grammar as ``--set`` values
(log/entries.py), so the page, the prompt and the command line add the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from voicecoach.compiler import Week
from voicecoach.errors import LogError
from voicecoach.log.next_session import NextSession, target_text
from voicecoach.log.record import next_in_log, parse_date, record_session
from voicecoach.log.records import SessionRecord
from voicecoach.log.store import LogStore
from voicecoach.program import Program
from voicecoach.words import catalogue

DATE_FIELD = "date"
MISSED_FIELD = "missed"


@dataclass(frozen=True)
class FormField:
    name: str  # the input's name: "ex-1", "ex-2", ... in program order
    label: str  # the exercise's name
    target: str  # what the next session asks: "3 × 10 reps/side @ 12 kg"
    decision: str  # why ("Last time 10, 10, 9 at 12 kilos. Today: 10 reps, same weight.")


def field_name(index: int) -> str:
    return f"ex-{index + 1}"


def form_fields(store: LogStore, program: Program) -> list[FormField]:
    """The form for the next session of ``program``."""
    return fields_for(program, next_in_log(store, program))


def fields_for(
    program: Program, upcoming: NextSession, language: str = "en"
) -> list[FormField]:
    """The form for the session ``plan`` describes (the server plans once per request: it
    also shows the plan's session number, and plans from an empty log without creating
    a database file). The decisions are worded in ``language`` (the site's)."""
    return [
        FormField(
            name=field_name(index),
            label=exercise.name,
            target=target_text(exercise, upcoming),
            decision=catalogue(language).sentences(prescription.decision),
        )
        for index, (exercise, prescription) in enumerate(
            zip(program.exercises, upcoming.week.prescriptions)
        )
    ]


def record_form(
    store: LogStore,
    program: Program,
    form: Mapping[str, str],
    today: datetime.date | None = None,
    trained: Week | None = None,
) -> SessionRecord:
    """Record a submitted form: ``date`` (ISO, empty = today), ``missed`` (any non-empty
    value), and ``ex-N`` values in the ``--set`` grammar. Raises LogError (one line, for
    the page to show beside the form) and writes nothing when any field is wrong.
    ``trained``: the week whose track the form was under (``record_session``)."""
    known = {DATE_FIELD, MISSED_FIELD} | {field_name(i) for i in range(len(program.exercises))}
    unknown = sorted(set(form) - known)
    if unknown:
        raise LogError(f"the form has a field this program does not: {unknown[0]!r}")
    date = parse_date(form.get(DATE_FIELD) or None, today, what="date")
    missed = bool((form.get(MISSED_FIELD) or "").strip())
    answers = [
        (exercise.name, form[field_name(i)])
        for i, exercise in enumerate(program.exercises)
        if (form.get(field_name(i)) or "").strip()
    ]
    if missed:
        answers = []
    return record_session(store, program, answers, date=date, missed=missed, trained=trained)
