"""Recording a session: the one path every way of logging goes through.

The command line's ``--set`` options, its interactive prompt and the served page's form
all end in ``record_session``: answers are parsed and checked first, every one of them,
and only then is the session written, in one transaction. A wrong answer writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from voicecoach.compiler import Week
from voicecoach.errors import LogError
from voicecoach.log.entries import Entry, parse_entry
from voicecoach.log.next_session import NextSession, next_session, target_text, trained_to
from voicecoach.log.records import SessionRecord, SetRecord
from voicecoach.log.rules import Broken, check_date, check_session, find_exercise
from voicecoach.log.store import LogStore
from voicecoach.program import Program
from voicecoach.words import catalogue

ENGLISH = catalogue("en")


def program_hash(program: Program) -> str:
    """sha256 of the program file, kept with each session ("" when there is no file)."""
    try:
        return hashlib.sha256(Path(program.source).read_bytes()).hexdigest()
    except OSError:
        return ""


def parse_date(
    text: str | None, today: datetime.date | None = None, what: str = "--date"
) -> datetime.date:
    """``2026-11-20`` (or today when empty), within log/rules.py's dates; ``what`` names
    the value in an error (``--date``, the form's ``date``)."""
    today = today or datetime.date.today()
    if not text:
        return today
    try:
        date = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise LogError(f"{what} {text!r}: expected a date like {today.isoformat()}") from None
    try:
        check_date(date, today)
    except Broken as broken:
        raise LogError(f"{what}: {broken}") from None
    return date


def latest_session(sessions: Sequence[SessionRecord]) -> SessionRecord | None:
    """The session a new one must not be dated before: the latest date in the log (the
    last session, in a log that is in date order)."""
    return max(reversed(sessions), key=lambda s: s.date, default=None)


def next_in_log(store: LogStore, program: Program) -> NextSession:
    """The next session of ``program`` according to the log in ``store``."""
    return next_session(program, store.sessions(program.title))


def parse_answers(
    program: Program, upcoming: NextSession, answers: Sequence[tuple[str, str]]
) -> list[Entry]:
    """Every exercise's entry, in program order: those answered as given, the rest 'as
    prescribed'. Raises LogError on the first wrong answer."""
    given: dict[str, Entry] = {}
    for name, value in answers:
        exercise = find_exercise(program, name)
        if exercise.name in given:
            raise LogError(f"{exercise.name}: given twice; give each exercise once")
        given[exercise.name] = parse_entry(exercise, value, upcoming.target_of(exercise).sets)
    return [given.get(ex.name) or parse_entry(ex, "", ex.sets) for ex in program.exercises]


def record_session(
    store: LogStore,
    program: Program,
    answers: Sequence[tuple[str, str]] = (),
    date: datetime.date | None = None,
    missed: bool = False,
    trained: Week | None = None,
) -> SessionRecord:
    """Log the next session of ``program``.

    ``answers`` are (exercise name, VALUE) pairs in the grammar of ``log.entries``; an
    exercise not answered was done as prescribed. ``missed`` records a session that did not
    happen (its targets are repeated next time); it takes no answers. ``trained`` is the
    week whose track was trained to, when not the one the log prescribed (a program week
    played on the page): "as prescribed" then means that track's targets.
    """
    today = datetime.date.today()
    date = date or today
    if missed and answers:
        raise LogError("a missed session has no sets; leave out --set")
    sessions = store.sessions(program.title)
    upcoming = next_session(program, sessions)
    if trained is not None:
        upcoming = trained_to(program, upcoming, trained)
    rows: list[SetRecord] = []
    if not missed:
        for entry in parse_answers(program, upcoming, answers):
            target = upcoming.target_of(entry.exercise)
            rows += entry.records(target, upcoming.weights.get(entry.exercise.name))
    record = SessionRecord(
        program=program.title,
        program_hash=program_hash(program),
        number=upcoming.number,  # provisional: the store numbers it as it writes it
        date=date,
        status="missed" if missed else "done",
        targets=upcoming.targets,
        sets=tuple(rows),
    )
    # The answers were checked as they were parsed; the rules every session obeys (the
    # date's order among them) are checked on what will be written, as log-import does.
    try:
        check_session(record, today=today, latest=latest_session(sessions), program=program)
    except Broken as broken:
        where = broken.field if broken.index is None else record.sets[broken.index].exercise
        raise LogError(f"{where}: {broken}") from None
    return store.add_session(
        program=record.program,
        program_hash=record.program_hash,
        date=record.date,
        status=record.status,
        targets=record.targets,
        sets=record.sets,
    )


# How to type what was done: the prompt says it before the first question.
ANSWER_HINT = (
    "Enter: done as prescribed. Or type what you did: 10,10,9 (reps per set), "
    "10/10,10/9 (left/right), 30s,25s (holds), @14kg (weight), skip (not done), "
    "10,10,9@12kg; a note"
)


def ask_answers(
    program: Program,
    upcoming: NextSession,
    ask: Callable[[str], str],
    tell: Callable[[str], None],
    date: datetime.date | None = None,
) -> list[tuple[str, str]]:
    """Ask exercise by exercise, offering the targets: an empty answer is 'done as
    prescribed'; a wrong answer is explained and asked again, so nothing wrong is kept.
    First it says which session this is and how to type an answer."""
    stage = "foundation" if upcoming.week.foundation else "build"
    when = (date or datetime.date.today()).isoformat()
    tell(
        f"Session {upcoming.number} of {program.title!r} on {when} "
        f"(week {upcoming.week.number}, {stage}; {upcoming.done} done so far)."
    )
    tell(ANSWER_HINT + ".")
    answers: list[tuple[str, str]] = []
    for exercise in program.exercises:
        target = target_text(exercise, upcoming)
        while True:
            value = ask(f"{exercise.name} [{target}]")
            try:
                parse_entry(exercise, value, upcoming.target_of(exercise).sets)
            except LogError as exc:
                tell(f"  {exc}")
                continue
            break
        if value.strip():
            answers.append((exercise.name, value))
    return answers


def summarize_answers(
    program: Program, upcoming: NextSession, answers: Sequence[tuple[str, str]]
) -> list[str]:
    """What will be logged, one line per exercise, to read before saying yes."""
    given = dict(answers)
    return [
        f"  {exercise.name}: "
        + (given[exercise.name].strip() if exercise.name in given else
           f"as prescribed ({target_text(exercise, upcoming)})")
        for exercise in program.exercises
    ]  # fmt: skip


def describe_next(program: Program, upcoming: NextSession) -> str:
    """Which session comes next and, per exercise, what the log decided and why."""
    stage = "foundation" if upcoming.week.foundation else "build"
    lines = [
        f"Next: session {upcoming.number} of {program.title!r} "
        f"(week {upcoming.week.number}, {stage}; "
        f"{upcoming.done} done so far)"
    ]
    for exercise, prescription in zip(program.exercises, upcoming.week.prescriptions):
        if prescription.decision:
            # The command line's own words are English; the track says it in its language.
            lines.append(f"  {exercise.name}: {ENGLISH.sentences(prescription.decision)}")
    return "\n".join(lines)
