"""The served page's "log this session" form: its HTML, and what a submission does.

``voicecoach serve`` adds the form to every section of the page (weeks and sessions made
from the log) when the site knows its program file. It is a plain HTML form: no script,
so it works on any phone browser; a ``<details>`` box keeps it folded until tapped.
Every form logs the same thing, the training log's next session (the log does not know
which week's track was played: its targets are the log's own, voicecoach.log), so each
is labelled with that session's number and targets.

A submission goes to ``record_form`` (the same path ``voicecoach log --set`` takes):
either the whole session is written in one transaction, or nothing is and the form comes
back with the one error line and everything typed kept. The form carries the number of
the session it was made for; if the log moved on meanwhile (another tab, the command
line), the submission is refused rather than logged as the session after.
"""

from __future__ import annotations

import datetime
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from voicecoach.errors import LogError, VoicecoachError
from voicecoach.log import (
    FormField,
    LogStore,
    NextSession,
    SessionRecord,
    fields_for,
    next_in_log,
    next_session,
    plot_history,
    record_form,
)
from voicecoach.program import Program, load_program
from voicecoach.publish.page import WeekExtra
from voicecoach.publish.state import Episode

FORM_PATH = "log"  # under the secret path: the only address that takes a POST
PROGRESS_FILE = "progress.png"  # drawn per request from the log (history --plot)
SESSION_FIELD = "session"  # hidden: the session number the form was made for
DATE_FIELD = "date"
MISSED_FIELD = "missed"
MAX_FORM_BYTES = 16 * 1024  # a form of 30 exercises is under 2 KB

STYLE = """
details.log { border: 1px solid #8886; border-radius: .4rem; padding: .4rem .7rem;
              margin-top: .8rem; }
details.log > summary { font-weight: 600; padding: .3rem 0; cursor: pointer; }
form.log label { display: block; margin: .7rem 0 .2rem; }
form.log input[type="text"], form.log input[type="date"] {
  display: block; width: 100%; font: inherit; font-size: 1rem; padding: .55rem .5rem;
  border: 1px solid #8889; border-radius: .35rem; background: transparent; color: inherit; }
form.log .target { opacity: .75; }
form.log code { word-break: normal; white-space: nowrap; }
form.log .why { display: block; font-size: .85rem; opacity: .75; margin-top: .2rem; }
form.log label.check { display: flex; gap: .6rem; align-items: center; }
form.log input[type="checkbox"] { width: 1.3rem; height: 1.3rem; margin: 0; }
form.log button { width: 100%; font: inherit; padding: .7rem; margin-top: 1rem; border: 0;
                  border-radius: .4rem; background: var(--accent); color: #fff; }
.log .error { border-left: .3rem solid #d33; padding: .4rem .6rem; background: #d331; }
.log .done { border-left: .3rem solid var(--accent); padding: .4rem .6rem;
             background: #14534a22; }
"""


@dataclass(frozen=True)
class Shown:
    """What one request shows beside the forms: an error (with what was typed) in the
    section it came from, or the confirmation of a session just logged."""

    at: str = ""  # the section's anchor: "week-3", "session-7"
    error: str = ""
    typed: Mapping[str, str] = field(default_factory=dict)
    logged: SessionRecord | None = None


def describe_logged(record: SessionRecord) -> str:
    what = (
        "missed"
        if record.status == "missed"
        else f"{len({s.exercise for s in record.sets})} exercises"
    )
    return f"Logged session {record.number} on {record.date.isoformat()} ({what})."


