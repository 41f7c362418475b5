"""Every file name voicecoach writes, in one place: stable, portable, sortable.

Names come from user text (a program's title, an exercise's name), so they are reduced
to ASCII letters, digits and hyphens: nothing can escape the output folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_STEM = 60
TIMELINE_SUFFIX = ".timeline.json"
CHAPTERS_SUFFIX = ".chapters.json"


def slugify(text: str, fallback: str = "program") -> str:
    """ASCII letters, digits and single hyphens; never empty, '.', '..' or a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_STEM].rstrip("-")
    return slug or fallback


def week_file_name(title: str, week: int, last_week: int = 99) -> str:
    """``alleviating-back-pain-week-03.mp3``: zero-padded so names sort by week."""
    digits = max(2, len(str(last_week)))
    return f"{slugify(title)}-week-{week:0{digits}d}.mp3"


def preview_file_name(title: str, week: int, only: tuple[str, ...]) -> str:
    """A week's file name with the chosen exercises in it: a preview never replaces the week."""
    name = week_file_name(title, week)
    if not only:
        return name
    return name[: -len(".mp3")] + "-" + slugify("-".join(only), "preview") + ".mp3"


def session_file_name(title: str, session: int) -> str:
    """``alleviating-back-pain-session-007.mp3``: a track made from the training log for
    its next session (several sessions share a week, so the week cannot name it)."""
    return f"{slugify(title)}-session-{session:03d}.mp3"


def playlist_file_name(title: str) -> str:
    """``alleviating-back-pain.m3u8``: the batch's playlist, entries relative to it."""
    return f"{slugify(title)}.m3u8"


def timeline_path(mp3: Path) -> Path:
    """``week-03.timeline.json`` beside ``week-03.mp3``: the timeline the audio follows."""
    return mp3.with_name(mp3.stem + TIMELINE_SUFFIX)


def chapters_path(mp3: Path) -> Path:
    """``week-03.chapters.json`` beside ``week-03.mp3``: Podcasting 2.0 JSON chapters."""
    return mp3.with_name(mp3.stem + CHAPTERS_SUFFIX)
