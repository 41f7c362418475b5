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
from dataclasses import dataclass, field, replace
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
from voicecoach.publish.page import Earlier, NextCard, WeekExtra, stage_words
from voicecoach.publish.site import KEEP_SESSIONS
from voicecoach.publish.state import Episode, Site, site_words
from voicecoach.words import Catalogue

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


def describe_logged(record: SessionRecord, words: Catalogue) -> str:
    date = record.date.isoformat()
    if record.status == "missed":
        return words.say("form_logged_missed", number=record.number, date=date)
    done = len({s.exercise for s in record.sets})
    return words.say("form_logged", number=record.number, date=date, n=done)


def form_html(
    anchor: str,
    upcoming: NextSession,
    fields: list[FormField],
    today: datetime.date,
    shown: Shown,
    words: Catalogue,
) -> str:
    """The form in section ``anchor`` for ``upcoming`` (trained to that section's track),
    in the site's language; the top card's is open, and any is open with its error or
    confirmation. The examples of what to type are the log's grammar, in every language."""
    say = words.say
    here = shown.at == anchor
    typed = shown.typed if here and shown.error else {}
    notes = ""
    if here and shown.error:
        notes = f'<p class="error" role="alert">{escape(shown.error)}</p>'
    elif here and shown.logged:
        logged = describe_logged(shown.logged, words)
        notes = f'<p class="done" role="status">{escape(logged)}</p>'
    prefix = f"log-{anchor}"
    number = upcoming.number
    as_prescribed = say("form_as_prescribed")
    about = {
        "number": number,
        "stage": stage_words(words, upcoming.week.foundation),
        **words.weeks(upcoming.week.number, upcoming.week.through),
    }
    if anchor == NEXT:
        summary, what = say("form_log_session", number=number), say("form_what_next", **about)
    else:
        summary, what = say("form_trained_to_track"), say("form_what_track", **about)
    inputs = "\n".join(
        f'<label for="{prefix}-{f.name}">{escape(f.label)} '
        f'<span class="target">{escape(f.target)}</span></label>'
        f'<input type="text" id="{prefix}-{f.name}" name="{f.name}" '
        f'value="{escape(typed.get(f.name, ""))}" placeholder="{escape(as_prescribed)}" '
        f'autocomplete="off" autocapitalize="off" spellcheck="false">'
        + (f'<span class="why">{escape(f.decision)}</span>' if f.decision else "")
        for f in fields
    )
    date = typed.get(DATE_FIELD, today.isoformat())
    help_text = (
        f"{escape(say('form_help'))} <code>10,10,9</code> {escape(say('form_help_reps'))}, "
        f"<code>10/10,10/9</code> {escape(say('form_help_sides'))}, <code>30s</code> "
        f"{escape(say('form_help_hold'))}, <code>@12kg</code> {escape(say('form_help_weight'))}, "
        "<code>skip</code>."
    )
    missed = " checked" if typed.get(MISSED_FIELD) else ""
    opened = " open" if here or anchor == NEXT else ""
    return f"""<details class="log" id="{prefix}"{opened}>
<summary>{escape(summary)}</summary>
<form class="log" method="post" action="{FORM_PATH}?at={anchor}">
{notes}
<p class="meta">{escape(what)}
{help_text}</p>
<input type="hidden" name="{SESSION_FIELD}" value="{number}">
<input type="hidden" name="{TRACK_FIELD}" value="{anchor}">
<label for="{prefix}-date">{escape(say("form_date"))}</label>
<input type="date" id="{prefix}-date" name="{DATE_FIELD}" value="{escape(date)}"
 max="{today.isoformat()}">
{inputs}
<label class="check"><input type="checkbox" name="{MISSED_FIELD}" value="1"{missed}>
{escape(say("form_missed"))}</label>
<button type="submit">{escape(say("form_log_session", number=number))}</button>
</form>
</details>"""