def form_html(
    episode: Episode,
    upcoming: NextSession,
    fields: list[FormField],
    today: datetime.date,
    shown: Shown,
) -> str:
    """One section's form; open, with the error or the confirmation, if ``shown`` is for it."""
    here = shown.at == episode.anchor
    typed = shown.typed if here and shown.error else {}
    notes = ""
    if here and shown.error:
        notes = f'<p class="error" role="alert">{escape(shown.error)}</p>'
    elif here and shown.logged:
        notes = f'<p class="done" role="status">{escape(describe_logged(shown.logged))}</p>'
    prefix = f"log-{episode.anchor}"
    stage = "foundation" if upcoming.week.foundation else "build"
    week = upcoming.week.number
    inputs = "\n".join(
        f'<label for="{prefix}-{f.name}">{escape(f.label)} '
        f'<span class="target">{escape(f.target)}</span></label>'
        f'<input type="text" id="{prefix}-{f.name}" name="{f.name}" '
        f'value="{escape(typed.get(f.name, ""))}" placeholder="as prescribed" '
        f'autocomplete="off" autocapitalize="off" spellcheck="false">'
        + (f'<span class="why">{escape(f.decision)}</span>' if f.decision else "")
        for f in fields
    )
    date = typed.get(DATE_FIELD, today.isoformat())
    missed = " checked" if typed.get(MISSED_FIELD) else ""
    return f"""<details class="log" id="{prefix}"{" open" if here else ""}>
<summary>Log this session</summary>
<form class="log" method="post" action="{FORM_PATH}?at={episode.anchor}">
{notes}
<p class="meta">Session {upcoming.number} in your training log (week {week}, {stage}).
Leave a box empty if it went as prescribed; otherwise type what you did:
<code>10,10,9</code> reps per set, <code>10/10,10/9</code> left/right, <code>30s</code>
a hold, <code>@12kg</code> the weight, <code>skip</code>.</p>
<input type="hidden" name="{SESSION_FIELD}" value="{upcoming.number}">
<label for="{prefix}-date">Date</label>
<input type="date" id="{prefix}-date" name="{DATE_FIELD}" value="{escape(date)}"
 max="{today.isoformat()}">
{inputs}
<label class="check"><input type="checkbox" name="{MISSED_FIELD}" value="1"{missed}>
It did not happen (missed)</label>
<button type="submit">Log session {upcoming.number}</button>
</form>
</details>"""


def unavailable_html(message: str) -> str:
    return (
        '<details class="log"><summary>Log this session</summary>'
        f'<p class="error">{escape(message)}</p></details>'
    )


class LogForm:
    """Logging from the page, against the program file a site was published from and one
    training-log database. Reads the program on every request (an edit shows at once)."""

    def __init__(self, program_file: Path, db_path: Path) -> None:
        self.program_file = program_file
        self.db_path = db_path
        # One submission at a time in this server: checking the session number and
        # recording it must not interleave with another tab's submission.
        self._lock = threading.Lock()

    def _program(self) -> Program:
        return load_program(str(self.program_file))

    def _upcoming(self, program: Program, store: LogStore | None) -> NextSession:
        return next_in_log(store, program) if store else next_session(program, [])

    def extra(self, shown: Shown, logged_number: int | None = None) -> WeekExtra:
        """The function page_html calls per section; reads the log once, for all."""
        try:
            program = self._program()
            if self.db_path.exists():
                with LogStore(self.db_path, readonly=True) as store:
                    upcoming = self._upcoming(program, store)
                    if logged_number is not None and shown.logged is None:
                        found = [
                            s for s in store.sessions(program.title) if s.number == logged_number
                        ]
                        if found:
                            shown = Shown(at=shown.at, logged=found[0])
            else:  # nothing logged yet: the first session, create no file on a GET
                upcoming = self._upcoming(program, None)
        except VoicecoachError as exc:
            message = f"Logging is not available: {exc}"
            return lambda episode: unavailable_html(message)
        fields = fields_for(program, upcoming)
        today = datetime.date.today()
        return lambda episode: form_html(episode, upcoming, fields, today, shown)

    def progress_png(self) -> bytes | None:
        """The progress picture (``history --plot``) of what is logged, as PNG bytes;
        None while nothing is logged (or the log cannot be read)."""
        if not self.db_path.exists():
            return None
        try:
            program = self._program()
            with LogStore(self.db_path, readonly=True) as store:
                sessions = store.sessions(program.title)
            if not sessions:
                return None
            with tempfile.TemporaryDirectory(prefix="voicecoach-plot-") as folder:
                return plot_history(program, sessions, Path(folder) / PROGRESS_FILE).read_bytes()
        except VoicecoachError:
            return None

    def progress_html(self) -> str:
        """The section after the weeks that shows the picture, once something is logged."""
        if not self.db_path.exists():
            return ""
        return (
            '<section id="progress"><h2>Your progress</h2>'
            f'<p class="meta">Reps (or seconds) and weight per exercise, from the log.</p>'
            f'<img src="{PROGRESS_FILE}" alt="Reps and weight over time, per exercise" '
            'style="width:100%;height:auto"></section>'
        )

    def submit(self, form: Mapping[str, str]) -> SessionRecord:
        """Record a submitted form; raises VoicecoachError (LogError: one line) and writes
        nothing when anything in it is wrong."""
        values = dict(form)
        made_for = values.pop(SESSION_FIELD, "")
        program = self._program()
        with self._lock, LogStore(self.db_path) as store:
            upcoming = next_in_log(store, program)
            if made_for != str(upcoming.number):
                raise LogError(
                    f"this form was for session {made_for or '?'}, but the log has moved on: "
                    f"it is at session {upcoming.number} now; check the boxes and send again"
                )
            return record_form(store, program, values)
