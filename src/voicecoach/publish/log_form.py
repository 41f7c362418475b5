"""The served page's "log this session" form: its HTML, and what a submission does.

``voicecoach serve`` builds the top of the page from the training log when the site
knows its program file: the next session's card (publish/page.py ``NextCard``) with its
own form, open. Each form logs the session its track prescribes: the card's, the log's
next session against the log's targets; a program week's (folded under its track), the
log's next session against that week's targets, since that is what was trained to. The
log's earlier sessions show what was logged for them. The forms are plain HTML: no
script, so they work on any phone browser.

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

from voicecoach.compiler import MAX_WEEK, Week, prescribe_week
from voicecoach.errors import LogError, VoicecoachError
from voicecoach.log import (
    FormField,
    LogStore,
    NextSession,
    SessionRecord,
    fields_for,
    glance_lines,
    logged_lines,
    next_in_log,
    next_session,
    plot_history,
    record_form,
    target_text,
    trained_to,
)
from voicecoach.program import Program, load_program
from voicecoach.publish.page import Earlier, NextCard, WeekExtra
from voicecoach.publish.site import KEEP_SESSIONS
from voicecoach.publish.state import Episode, Site

FORM_PATH = "log"  # under the secret path: the only address that takes a POST
PROGRESS_FILE = "progress.png"  # drawn per request from the log (history --plot)
SESSION_FIELD = "session"  # hidden: the session number the form was made for
TRACK_FIELD = "track"  # hidden: the track it was under ("next", or "week-3")
NEXT = "next"  # the top card's anchor and track
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
div.logged { border-left: .3rem solid #8886; padding: .2rem .7rem; margin-top: .6rem; }
div.logged ul { margin: .2rem 0; padding-left: 1.1rem; }
ul.glance { padding-left: 1.1rem; font-size: .92rem; }
ul.glance li { margin: .2rem 0; }
"""


@dataclass(frozen=True)
class Shown:
    """What one request shows beside the forms: an error (with what was typed) in the
    section it came from, or the confirmation of a session just logged."""

    at: str = ""  # the section's anchor: "next", "week-3"
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
    anchor: str,
    upcoming: NextSession,
    fields: list[FormField],
    today: datetime.date,
    shown: Shown,
) -> str:
    """The form in section ``anchor`` for ``upcoming`` (trained to that section's track);
    the top card's is open, and any is open with its error or confirmation."""
    here = shown.at == anchor
    typed = shown.typed if here and shown.error else {}
    notes = ""
    if here and shown.error:
        notes = f'<p class="error" role="alert">{escape(shown.error)}</p>'
    elif here and shown.logged:
        notes = f'<p class="done" role="status">{escape(describe_logged(shown.logged))}</p>'
    prefix = f"log-{anchor}"
    stage = "foundation" if upcoming.week.foundation else "build"
    number = upcoming.number
    if anchor == NEXT:
        summary = f"Log session {number}"
        what = f"Session {number} in your training log ({upcoming.week.label.lower()}, {stage})."
    else:
        summary = "Trained to this track? Log it"
        what = (
            f"Logs session {number} in your training log with this track's targets "
            f"({upcoming.week.label.lower()}, {stage})."
        )
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
    opened = " open" if here or anchor == NEXT else ""
    return f"""<details class="log" id="{prefix}"{opened}>
<summary>{escape(summary)}</summary>
<form class="log" method="post" action="{FORM_PATH}?at={anchor}">
{notes}
<p class="meta">{escape(what)}
Leave a box empty if it went as prescribed; otherwise type what you did:
<code>10,10,9</code> reps per set, <code>10/10,10/9</code> left/right, <code>30s</code>
a hold, <code>@12kg</code> the weight, <code>skip</code>.</p>
<input type="hidden" name="{SESSION_FIELD}" value="{number}">
<input type="hidden" name="{TRACK_FIELD}" value="{anchor}">
<label for="{prefix}-date">Date</label>
<input type="date" id="{prefix}-date" name="{DATE_FIELD}" value="{escape(date)}"
 max="{today.isoformat()}">
{inputs}
<label class="check"><input type="checkbox" name="{MISSED_FIELD}" value="1"{missed}>
It did not happen (missed)</label>
<button type="submit">Log session {number}</button>
</form>
</details>"""


def logged_html(program: Program, record: SessionRecord) -> str:
    """What was logged for an earlier session, under its track."""
    lines = "".join(f"<li>{escape(line)}</li>" for line in logged_lines(program, record))
    return (
        f'<div class="logged"><p class="meta">Logged on {record.date.isoformat()}:</p>'
        f"<ul>{lines}</ul></div>"
    )


