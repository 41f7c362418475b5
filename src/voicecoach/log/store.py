"""The training log's SQLite database: schema, migrations, and every read and write.

One file per person (``default_db_path``; ``--db`` and ``VOICECOACH_DB`` override). The
command line and the server may write at the same time: the database runs in WAL mode
with a busy timeout, and every write is one ``BEGIN IMMEDIATE`` transaction, so a second
writer waits its turn instead of failing, and a session's number is taken inside the
transaction that stores it (no two sessions get the same number, no row is lost).

The schema version is ``PRAGMA user_version``; ``MIGRATIONS[i]`` takes version i to i+1
and is applied in the same transaction that records the new version, so a database is
always at exactly one version. ``PRAGMA application_id`` marks the file as a voicecoach
log: any other SQLite file, or a file that is not SQLite, is refused with one clear line
and never written to.

Commands that only read open the log with ``readonly=True``: SQLite's ``mode=ro``, no
migration, no table created, no file created (a log that does not exist yet reads as an
empty one), so a log on a read-only disk or folder can still be read and exported. A
command that writes to a log it cannot write to is refused before it asks anything,
with a line that says the log is read-only (``ReadOnlyLog``).
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from voicecoach.errors import LogError, ReadOnlyLog
from voicecoach.log.records import SessionRecord, SetRecord, Status, Target

APPLICATION_ID = 0x56434C47  # "VCLG": this SQLite file is a voicecoach training log
BUSY_TIMEOUT_MS = 30_000
DB_FILE_NAME = "training-log.sqlite3"

# Version 1: sessions and sets. Version 2: a session can be recorded as missed, a set can
# carry a note, and sessions are indexed by program.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        program TEXT NOT NULL,
        program_hash TEXT NOT NULL,
        number INTEGER NOT NULL,
        date TEXT NOT NULL,
        prescription TEXT NOT NULL,
        logged_at TEXT NOT NULL,
        UNIQUE (program, number)
    );
    CREATE TABLE sets (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        exercise TEXT NOT NULL,
        set_number INTEGER NOT NULL,
        side TEXT,
        amount INTEGER NOT NULL,
        measure TEXT NOT NULL,
        weight REAL,
        unit TEXT
    );
    """,
    """
    ALTER TABLE sessions ADD COLUMN status TEXT NOT NULL DEFAULT 'done';
    ALTER TABLE sets ADD COLUMN note TEXT NOT NULL DEFAULT '';
    CREATE INDEX sets_by_session ON sets(session_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """The log in the platform's user data folder (e.g. ~/.local/share/voicecoach)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("voicecoach", appauthor=False)) / DB_FILE_NAME


