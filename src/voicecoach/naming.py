"""Every file name voicecoach writes, in one place: stable, portable, sortable.

Names come from user text (a program's title, an exercise's name), so they are reduced
to ASCII letters, digits and hyphens: nothing can escape the output folder. A title
whose words the reduction would lose (emoji, other scripts, nothing but dots, a cut at
MAX_STEM) is told apart by a short hash of the title, so two such programs never write
the same files; an ordinary title keeps its plain name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

MAX_STEM = 60
TIMELINE_SUFFIX = ".timeline.json"
CHAPTERS_SUFFIX = ".chapters.json"
TRANSCRIPT_SUFFIX = ".vtt"


def slugify(text: str, fallback: str = "program") -> str:
    """ASCII letters, digits and single hyphens; never empty, '.', '..' or a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_STEM].rstrip("-")
    return slug or fallback


HASH_CHARS = 8


def title_stem(title: str) -> str:
    """A program's title as the start of its file names: ``alleviating-back-pain``.

    Case, accents, spaces and punctuation are the only things a plain slug may drop; a
    title that loses more (``💪💪``, ``..``, Cyrillic, a long title cut short) gets
    ``-`` and 8 hex digits of the SHA-256 of the title, so different titles of that kind
    get different names (``program-1b4f0e98``).
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    cut = len(slug) > MAX_STEM
    if slug and not cut and not _loses_words(title):
        return slug
    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    head = slug[: MAX_STEM - HASH_CHARS - 1].rstrip("-") or "program"
    return f"{head}-{digest}"


def _loses_words(text: str) -> bool:
    """Whether slugifying drops a character that carries meaning: anything but ASCII,
    accents (combining marks), and spaces, punctuation or controls in any script."""
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii() or unicodedata.category(char)[0] in "MPZC":
            continue
        return True
    return False


def week_file_name(title: str, week: int, last_week: int = 99, through: int | None = None) -> str:
    """``alleviating-back-pain-week-03.mp3``: zero-padded so names sort by week; a track
    that serves a run of weeks names both ends (``-week-01-02.mp3``)."""
    digits = max(2, len(str(last_week)))
    run = f"-{through:0{digits}d}" if through is not None and through != week else ""
    return f"{title_stem(title)}-week-{week:0{digits}d}{run}.mp3"


def preview_file_name(title: str, week: int, only: tuple[str, ...]) -> str:
    """A week's file name with the chosen exercises in it: a preview never replaces the week."""
    name = week_file_name(title, week)
    if not only:
        return name
    return name[: -len(".mp3")] + "-" + slugify("-".join(only), "preview") + ".mp3"


def session_file_name(title: str, session: int) -> str:
    """``alleviating-back-pain-session-007.mp3``: a track made from the training log for
    its next session (several sessions share a week, so the week cannot name it)."""
    return f"{title_stem(title)}-session-{session:03d}.mp3"


def playlist_file_name(title: str) -> str:
    """``alleviating-back-pain.m3u8``: the batch's playlist, entries relative to it."""
    return f"{title_stem(title)}.m3u8"


def timeline_path(mp3: Path) -> Path:
    """``week-03.timeline.json`` beside ``week-03.mp3``: the timeline the audio follows."""
    return mp3.with_name(mp3.stem + TIMELINE_SUFFIX)


def chapters_path(mp3: Path) -> Path:
    """``week-03.chapters.json`` beside ``week-03.mp3``: Podcasting 2.0 JSON chapters."""
    return mp3.with_name(mp3.stem + CHAPTERS_SUFFIX)


def transcript_path(mp3: Path) -> Path:
    """``week-03.vtt`` beside ``week-03.mp3``: the WebVTT transcript of what is said."""
    return mp3.with_name(mp3.stem + TRANSCRIPT_SUFFIX)


def cards_folder(mp3: Path) -> Path:
    """``week-03.cards/`` beside ``week-03.mp3``: a picture per chapter (render/cards.py)."""
    return mp3.with_name(mp3.stem + ".cards")


def parts_folder(mp3: Path) -> Path:
    """``week-03/`` beside ``week-03.mp3``: the week split into one track per chapter."""
    return mp3.with_name(mp3.stem)


def track_files(mp3: Path) -> list[Path]:
    """A track and everything built beside it (sidecars, cards, parts): what to remove
    when a site no longer has the track."""
    return [
        mp3, timeline_path(mp3), chapters_path(mp3), transcript_path(mp3),
        cards_folder(mp3), parts_folder(mp3),
    ]  # fmt: skip


def part_file_name(number: int, chapter_title: str) -> str:
    """``02-goblet-squat.mp3``: the track number, then the chapter without its "1. " prefix."""
    name = re.sub(r"^\d+\.\s*", "", chapter_title)
    return f"{number:02d}-{slugify(name, 'part')}.mp3"


def parts_playlist_name(mp3: Path) -> str:
    """``week-03.m3u8`` inside ``week-03/``: the parts in order, paths relative to it."""
    return mp3.stem + ".m3u8"


# The published site (voicecoach publish / serve): fixed names inside the site folder.
FEED_FILE = "feed.xml"
PAGE_FILE = "index.html"
COVER_FILE = "cover.png"
SITE_STATE_FILE = ".voicecoach-site.json"  # hidden: never served (it holds the secret)
