"""Tags and chapters read back from the file, fast (no speech, no encoder).

mutagen sorts frames by size when it saves, which would scramble CHAP frames;
render/tagging.py keeps them in time order. These tests guard that on every run.
"""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import ID3

from voicecoach.compiler import Chapter, Timeline
from voicecoach.render.tagging import write_tags

# Titles of very different lengths: sorting frames by size would reorder them.
TITLES = [
    "Introduction",
    "1. A very long exercise name indeed, with a lot of words",
    "2. Row",
    "3. Medium length name",
    "4. X",
]


def timeline() -> Timeline:
    chapters = tuple(
        Chapter(start_ms=index * 60_000, title=title, exercise=index - 1 if index else None)
        for index, title in enumerate(TITLES)
    )
    return Timeline(
        program="Order Test", week=3, duration_ms=len(TITLES) * 60_000, focus="Focus.",
        artist="voicecoach", segments=(), cues=(), chapters=chapters,
    )  # fmt: skip


def test_chapters_read_back_in_time_order(tmp_path: Path) -> None:
    path = tmp_path / "tags.mp3"
    path.write_bytes(b"")
    write_tags(str(path), timeline(), track_total=12)
    tags = ID3(str(path))
    chaps = tags.getall("CHAP")
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == TITLES
    assert [c.start_time for c in chaps] == [i * 60_000 for i in range(len(TITLES))]
    assert [c.end_time for c in chaps] == [(i + 1) * 60_000 for i in range(len(TITLES))]
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chaps]
    assert tags.version[:2] == (2, 3)
    assert tags["TIT2"].text == ["Order Test — week 3"] and tags["TRCK"].text == ["3/12"]


def test_plain_mutagen_would_scramble_them(tmp_path: Path) -> None:
    """The reason for the ordered writer: without it the same frames come back reordered
    (if mutagen ever keeps insertion order, this fails and the override can go)."""
    path = tmp_path / "plain.mp3"
    path.write_bytes(b"")
    write_tags(str(path), timeline())
    ordered = ID3(str(path))
    plain = ID3()
    for frame in ordered.values():
        plain.add(frame)
    plain.save(str(path), v2_version=3)
    titles = [c.sub_frames["TIT2"].text[0] for c in ID3(str(path)).getall("CHAP")]
    assert sorted(titles) == sorted(TITLES) and titles != TITLES
