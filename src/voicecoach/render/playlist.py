"""The one .m3u8 writer: a week batch's, a week's parts', and a published site's playlist."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from voicecoach.outputs import write_text_atomic


def playlist_text(title: str, entries: Iterable[tuple[int, str, str]]) -> str:
    """An extended M3U playlist: ``entries`` are (length in ms, what a player shows, the
    file's path relative to the playlist)."""
    lines = ["#EXTM3U", f"#PLAYLIST:{title}"]
    for duration_ms, label, file in entries:
        lines.append(f"#EXTINF:{round(duration_ms / 1000)},{label}")
        lines.append(file)
    return "\n".join(lines) + "\n"


def write_playlist(path: Path, title: str, entries: Iterable[tuple[int, str, str]]) -> Path:
    """Write ``playlist_text`` to ``path`` atomically; returns ``path``."""
    return write_text_atomic(path, playlist_text(title, entries))
