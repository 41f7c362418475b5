"""The log as CSV: export everything, import it back, so the data is never locked in.

One row per set, with its session's columns repeated; a session with no sets (a missed
one) is one row with the set columns empty. The targets the track asked for are a JSON
object in the ``targets`` column. Export then import gives back the same sessions, and
importing a file twice adds nothing the second time (``LogStore.import_sessions``).
Import checks the whole file with the rules ``voicecoach log`` applies before it writes
anything (``import_csv``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from voicecoach.errors import LogError, LogFileError, OutputError
from voicecoach.log.records import MEASURES, STATUSES, SessionRecord, SetRecord, Target
from voicecoach.log.rules import Broken, check_session
from voicecoach.log.store import LogStore
from voicecoach.outputs import write_text_atomic
from voicecoach.program import Program

COLUMNS = (
    "program",
    "session",
    "date",
    "status",
    "program_hash",
    "targets",
    "exercise",
    "set",
    "side",
    "amount",
    "measure",
    "weight",
    "unit",
    "note",
)


def sessions_to_csv(sessions: Iterable[SessionRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for session in sessions:
        head = [
            session.program,
            session.number,
            session.date.isoformat(),
            session.status,
            session.program_hash,
            json.dumps(
                {k: t.to_json() for k, t in session.targets.items()},
                ensure_ascii=False,
                sort_keys=True,
            ),
        ]
        if not session.sets:
            writer.writerow(head + [""] * 8)
        for s in session.sets:
            weight = "" if s.weight is None else repr(s.weight)
            writer.writerow(
                head
                + [s.exercise, s.set_number, s.side or "", s.amount, s.measure]
                + [weight, s.unit or "", s.note]
            )
    return out.getvalue()


def export_csv(sessions: Iterable[SessionRecord], path: Path) -> int:
    """Write ``sessions`` to ``path`` atomically; returns the number of sessions.

    An existing file is replaced only if it is an earlier export (its first line is the
    header): ``log-export programs/back.yaml``, the program given by mistake for the
    file, must not wipe the program out."""
    if path.exists() and _first_line(path) != ",".join(COLUMNS):
        raise OutputError(
            f"{path} exists and is not a training-log export (its first line is not the "
            f"header {','.join(COLUMNS)}); give a new file name, or remove it first"
        )
    listed = list(sessions)
    write_text_atomic(path, sessions_to_csv(listed))
    return len(listed)


def _first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            return handle.readline().rstrip("\r\n")
    except OSError:
        return ""


@dataclass(frozen=True)
class _Rows:
    """Where a session is in the file: its first row, and the row of each of its sets."""

    first: int
    sets: tuple[int, ...] = ()
    empty: int | None = None  # the row that says it has no sets


def read_csv(path: Path) -> list[SessionRecord]:
    """Sessions from a CSV export, each row read whole; a row that is not one is a
    ``LogFileError`` naming its row and column. The rules a session obeys are checked
    by ``import_csv``, against the log it goes into."""
    return [record for record, _ in _read_rows(path)]


def import_csv(
    path: Path,
    db_path: Path,
    program: Program | None = None,
    today: datetime.date | None = None,
) -> tuple[int, int]:
    """Add the sessions of a CSV export to the log at ``db_path``: (added, skipped).

    The whole file is checked first, with the rules ``voicecoach log`` applies
    (log/rules.py), against the log as it is: sessions numbered on from the log's, in date
    order, none in the future or before EARLIEST_DATE; per set, the amount (at most
    MAX_AMOUNT), weight and unit, note, sides and set numbers, and at most the sets the
    session's targets prescribe. ``program``, when given, is what the rows must also fit:
    its title, its exercises' names, sides, weights, what they count and how much (twice
    the top of each range, plus 5). The first fault is a ``LogFileError``
    (``FILE:ROW:COLUMN: column: expected ..., got ...``) and nothing is written: no
    database file is created. A session already in the log with the same rows is skipped.
    """
    today = today or datetime.date.today()
    parsed = _read_rows(path)
    with LogStore(db_path, readonly=True) as store:
        existing = {(s.program, s.number): s for s in store.sessions()}
    log: dict[tuple[str, int], SessionRecord] = dict(existing)
    new: list[SessionRecord] = []
    skipped = 0
    for record, rows in sorted(parsed, key=lambda item: (item[0].program, item[0].number)):
        key = (record.program, record.number)
        there = existing.get(key)
        if there == record:
            skipped += 1
            continue
        if there is not None:
            raise _error(
                path,
                rows.first,
                "session",
                f"expected session {record.number} as {db_path} has it, got other values "
                "(it is already in the log with different sets)",
            )
        previous = log.get((record.program, record.number - 1))
        if record.number > 1 and previous is None:
            numbers = [n for (name, n) in log if name == record.program]
            expected = max(numbers, default=0) + 1
            raise _error(
                path,
                rows.first,
                "session",
                f"expected session {expected} of {record.program!r} (sessions are numbered "
                f"on from the log's, with none left out), got {record.number}",
            )
        try:
            check_session(record, today=today, latest=previous, program=program)
            following = existing.get((record.program, record.number + 1))
            if following is not None and following.date < record.date:
                raise Broken(
                    f"expected {following.date.isoformat()} or earlier (session "
                    f"{following.number} in the log comes after it), got {record.date}",
                    "date",
                )
        except Broken as broken:
            line = rows.first if broken.index is None else rows.sets[broken.index]
            raise _error(path, line, broken.field, str(broken)) from None
        log[key] = record
        new.append(record)
    if not new:
        return 0, skipped
    with LogStore(db_path) as store:
        added, again = store.import_sessions(new)
    return added, skipped + again


def _error(path: Path, line: int, field: str, message: str) -> LogFileError:
    column = COLUMNS.index(field) + 1 if field in COLUMNS else None
    return LogFileError(str(path), message, line=line, column=column, path=field)


def _read_rows(path: Path) -> list[tuple[SessionRecord, _Rows]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot read it ({exc})") from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise LogError(
                f"{path}: not a voicecoach log export (the header must be {','.join(COLUMNS)})"
            )
        sessions: dict[tuple[str, int], tuple[SessionRecord, _Rows, dict[str, str]]] = {}
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not cells:
                continue  # a blank line
            if len(cells) != len(COLUMNS):
                cut = len(cells) < len(COLUMNS)
                raise LogFileError(
                    str(path),
                    f"expected {len(COLUMNS)} columns, got {len(cells)} "
                    + (
                        f"(the row ends before {COLUMNS[len(cells)]!r})"
                        if cut
                        else "(more than the header names)"
                    ),
                    line=line,
                    column=min(len(cells), len(COLUMNS)) + 1,
                )
            row = dict(zip(COLUMNS, cells))
            try:
                key = (row["program"], _whole(row, "session", low=1))
                if key not in sessions:
                    sessions[key] = (_session(row), _Rows(first=line), row)
                record, rows, first = sessions[key]
                for name in _SESSION_COLUMNS:
                    if row[name] != first[name]:
                        raise Broken(
                            f"expected {first[name]!r}, as in row {rows.first} of the same "
                            f"session, got {row[name]!r}",
                            name,
                        )
                if rows.empty is not None:
                    raise Broken(
                        f"expected no more rows of session {key[1]} (row {rows.empty} says "
                        "it has no sets), got another row",
                        "exercise",
                    )
                if not row["exercise"]:
                    _no_set(row)
                    if rows.sets:
                        raise Broken(
                            f"expected a set (the other rows of session {key[1]} have sets), "
                            "got a row without one",
                            "exercise",
                        )
                    sessions[key] = (record, replace(rows, empty=line), first)
                    continue
                record = replace(record, sets=(*record.sets, _set(row)))
                sessions[key] = (record, replace(rows, sets=(*rows.sets, line)), first)
            except Broken as broken:
                raise _error(path, line, broken.field, str(broken)) from None
    except csv.Error as exc:
        raise LogFileError(str(path), f"not CSV ({exc})", line=reader.line_num) from None
    return [(record, rows) for record, rows, _ in sessions.values()]


_SESSION_COLUMNS = ("date", "status", "program_hash", "targets")
_SET_COLUMNS = COLUMNS[COLUMNS.index("exercise") :]
_WHOLE = re.compile(r"^-?[0-9]+$")


def _whole(row: dict[str, str], name: str, low: int | None = None) -> int:
    text = row[name]
    if not _WHOLE.match(text):
        raise Broken(f"expected a whole number, got {text!r}", name)
    value = int(text)
    if low is not None and value < low:
        raise Broken(f"expected a whole number from {low}, got {value}", name)
    return value


def _session(row: dict[str, str]) -> SessionRecord:
    if not row["program"]:
        raise Broken("expected the program's title, got ''", "program")
    status = row["status"]
    if status not in STATUSES:
        raise Broken(f"expected one of {', '.join(STATUSES)}, got {status!r}", "status")
    try:
        date = datetime.date.fromisoformat(row["date"])
    except ValueError:
        raise Broken(f"expected a date like 2026-11-20, got {row['date']!r}", "date") from None
    try:
        targets = json.loads(row["targets"] or "{}")
        if not isinstance(targets, dict):
            raise ValueError(f"expected a JSON object, got {row['targets']!r}")
        parsed = {name: Target.from_json(value) for name, value in targets.items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise Broken(f"expected the targets as JSON ({exc})", "targets") from None
    return SessionRecord(
        program=row["program"],
        program_hash=row["program_hash"],
        number=int(row["session"]),
        date=date,
        status=status,  # type: ignore[arg-type]
        targets=parsed,
    )


def _no_set(row: dict[str, str]) -> None:
    for name in _SET_COLUMNS:
        if row[name]:
            raise Broken(
                f"expected it empty, as the row names no exercise, got {row[name]!r}", name
            )


def _set(row: dict[str, str]) -> SetRecord:
    measure = row["measure"]
    if measure not in MEASURES:
        raise Broken(f"expected one of {', '.join(MEASURES)}, got {measure!r}", "measure")
    if row["side"] not in ("", "left", "right"):
        raise Broken(f"expected left, right or empty, got {row['side']!r}", "side")
    try:
        weight = float(row["weight"]) if row["weight"] else None
    except ValueError:
        raise Broken(
            f"expected a weight like 12.5 or empty, got {row['weight']!r}", "weight"
        ) from None
    return SetRecord(
        exercise=row["exercise"],
        set_number=_whole(row, "set"),
        side=row["side"] or None,
        amount=_whole(row, "amount"),
        measure=measure,  # type: ignore[arg-type]
        weight=weight,
        unit=row["unit"] or None,
        note=row["note"],
    )
