"""The training log's database, on real SQLite files: migration from an older schema, a
damaged or foreign file refused and left as it was, two processes writing at once, and the
CSV round trip."""

from __future__ import annotations

import datetime
import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SHIPPED
from voicecoach.cli import cli
from voicecoach.errors import LogError
from voicecoach.log import (
    SCHEMA_VERSION,
    LogStore,
    read_csv,
    record_session,
    sessions_to_csv,
)
from voicecoach.log.store import APPLICATION_ID, MIGRATIONS
from voicecoach.program import load_program

V1_FIXTURE = ROOT / "tests" / "data" / "log_v1.sqlite3"
V1_SQL = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, program TEXT NOT NULL, program_hash TEXT NOT NULL,
    number INTEGER NOT NULL, date TEXT NOT NULL, prescription TEXT NOT NULL,
    logged_at TEXT NOT NULL, UNIQUE (program, number));
CREATE TABLE sets (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL, set_number INTEGER NOT NULL, side TEXT,
    amount INTEGER NOT NULL, measure TEXT NOT NULL, weight REAL, unit TEXT);
INSERT INTO sessions VALUES (1, 'Alleviating Back Pain', 'abc', 1, '2025-03-03',
    '{"Russian Twist": {"amount": 10, "raise_weight": false, "sets": 3}}',
    '2025-03-03T18:00:00+00:00');
INSERT INTO sets VALUES (1, 1, 'Russian Twist', 1, NULL, 10, 'reps', 6.0, 'kg');
INSERT INTO sets VALUES (2, 1, 'Russian Twist', 2, NULL, 10, 'reps', 6.0, 'kg');
INSERT INTO sets VALUES (3, 1, 'Russian Twist', 3, NULL, 9, 'reps', 6.0, 'kg');
PRAGMA application_id = 1447251015;
PRAGMA user_version = 1;
"""


def make_v1_log(path: Path) -> None:
    """V1_SQL in a new file: what the committed fixture must hold (never the fixture itself)."""
    db = sqlite3.connect(path)
    db.executescript(V1_SQL)
    db.commit()
    db.close()


def columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Each table's columns (name, type, not null, default, primary key) in ``path``."""
    db = sqlite3.connect(path)
    try:
        listed = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [row[0] for row in listed]
        return {
            table: [row[1:] for row in db.execute(f"PRAGMA table_info({table})")]
            for table in sorted(tables)
        }
    finally:
        db.close()


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump()) + [
            str(db.execute("PRAGMA user_version").fetchone()[0]),
            str(db.execute("PRAGMA application_id").fetchone()[0]),
        ]
    finally:
        db.close()


def test_the_committed_v1_fixture_is_version_1_of_the_schema(tmp_path: Path) -> None:
    """tests/data/log_v1.sqlite3 is committed (made once from V1_SQL and reviewed): it holds
    V1_SQL's rows, and its tables are the ones the store's first migration creates."""
    assert V1_FIXTURE.is_file(), f"{V1_FIXTURE} is missing: it is committed, not made by tests"
    make_v1_log(tmp_path / "fresh.sqlite3")
    assert dump(V1_FIXTURE) == dump(tmp_path / "fresh.sqlite3")
    assert dump(V1_FIXTURE)[-2:] == ["1", str(APPLICATION_ID)]
    by_the_store = tmp_path / "migration-1.sqlite3"
    db = sqlite3.connect(by_the_store)
    db.executescript(MIGRATIONS[0])
    db.close()
    assert columns(V1_FIXTURE) == columns(by_the_store)


def test_a_version_1_log_migrates_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(V1_FIXTURE, path)
    program = load_program(str(SHIPPED))
    with LogStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        (old,) = store.sessions(program.title)
        assert old.status == "done" and [s.amount for s in old.sets] == [10, 10, 9]
        assert {s.note for s in old.sets} == {""} and old.sets[0].weight == 6.0
        new = record_session(store, program, [("Russian Twist", "12,12,12; easy")])
    assert new.number == 2
    with LogStore(path) as store:
        assert [s.number for s in store.sessions()] == [1, 2]
        assert store.sessions()[1].sets_of("Russian Twist")[0].note == "easy"


@pytest.mark.parametrize(
    "content",
    [
        b"this is a shopping list, not a database\n" * 50,
        b"SQLite format 3\x00" + b"\xff" * 4000,  # the header, then garbage
    ],
    ids=["text", "damaged"],
)
def test_a_corrupt_log_is_one_clear_line_and_never_overwritten(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["log", str(SHIPPED), "--as-prescribed", "--db", str(path)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith(f"error: {path}: ") and "untouched" in line and "\n" not in line
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]  # no -wal, no -shm


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(LogError, match="not a voicecoach training log"):
        LogStore(path)
    assert path.read_bytes() == before


def _log_many(path: str, label: str, count: int, start: multiprocessing.synchronize.Event) -> None:
    program = load_program(str(SHIPPED))
    start.wait()
    for i in range(count):
        with LogStore(path) as store:
            record_session(store, program, [("Russian Twist", f"{10 + i % 5},10,10; {label}{i}")])


def test_two_processes_logging_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "log.sqlite3")
    LogStore(path).close()  # created once, like a first `voicecoach log`
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    count = 12
    workers = [
        context.Process(target=_log_many, args=(path, label, count, start)) for label in "ab"
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with LogStore(path) as store:
        sessions = store.sessions()
    assert [s.number for s in sessions] == list(range(1, 2 * count + 1))
    notes = sorted(s.sets_of("Russian Twist")[0].note for s in sessions)
    assert notes == sorted(f"{label}{i}" for label in "ab" for i in range(count))
    assert len({len(s.sets) for s in sessions}) == 1  # every session whole


def test_csv_export_then_import_gives_back_the_same_log(tmp_path: Path) -> None:
    program = load_program(str(SHIPPED))
    source, copy = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    with LogStore(source) as store:
        day = datetime.date(2025, 5, 1)
        record_session(store, program, [("Bulgarian", '10/9,10/10,9/9@12.5kg; knee, "ok"')], day)
        record_session(store, program, missed=True, date=day + datetime.timedelta(days=2))
        record_session(
            store,
            program,
            [("Doorway", "30s,25"), ("Cat-Cow", "skip")],
            day + datetime.timedelta(4),
        )
        original = store.sessions()
    runner = CliRunner()
    exported = runner.invoke(cli, ["log-export", str(tmp_path / "log.csv"), "--db", str(source)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(cli, ["log-import", str(tmp_path / "log.csv"), "--db", str(copy)])
    assert imported.output.strip() == f"Imported 3 sessions from {tmp_path / 'log.csv'}"
    with LogStore(copy) as store:
        assert store.sessions() == original
    again = runner.invoke(cli, ["log-import", str(tmp_path / "log.csv"), "--db", str(copy)])
    assert "Imported 0 sessions" in again.output and "(3 already there)" in again.output
    assert read_csv(tmp_path / "log.csv") == original
    assert sessions_to_csv(original) == (tmp_path / "log.csv").read_text()
