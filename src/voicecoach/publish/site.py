"""What a published site holds, and ``publish``: render what is missing, then write the
feed, the page, the cover and the playlist.

The site folder is plain static files any web server can host::

    index.html  feed.xml  cover.png  <program>.m3u8
    <program>-week-01.mp3 (.timeline.json, .chapters.json, and with --split a folder)
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

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from voicecoach.compiler import Week, plan_week
from voicecoach.errors import OutputError
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
)
from voicecoach.outputs import write_text_atomic
from voicecoach.program import Program
from voicecoach.render import (
    BuildResult,
    Progress,
    RenderSettings,
    build_week,
    build_weeks,
    no_progress,
)
from voicecoach.report import PLAN_HEADER, plan_rows

STATE_VERSION = 1


@dataclass(frozen=True)
class Episode:
    """One week as the feed and the page show it; file names are relative to the site."""

    week: int
    title: str
    focus: str
    file: str
    chapters_file: str
    timeline_file: str
    size_bytes: int
    duration_ms: int
    published: str  # ISO 8601, UTC: when the week first appeared in the site
    chapters: list[dict[str, Any]]  # [{"start_ms": 0, "title": "Introduction"}, ...]
    plan: list[list[str]]  # rows under PLAN_HEADER
    parts: list[str] = field(default_factory=list)  # --split tracks, in order
    parts_playlist: str | None = None
    session: int | None = None  # the log's session number, for a track made by --next

    @property
    def anchor(self) -> str:
        """The page's id for this episode's section: ``week-3`` or ``session-7``."""
        return f"session-{self.session}" if self.session else f"week-{self.week}"


@dataclass
class Site:
    """The hidden state file: the channel's details, every episode, the secret path."""

    title: str
    description: str
    author: str
    language: str
    secret: str
    base_url: str | None = None
    episodes: dict[int, Episode] = field(default_factory=dict)  # by week
    sessions: dict[int, Episode] = field(default_factory=dict)  # by the log's session number
    program_file: str | None = None  # absolute, as published: what `serve` logs against

    @property
    def newest_first(self) -> list[Episode]:
        """The feed's order: the log's sessions (they come after every week), then the
        weeks, each newest first."""
        return list(reversed(self.in_order))

    @property
    def in_order(self) -> list[Episode]:
        """The page's order: the weeks, then the sessions made from the log."""
        weeks = sorted(self.episodes.values(), key=lambda e: e.week)
        return weeks + sorted(self.sessions.values(), key=lambda e: e.session or 0)

    def to_json(self) -> str:
        document = {
            "version": STATE_VERSION,
            "title": self.title,
            "description": self.description,
            "author": self.author,
            "language": self.language,
            "secret": self.secret,
            "base_url": self.base_url,
            "program_file": self.program_file,
            "episodes": [asdict(e) for e in self.in_order if e.session is None],
            "sessions": [asdict(e) for e in self.in_order if e.session is not None],
        }
        return json.dumps(document, indent=1, ensure_ascii=False)


def new_secret() -> str:
    """The private path segment: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def load_site(folder: Path) -> Site | None:
    """The site published into ``folder``, or None if nothing was published there."""
    path = folder / SITE_STATE_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None
    episodes = {e["week"]: Episode(**e) for e in document.get("episodes", [])}
    sessions = {e["session"]: Episode(**e) for e in document.get("sessions", [])}
    return Site(
        title=document["title"],
        description=document["description"],
        author=document["author"],
        language=document.get("language", "en"),
        secret=document.get("secret") or new_secret(),
        base_url=document.get("base_url"),
        episodes=episodes,
        sessions=sessions,
        program_file=document.get("program_file"),
    )


def save_site(folder: Path, site: Site) -> None:
    write_text_atomic(folder / SITE_STATE_FILE, site.to_json())


def ensure_secret(folder: Path) -> Site:
    """The site in ``folder`` with its secret path, made and kept on first use."""
    site = load_site(folder)
    if site is None:
        raise OutputError(
            f"{folder} holds no published site: run `voicecoach publish PROGRAM --site {folder}`"
        )
    stored = json.loads((folder / SITE_STATE_FILE).read_text(encoding="utf-8"))
    if stored.get("secret") != site.secret:  # a site published without one
        save_site(folder, site)
    return site


@dataclass(frozen=True)
class SessionTrack:
    """The training log's next session, as ``publish --next`` puts it in the site: its
    number in the log and the Week the log prescribed (voicecoach.log.plan_next)."""

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
    week = session.week if session else plan_week(program, timeline.week)
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
    split: bool = False,
    progress: Progress = no_progress,
    workers: int | None = None,
    session: SessionTrack | None = None,
) -> PublishResult:
    """Render the weeks that changed (and ``session``, the log's next one, if given), then
    rewrite the site's feed, page and playlist."""
    # Imported here: page and feed import this module for Site and Episode.
    from voicecoach.publish.cover import write_cover
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
            split=split,
            incremental=True,
            workers=workers,
            track_total=False,
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
        # Rendered every time: the log may have changed the prescription since (the
        # render stage's incremental check covers whole weeks only). A session published
        # before keeps its first-publish date, so apps do not see it as new.
        path = folder / session_file_name(program.title, session.number)
        result = build_week(program, session.week, path, settings, progress, split=split)
        results.append(result)
        old = site.sessions.get(session.number)
        stamp = old.published if old else now.isoformat()
        site.sessions[session.number] = episode_for(program, result, folder, stamp, session)
    # Episodes published earlier whose files are gone are no longer episodes.
    site.episodes = {w: e for w, e in site.episodes.items() if (folder / e.file).exists()}
    site.sessions = {n: e for n, e in site.sessions.items() if (folder / e.file).exists()}
    write_cover(folder / COVER_FILE, program.title)
    save_site(folder, site)
    write_playlist(folder, program, site)
    write_text_atomic(folder / FEED_FILE, feed_xml(site, site.base_url))
    write_text_atomic(folder / PAGE_FILE, page_html(site))
    return PublishResult(
        folder=folder,
        site=site,
        rendered=[r for r in results if not r.reused],
        kept=[r for r in results if r.reused],
    )


def write_playlist(folder: Path, program: Program, site: Site) -> Path:
    """Every episode of the site, relative paths (build_weeks' covers only this run's)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{program.title}"]
    for episode in site.in_order:
        lines.append(f"#EXTINF:{round(episode.duration_ms / 1000)},{site.author} - {episode.title}")
        lines.append(episode.file)
    return write_text_atomic(folder / playlist_file_name(program.title), "\n".join(lines) + "\n")
