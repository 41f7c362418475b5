"""log-import on real CSV files: every rule `log` applies, checked over the whole file
before anything is written; a bad row is one line FILE:ROW:COLUMN and no database file."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.log import LogStore, record_session, sessions_to_csv
from voicecoach.program import load_program

SHORT = CASES / "log_short.yaml"
Rows = list[list[str]]
TODAY = datetime.date.today().isoformat()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sessions of log_short.yaml. The export's rows: 1 the header; session 1 on rows
    2-5 (Split Squat, left and right x 2 sets), 6 (Floor Press), 7 (Plank); session 2 on
    rows 8-13, the same way."""
    path = tmp_path_factory.mktemp("source") / "log.sqlite3"
    program = load_program(str(SHORT))
    with LogStore(path) as store:
        answers = [("Split Squat", "3/3,3/2@10kg"), ("Floor Press", "2@20kg"), ("Plank", "6s")]
        record_session(store, program, answers, datetime.date(2025, 3, 3))
        record_session(store, program, [], datetime.date(2025, 3, 5))
    return path


def exported(source: Path) -> Rows:
    with LogStore(source) as store:
        return list(csv.reader(io.StringIO(sessions_to_csv(store.sessions()))))


def cell(row: int, column: str, value: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[row - 1][rows[0].index(column)] = value

    return edit


def session_date(number: str, value: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        for row in rows[1:]:
            if row[1] == number:
                row[2] = value

    return edit


def truncate(rows: Rows) -> None:
    rows[4] = rows[4][:5]


def extra_column(rows: Rows) -> None:
    rows[5].append("x")


def second_floor_press_set(rows: Rows) -> None:
    rows.insert(6, [*rows[5][:7], "2", *rows[5][8:]])


def write(path: Path, rows: Rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    return path


BAD = [
    ("truncated-row", truncate, "5:6: expected 14 columns, got 5 (the row ends before 'targets')"),
    (
        "future-date",
        session_date("2", "2099-01-01"),
        f"8:3: date: expected today ({TODAY}) or earlier, got 2099-01-01 (in the future)",
    ),
    (
        "unknown-exercise",
        cell(6, "exercise", "Floor Pres"),
        "6:7: exercise: expected one of the session's exercises (its targets), "
        "got 'Floor Pres' (did you mean 'Floor Press'?)",
    ),
    (
        "negative-amount",
        cell(6, "amount", "-2"),
        "6:10: amount: expected 0 to 3600 reps in one set, got -2",
    ),
    ("set-0", cell(6, "set", "0"), "6:8: set: expected set 1 of 'Floor Press', got 0"),
    (
        "extra-column",
        extra_column,
        "6:15: expected 14 columns, got 15 (more than the header names)",
    ),
    (
        "huge-amount",
        cell(6, "amount", "99999999999999999999999"),
        "6:10: amount: expected 0 to 3600 reps in one set, got 99999999999999999999999",
    ),
    (
        "dates-out-of-order",
        session_date("2", "2025-03-01"),
        "8:3: date: expected 2025-03-03 or later (session 1 of 'Log Short' is dated "
        "2025-03-03; sessions are logged in date order), got 2025-03-01",
    ),
    (
        "more-sets-than-prescribed",
        second_floor_press_set,
        "7:8: set: Floor Press: 2 sets given, but 1 is prescribed",
    ),
    (
        "date-differs-within-a-session",
        cell(3, "date", "2025-03-04"),
        "3:3: date: expected '2025-03-03', as in row 2 of the same session, got '2025-03-04'",
    ),
]


@pytest.mark.parametrize(("edit", "where"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_row_is_one_line_with_row_and_column_and_no_database_file(
    tmp_path: Path, source: Path, edit: Callable[[Rows], None], where: str
) -> None:
    rows = exported(source)
    edit(rows)
    bad = write(tmp_path / "bad.csv", rows)
    db = tmp_path / "new.sqlite3"
    result = CliRunner().invoke(cli, ["log-import", str(bad), "--db", str(db)])
    assert (result.exit_code, result.output) == (2, f"error: {bad}:{where}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]  # no database file


def test_a_session_dated_before_the_logs_last_is_refused_and_the_log_unchanged(
    tmp_path: Path, source: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    shutil.copy(source, db)
    before = db.read_bytes()
    rows = exported(source)
    rows += [[r[0], "3", "2025-03-04", *r[3:]] for r in rows[8:]]  # session 3, rows 14-19
    bad = write(tmp_path / "more.csv", rows)
    result = CliRunner().invoke(cli, ["log-import", str(bad), "--db", str(db)])
    assert (result.exit_code, result.output) == (
        2,
        f"error: {bad}:14:3: date: expected 2025-03-05 or later (session 2 of 'Log Short' "
        "is dated 2025-03-05; sessions are logged in date order), got 2025-03-04\n",
    )
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3", "more.csv"]


def test_with_program_the_rows_must_fit_it(tmp_path: Path, source: Path) -> None:
    rows = exported(source)
    cell(7, "weight", "5.0")(rows)
    cell(7, "unit", "kg")(rows)
    bad = write(tmp_path / "bad.csv", rows)
    db = tmp_path / "new.sqlite3"
    arguments = ["log-import", str(bad), "--db", str(db), "--program", str(SHORT)]
    result = CliRunner().invoke(cli, arguments)
    assert (result.exit_code, result.output) == (
        2,
        f"error: {bad}:7:12: weight: expected no weight (the program does not use one for "
        "'Plank'), got 5\n",
    )
    assert not db.exists()
    good = write(tmp_path / "good.csv", exported(source))
    arguments = ["log-import", str(good), "--db", str(db), "--program", str(SHORT)]
    result = CliRunner().invoke(cli, arguments)
    assert result.output == f"Imported 2 sessions from {good}\n"


def test_log_refuses_a_date_before_the_latest_in_the_log(tmp_path: Path, source: Path) -> None:
    """A log put out of date order by an older voicecoach's import: `log` goes by the
    latest date in it, not the last session's."""
    db = tmp_path / "log.sqlite3"
    shutil.copy(source, db)
    with LogStore(db) as store:
        first, second = store.sessions()
    disordered = [
        replace(first, number=3, date=datetime.date(2025, 6, 1)),
        replace(second, number=4),
    ]
    with LogStore(db) as store:
        store.import_sessions(disordered)  # the store itself checks no rules
    before = db.read_bytes()
    result = CliRunner().invoke(
        cli, ["log", str(SHORT), "--db", str(db), "--date", "2025-04-01", "--as-prescribed"]
    )
    assert (result.exit_code, result.output) == (
        2,
        "error: date: expected 2025-06-01 or later (session 3 of 'Log Short' is dated "
        "2025-06-01; sessions are logged in date order), got 2025-04-01\n",
    )
    assert db.read_bytes() == before
