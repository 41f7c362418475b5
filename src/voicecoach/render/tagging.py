"""ID3v2.3 tags and chapters for phone players, written with mutagen.

Title "Program — week N", album the program, artist, track number the week, a comment
with the week's focus, and one CHAP frame per chapter in time order with a CTOC table
of contents, so players (and ``ffprobe -show_chapters``) list them in order. The cover is
the track's APIC; each CHAP frame carries its chapter card as an APIC sub-frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TLEN,
    TPE1,
    TRCK,
    CTOCFlags,
)
from mutagen.id3._tags import save_frame  # see _FramesInOrder

from voicecoach.compiler import Timeline
from voicecoach.errors import OutputError
from voicecoach.words import catalogue

PICTURE_MIME = "image/png"  # render/cards.py encodes palette PNGs


@dataclass(frozen=True)
class Artwork:
    """The pictures a track carries: the cover (the track's own APIC, type 3 "front
    cover") and each chapter's card by chapter index (an APIC inside its CHAP frame)."""

    cover: bytes
    chapters: dict[int, bytes] = field(default_factory=dict)


def picture(data: bytes, description: str, kind: int = 3) -> APIC:
    return APIC(encoding=3, mime=PICTURE_MIME, type=kind, desc=description, data=data)


class _FramesInOrder(ID3):
    """ID3 that writes frames in the order they were added.

    mutagen sorts frames by size and hash when it saves, which scrambles CHAP frames;
    players and ffprobe list chapters in file order, so they must stay in time order.
    This overrides mutagen's frame-ordering step only (``_write``, stable since 1.40).
    """

    def _write(self, config):  # type: ignore[no-untyped-def]
        return b"".join(save_frame(frame, config=config) for frame in self.values())


def write_tags(
    path: str,
    timeline: Timeline,
    track_total: int | None = None,
    shown_as: str | None = None,
    artwork: Artwork | None = None,
) -> None:
    """Write the ID3v2.3 tags and chapters of ``timeline`` into the MP3 at ``path``, with
    the ``artwork``'s cover and chapter cards if given."""
    tags = _FramesInOrder()
    tags.add(TIT2(encoding=3, text=[timeline.title]))
    tags.add(TALB(encoding=3, text=[timeline.program]))
    tags.add(TPE1(encoding=3, text=[timeline.artist]))
    track = f"{timeline.week}/{track_total}" if track_total else str(timeline.week)
    tags.add(TRCK(encoding=3, text=[track]))
    tags.add(TCON(encoding=3, text=["Speech"]))
    tags.add(TLEN(encoding=3, text=[str(timeline.duration_ms)]))
    words = catalogue(timeline.language)
    weeks = words.weeks(timeline.week, timeline.through, "shown")
    comment = words.say("track_comment", focus=timeline.focus, **weeks)
    tags.add(COMM(encoding=3, lang=words.iso639_2, desc="", text=[comment]))
    if artwork is not None:
        tags.add(picture(artwork.cover, "Cover"))
    ids = []
    for index, (start, end, title) in enumerate(timeline.chapter_spans()):
        element = f"chp{index:03d}"
        ids.append(element)
        sub_frames: list[object] = [TIT2(encoding=3, text=[title])]
        if artwork is not None and index in artwork.chapters:
            # Type 0 "other": a chapter's image (ID3v2 chapter addendum, section 3.1).
            sub_frames.append(picture(artwork.chapters[index], title, kind=0))
        tags.add(
            CHAP(
                element_id=element,
                start_time=start,
                end_time=end,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=sub_frames,
            )
        )
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=["Chapters"])],
        )
    )
    tags.update_to_v23()  # ID3v2.3: what phones and car stereos read most reliably
    try:
        tags.save(path, v2_version=3)
    except (OSError, MutagenError) as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if getattr(cause, "errno", None) == 28 or "No space" in str(exc):
            raise OutputError(f"the disk is full: cannot write {shown_as or path}") from None
        raise OutputError(f"cannot write the tags of {shown_as or path}: {exc}") from None


def write_part_tags(
    path: str,
    timeline: Timeline,
    title: str,
    number: int,
    total: int,
    shown_as: str | None = None,
    card: bytes | None = None,
) -> None:
    """Tags of one exercise's track from a split week: the album is the week, so a music
    player lists the parts together in track order; its chapter's ``card`` is its picture."""
    tags = ID3()
    if card is not None:
        tags.add(picture(card, title))
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TALB(encoding=3, text=[timeline.title]))
    tags.add(TPE1(encoding=3, text=[timeline.artist]))
    tags.add(TRCK(encoding=3, text=[f"{number}/{total}"]))
    tags.add(TCON(encoding=3, text=["Speech"]))
    tags.update_to_v23()
    try:
        tags.save(path, v2_version=3)
    except (OSError, MutagenError) as exc:
        raise OutputError(f"cannot write the tags of {shown_as or path}: {exc}") from None
