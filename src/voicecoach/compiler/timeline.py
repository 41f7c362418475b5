"""The timeline: the frozen IR between the compiler and the renderer.

Two tracks in integer milliseconds: ``segments`` tile the session with what the body is
doing; ``cues`` are what is heard (speech or a tone), each inside ``[start_ms, end_ms)``.
The renderer places cues exactly where they say. Documented in docs/timeline.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Activity = Literal[
    "talk", "setup", "lower", "bottom", "lift", "top", "rep",
    "hold", "cycle", "switch", "rest", "transition",
]  # fmt: skip
TEMPO_ACTIVITIES = ("lower", "bottom", "lift", "top")


@dataclass(frozen=True)
class Segment:
    """What the body does over ``[start_ms, end_ms)``: segments tile the session."""

    start_ms: int
    end_ms: int
    activity: Activity
    phase: str | None = None
    exercise: str | None = None
    set: int | None = None
    side: str | None = None
    rep: int | None = None

    @property
    def duration_ms(self) -> int:
        """``end_ms - start_ms``."""
        return self.end_ms - self.start_ms


_SEGMENT_FIELDS = tuple(f.name for f in fields(Segment))


@dataclass(frozen=True)
class Cue:
    """What is heard over ``[start_ms, end_ms)``: a phrase (``text``) or a tone."""

    start_ms: int
    end_ms: int
    kind: Literal["speech", "tone"]
    text: str | None = None
    tone: str | None = None
    hz: int | None = None

    @property
    def duration_ms(self) -> int:
        """``end_ms - start_ms``."""
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Chapter:
    """A place to skip to. ``exercise`` is the exercise's index in ``Program.exercises``
    (None for the introduction): chapters are matched by it, never by their title."""

    start_ms: int
    title: str
    exercise: int | None = None


@dataclass(frozen=True)
class Stats:
    """What the compiler had to do to keep every beat's words inside their beat."""

    shortened: int = 0  # beat phrases cut to their last words ("Last rep, left, up" -> "Up")
    dropped_counts: int = 0  # counts left out: the phrase before them took their beat


@dataclass(frozen=True)
class Timeline:
    """One session: its segments, its cues and its chapters, all in integer ms."""

    program: str
    week: int
    duration_ms: int
    focus: str
    artist: str
    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    title: str = ""  # the track's title, in its language; "" -> "Program — week N"
    language: str = "en"  # the catalogue its words are from (voicecoach.words)
    stats: Stats = field(default=Stats(), compare=False)  # how it was made, not what it is
    through: int | None = None  # the last week of the run it serves (Week.through)

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", f"{self.program} — {self.weeks}")

    @property
    def weeks(self) -> str:
        """ "week 3", or "weeks 1–2" for a session that is the same for several weeks
        (in English: the site's words; the track's own are ``title``'s)."""
        if self.through is None or self.through == self.week:
            return f"week {self.week}"
        return f"weeks {self.week}–{self.through}"

    def speech_texts(self) -> list[str]:
        """Every distinct phrase, in order of first appearance."""
        return list(dict.fromkeys(c.text for c in self.cues if c.kind == "speech" and c.text))

    def chapter_spans(self) -> list[tuple[int, int, str]]:
        """Chapters with their end times (the next chapter's start, or the end)."""
        ends = [c.start_ms for c in self.chapters[1:]] + [self.duration_ms]
        return [(c.start_ms, end, c.title) for c, end in zip(self.chapters, ends)]

    def exercise_chapters(self) -> list[tuple[int, int, int]]:
        """``(start_ms, end_ms, exercise index)`` of every exercise's chapter, in order."""
        return [
            (chapter.start_ms, end, chapter.exercise)
            for chapter, (_start, end, _title) in zip(self.chapters, self.chapter_spans())
            if chapter.exercise is not None
        ]

    def to_dict(self) -> dict[str, Any]:
        """The ``plan --json`` document (docs/timeline.md)."""

        def cue(c: Cue) -> dict[str, Any]:
            item: dict[str, Any] = {"start_ms": c.start_ms, "end_ms": c.end_ms, "kind": c.kind}
            if c.kind == "speech":
                item["text"] = c.text
            else:
                item["tone"] = c.tone
                item["hz"] = c.hz
            return item

        document: dict[str, Any] = {"program": self.program, "week": self.week}
        if self.through is not None:  # only then: a one-week document stays as it was
            document["through"] = self.through
        document |= {
            "title": self.title,
            "focus": self.focus,
        }
        if self.language != "en":  # absent: English, as every timeline before languages
            document["language"] = self.language
        return {
            **document,
            "duration_ms": self.duration_ms,
            # Field by field, not dataclasses.asdict (which deep-copies each value): a week
            # has thousands of segments, and every build writes this document.
            "segments": [
                {name: getattr(s, name) for name in _SEGMENT_FIELDS} for s in self.segments
            ],
            "cues": [cue(c) for c in self.cues],
            "chapters": [{"start_ms": c.start_ms, "title": c.title} for c in self.chapters],
        }

    def to_text(self) -> str:
        """A readable dump, one item per line: the golden-file format of tests/cases/."""
        lines = [f"# {self.title}: {self.duration_ms} ms"]
        for s in self.segments:
            where = " ".join(
                f"{name}={value}"
                for name, value in (
                    ("exercise", s.exercise),
                    ("set", s.set),
                    ("side", s.side),
                    ("rep", s.rep),
                )
                if value is not None
            )
            lines.append(f"seg {s.start_ms:>9} {s.end_ms:>9} {s.activity:<10} {where}".rstrip())
        for c in self.cues:
            what = f"speech {c.text!r}" if c.kind == "speech" else f"tone   {c.tone} {c.hz} Hz"
            lines.append(f"cue {c.start_ms:>9} {c.end_ms:>9} {what}")
        for chapter in self.chapters:
            lines.append(f"chapter {chapter.start_ms:>9} {chapter.title}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """``to_dict`` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)


def check_invariants(timeline: Timeline) -> list[str]:
    """What must hold for every timeline; returns the problems found (none is good)."""
    problems: list[str] = []
    position = 0
    for seg in timeline.segments:
        if seg.start_ms != position:
            problems.append(
                f"segment at {seg.start_ms} ms does not start where the last ended ({position})"
            )
        if seg.end_ms <= seg.start_ms:
            problems.append(f"segment at {seg.start_ms} ms is empty or reversed")
        position = seg.end_ms
    if position != timeline.duration_ms:
        problems.append(f"segments end at {position} ms, the session at {timeline.duration_ms}")
    last_end = 0
    for cue in timeline.cues:
        if cue.start_ms < last_end:
            problems.append(f"cue at {cue.start_ms} ms overlaps the cue before (ends {last_end})")
        if cue.end_ms <= cue.start_ms:
            problems.append(f"cue at {cue.start_ms} ms is empty")
        if cue.end_ms > timeline.duration_ms:
            problems.append(f"cue at {cue.start_ms} ms runs past the end")
        last_end = max(last_end, cue.end_ms)
    starts = [c.start_ms for c in timeline.chapters]
    if starts != sorted(set(starts)) or (starts and starts[0] != 0):
        problems.append("chapters are not strictly increasing from 0")
    return problems
