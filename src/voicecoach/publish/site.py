"""What a published site holds, and ``publish``: render what is missing, then write the
feed, the page, the cover and the playlist.

The site folder is plain static files any web server can host::

    index.html  feed.xml  cover.png  <program>.m3u8
    <program>-week-01.mp3 (.timeline.json, .chapters.json, .vtt, and with --split a folder)
    .voicecoach-site.json   hidden: the episodes' details, first-publish dates, the
                            server's secret path (``voicecoach serve`` never serves it)

Weeks already in the site stay in it when other weeks are published, so publishing
weeks 13-16 later adds four episodes. ``publish --next`` adds the training log's next
session as an episode of its own (``<program>-session-007.mp3``), kept apart from the
weeks: its number is the log's session number, so neither ever renumbers the other.
The state file also records the program file's path, so ``voicecoach serve`` can load
the program for the page's "log this session" form. The feed and the page are rewritten
atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicecoach.compiler import Week, prescribe_week
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
from voicecoach.report import PLAN_HEADER, plan_rows


@dataclass(frozen=True)
class SessionTrack:
    """The training log's next session, as ``publish --next`` puts it in the site: its
    number in the log and the Week the log prescribed (voicecoach.log.next_in_log)."""

    number: int
    week: Week


def episode_for(
    program: Program,
    result: BuildResult,
    folder: Path,
    published: str,
    session: SessionTrack | None = None,
) -> Episode:
    timeline = result.timeline
    week = session.week if session else prescribe_week(program, timeline.week)
    parts_dir = parts_folder(result.path)
    playlist = parts_dir / parts_playlist_name(result.path)
    parts = []
    if playlist.exists():
        for line in playlist.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                parts.append(f"{parts_dir.name}/{line}")
    title = timeline.title
    if session:  # several sessions share a week: the log's number names the track
        title = f"{program.title} — session {session.number} (week {timeline.week})"
    return Episode(
        week=timeline.week,
        title=title,
        focus=timeline.focus,
        file=result.path.relative_to(folder).as_posix(),
        chapters_file=chapters_path(result.path).relative_to(folder).as_posix(),
        timeline_file=timeline_path(result.path).relative_to(folder).as_posix(),
        size_bytes=result.path.stat().st_size,
        duration_ms=timeline.duration_ms,
        published=published,
        chapters=[{"start_ms": c.start_ms, "title": c.title} for c in timeline.chapters],
        plan=[list(PLAN_HEADER)] + [list(row) for row in plan_rows(program, week, timeline)],
        parts=parts,
        parts_playlist=f"{parts_dir.name}/{playlist.name}" if parts else None,
        session=session.number if session else None,
        transcript_file=transcript_path(result.path).relative_to(folder).as_posix(),
    )


@dataclass(frozen=True)
class PublishResult:
    folder: Path
    site: Site
    rendered: list[BuildResult]
    kept: list[BuildResult]


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
    if base_url:
        site.base_url = base_url.rstrip("/") + "/"
    if program.source:  # where `serve` finds the program to log sessions against
        site.program_file = str(Path(program.source).resolve())
    results = (
        build_weeks(
            program,
            weeks,
            folder,
            settings,
            progress,
            incremental=True,
            workers=workers,
            track_total=False,
            playlist=False,
        )
        if weeks
        else []
    )
    # New weeks get "now", a second apart in week order, so feeds list them in order.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for index, result in enumerate(results):
        old = site.episodes.get(result.timeline.week)
        stamp = (
            old.published if old else (now - timedelta(seconds=len(results) - index)).isoformat()
        )
        site.episodes[result.timeline.week] = episode_for(program, result, folder, stamp)
    if session:
        # Kept when its render key matches: the key covers the timeline, so a changed
        # prescription renders anew. A session published before keeps its first-publish
        # date, so apps do not see it as new.
        path = folder / session_file_name(program.title, session.number)
        result = build_week(program, session.week, path, settings, progress, incremental=True)
        results.append(result)
        old = site.sessions.get(session.number)
        stamp = old.published if old else now.isoformat()
        site.sessions[session.number] = episode_for(program, result, folder, stamp, session)
    # Episodes published earlier whose files are gone are no longer episodes.
    site.episodes = {w: e for w, e in site.episodes.items() if (folder / e.file).exists()}
    site.sessions = {n: e for n, e in site.sessions.items() if (folder / e.file).exists()}
    # The site's own files appear together (outputs.FileSet), the state last of all: the
    # feed, the page and the playlist never name an episode the others do not.
    with FileSet() as files:
        files.stage(folder / SITE_STATE_FILE).write_text(site.to_json(), encoding="utf-8")
        files.stage(folder / PAGE_FILE).write_text(page_html(site), encoding="utf-8")
        files.stage(folder / FEED_FILE).write_text(feed_xml(site, site.base_url), "utf-8")
        entries = [(e.duration_ms, f"{site.author} - {e.title}", e.file) for e in site.in_order]
        playlist = files.stage(folder / playlist_file_name(program.title))
        playlist.write_text(playlist_text(program.title, entries), encoding="utf-8")
        cover = files.stage(folder / COVER_FILE)
        draw_cover(program.title).save(cover, format="PNG", optimize=True)
    return PublishResult(
        folder=folder,
        site=site,
        rendered=[r for r in results if not r.reused],
        kept=[r for r in results if r.reused],
    )
