"""The transcript of a track: every phrase the coach says, with its time, as WebVTT.

One cue per phrase of the timeline, at the timeline's own start and end (integer ms),
with the words as the timeline holds them (the displayed text, not the engine's spoken
form). Counts said on every beat are grouped so a reader is not flooded: inside a
movement segment (lower, bottom, lift, top, hold, cycle) a bare count ("2", "3") joins
the phrase that opened the segment ("Rep 1, down 2 3"); elsewhere consecutive counts
join each other ("3 2 1" before "Go"). A grouped cue runs from its first phrase's start
to its last phrase's end. Tones are not written (the audio's markers, not words).
Documented in docs/audio.md.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from voicecoach.compiler import Timeline

# Segments in which the body moves to a count: a count there belongs to the segment's phrase.
MOVEMENT = frozenset({"lower", "bottom", "lift", "top", "hold", "cycle", "rep"})


@dataclass(frozen=True)
class TranscriptCue:
    """One cue of the transcript: ``cues`` are the indices of the timeline's cues it holds."""

    start_ms: int
    end_ms: int
    text: str
    cues: tuple[int, ...]


def is_count(text: str) -> bool:
    """A bare count said on a beat: "2", "10"."""
    return text.strip().rstrip(".").isdigit()


def transcript_cues(
    timeline: Timeline, start_ms: int = 0, end_ms: int | None = None
) -> list[TranscriptCue]:
    """The transcript of ``[start_ms, end_ms)`` of ``timeline`` (a --split part's chapter),
    with times relative to ``start_ms``: a part's transcript starts at 0."""
    return list(iter_transcript_cues(timeline, start_ms, end_ms))


def iter_transcript_cues(
    timeline: Timeline, start_ms: int = 0, end_ms: int | None = None
) -> Iterator[TranscriptCue]:
    """``transcript_cues`` one at a time (a 5-hour session is never held as one list)."""
    end_ms = timeline.duration_ms if end_ms is None else end_ms
    starts = [s.start_ms for s in timeline.segments]
    previous: TranscriptCue | None = None
    last_segment = -1
    for index, cue in enumerate(timeline.cues):
        if cue.kind != "speech" or not cue.text or not start_ms <= cue.start_ms < end_ms:
            continue
        segment = bisect.bisect_right(starts, cue.start_ms) - 1
        text = " ".join(cue.text.split())  # one line: a cue's text never holds a blank line
        stop = min(cue.end_ms, end_ms) - start_ms
        joins = (
            previous is not None
            and segment == last_segment
            and is_count(text)
            and (
                timeline.segments[segment].activity in MOVEMENT
                or all(is_count(part) for part in previous.text.split())
            )
        )
        if joins and previous is not None:
            previous = TranscriptCue(
                previous.start_ms, stop, f"{previous.text} {text}", (*previous.cues, index)
            )
        else:
            if previous is not None:
                yield previous
            previous = TranscriptCue(cue.start_ms - start_ms, stop, text, (index,))
        last_segment = segment
    if previous is not None:
        yield previous


def vtt_time(ms: int) -> str:
    """``HH:MM:SS.mmm``, the WebVTT timestamp."""
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transcript_lines(
    timeline: Timeline, start_ms: int = 0, end_ms: int | None = None
) -> Iterator[str]:
    """The WebVTT file of ``[start_ms, end_ms)``, line by line (each ends with a newline)."""
    yield "WEBVTT\n"
    for number, cue in enumerate(iter_transcript_cues(timeline, start_ms, end_ms), start=1):
        yield f"\n{number}\n{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}\n"
        yield _escape(cue.text) + "\n"


def transcript_vtt(timeline: Timeline, start_ms: int = 0, end_ms: int | None = None) -> str:
    """The WebVTT file of ``transcript_cues(timeline, start_ms, end_ms)`` as one text."""
    return "".join(transcript_lines(timeline, start_ms, end_ms))


def write_transcript(
    path: Path, timeline: Timeline, start_ms: int = 0, end_ms: int | None = None
) -> None:
    """Write the transcript to ``path`` (a FileSet's temporary) as it is made: like the
    sidecars, never the whole text in memory at once (docs/performance.md)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(transcript_lines(timeline, start_ms, end_ms))
