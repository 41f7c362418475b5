"""The next session renders itself: ``serve`` renders the log's next session in the
background, on a Huey task queue, and adds it to the site as ``publish --next`` would.

The queue is Huey's: by default ``SqliteHuey`` in a hidden file of the site folder
(``.voicecoach-jobs.sqlite3``, never served), with its consumer running as threads
inside ``serve``. ``VOICECOACH_QUEUE=redis://host:6379/0`` puts the same jobs on Redis
instead (docs/publish.md). One job renders at a time (one worker, and a Huey lock for
workers elsewhere); a job first checks that the log's next session is still the one it
was asked for and that the site lacks it, so asking twice renders once. What a job is
doing (queued, rendering with its progress, failed with its one line) is kept in the
queue's own key/value store, so the page can say it.

A server killed mid-render loses the job Huey had taken; the site is untouched (the
track and the site's files appear as FileSets). On start, ``serve`` forgets the statuses
of jobs no longer queued and asks again for what the log's next session needs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask, TaskLockedException

from voicecoach.errors import VoicecoachError
from voicecoach.log import LogStore, next_in_log
from voicecoach.outputs import remove_stale_temporaries
from voicecoach.program import load_program
from voicecoach.publish.state import load_site
from voicecoach.render import Progress, RenderSettings
from voicecoach.words import Catalogue

QUEUE_FILE = ".voicecoach-jobs.sqlite3"  # hidden: serve never sends a dot file
QUEUE_ENV = "VOICECOACH_QUEUE"  # "redis://..." puts the jobs on Redis
POLL_S = 3.0  # how often serve looks for a session logged elsewhere (`voicecoach log`)
LOCK = "next-session"  # one render at a time, whichever worker takes it
STYLE = """
.job { border-left: .3rem solid var(--accent); padding: .5rem .7rem; margin: .8rem 0;
       background: #14534a22; }
.job.failed { border-left-color: #d33; background: #d331; }
.job progress { width: 100%; }
"""


def open_queue(folder: Path, name: str) -> Huey:
    """The site's queue: Redis when VOICECOACH_QUEUE names it, else SQLite in the site."""
    url = os.environ.get(QUEUE_ENV, "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url:
        raise VoicecoachError(f"{QUEUE_ENV}: expected redis://HOST:PORT/DB, got {url!r}")
    return SqliteHuey(name, filename=str(folder / QUEUE_FILE))


@dataclass(frozen=True)
class JobStatus:
    """What the job for one session is doing, as the page says it."""

    number: int
    state: str  # "queued", "rendering", "failed"
    label: str = ""  # the render's current step ("Speaking 3 new phrases", "Rendering")
    done: int = 0
    total: int = 0
    error: str = ""  # the one line of a failed render


class NextSessionJobs:
    """Render jobs for one served site, its program and its training log."""

    def __init__(self, folder: Path, db_path: Path, settings: RenderSettings) -> None:
        site = load_site(folder)
        if site is None or not site.program_file:
            raise VoicecoachError(f"{folder}: the site does not record its program file")
        self.folder, self.db_path, self.settings = folder, db_path, settings
        self.program_file = Path(site.program_file)
        name = "voicecoach-" + hashlib.sha256(site.secret.encode()).hexdigest()[:12]
        self.huey = open_queue(folder, name)
        self.lock = self.huey.lock_task(LOCK)  # made now, so a consumer can flush it
        self.render_task = self.huey.task(name="render_next_session", retries=0)(self.render)
        self._asking = threading.Lock()

    # -- what the log needs ------------------------------------------------------------

    def wanted(self) -> int | None:
        """The log's next session number when the site lacks its episode and something
        has been logged (a log of nothing renders nothing), else None."""
        if not self.db_path.exists():
            return None
        program = load_program(str(self.program_file))
        with LogStore(self.db_path, readonly=True) as store:
            if not store.sessions(program.title):
                return None
            number = next_in_log(store, program).number
        site = load_site(self.folder)
        if site is None or number in site.sessions:
            return None
        return number

    def ask(self) -> int | None:
        """Queue the log's next session unless it is published, queued, rendering or
        failed already; returns the number queued."""
        with self._asking:
            try:
                number = self.wanted()
            except VoicecoachError:
                return None  # the page says why logging is not available
            if number is None or self.status(number) is not None:
                return None
            self._put(JobStatus(number, "queued"))
            self.render_task(number)
            return number

    # -- statuses, in the queue's key/value store ---------------------------------------

    def _key(self, number: int) -> str:
        return f"status.session-{number}"

    def status(self, number: int) -> JobStatus | None:
        found = self.huey.get(self._key(number), peek=True)
        return JobStatus(**found) if isinstance(found, dict) else None

    def _put(self, status: JobStatus) -> None:
        self.huey.put(self._key(status.number), status.__dict__)

    def _clear(self, number: int) -> None:
        self.huey.delete(self._key(number))

    def forget_unfinished(self) -> None:
        """On start: the status of the log's next session is forgotten when its job is no
        longer queued (a server killed mid-render) or it failed, so ``ask`` tries again."""
        try:
            number = self.wanted()
        except VoicecoachError:
            return
        status = self.status(number) if number is not None else None
        if status is None or number is None:
            return
        queued = {task.args[0] for task in self.huey.pending() if task.args}
        if status.state != "queued" or number not in queued:
            self._clear(number)

    def current(self) -> JobStatus | None:
        """The status of the job for the log's next session, if there is one."""
        try:
            number = self.wanted()
        except VoicecoachError:
            return None
        return self.status(number) if number is not None else None

    # -- the job --------------------------------------------------------------------------

    def render(self, number: int) -> str:
        """Render session ``number`` into the site, if it is still the log's next one."""
        try:
            with self.lock:
                return self._render(number)
        except TaskLockedException:
            raise RetryTask(delay=2) from None  # another worker renders one: wait a turn

    def _render(self, number: int) -> str:
        from voicecoach.publish.site import SessionTrack, publish

        try:
            program = load_program(str(self.program_file))
            with LogStore(self.db_path, readonly=True) as store:
                upcoming = next_in_log(store, program)
            site = load_site(self.folder)
            if upcoming.number != number or site is None or number in site.sessions:
                self._clear(number)
                return "not needed"
            self._put(JobStatus(number, "rendering", "Starting"))
            publish(
                program, [], self.folder, self.settings, progress=self._progress(number),
                session=SessionTrack(upcoming.number, upcoming.week),
            )  # fmt: skip
        except VoicecoachError as exc:
            self._put(JobStatus(number, "failed", error=str(exc)))
            return "failed"
        except Exception as exc:  # a bug: still one line on the page, and the server lives
            self._put(JobStatus(number, "failed", error=f"{type(exc).__name__}: {exc}"))
            return "failed"
        self._clear(number)
        return "published"

    def _progress(self, number: int) -> Progress:
        @contextlib.contextmanager
        def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
            done, last = 0, 0.0

            def advance(n: int) -> None:
                nonlocal done, last
                done += n
                now = time.monotonic()
                if now - last >= 0.5 or done >= total:
                    last = now
                    self._put(JobStatus(number, "rendering", label, done, total))

            self._put(JobStatus(number, "rendering", label, 0, total))
            yield advance

        return progress

    # -- running inside serve ---------------------------------------------------------

    @contextlib.contextmanager
    def running(self, poll_s: float = POLL_S) -> Iterator[None]:
        """The consumer (one worker thread) and the poller that notices sessions logged
        elsewhere, for the duration of the block."""
        consumer = QuietConsumer(
            self.huey, workers=1, worker_type="thread", periodic=False, flush_locks=True,
            check_worker_health=False, max_delay=1.0,
        )  # fmt: skip
        remove_stale_temporaries(self.folder)  # a render killed with the server before
        self.forget_unfinished()
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                try:
                    self.ask()
                except Exception as exc:  # a log busy or unreadable now: look again later
                    print(f"next session: {type(exc).__name__}: {exc}", file=sys.stderr)
                stop.wait(poll_s)

        poller = threading.Thread(target=poll, name="voicecoach-next-session", daemon=True)
        consumer.start()
        poller.start()
        try:
            yield
        finally:
            stop.set()
            consumer.stop(graceful=False)


class QuietConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer without its signal handlers: Ctrl-C stays serve's."""

    def _set_signal_handlers(self) -> None:
        pass


def status_html(status: JobStatus | None, words: Catalogue) -> str:
    """The line the page shows above the episodes while the next session is made (the
    render's own step, "Rendering 40%", is the renderer's words)."""
    if status is None:
        return ""
    if status.state == "failed":
        failed = words.say("page_failed", number=status.number, error=status.error)
        return f'<p class="job failed" role="alert" id="next-job">{escape(failed)}</p>'
    percent = f" {100 * status.done // status.total}%" if status.total else ""
    step = f" ({escape(status.label)}{percent})" if status.label else ""
    bar = (
        f'<progress max="{status.total}" value="{status.done}"></progress>' if status.total else ""
    )
    # The page looks again by itself until the track is there.
    return (
        f'<div class="job" role="status" id="next-job"><p>'
        f"{escape(words.say('page_preparing', number=status.number))}{step}</p>{bar}</div>"
        "<script>setTimeout(() => location.reload(), 5000)</script>"
    )
