"""Build many weeks at once: speech first, then the weeks side by side on the cores.

    prepare every week's timeline (new phrases synthesized once, on all cores)
    -> skip the weeks already rendered from the same timeline and settings (incremental)
    -> render the rest side by side, one week per core (this process and workers)

The MP3 encoder is single-threaded and the mixer is one Python thread, so one week uses
about one core; two weeks at once use two. Each worker process renders a week exactly
as ``build --week N`` would (its own clip library, bounded memory), so a batch's tracks
are the single-week tracks. The .m3u8 is rewritten after each finished week, so an
interrupted batch keeps every week it finished and no partial file.

A week's ``X.timeline.json`` records ``render_key``: a hash of its timeline and every
render setting. A week whose key still matches (and whose files are there) is reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from voicecoach import __version__
from voicecoach.compiler import Timeline
from voicecoach.naming import (
    parts_folder,
    parts_playlist_name,
    playlist_file_name,
    timeline_path,
    week_file_name,
)
from voicecoach.outputs import write_text_atomic
from voicecoach.program import Program
from voicecoach.render.build import (
    BuildResult,
    Progress,
    RenderSettings,
    no_progress,
    open_library,
    prepare_timeline,
    render_timeline,
    with_program_music,
    write_week_parts,
)
from voicecoach.render.cache import ClipCache
from voicecoach.render.clips import ClipLibrary
from voicecoach.render.engines import EngineSpec, open_engine
from voicecoach.render.music import MusicSettings
from voicecoach.render.music_files import find_music
from voicecoach.render.sidecars import write_sidecars

KEY_VERSION = 1  # bump when a change to the renderer should re-render published weeks


@dataclass(frozen=True)
class WeekJob:
    """Everything a worker process needs to render one week (picklable)."""

    timeline: Timeline
    path: Path
    spec: EngineSpec
    settings: RenderSettings
    track_total: int | None
    split: bool
    key: str
    synthesized: int
    repaired: int  # damaged clips made again while preparing the week


def render_key(
    timeline: Timeline,
    speech: dict[str, object],
    settings: RenderSettings,
    track_total: int | None,
    split: bool,
) -> str:
    """The hash that says whether a week's files are still what a render would make."""
    blob = json.dumps(
        {
            "key_version": KEY_VERSION,
            "voicecoach": __version__,
            "timeline": timeline.to_dict(),
            "speech": speech,
            "loudness_lufs": settings.loudness_lufs,
            "bitrate_kbps": settings.bitrate_kbps,
            "track_total": track_total,
            "split": split,
            "music": _music_identity(settings.music),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _music_identity(music: MusicSettings | None) -> object:
    """What the music under a week depends on: its files (as they are now) and settings."""
    if music is None:
        return None
    files = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in find_music(music.paths)]
    return {"files": files, "settings": asdict(replace(music, paths=()))}


def reuse(job: WeekJob) -> BuildResult | None:
    """The week's existing result when its files were rendered with the same key."""
    try:
        document = json.loads(timeline_path(job.path).read_text(encoding="utf-8"))
        size = job.path.stat().st_size
    except (OSError, ValueError):
        return None
    render = document.get("render") if isinstance(document, dict) else None
    if not isinstance(render, dict) or render.get("key") != job.key:
        return None
    if job.split and not (parts_folder(job.path) / parts_playlist_name(job.path)).exists():
        return None
    return BuildResult(
        path=job.path,
        timeline=job.timeline,
        size_bytes=size,
        seconds=0.0,
        synthesized=job.synthesized,
        gain_db=float(render.get("gain_db", 0.0)),
        peak_dbtp=float(render.get("peak_dbtp", 0.0)),
        reused=True,
        repaired=job.repaired,
    )


def render_job(job: WeekJob, progress: Progress = no_progress) -> BuildResult:
    """Render one prepared week: the MP3, its parts with ``split``, then its sidecars
    (last, so a sidecar with a key means everything it describes is in place)."""
    started = time.monotonic()
    # Every phrase is in the cache by now: the engine is only the clips' identity here.
    library = ClipLibrary(ClipCache(job.settings.cache_dir), open_engine(job.spec), jobs=1)
    level, peak = render_timeline(
        job.timeline, library, job.path, job.settings, progress, job.track_total
    )
    if job.split:
        write_week_parts(job.timeline, library, job.path, level, job.settings)
    render: dict[str, Any] = {
        "key": job.key,
        "gain_db": round(level.gain_db, 3),
        "speech_limit_dbfs": None if level.limit_dbfs is None else round(level.limit_dbfs, 3),
        "peak_dbtp": round(peak, 3),
        "loudness_lufs": job.settings.loudness_lufs,
        "bitrate_kbps": job.settings.bitrate_kbps,
        "speech": library.identity,
        "split": job.split,
    }
    write_sidecars(job.path, job.timeline, extra={"render": render})
    return BuildResult(
        path=job.path,
        timeline=job.timeline,
        size_bytes=job.path.stat().st_size,
        seconds=time.monotonic() - started,
        synthesized=job.synthesized,
        gain_db=level.gain_db,
        peak_dbtp=peak,
        repaired=job.repaired + library.cache.repaired,
    )


def _worker_start() -> None:
    # Idle workers ignore Ctrl-C (the terminal sends it to the whole group); a worker
    # that is rendering turns it into KeyboardInterrupt, so its temporary file is removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_worker(job: WeekJob) -> BuildResult:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return render_job(job)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - macOS, Windows


def build_weeks(
    program: Program,
    weeks: list[int],
    folder: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    on_done: Callable[[BuildResult], None] = lambda result: None,
    *,
    split: bool = False,
    incremental: bool = False,
    workers: int | None = None,
    track_total: bool = True,
) -> list[BuildResult]:
    """One MP3 per week (and its parts with ``split``) plus an .m3u8 playlist.

    ``incremental`` reuses weeks whose files match their render key; ``workers`` is how
    many weeks render at once (default: one per core); ``track_total`` tags tracks as
    "3/12" (a published feed leaves it out, as later weeks may be added)."""
    library = open_library(program, settings)
    settings = with_program_music(program, settings)
    if settings.music is not None:
        find_music(settings.music.paths)  # a wrong --music fails before any speech is made
    last = max(weeks)
    total = last if track_total else None
    jobs: list[WeekJob] = []
    for week in weeks:
        prepared = prepare_timeline(program, week, settings, library, progress)
        timeline = prepared.timeline
        jobs.append(
            WeekJob(
                timeline=timeline,
                path=folder / week_file_name(program.title, week, last),
                spec=library.engine.spec,
                settings=settings,
                track_total=total,
                split=split,
                key=render_key(timeline, library.identity, settings, total, split),
                synthesized=prepared.synthesized,
                repaired=prepared.repaired,
            )
        )
    results: list[BuildResult] = []

    def finished(result: BuildResult) -> None:
        results.append(result)
        write_playlist(folder, program, results)
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
            finished(render_job(job, progress))
    else:
        with progress(f"Rendering {len(todo)} weeks", len(todo)) as advance:

            def each(result: BuildResult) -> None:
                finished(result)
                advance(1)

            _render_side_by_side(todo, count, each)
    return sorted(results, key=lambda r: r.timeline.week)


def _render_side_by_side(
    jobs: list[WeekJob], count: int, finished: Callable[[BuildResult], None]
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
                finished(render_job(queue.popleft()))
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


def write_playlist(folder: Path, program: Program, results: list[BuildResult]) -> Path:
    path = folder / playlist_file_name(program.title)
    lines = ["#EXTM3U", f"#PLAYLIST:{program.title}"]
    for result in sorted(results, key=lambda r: r.timeline.week):
        seconds = round(result.timeline.duration_ms / 1000)
        lines.append(f"#EXTINF:{seconds},{program.artist} - {result.timeline.title}")
        lines.append(result.path.name)
    return write_text_atomic(path, "\n".join(lines) + "\n")