class LogStore:
    """An open training log. Use as a context manager, or call ``close``.

    ``readonly``: for commands that only read. Nothing is written; a log of an older
    schema is upgraded first when the file can be written, and refused with a line that
    says so when it cannot.
    """

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        existed = self.path.exists()
        if existed and self.path.is_dir():
            raise LogError(f"{self.path}: is a folder; give the training log's file name")
        if readonly:
            self._db = self._open_for_reading() if existed else _empty_log()
            return
        if not existed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LogError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        require_writable(self.path)
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise LogError(f"{self.path}: cannot open the training log ({exc})") from None
        try:
            self._check_and_migrate(existed)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _is_read_only(exc):
                raise ReadOnlyLog(self._read_only_message(f"SQLite says: {exc}")) from None
            raise self._unreadable(exc) from None
        except LogError:
            self._db.close()
            raise

    def _unreadable(self, exc: sqlite3.Error) -> LogError:
        return LogError(
            f"{self.path}: is not a readable voicecoach training log ({exc}); "
            "it was left untouched: move it aside or give another file with --db"
        )

    def _connect_read_only(self) -> sqlite3.Connection:
        """SQLite's mode=ro; for a WAL log in a folder nobody can write, immutable: SQLite
        cannot make the -shm file a reader needs there, and nobody can be writing the log
        either (a writer needs the -wal file)."""
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError as exc:
            db.close()
            wal = self.path.with_name(self.path.name + "-wal")
            if "unable to open" not in str(exc) or wal.exists():  # immutable would skip it
                raise
            db = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
        return db

    def _read_only_message(self, why: str) -> str:
        return read_only_message(self.path, why)

    def _open_for_reading(self) -> sqlite3.Connection:
        why = read_only_reason(self.path)
        try:
            if why is None:
                # A file that can be written is opened as usual, with writes refused
                # (query_only): its -wal and -shm files are then tidied away on close,
                # which a mode=ro connection would leave behind.
                db = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
                db.execute("PRAGMA query_only = ON")
            else:
                db = self._connect_read_only()
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None
        try:
            version = self._check(db, existed=True)
        except (sqlite3.DatabaseError, LogError) as exc:
            db.close()
            if isinstance(exc, LogError):
                raise
            raise self._unreadable(exc) from None
        if version == SCHEMA_VERSION:
            return db
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        db.close()
        if version == 0 and not tables:
            return _empty_log()  # an empty file: nothing logged yet
        if why:
            raise ReadOnlyLog(
                f"{self.path}: the training log is read-only ({why}) and was written by an "
                f"older voicecoach (log schema {version}; this one reads {SCHEMA_VERSION}); "
                "upgrading it writes to it: make it writable and run the command again"
            )
        LogStore(self.path).close()  # upgrade it, in its own write transaction
        return self._open_for_reading()

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- schema -------------------------------------------------------------------------

    def _check(self, db: sqlite3.Connection, existed: bool) -> int:
        """The schema version, once the file is known to be a log this voicecoach reads.
        Only reads: a file that is not SQLite fails here, untouched."""
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if existed and (app_id != APPLICATION_ID and (tables or version)):
            raise LogError(
                f"{self.path}: is an SQLite database but not a voicecoach training log; "
                "it was left untouched: give another file with --db"
            )
        if version > SCHEMA_VERSION:
            raise LogError(
                f"{self.path}: was written by a newer voicecoach (log schema {version}, this "
                f"one knows up to {SCHEMA_VERSION}); upgrade voicecoach"
            )
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return version

    def _check_and_migrate(self, existed: bool) -> None:
        db = self._db
        version = self._check(db, existed)
        db.execute("PRAGMA foreign_keys = ON")
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        if version < SCHEMA_VERSION:
            with self._write():
                # Another process may have migrated while we waited for the lock.
                version = db.execute("PRAGMA user_version").fetchone()[0]
                for step in range(version, SCHEMA_VERSION):
                    for statement in _statements(MIGRATIONS[step]):
                        db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it."""
        if self.readonly:
            raise ReadOnlyLog(self._read_only_message("it was opened only to read"))
        with self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """A damaged page or a lock held too long: one clear line, never a traceback."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if _is_read_only(exc):
                raise ReadOnlyLog(self._read_only_message(f"SQLite says: {exc}")) from None
            if "locked" in str(exc) or "busy" in str(exc):
                raise LogError(
                    f"{self.path}: the training log stayed busy for "
                    f"{BUSY_TIMEOUT_MS // 1000} s (another program is writing); try again"
                ) from None
            raise LogError(f"{self.path}: the training log cannot be used ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise LogError(
                f"{self.path}: the training log is damaged ({exc}); it was left untouched: "
                "restore it from a CSV export (voicecoach log-import) into a new file"
            ) from None

    # -- writes -------------------------------------------------------------------------

    def add_session(
        self,
        program: str,
        program_hash: str,
        date: datetime.date,
        status: Status,
        targets: dict[str, Target],
        sets: Iterable[SetRecord],
    ) -> SessionRecord:
        """Store one session and its sets; its number is the program's next one."""
        rows = tuple(sets)
        with self._write() as db:
            number = db.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM sessions WHERE program = ?", (program,)
            ).fetchone()[0]
            record = SessionRecord(program, program_hash, number, date, status, targets, rows)
            self._insert(db, record)
        return record

    def import_sessions(self, sessions: Iterable[SessionRecord]) -> tuple[int, int]:
        """Add sessions with their own numbers, in one transaction.

        A session already in the log with the same rows is skipped (importing an export
        twice changes nothing); one that differs is an error and nothing is imported.
        Returns (added, skipped).
        """
        added = skipped = 0
        with self._write() as db:
            for record in sessions:
                existing = self._read(db, record.program, record.number)
                if existing is None:
                    self._insert(db, record)
                    added += 1
                elif existing == record:
                    skipped += 1
                else:
                    raise LogError(
                        f"session {record.number} of {record.program!r} is already in "
                        f"{self.path} with different sets; nothing was imported"
                    )
        return added, skipped

    @staticmethod
    def _insert(db: sqlite3.Connection, record: SessionRecord) -> None:
        prescription = json.dumps(
            {name: target.to_json() for name, target in record.targets.items()},
            ensure_ascii=False,
            sort_keys=True,
        )
        cursor = db.execute(
            "INSERT INTO sessions (program, program_hash, number, date, prescription, "
            "logged_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.program,
                record.program_hash,
                record.number,
                record.date.isoformat(),
                prescription,
                datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                record.status,
            ),
        )
        db.executemany(
            "INSERT INTO sets (session_id, exercise, set_number, side, amount, measure, "
            "weight, unit, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    cursor.lastrowid,
                    s.exercise,
                    s.set_number,
                    s.side,
                    s.amount,
                    s.measure,
                    s.weight,
                    s.unit,
                    s.note,
                )
                for s in record.sets
            ],
        )

    # -- reads --------------------------------------------------------------------------

    def sessions(self, program: str | None = None) -> list[SessionRecord]:
        """Every session (of ``program``, or of every program), in logging order."""
        where, args = ("WHERE program = ?", (program,)) if program is not None else ("", ())
        with self._guard():
            ids = self._db.execute(
                f"SELECT program, number FROM sessions {where} ORDER BY program, number", args
            ).fetchall()
            records = [self._read(self._db, name, number) for name, number in ids]
        return [r for r in records if r is not None]

    @staticmethod
    def _read(db: sqlite3.Connection, program: str, number: int) -> SessionRecord | None:
        row = db.execute(
            "SELECT id, program_hash, date, status, prescription FROM sessions "
            "WHERE program = ? AND number = ?",
            (program, number),
        ).fetchone()
        if row is None:
            return None
        session_id, program_hash, date, status, prescription = row
        sets = tuple(
            SetRecord(
                exercise=exercise,
                set_number=set_number,
                side=side,
                amount=amount,
                measure=measure,
                weight=weight,
                unit=unit,
                note=note,
            )
            for exercise, set_number, side, amount, measure, weight, unit, note in db.execute(
                "SELECT exercise, set_number, side, amount, measure, weight, unit, note "
                "FROM sets WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        )
        targets = {
            name: Target.from_json(value) for name, value in json.loads(prescription).items()
        }
        return SessionRecord(
            program=program,
            program_hash=program_hash,
            number=number,
            date=datetime.date.fromisoformat(date),
            status=status,
            targets=targets,
            sets=sets,
        )


def _empty_log() -> sqlite3.Connection:
    """A log with nothing in it, in memory: what reading a log not created yet finds."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    for script in MIGRATIONS:
        for statement in _statements(script):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def read_only_message(path: Path, why: str) -> str:
    return (
        f"{path}: the training log is read-only ({why}); nothing was written: "
        "make it writable, or log into a writable copy with --db"
    )


def require_writable(path: Path) -> None:
    """Raise ReadOnlyLog if the log at ``path`` (or the folder it would be made in) cannot
    be written: asked before opening for writing, and before asking a person anything."""
    why = read_only_reason(path)
    if why and not path.exists():
        raise ReadOnlyLog(
            f"{path}: cannot create the training log there ({why}); nothing was "
            "written: give a writable place with --db"
        )
    if why:
        raise ReadOnlyLog(read_only_message(path, why))


def read_only_reason(path: Path) -> str | None:
    """Why SQLite could not write the log at ``path``, or None. It writes the file and,
    beside it, a ``-wal`` and a ``-shm`` file, made when missing (so the folder must be
    writable then). ``os.access`` also sees a read-only mount and an immutable file, which
    hold for root too."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return "the file cannot be written"
    if folder.exists() and not os.access(folder, os.W_OK):
        sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        if not (path.exists() and all(os.access(p, os.W_OK) for p in sidecars)):
            return f"its folder {folder} cannot be written"
    return None


def _is_read_only(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")  # Python 3.11+
    return name.startswith("SQLITE_READONLY") or "readonly database" in str(exc)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def resolve_db_path(option: str | None) -> Path:
    """``--db`` wins, then ``VOICECOACH_DB``, then the platform's user data folder."""
    if option:
        return Path(option)
    env = os.environ.get("VOICECOACH_DB")
    return Path(env) if env else default_db_path()
