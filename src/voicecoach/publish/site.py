"""What a published site holds, and ``publish``: render what is missing, then write the
feed, the page, the cover and the playlist.

The site folder is plain static files any web server can host::

    index.html  feed.xml  cover.png  <program>.m3u8
    <program>-week-01.mp3 (.timeline.json, .chapters.json, .vtt, and with --split a folder)
    .voicecoach-site.json   hidden: the episodes' details, first-publish dates, the
                            server's secret path (``voicecoach serve`` never serves it)

Every episode is one session, with the prescription it was rendered from:

* **Weeks** of the program (``--weeks``). Weeks that are the same session (the
  foundation weeks) are one episode and one file (``<program>-week-01-02.mp3``, "Weeks 1
  and 2" in its intro), so a subscriber never gets two identical tracks. Weeks already in
  the site stay when other weeks are published: weeks 13-16 later add four episodes.
* **Sessions from the training log** (``--next``, and ``serve`` after each session
  logged): numbered by the log, so neither ever renumbers the other. A session that is
  the same as an episode already there (``session_identity``: the prescriptions, the
  stage and the talk, not the week numbers) shares that episode's file instead of
  rendering it again; the feed carries the file once.

How many: every week published stays; of the log's sessions the newest
``KEEP_SESSIONS`` stay (four weeks at three a week), and older ones leave the feed, the
page and the folder (the log keeps what was done: ``voicecoach history``).

The state file also records the program file's path, so ``voicecoach serve`` can load
the program for the page's "log this session" forms. The feed and the page are rewritten
atomically, with the state last.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicecoach.compiler import Week, session_run, session_runs
from voicecoach.naming import (
    COVER_FILE,
    FEED_FILE,
    PAGE_FILE,
    SITE_STATE_FILE,
    chapters_path,
    parts_folder,
    parts_playlist_name,
    playlist_file_name,
    session_file_name,
    timeline_path,
    track_files,
    transcript_path,
)
from voicecoach.outputs import FileSet
from voicecoach.program import Program
from voicecoach.publish.state import Episode, Site, load_site, new_secret
from voicecoach.render import (
    BuildResult,
    Progress,
    RenderSettings,
    build_week,
    build_weeks,
    no_progress,
    playlist_text,
)
from voicecoach.report import plan_header, plan_rows
from voicecoach.words import catalogue

KEEP_SESSIONS = 12  # the log's sessions a site keeps: four weeks at three a week


@dataclass(frozen=True)
class SessionTrack:
    """The training log's next session, as ``publish --next`` puts it in the site: its
    number in the log and the Week the log prescribed (voicecoach.log.next_in_log)."""

    number: int
    week: Week


def session_identity(program: Program, week: Week, settings: RenderSettings) -> str:
    """Which session ``week`` is, whatever weeks it names: its prescriptions (with the
    log's decisions), its stage, and the talk, counts and exercises chosen. Two episodes
    with the same identity are the same track, so they share one file."""
    plain = replace(week, number=0, through=None)
    chosen = settings.options.resolved(program)
    return hashlib.sha256(repr((plain, chosen)).encode()).hexdigest()[:16]


def episode_for(
    program: Program,
    result: BuildResult,
    folder: Path,
    published: str,
    week: Week,
    identity: str,
    session: int | None = None,
) -> Episode:
    timeline = result.timeline
    parts_dir = parts_folder(result.path)
    playlist = parts_dir / parts_playlist_name(result.path)
    parts = []
    if playlist.exists():
        for line in playlist.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                parts.append(f"{parts_dir.name}/{line}")
    return Episode(
        week=timeline.week,
        title=timeline.title if session is None else session_title(
            timeline.program, timeline.language, timeline.week, timeline.through, session
        ),
        focus=timeline.focus,
        file=result.path.relative_to(folder).as_posix(),
        chapters_file=chapters_path(result.path).relative_to(folder).as_posix(),
        timeline_file=timeline_path(result.path).relative_to(folder).as_posix(),
        size_bytes=result.path.stat().st_size,
        duration_ms=timeline.duration_ms,
        published=published,
        chapters=[{"start_ms": c.start_ms, "title": c.title} for c in timeline.chapters],
        plan=[list(plan_header(timeline.language))]
        + [list(row) for row in plan_rows(program, week, timeline)],
        parts=parts,
        parts_playlist=f"{parts_dir.name}/{playlist.name}" if parts else None,
        session=session,
        transcript_file=transcript_path(result.path).relative_to(folder).as_posix(),
        through=timeline.through,
        identity=identity,
    )


def session_title(
    program: str, language: str, week: int, through: int | None, session: int
) -> str:
    """ "Back Pain — session 7 (week 3)", "… — session 4 (weeks 1–2)", in ``language``
    (a week's own episode is titled by its track: ``Timeline.title``)."""
    words = catalogue(language)
    weeks = words.weeks(week, through, "shown")
    return words.say("page_session_title", program=program, number=session, **weeks)


@dataclass(frozen=True)
class PublishResult:
    folder: Path
    site: Site
    rendered: list[BuildResult]
    kept: list[BuildResult]
    shared: list[Episode]  # sessions that took the file of an episode already there


def publish(
    program: Program,
    weeks: list[int],
    folder: Path,
    settings: RenderSettings,
    base_url: str | None = None,
    progress: Progress = no_progress,
    workers: int | None = None,
    session: SessionTrack | None = None,
) -> PublishResult:
    """Render the weeks that changed (and ``session``, the log's next one, if given), then
    rewrite the site's feed, page and playlist."""
    # Imported here: page and feed import this module for Site and Episode.
    from voicecoach.publish.cover import draw_cover
    from voicecoach.publish.feed import feed_xml
    from voicecoach.publish.page import page_html

    site = load_site(folder) or Site(
        title=program.title,
        description=program.description or program.title,
        author=program.artist,
        language="en",
        secret=new_secret(),
    )
    site.title, site.description, site.author = (
        program.title,
        program.description or program.title,
        program.artist,
    )
    # The page's and the feed's words, and the feed's <language>: the session's.
    site.language = str(settings.options.resolved(program).language)
    if base_url:
        site.base_url = base_url.rstrip("/") + "/"
    if program.source:  # where `serve` finds the program to log sessions against
        site.program_file = str(Path(program.source).resolve())
    before = {e.file for e in site.in_order}
    runs = session_runs(program, weeks)
    results = (
        build_weeks(
            program, runs, folder, settings, progress, incremental=True, workers=workers,
            track_total=False, playlist=False,
        )  # fmt: skip
        if runs
        else []
    )
    # New weeks get "now", a second apart in week order, so feeds list them in order.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for index, (run, result) in enumerate(zip(runs, results)):
        old = site.episodes.get(run.number)
        early = now - timedelta(seconds=len(results) - index)
        stamp = old.published if old else early.isoformat()
        identity = session_identity(program, run, settings)
        site.episodes[run.number] = episode_for(program, result, folder, stamp, run, identity)
        # A week published on its own before it was known to be part of this run.
        for week in range(run.number + 1, (run.through or run.number) + 1):
            site.episodes.pop(week, None)
    shared: list[Episode] = []
    if session:
        episode, made = _session_episode(program, site, folder, settings, progress, session)
        site.sessions[session.number] = episode
        if made is not None:
            results.append(made)
        else:
            shared.append(episode)
    # Episodes published earlier whose files are gone are no longer episodes; of the
    # log's sessions, the newest KEEP_SESSIONS stay.
    site.episodes = {w: e for w, e in site.episodes.items() if (folder / e.file).exists()}
    newest = sorted(site.sessions, reverse=True)[:KEEP_SESSIONS]
    site.sessions = {
        n: e for n, e in site.sessions.items() if n in newest and (folder / e.file).exists()
    }
    # The site's own files appear together (outputs.FileSet), the state last of all: the
    # feed, the page and the playlist never name an episode the others do not.
    with FileSet() as files:
        files.stage(folder / SITE_STATE_FILE).write_text(site.to_json(), encoding="utf-8")
        files.stage(folder / PAGE_FILE).write_text(page_html(site), encoding="utf-8")
        files.stage(folder / FEED_FILE).write_text(feed_xml(site, site.base_url), "utf-8")
        entries = [
            (e.duration_ms, f"{site.author} - {e.title}", e.file)
            for e in sorted(site.feed_episodes, key=lambda e: e.published)
        ]
        playlist = files.stage(folder / playlist_file_name(program.title))
        playlist.write_text(playlist_text(program.title, entries), encoding="utf-8")
        cover = files.stage(folder / COVER_FILE)
        draw_cover(program.title).save(cover, format="PNG", optimize=True)
    # Only once no file of the site names them: the tracks no episode holds any more.
    for gone in before - {e.file for e in site.in_order}:
        _remove_track(folder / gone)
    return PublishResult(
        folder=folder,
        site=site,
        rendered=[r for r in results if not r.reused],
        kept=[r for r in results if r.reused],
        shared=shared,
    )


def _session_episode(
    program: Program,
    site: Site,
    folder: Path,
    settings: RenderSettings,
    progress: Progress,
    session: SessionTrack,
) -> tuple[Episode, BuildResult | None]:
    """The log's session as an episode: the file of the same session if the site has it
    (with no result: nothing was rendered), else its own track, rendered."""
    # A foundation session is the program's week run: "Weeks 1 and 2", shared with it.
    last_week = max((e.through or e.week for e in site.episodes.values()), default=0)
    week = session_run(program, session.week, last_week)
    identity = session_identity(program, week, settings)
    old = site.sessions.get(session.number)
    # Kept when its render key matches: the key covers the timeline, so a changed
    # prescription renders anew. A session published before keeps its first-publish
    # date, so apps do not see it as new.
    stamp = old.published if old else datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    same = site.track_for(identity)
    if same is not None and same.session != session.number and (folder / same.file).exists():
        title = session_title(
            program.title, site.language, same.week, same.through, session.number
        )
        return replace(same, session=session.number, title=title, published=stamp), None
    path = folder / session_file_name(program.title, session.number)
    result = build_week(program, week, path, settings, progress, incremental=True)
    return episode_for(program, result, folder, stamp, week, identity, session.number), result


def _remove_track(mp3: Path) -> None:
    for path in track_files(mp3):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
