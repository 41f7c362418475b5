"""Build many weeks at once: speech first, then the weeks side by side on the cores.

    prepare every week's timeline (new phrases synthesized once, on all cores)
    -> skip the weeks already rendered from the same timeline and settings (incremental)
    -> render the rest side by side, one week per core (this process and workers)

The MP3 encoder is single-threaded and the mixer is one Python thread, so one week uses
about one core; two weeks at once use two. Each worker process runs the same
``render_track`` as ``build --week N`` (render/build.py; its own clip library, bounded
memory), so a batch's tracks are the single-week tracks. The .m3u8 is rewritten after
each finished week, so an interrupted batch keeps every week it finished and no
partial file.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from voicecoach.compiler import Week
from voicecoach.naming import playlist_file_name, week_file_name
from voicecoach.program import Program
from voicecoach.render.build import (
    BuildResult,
    Progress,
    TrackJob,
    check_music,
    no_progress,
    open_library,
    prepare_timeline,
    render_track,
    reuse,
    track_job,
)
from voicecoach.render.playlist import write_playlist
from voicecoach.render.settings import RenderSettings


def _worker_start() -> None:
    # Idle workers ignore Ctrl-C (the terminal sends it to the whole group); a worker
    # that is rendering turns it into KeyboardInterrupt, so its temporary files are removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_worker(job: TrackJob) -> BuildResult:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return render_track(job)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - macOS, Windows


def build_weeks(
    program: Program,
    weeks: Sequence[int | Week],
    folder: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    on_done: Callable[[BuildResult], None] = lambda result: None,
    *,
    incremental: bool = False,
    workers: int | None = None,
    track_total: bool = True,
    playlist: bool = True,
) -> list[BuildResult]:
    """One MP3 per week (and its parts with ``settings.split``) plus an .m3u8 playlist.

    ``incremental`` reuses weeks whose files match their render key; ``workers`` is how
    many weeks render at once (default: one per core); ``track_total`` tags tracks as
    "3/12" (a published feed leaves it out, as later weeks may be added); ``playlist``
    False leaves the playlist to the caller (a site lists all its episodes). A ``Week``
    may serve a run of weeks (``Week.through``): its file names both ends."""
    settings = settings.for_program(program)
    library = open_library(settings)
    check_music(settings)
    ends = [(w, None) if isinstance(w, int) else (w.number, w.through) for w in weeks]
    last = max(through or number for number, through in ends)
    total = last if track_total else None
    jobs = [
        track_job(
            prepare_timeline(program, week, settings, library, progress),
            folder / week_file_name(program.title, number, last, through),
            settings,
            library,
            total,
        )
        for week, (number, through) in zip(weeks, ends)
    ]
    results: list[BuildResult] = []

    def finished(result: BuildResult) -> None:
        results.append(result)
        if playlist:
            write_playlist(
                folder / playlist_file_name(program.title),
                program.title,
                [
                    (r.timeline.duration_ms, f"{program.artist} - {r.timeline.title}", r.path.name)
                    for r in sorted(results, key=lambda r: r.timeline.week)
                ],
            )
        on_done(result)

    todo = []
    for job in jobs:
        reused = reuse(job) if incremental else None
        if reused is not None:
            finished(reused)
        else:
            todo.append(job)
    count = min(workers or default_workers(), len(todo))
    if count <= 1:
        for job in todo:
            finished(render_track(job, progress))
    else:
        with progress(f"Rendering {len(todo)} weeks", len(todo)) as advance:

            def each(result: BuildResult) -> None:
                finished(result)
                advance(1)

            _render_side_by_side(todo, count, each)
    return sorted(results, key=lambda r: r.timeline.week)


def _render_side_by_side(
    jobs: list[TrackJob], count: int, finished: Callable[[BuildResult], None]
) -> None:
    """Render ``jobs`` ``count`` at a time; ``finished(result)`` as each one finishes.

    This process renders one week at a time itself and ``count - 1`` worker processes
    render the others, so the batch holds ``count`` single-week builds in memory, not
    ``count`` plus an idle parent. On an interruption (Ctrl-C, SIGTERM turned into
    KeyboardInterrupt by the CLI) or a failure, the workers are interrupted too and
    waited for, so each removes its temporary file, and the weeks a worker completed
    meanwhile are still reported finished before this re-raises."""
    queue = deque(jobs)
    # spawn, not fork: a fresh interpreter per worker shares no threads or locks with
    # this process (the clip library's and the progress bar's).
    pool = ProcessPoolExecutor(
        max_workers=count - 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_start,
    )
    pending: set[Future[BuildResult]] = set()
    try:
        while queue or pending:
            while queue and len(pending) < count - 1:
                pending.add(pool.submit(_render_in_worker, queue.popleft()))
            if queue:
                finished(render_track(queue.popleft()))
                done = {future for future in pending if future.done()}
            else:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending -= done
            for future in sorted(done, key=lambda f: f.result().timeline.week):
                finished(future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid or 0, signal.SIGINT)
        pool.shutdown(wait=True)
        for future in pending:
            if not future.cancelled() and future.exception() is None:
                finished(future.result())
        raise
    pool.shutdown(wait=True)