def changes(
    program: Program, upcoming: NextSession, last: SessionRecord | None
) -> list[str]:
    """What changed since the last session, a short line per exercise whose target moved
    ("Bulgarian Split Squat: 3 × 12 reps/side @ 12 kg (was 11)"), and one line naming the
    ones that stay; why each moved is under its box in the form, in the track's words."""
    if last is None:
        return ["Your first session: the program as it is written."]
    moved, same = [], []
    for exercise in program.exercises:
        new, old = upcoming.target_of(exercise), last.targets.get(exercise.name)
        if old is not None and (new.amount, new.sets) == (old.amount, old.sets):
            if not new.raise_weight:
                same.append(exercise.name)
                continue
        target = target_text(exercise, upcoming)
        if new.raise_weight and "+ a little" not in target:  # no weight logged to add to
            target += ", a little heavier"
        was = f" (was {old.amount})" if old is not None and old.amount != new.amount else ""
        moved.append(f"{exercise.name}: {target}{was}")
    lines = []
    if last.status == "missed":
        lines.append(f"Session {last.number} was missed: its targets again.")
    elif upcoming.week.foundation:
        lines.append("The foundation: the program as it is written.")
    lines += moved
    if same and moved:
        lines.append("Same as last time: " + ", ".join(same) + ".")
    elif same and not lines:
        lines.append("The same targets as last time.")
    return lines


def week_track(program: Program, site: Site, week: Week) -> Episode | None:
    """The program week's episode that is ``week``'s track, if ``week`` is a week of the
    program as written (a foundation session) and the site has it."""
    if not week.same_session(prescribe_week(program, week.number)):
        return None  # the log decided something: no program week says it
    for episode in site.episodes.values():
        if episode.week <= week.number <= (episode.through or episode.week):
            return episode
    return None


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

    def view(
        self, site: Site, shown: Shown, logged_number: int | None = None, status: str = ""
    ) -> tuple[NextCard | None, WeekExtra]:
        """The top card and the function page_html calls per section; reads the log once.
        ``status`` is the line about the next session's track being prepared."""
        records: dict[int, SessionRecord] = {}
        try:
            program = self._program()
            if self.db_path.exists():
                with LogStore(self.db_path, readonly=True) as store:
                    sessions = store.sessions(program.title)
                upcoming = next_session(program, sessions)
                records = {s.number: s for s in sessions}
            else:  # nothing logged yet: the first session, create no file on a GET
                upcoming = next_session(program, [])
        except VoicecoachError as exc:
            message = f"Logging is not available: {exc}"
            return None, lambda episode: unavailable_html(message)
        if logged_number is not None and shown.logged is None and logged_number in records:
            shown = Shown(at=shown.at, logged=records[logged_number])
        today = datetime.date.today()
        episode = site.sessions.get(upcoming.number) or week_track(program, site, upcoming.week)
        card = NextCard(
            number=upcoming.number,
            weeks=episode.weeks if episode else upcoming.week.label.lower(),
            stage="foundation" if upcoming.week.foundation else "build",
            changes=changes(program, upcoming, records[max(records)] if records else None),
            episode=episode,
            form=form_html(NEXT, upcoming, fields_for(program, upcoming), today, shown),
            status=status,
            earlier=[
                Earlier(n, logged_html(program, records[n]), site.sessions.get(n))
                for n in sorted(records, reverse=True)[:KEEP_SESSIONS]
            ],
        )

        def extra(episode: Episode) -> str:
            if episode.session is not None:
                record = records.get(episode.session)
                return logged_html(program, record) if record else ""
            week = prescribe_week(program, episode.week)
            trained = trained_to(program, upcoming, week)
            fields = fields_for(program, trained)
            return form_html(episode.anchor, trained, fields, today, shown)

        return card, extra

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
        """The section after the weeks, once something is logged: a line per exercise to
        read at a glance, then the picture (one plot per exercise, in a column)."""
        if not self.db_path.exists():
            return ""
        try:
            program = self._program()
            with LogStore(self.db_path, readonly=True) as store:
                lines = glance_lines(program, store.sessions(program.title))
        except VoicecoachError:
            return ""
        if not lines:
            return ""
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        return (
            '<section id="progress"><h2>Your progress</h2>'
            f'<ul class="glance">{items}</ul>'
            f'<p class="meta">Every set, the weakest as the line; weight on its own axis.</p>'
            f'<img src="{PROGRESS_FILE}" alt="Reps and weight over time, per exercise" '
            'style="width:100%;height:auto"></section>'
        )

    def submit(self, form: Mapping[str, str]) -> SessionRecord:
        """Record a submitted form; raises VoicecoachError (LogError: one line) and writes
        nothing when anything in it is wrong."""
        values = dict(form)
        made_for = values.pop(SESSION_FIELD, "")
        program = self._program()
        trained = trained_week(values.pop(TRACK_FIELD, NEXT))
        with self._lock, LogStore(self.db_path) as store:
            upcoming = next_in_log(store, program)
            if made_for != str(upcoming.number):
                raise LogError(
                    f"this form was for session {made_for or '?'}, but the log has moved on: "
                    f"it is at session {upcoming.number} now; check the boxes and send again"
                )
            week = prescribe_week(program, trained) if trained is not None else None
            return record_form(store, program, values, trained=week)


def trained_week(track: str) -> int | None:
    """The week number of a form's track ("week-3"), or None for the next session's."""
    if track == NEXT:
        return None
    number = track.removeprefix("week-")
    if track.startswith("week-") and number.isdigit() and 1 <= int(number) <= MAX_WEEK:
        return int(number)
    raise LogError(f"the form's track is {track!r}; expected {NEXT!r} or week-1 to week-{MAX_WEEK}")
