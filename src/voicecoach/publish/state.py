"""The published site's state: its episodes, its secret path and its address.

Kept in the site folder as ``.voicecoach-site.json`` (written atomically), so
publishing more weeks later adds episodes, and ``serve`` keeps the same secret path
across restarts. The feed and the page are made from it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voicecoach.errors import OutputError
from voicecoach.naming import SITE_STATE_FILE
from voicecoach.outputs import write_text_atomic
from voicecoach.words import LANGUAGES, Catalogue, catalogue

STATE_VERSION = 1


@dataclass(frozen=True)
class Episode:
    """One session as the feed and the page show it (a week of the program, a run of
    weeks that are the same session, or a session from the log); file names are relative
    to the site. Episodes with the same ``identity`` share one file."""

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
    transcript_file: str | None = None  # the WebVTT transcript (None: published before it)
    through: int | None = None  # the last week of the run of weeks this session serves
    # Which session this is, whatever its week numbers (publish/site.py, session_identity):
    # episodes with the same identity share one file.
    identity: str = ""

    @property
    def anchor(self) -> str:
        """The page's id for this episode's section: ``week-3`` or ``session-7``."""
        return f"session-{self.session}" if self.session else f"week-{self.week}"

    @property
    def weeks(self) -> str:
        """ "week 3", or "weeks 1–2" for a run of weeks that are the same session."""
        if self.through is None or self.through == self.week:
            return f"week {self.week}"
        return f"weeks {self.week}–{self.through}"


@dataclass
class Site:
    """The hidden state file: the channel's details, every episode, the secret path."""

    title: str
    description: str
    author: str
    language: str
    secret: str
    base_url: str | None = None
    episodes: dict[int, Episode] = field(default_factory=dict)  # by (first) week
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

    @property
    def feed_episodes(self) -> list[Episode]:
        """The feed's items, newest first: one per file. A session that shares its track
        with a week (or an earlier session) is that episode, not a second copy of it."""
        first: dict[str, Episode] = {}
        for episode in sorted(self.in_order, key=lambda e: e.published):
            first.setdefault(episode.file, episode)
        kept = {id(e) for e in first.values()}
        return [e for e in self.newest_first if id(e) in kept]

    def track_for(self, identity: str) -> Episode | None:
        """The earliest episode holding the session ``identity``, to share its file."""
        same = [e for e in self.in_order if identity and e.identity == identity]
        return min(same, key=lambda e: e.published) if same else None

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


def site_words(site: Site) -> Catalogue:
    """The catalogue of the site's language: the page's and the feed's words (English for
    a site published before languages, or in one no catalogue ships for)."""
    return catalogue(site.language if site.language in LANGUAGES else "en")


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
