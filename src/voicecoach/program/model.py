"""The validated program: frozen values that schema.py builds and the compiler reads.

All durations are integer milliseconds (suffix ``_ms``). Ranges are inclusive ``Span``s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voicecoach.words import Entry

Kind = Literal["reps", "hold", "cycles"]
Sides = Literal["none", "each", "alternating"]
TempoStart = Literal["lower", "lift"]
Level = Literal["bottom", "middle", "top"]
RestRule = Literal["low", "middle", "high", "climb"]
Instructions = Literal["full", "short"]
# How much the coach says, and how the tempo is marked: the program's ``talk`` and
# ``counts`` and the command line's --talk and --counts take these (declared once, here).
Talk = Literal["full", "normal", "brief"]
Counts = Literal["words", "tones"]
TALK_LEVELS: tuple[Talk, ...] = ("brief", "normal", "full")
COUNT_STYLES: tuple[Counts, ...] = ("words", "tones")
RATE_WPM = (80, 400)  # the speaking rates voice.rate and --rate accept, words per minute


@dataclass(frozen=True)
class Span:
    """An inclusive range ``low..high``; a single value has ``low == high``."""

    low: int
    high: int

    @property
    def fixed(self) -> bool:
        return self.low == self.high

    def pick(self, level: Level) -> int:
        if level == "bottom":
            return self.low
        if level == "top":
            return self.high
        return (self.low + self.high) // 2


@dataclass(frozen=True)
class Tempo:
    """The document's four-phase tempo, and which phase a rep starts with.

    Squats and presses start with the lowering; rows and raises start with the lift.
    """

    lower_ms: int
    bottom_ms: int
    lift_ms: int
    top_ms: int
    start: TempoStart = "lower"

    @property
    def rep_ms(self) -> int:
        return self.lower_ms + self.bottom_ms + self.lift_ms + self.top_ms

    def phases(self) -> tuple[tuple[str, int], ...]:
        """The rep's phases in the order they are performed, zero-length ones left out."""
        if self.start == "lower":
            order = (
                ("lower", self.lower_ms),
                ("bottom", self.bottom_ms),
                ("lift", self.lift_ms),
                ("top", self.top_ms),
            )
        else:
            order = (
                ("lift", self.lift_ms),
                ("top", self.top_ms),
                ("lower", self.lower_ms),
                ("bottom", self.bottom_ms),
            )
        return tuple((name, ms) for name, ms in order if ms > 0)


@dataclass(frozen=True)
class CycleStep:
    """One spoken step of a slow cycle, e.g. 'Inhale, cow' for 4 s."""

    say: str
    duration_ms: int


@dataclass(frozen=True)
class Exercise:
    name: str
    sets: int
    kind: Kind
    amount: Span  # reps or cycles: a count; hold: milliseconds
    sides: Sides
    rest_ms: Span | None
    tempo: Tempo | None  # reps only; None means reps paced by rep_ms
    rep_ms: int  # reps without tempo: the time of one rep (per side when alternating)
    cycle: tuple[CycleStep, ...]  # cycles only
    target: str
    setup: str
    execution: str
    key_cue: str
    weighted: bool

    @property
    def per_side(self) -> bool:
        return self.sides != "none"


@dataclass(frozen=True)
class Phase:
    name: str
    note: str
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class Stage:
    """One stage of the progression policy (the foundation, then the build)."""

    focus: str
    reps: Level
    holds: Level
    cycles: Level
    rest: RestRule
    instructions: Instructions


@dataclass(frozen=True)
class Progression:
    """How a week's prescription is chosen (documented in docs/progression.md)."""

    foundation_weeks: int
    foundation: Stage
    build: Stage
    reps_step: int
    hold_step_ms: int
    cycles_step: int
    at_top: str
    weight_increase: str


@dataclass(frozen=True)
class Voice:
    """Speech settings a program may carry; command-line options override them."""

    engine: str | None = None
    voice: str | None = None
    model: str | None = None  # a Piper voice model file (.onnx), relative to the program file
    rate: int | None = None


@dataclass(frozen=True)
class Program:
    title: str
    description: str
    artist: str
    sessions_per_week: int
    schedule: str
    tempo: Tempo | None
    setup_ms: int
    switch_ms: int
    transition_ms: int
    progression: Progression
    phases: tuple[Phase, ...]
    voice: Voice
    source: str  # the file it was read from, for messages
    talk: Talk | None = None  # the command line's --talk wins
    counts: Counts | None = None  # --counts wins
    music: tuple[str, ...] = ()  # files or folders, relative to the program file; --music wins
    language: str | None = None  # a shipped catalogue's code (voicecoach.words); --language wins
    # The program's own words over the catalogue's, by key (checked at load), and how the
    # engine should say a word (applied to the engine's text only, never to what is shown).
    words: tuple[tuple[str, Entry], ...] = ()
    pronounce: tuple[tuple[str, str], ...] = ()

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(ex for phase in self.phases for ex in phase.exercises)
