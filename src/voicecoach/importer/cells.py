"""The cells of a program table, in the spellings people write them: ``12-15/side``,
``30-45 sec hold/side``, ``8-10 slow cycles``, ``3 × 8-12``, ``60-90 sec``, ``-``.

Each reader returns the value in the program format's own spelling (``12-15``, ``30-45s``,
``none``) or raises ``CellError`` saying what it expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"\d+(?:[.,]\d+)?"
_DASH = r"(?:-|–|—|to)"
_SPAN = rf"(?P<low>{_NUM})(?:\s*{_DASH}\s*(?P<high>{_NUM}))?"
_SECONDS = r"(?:s|sec|secs|second|seconds|\")"
_MINUTES = r"(?:m|min|mins|minute|minutes|')"
_UNIT = rf"(?P<unit>{_SECONDS}|{_MINUTES})"
_SIDE_WORDS = (
    r"(?:/\s*|per\s+|each\s+|a\s+|on\s+each\s+)(?:side|leg|arm)s?|e/s|ea\.?\s*side|(?:/|per\s+)s"
)
_SIDE = re.compile(rf"\s*(?:{_SIDE_WORDS})\s*", re.IGNORECASE)
_ALTERNATING = re.compile(r"\s*\(?\b(?:alternating|alternate|alt\.?)\b\)?\s*", re.IGNORECASE)
_SETS_TIMES = re.compile(r"^\s*(?P<sets>\d+)\s*(?:x|×|\*)\s*(?P<rest>.+)$", re.IGNORECASE)
NONE_CELLS = {"", "-", "–", "—", "none", "n/a", "na", "no", "0", "nil", "/"}


class CellError(ValueError):
    """A cell that could not be read: what was expected."""


@dataclass(frozen=True)
class Amount:
    """What a repetitions/duration cell says: one of reps, hold, cycles, with sides."""

    kind: str  # reps | hold | cycles
    value: str  # in the format's spelling: "12-15", "30-45s"
    sides: str = "none"  # none | each | alternating
    sets: int | None = None  # "3 × 8-12" gives the sets too


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _span_text(low: float, high: float, unit: str = "") -> str:
    def show(value: float) -> str:
        return f"{value:g}"

    if low == high:
        return f"{show(low)}{unit}"
    return f"{show(low)}-{show(high)}{unit}"


def _seconds(low: str, high: str | None, unit: str) -> tuple[float, float]:
    scale = 60 if re.fullmatch(_MINUTES, unit, re.IGNORECASE) else 1
    a = _number(low) * scale
    b = _number(high) * scale if high else a
    if a > b:
        raise CellError("expected the shorter duration first")
    return a, b


def is_none_cell(text: str) -> bool:
    return " ".join(text.split()).lower() in NONE_CELLS


def read_sets(text: str) -> int:
    """``3``, ``3 sets``, ``3x`` -> 3."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:sets?|x|×|rounds?)?\s*", text, re.IGNORECASE)
    if not match:
        raise CellError("expected a number of sets like 3")
    return int(match.group(1))


def read_rest(text: str, *, unit: str = "") -> str:
    """``60-90 sec``, ``1-2 min``, ``90s``, ``-`` -> ``60-90s``, ``60-120s``, ``90s``, ``none``.

    ``unit``: the column's own unit ("s" for a "Rest (s)" header) for bare numbers.
    """
    if is_none_cell(text):
        return "none"
    clean = " ".join(text.split()).lower().removesuffix(" rest").removesuffix(" between sets")
    match = re.fullmatch(rf"{_SPAN}\s*{_UNIT}?", clean, re.IGNORECASE)
    if not match:
        raise CellError("expected a rest like 60-90 sec, 1 min or -")
    given = match.group("unit") or unit
    if not given:
        raise CellError("expected a rest with its unit, like 60 sec (the cell has no unit)")
    low, high = _seconds(match.group("low"), match.group("high"), given)
    return _span_text(low, high, "s")


def read_amount(text: str) -> Amount:
    """A repetitions/duration cell -> reps, a hold or cycles, with sides (and sets)."""
    clean = " ".join(text.replace("\u00a0", " ").split())
    sets = None
    times = _SETS_TIMES.match(clean)
    if times and not re.match(rf"^\s*{_NUM}\s*{_DASH}", clean):
        sets, clean = int(times.group("sets")), times.group("rest").strip()
    sides = "none"
    if _SIDE.search(clean):
        sides, clean = "each", _SIDE.sub(" ", clean).strip()
    if _ALTERNATING.search(clean):
        sides, clean = "alternating", _ALTERNATING.sub(" ", clean).strip()
    clean = " ".join(clean.split()).lower()
    hold = re.fullmatch(
        rf"(?:hold\s+(?:for\s+)?)?{_SPAN}\s*{_UNIT}(?:\s+(?:hold|holds|isometric))?",
        clean,
        re.IGNORECASE,
    )
    if hold:
        low, high = _seconds(hold.group("low"), hold.group("high"), hold.group("unit"))
        return Amount("hold", _span_text(low, high, "s"), _hold_sides(sides), sets)
    cycles = re.fullmatch(rf"{_SPAN}\s+(?:slow\s+|full\s+)?(?:cycles?|breaths?|rounds?)", clean)
    if cycles:
        return Amount("cycles", _count(cycles), _hold_sides(sides), sets)
    reps = re.fullmatch(rf"{_SPAN}(?:\s*(?:reps?|repetitions?|times))?", clean)
    if reps:
        return Amount("reps", _count(reps), sides, sets)
    raise CellError("expected reps like 8-12, a hold like 30-45 sec or cycles like 8-10 cycles")


def _hold_sides(sides: str) -> str:
    if sides == "alternating":
        raise CellError("alternating sides apply to reps; a hold or cycles is per side")
    return sides


def _count(match: re.Match[str]) -> str:
    low, high = match.group("low"), match.group("high") or match.group("low")
    if not (low.isdigit() and high.isdigit()):
        raise CellError("expected whole numbers of reps, like 8-12")
    if int(low) > int(high):
        raise CellError("expected the smaller count first")
    return _span_text(int(low), int(high))
