"""Stable, portable file names from user text: nothing can escape the output folder."""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 60


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
