"""The document around the table: its sections, each exercise's Target/Setup/Execution,
each phase's note, the tempo sentence, the schedule and the progression strategy.

Sections start at a heading (``### Phase 1: ...``), a numbered line (``1. Prone Y Raise``)
or a bold line (``**Bird Dog**``); their bullets (``- Setup: ...``) and paragraphs follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,2}[.)]\s+(.+?)\s*$")
_BOLD = re.compile(r"^\s{0,3}\*\*(.+?)\*\*:?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•+])\s+(.+?)\s*$")


@dataclass
class Section:
    title: str
    line: int
    bullets: list[tuple[int, str]] = field(default_factory=list)
    paragraphs: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    preamble: tuple[tuple[int, str], ...]  # paragraphs before the first section


def name_key(name: str) -> str:
    """A name as matched: no numbering, quotes or punctuation, ``&`` as ``and``."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"^\s*(?:\d{1,2}[.)]\s*)", "", text)
    text = re.sub(r"[\"'“”‘’`*_]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def name_keys(name: str) -> set[str]:
    """``name_key`` with and without any parenthesized part ("Deadlift (RDL)")."""
    return {name_key(name), name_key(re.sub(r"\([^)]*\)", " ", name))} - {""}


def read_document(text: str, skip: range) -> Document:
    """The sections of ``text``, the lines in ``skip`` (the table) left out."""
    lines = text.splitlines()
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                for meta in lines[1:index]:
                    key, _, value = meta.partition(":")
                    if key.strip().lower() == "title":
                        title = value.strip().strip("\"'")
                start = index + 1
                break
    sections: list[Section] = []
    preamble: list[tuple[int, str]] = []
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            target = sections[-1].paragraphs if sections else preamble
            target.append((paragraph_line, " ".join(paragraph)))
        paragraph = []

    for index in range(start, len(lines)):
        number, line = index + 1, lines[index]
        if number in skip:
            flush()
            continue
        heading = _HEADING.match(line) or _NUMBERED.match(line) or _BOLD.match(line)
        if heading:
            flush()
            if not title and line.lstrip().startswith("# "):
                title = heading.group(1)
            sections.append(Section(heading.group(1).strip(), number))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            if sections:
                sections[-1].bullets.append((number, bullet.group(1)))
            continue
        if not line.strip():
            flush()
            continue
        if sections and sections[-1].bullets and not paragraph and line.startswith((" ", "\t")):
            at, previous = sections[-1].bullets[-1]  # a bullet's wrapped line
            sections[-1].bullets[-1] = (at, f"{previous} {line.strip()}")
            continue
        if not paragraph:
            paragraph_line = number
        paragraph.append(line.strip())
    flush()
    return Document(title, tuple(sections), tuple(preamble))


# -- the sentences --------------------------------------------------------------------

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "once": 1,
    "twice": 2,
    "thrice": 3,
}
_SESSIONS = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|once|twice|thrice)\s*"
    r"(?:(?:x|times|sessions|days)\s*)?(?:per|a|/|each)\s*week\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def read_schedule(text: str) -> tuple[int, str] | None:
    """ "... executed three times per week on non-consecutive days (e.g., Monday, ...)."
    -> (3, "three times per week on non-consecutive days (e.g., Monday, ...)")."""
    for sentence in sentences(text):
        match = _SESSIONS.search(sentence)
        if match:
            word = match.group(1).lower()
            count = int(word) if word.isdigit() else _WORDS[word]
            clause = sentence[match.start() :].rstrip(".")
            return count, clause
    return None


_TEMPO_PARTS = {  # each part's words, the surest first ("lift" also names the whole rep)
    "lower": (r"eccentric", r"lowering", r"lower"),
    "bottom": (r"(?:paus\w*|hold\w*)\s+(?:at\s+)?(?:the\s+)?bottom",),
    "lift": (r"concentric", r"lifting", r"lift"),
    "top": (r"(?:paus\w*|hold\w*)\s+(?:at\s+)?(?:the\s+)?top",),
}
_SECONDS = r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\b"


def read_tempo(text: str) -> tuple[dict[str, float | str], str] | None:
    """A tempo sentence -> ({lower, bottom, lift, top, start}, the sentence), or None.

    "eccentric (lowering, 5 seconds), pausing at bottom (0 seconds), concentric (lifting,
    2 seconds), pause at top (0 seconds)": each part is its keyword's first number of
    seconds; the rep starts with whichever of lowering and lifting the sentence names first.
    """
    for sentence in sentences(text):
        if not re.search(r"eccentric|concentric|tempo|lowering", sentence, re.IGNORECASE):
            continue
        found: dict[str, float | str] = {}
        where: dict[str, tuple[int, int]] = {}
        for part in ("bottom", "top", "lower", "lift"):  # the pauses first: "lower" is in them
            for words in _TEMPO_PARTS[part]:
                match = next(
                    (
                        m
                        for m in re.finditer(
                            rf"\b{words}\b[^0-9.;]*?{_SECONDS}", sentence, re.IGNORECASE
                        )
                        if not any(a <= m.start() < b for a, b in where.values())
                    ),
                    None,
                )
                if match:
                    found[part] = float(match.group(1))
                    where[part] = (match.start(), match.end())
                    break
        if "lower" in found and "lift" in found:
            found["start"] = "lower" if where["lower"] < where["lift"] else "lift"
            return found, sentence
    return None


_WEEKS = re.compile(
    r"^\s*weeks?\s+(\d{1,2})\s*(?:(?:-|–|—|to)\s*(\d{1,2})|(\+|\s*(?:and\s+)?(?:on|onward|onwards|after|and\s+beyond)))?\s*[:.–—-]\s*(.+)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Stage:
    line: int
    first: int
    last: int | None  # None: "Weeks 3+"
    text: str


def read_stages(section: Section) -> list[Stage]:
    """ "Weeks 1-2: Foundation. ..." bullets (or paragraphs) -> stages, in order."""
    stages = []
    for line, text in sorted([*section.bullets, *section.paragraphs]):
        text = re.sub(r"^\*\*(.+?)\*\*", r"\1", text)
        match = _WEEKS.match(text)
        if match:
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) else (None if match.group(3) else first)
            stages.append(Stage(line, first, last, match.group(4).strip()))
    return stages
