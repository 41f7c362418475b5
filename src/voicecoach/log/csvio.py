"""The log as CSV: export everything, import it back, so the data is never locked in.

One row per set, with its session's columns repeated; a session with no sets (a missed
one) is one row with the set columns empty. The targets the track asked for are a JSON
object in the ``targets`` column. Export then import gives back the same sessions, and
importing a file twice adds nothing the second time (``LogStore.import_sessions``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable
from pathlib import Path

from voicecoach.errors import LogError
from voicecoach.log.bounds import check_date, check_note
from voicecoach.log.records import MEASURES, STATUSES, SessionRecord, SetRecord, Target
from voicecoach.outputs import write_text_atomic

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
    """Write ``sessions`` to ``path`` atomically; returns the number of sessions."""
    listed = list(sessions)
    write_text_atomic(path, sessions_to_csv(listed))
    return len(listed)


def read_csv(path: Path) -> list[SessionRecord]:
    """Sessions from a CSV export; a malformed row is one LogError naming its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot read it ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames) != COLUMNS:
        raise LogError(
            f"{path}: not a voicecoach log export (the header must be {','.join(COLUMNS)})"
        )
    sessions: dict[tuple[str, int], SessionRecord] = {}
    for row in reader:
        line = reader.line_num
        try:
            key = (row["program"], int(row["session"]))
            if key not in sessions:
                sessions[key] = _session(row)
            if row["exercise"]:
                session = sessions[key]
                sets = (*session.sets, _set(row))
                sessions[key] = SessionRecord(
                    session.program,
                    session.program_hash,
                    session.number,
                    session.date,
                    session.status,
                    session.targets,
                    sets,
                )
        except (ValueError, KeyError, TypeError, LogError) as exc:
            raise LogError(f"{path}:{line}: {exc}") from None
    return list(sessions.values())


def _session(row: dict[str, str]) -> SessionRecord:
    status = row["status"]
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    check_date(datetime.date.fromisoformat(row["date"]), what="date")  # log/bounds.py
    targets = json.loads(row["targets"] or "{}")
    if not isinstance(targets, dict):
        raise ValueError("targets must be a JSON object")
    return SessionRecord(
        program=row["program"],
        program_hash=row["program_hash"],
        number=int(row["session"]),
        date=datetime.date.fromisoformat(row["date"]),
        status=status,  # type: ignore[arg-type]
        targets={name: Target.from_json(value) for name, value in targets.items()},
    )


def _set(row: dict[str, str]) -> SetRecord:
    measure = row["measure"]
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    check_note(row["exercise"], row["note"])  # log/bounds.py
    if row["side"] not in ("", "left", "right"):
        raise ValueError(f"side must be left, right or empty, got {row['side']!r}")
    return SetRecord(
        exercise=row["exercise"],
        set_number=int(row["set"]),
        side=row["side"] or None,
        amount=int(row["amount"]),
        measure=measure,  # type: ignore[arg-type]
        weight=float(row["weight"]) if row["weight"] else None,
        unit=row["unit"] or None,
        note=row["note"],
    )
