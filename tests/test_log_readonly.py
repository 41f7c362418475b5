"""A training log that cannot be written, made so for real: the reading commands work on
it, the writing ones say it is read-only and write nothing.

Tests run as root (here and in CI), and root ignores permission bits, so chmod proves
nothing. Two mechanisms hold for root: a read-only bind mount of the log's folder
(needs CAP_SYS_ADMIN) and an immutable file (``chattr +i``, needs CAP_LINUX_IMMUTABLE and
a file system that has the flag). Each is skipped, with the reason, only where it cannot
be set up."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.log import LogStore, record_session, sessions_to_csv
from voicecoach.program import load_program

SHORT = CASES / "log_short.yaml"


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def _sh(*command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def _refuses_writes(path: Path) -> bool:
    try:
        with path.open("ab"):
            return False
    except OSError:
        return True


@pytest.fixture
def log_folder(tmp_path: Path) -> Path:
    """A log of two sessions of log_short.yaml, in a folder of its own; its export as it
    should read is expected.csv beside the folder."""
    folder = tmp_path / "log"
    folder.mkdir()
    program = load_program(str(SHORT))
    with LogStore(folder / "log.sqlite3") as store:
        record_session(store, program, [("Floor Press", "2@20kg")], datetime.date(2025, 3, 3))
        record_session(store, program, [], datetime.date(2025, 3, 5))
        (tmp_path / "expected.csv").write_text(sessions_to_csv(store.sessions()))
    return folder


@pytest.fixture(params=["read-only-bind-mount", "immutable-file"])
def read_only_log(request: pytest.FixtureRequest, log_folder: Path) -> Iterator[Path]:
    """The log, read-only for everyone, root included."""
    if request.param == "read-only-bind-mount":
        view = log_folder.parent / "read-only"
        view.mkdir()
        done = _sh("mount", "--bind", str(log_folder), str(view))
        if done.returncode != 0:
            pytest.skip(f"cannot bind-mount here: {done.stderr.strip()}")
        try:
            done = _sh("mount", "-o", "remount,bind,ro", str(view))
            if done.returncode != 0 or not _refuses_writes(view / "log.sqlite3"):
                pytest.skip(f"cannot make a bind mount read-only here: {done.stderr.strip()}")
            yield view / "log.sqlite3"
        finally:
            _sh("umount", str(view))
    else:
        path = log_folder / "log.sqlite3"
        done = _sh("chattr", "+i", str(path))
        if done.returncode != 0 or not _refuses_writes(path):
            _sh("chattr", "-i", str(path))
            pytest.skip(f"cannot make a file immutable here: {done.stderr.strip()}")
        try:
            yield path
        finally:
            _sh("chattr", "-i", str(path))


def test_a_read_only_log_is_read_and_not_written(read_only_log: Path, tmp_path: Path) -> None:
    db = str(read_only_log)
    before = read_only_log.read_bytes()
    csv_text = (tmp_path / "expected.csv").read_text()

    code, out = run("history", str(SHORT), "--db", db)
    assert code == 0 and "Log Short: 2 sessions done, 2025-03-03 to 2025-03-05" in out, out
    code, out = run("log-export", str(tmp_path / "out.csv"), "--db", db)
    assert code == 0, out
    assert (tmp_path / "out.csv").read_text() == csv_text
    code, out = run("plan", str(SHORT), "--next", "--db", db)
    assert code == 0 and "Next: session 3 of 'Log Short'" in out, out

    refused = (
        f"error: {db}: the training log is read-only (the file cannot be written); nothing "
        "was written: make it writable, or log into a writable copy with --db\n"
    )
    assert run("log", str(SHORT), "--db", db, "--as-prescribed") == (2, refused)
    assert run("log", str(SHORT), "--db", db, input="\n\n\n") == (2, refused)  # asks nothing
    (tmp_path / "more.csv").write_text(
        csv_text + csv_text.splitlines()[-1].replace(",2,2025-03-05,", ",3,2025-03-06,") + "\n"
    )
    assert run("log-import", str(tmp_path / "more.csv"), "--db", db) == (2, refused)
    assert read_only_log.read_bytes() == before


def test_reading_a_log_that_does_not_exist_creates_no_file(tmp_path: Path) -> None:
    db = tmp_path / "none.sqlite3"
    code, out = run("history", str(SHORT), "--db", str(db))
    assert (code, out) == (0, "No sessions of 'Log Short' are logged yet.\n")
    assert run("log-export", str(tmp_path / "out.csv"), "--db", str(db))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
