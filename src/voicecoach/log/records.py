"""The log's values: a logged session and its sets, as the store reads and writes them.

Amounts are what the person did, in the unit they count in: reps, cycles, or seconds for
holds (the compiler's holds are milliseconds; a person logs seconds). A session also keeps
the prescription its track asked for, per exercise, so a missed or failed session can
repeat exactly those targets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

from voicecoach.program import Exercise

Measure = Literal["reps", "seconds", "cycles"]
Status = Literal["done", "missed"]
MEASURES: tuple[Measure, ...] = ("reps", "seconds", "cycles")
STATUSES: tuple[Status, ...] = ("done", "missed")


def measure_of(exercise: Exercise) -> Measure:
    return {"reps": "reps", "hold": "seconds", "cycles": "cycles"}[exercise.kind]  # type: ignore[return-value]


@dataclass(frozen=True)
class SetRecord:
    """One set of one exercise (one side of it, for an exercise done on each side)."""

    exercise: str
    set_number: int  # 1-based
    side: str | None  # "left" / "right" for an exercise done on each side, else None
    amount: int
    measure: Measure
    weight: float | None = None
    unit: str | None = None  # "kg" or "lb" when weight is given
    note: str = ""


@dataclass(frozen=True)
class Target:
    """What a session's track asked of one exercise (stored with the session)."""

    amount: int  # reps, cycles, or seconds for holds
    sets: int
    raise_weight: bool = False

    def to_json(self) -> dict[str, object]:
        return {"amount": self.amount, "sets": self.sets, "raise_weight": self.raise_weight}

    @staticmethod
    def from_json(data: dict[str, object]) -> Target:
        amount, sets = data.get("amount"), data.get("sets")
        if not isinstance(amount, int) or not isinstance(sets, int):
            raise ValueError(f"a target needs whole-number amount and sets, got {data!r}")
        return Target(amount=amount, sets=sets, raise_weight=bool(data.get("raise_weight")))


@dataclass(frozen=True)
class SessionRecord:
    """One logged session of one program."""

    program: str  # the program's title: the log's key for it
    program_hash: str  # sha256 of the program file when logged ("" if unknown)
    number: int  # 1-based, in logging order, per program
    date: datetime.date
    status: Status
    targets: dict[str, Target]  # exercise name -> what the track asked for
    sets: tuple[SetRecord, ...] = field(default=())

    def sets_of(self, exercise: str) -> tuple[SetRecord, ...]:
        return tuple(s for s in self.sets if s.exercise == exercise)
