"""The training-log stage: what a person actually did, and what that makes the next session.

records       the values: a logged session, its sets, the targets it was given
rules         the rules every logged session obeys: amounts, weights, sets, dates, notes
              (log, the form and log-import all check with them)
entries       what a person types ("10,10,9@12kg", "10/10,10/9", "30s"), checked
store         the SQLite database: versioned schema, WAL, one transaction per write
record        logging a session (command line, prompt and form all go through it)
next_session  program + log -> the next session's ``Week``, each decision in words
csvio         export to CSV and import back, checked row by row
history       the table per exercise and the progress picture
form          the served page's form as data: fields to show, a submission to record

The log feeds the progression: it builds a ``compiler.Week`` and hands it to
``compile_program``; the compiler knows nothing of the log.
"""

from voicecoach.log.csvio import export_csv, import_csv, read_csv, sessions_to_csv
from voicecoach.log.entries import Entry, parse_entry, split_set_option
from voicecoach.log.form import FormField, fields_for, form_fields, record_form
from voicecoach.log.history import glance_lines, history_table, logged_lines, plot_history
from voicecoach.log.next_session import (
    LogRule,
    NextSession,
    next_session,
    target_text,
    trained_to,
)
from voicecoach.log.record import (
    ask_answers,
    describe_next,
    next_in_log,
    parse_date,
    program_hash,
    record_session,
    summarize_answers,
)
from voicecoach.log.records import SessionRecord, SetRecord, Target
from voicecoach.log.rules import Broken, check_session, find_exercise
from voicecoach.log.store import (
    SCHEMA_VERSION,
    LogStore,
    default_db_path,
    require_writable,
    resolve_db_path,
)

__all__ = [
    "SCHEMA_VERSION",
    "Broken",
    "Entry",
    "FormField",
    "LogRule",
    "LogStore",
    "require_writable",
    "NextSession",
    "SessionRecord",
    "SetRecord",
    "Target",
    "ask_answers",
    "check_session",
    "describe_next",
    "default_db_path",
    "export_csv",
    "fields_for",
    "find_exercise",
    "form_fields",
    "glance_lines",
    "history_table",
    "logged_lines",
    "import_csv",
    "next_session",
    "parse_date",
    "parse_entry",
    "next_in_log",
    "trained_to",
    "plot_history",
    "program_hash",
    "read_csv",
    "record_form",
    "record_session",
    "summarize_answers",
    "resolve_db_path",
    "sessions_to_csv",
    "split_set_option",
    "target_text",
]