def logged_html(program: Program, record: SessionRecord, words: Catalogue) -> str:
    """What was logged for an earlier session, under its track."""
    lines = "".join(f"<li>{escape(line)}</li>" for line in logged_lines(program, record))
    on = words.say("form_logged_on", date=record.date.isoformat())
    return f'<div class="logged"><p class="meta">{escape(on)}</p><ul>{lines}</ul></div>'



def changes(
    program: Program, upcoming: NextSession, last: SessionRecord | None, words: Catalogue
) -> list[str]:
    """What changed since the last session, a short line per exercise whose target moved
    ("Bulgarian Split Squat: 3 × 12 reps/side @ 12 kg (was 11)"), and one line naming the
    ones that stay; why each moved is under its box in the form, in the track's words."""
    say = words.say
    if last is None:
        return [say("page_first_session")]
    moved, same = [], []
    for exercise in program.exercises:
        new, old = upcoming.target_of(exercise), last.targets.get(exercise.name)
        if old is not None and (new.amount, new.sets) == (old.amount, old.sets):
            if not new.raise_weight:
                same.append(exercise.name)
                continue
        target = target_text(exercise, upcoming)
        if new.raise_weight and "+ a little" not in target:  # no weight logged to add to
            target = say("page_heavier", target=target)
        if old is not None and old.amount != new.amount:
            target = say("page_was", target=target, amount=old.amount)
        moved.append(f"{exercise.name}: {target}")
    lines = []
    if last.status == "missed":
        lines.append(say("page_missed_again", number=last.number))
    elif upcoming.week.foundation:
        lines.append(say("page_foundation_as_written"))
    lines += moved
    if same and moved:
        lines.append(say("page_same_as_last", exercises=", ".join(same)))
    elif same and not lines:
        lines.append(say("page_same_targets"))
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


def unavailable_html(message: str, words: Catalogue) -> str:
    text = words.say("form_unavailable", reason=message)
    return (
        f'<details class="log"><summary>{escape(words.say("page_session", number="?"))}'
        f'</summary><p class="error">{escape(text)}</p></details>'
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
        words = site_words(site)
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
            reason = str(exc)  # the name exc is gone after the block; the lambda runs later
            return None, lambda episode: unavailable_html(reason, words)
        if logged_number is not None and shown.logged is None and logged_number in records:
            shown = Shown(at=shown.at, logged=records[logged_number])
        today = datetime.date.today()
        episode = site.sessions.get(upcoming.number) or week_track(program, site, upcoming.week)
        fields = fields_for(program, upcoming, words.language)
        last = records[max(records)] if records else None
        card = NextCard(
            number=upcoming.number,
            week=episode.week if episode else upcoming.week.number,
            through=episode.through if episode else upcoming.week.through,
            foundation=upcoming.week.foundation,
            changes=changes(program, upcoming, last, words),
            episode=episode,
            form=form_html(NEXT, upcoming, fields, today, shown, words),
            status=status,
            earlier=[
                Earlier(n, logged_html(program, records[n], words), site.sessions.get(n))
                for n in sorted(records, reverse=True)[:KEEP_SESSIONS]
            ],
        )

        def extra(episode: Episode) -> str:
            if episode.session is not None:
                record = records.get(episode.session)
                return logged_html(program, record, words) if record else ""
            week = replace(prescribe_week(program, episode.week), through=episode.through)
            trained = trained_to(program, upcoming, week)
            fields = fields_for(program, trained, words.language)
            return form_html(episode.anchor, trained, fields, today, shown, words)

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

    def progress_html(self, site: Site) -> str:
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
        say = site_words(site).say
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        return (
            f'<section id="progress"><h2>{escape(say("page_progress"))}</h2>'
            f'<ul class="glance">{items}</ul>'
            f'<p class="meta">{escape(say("page_progress_note"))}</p>'
            f'<img src="{PROGRESS_FILE}" alt="{escape(say("page_progress_alt"))}" '
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
