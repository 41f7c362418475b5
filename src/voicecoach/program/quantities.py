"""Parse the quantities people write in program files: counts, ranges and durations.

``8-12`` (a range of counts), ``30-45s`` or ``60-90 sec`` (a range of durations),
``1 min``, ``none``. Each parser returns a value or raises ``ValueError`` with the
expectation in words; schema.py adds the location.
"""

from __future__ import annotations

import re

from voicecoach.program.model import Span


class QuantityError(ValueError):
    """What was expected, and optionally a hint; schema.py adds what was found."""

    def __init__(self, expected: str, hint: str = "") -> None:
        self.expected = expected
        self.hint = hint
        super().__init__(expected)


_NUMBER = r"\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*(?:(?:-|–|—|to)\s*({_NUMBER}))?\s*([A-Za-z]*)\s*$")
_UNITS_MS = {
    "s": 1000,
    "sec": 1000,
    "secs": 1000,
    "second": 1000,
    "seconds": 1000,
    "m": 60_000,
    "min": 60_000,
    "mins": 60_000,
    "minute": 60_000,
    "minutes": 60_000,
}
NONE_WORDS = {"none", "-", "no", "0", "0s"}


def _any_case(word: str) -> str:
    """``min`` -> ``[mM][iI][nN]``: JSON Schema patterns have no case-insensitive flag."""
    # ECMA-262 in unicode mode refuses needless escapes such as re.escape's "\\-".
    special = set("\\^$.|?*+()[]{}")
    return "".join(
        f"[{c.lower()}{c.upper()}]" if c.isalpha() else "\\" + c if c in special else c
        for c in word
    )


# The same spellings as JSON Schema (ECMA-262) patterns, for editors: docs/program.schema.json.
_SPACE = r"\s*"
_NUMBER_ECMA = r"[0-9]+(?:\.[0-9]+)?"
_DASH_ECMA = r"(?:-|–|—|to)"
_UNIT_ECMA = "(?:" + "|".join(_any_case(u) for u in sorted(_UNITS_MS, key=len, reverse=True)) + ")"
COUNT_PATTERN = rf"^{_SPACE}[0-9]+{_SPACE}(?:{_DASH_ECMA}{_SPACE}[0-9]+{_SPACE})?$"
DURATION_PATTERN = rf"^{_SPACE}{_NUMBER_ECMA}{_SPACE}{_UNIT_ECMA}{_SPACE}$"
DURATION_RANGE_PATTERN = (
    rf"^{_SPACE}{_NUMBER_ECMA}{_SPACE}(?:{_DASH_ECMA}{_SPACE}{_NUMBER_ECMA}{_SPACE})?"
    rf"{_UNIT_ECMA}{_SPACE}$"
)
NONE_PATTERN = (
    "^" + _SPACE + "(?:" + "|".join(_any_case(w) for w in sorted(NONE_WORDS)) + ")" + _SPACE + "$"
)


def parse_count_span(value: object) -> Span:
    """``12`` or ``"8-12"`` -> Span(8, 12). Counts are whole numbers."""
    if isinstance(value, bool) or value is None:
        raise ValueError("expected a count like 12 or a range like 8-12")
    if isinstance(value, int):
        return Span(value, value)
    if not isinstance(value, str):
        raise ValueError("expected a count like 12 or a range like 8-12")
    match = _RANGE.match(value)
    if not match or match.group(3):
        raise ValueError("expected a count like 12 or a range like 8-12")
    low_text, high_text = match.group(1), match.group(2) or match.group(1)
    if "." in low_text or "." in high_text:
        raise ValueError("expected whole numbers, like 8-12")
    low, high = int(low_text), int(high_text)
    if low > high:
        raise QuantityError("expected the smaller count first", f"did you mean {high}-{low}?")
    return Span(low, high)


def parse_duration_span(value: object) -> Span:
    """``"30s"``, ``"60-90 sec"``, ``"1 min"`` -> a Span in milliseconds."""
    expected = "expected a duration like 30s, 60-90 sec or 1 min"
    if isinstance(value, bool) or value is None:
        raise ValueError(expected)
    if isinstance(value, (int, float)):
        raise QuantityError(expected, f"the unit is missing: write {value}s")
    if not isinstance(value, str):
        raise ValueError(expected)
    match = _RANGE.match(value)
    if not match:
        raise ValueError(expected)
    unit = match.group(3).lower()
    if not unit:
        raise QuantityError(expected, f"the unit is missing: write {value.strip()}s")
    if unit not in _UNITS_MS:
        raise QuantityError(expected, f"unknown unit {match.group(3)!r}: use s or min")
    scale = _UNITS_MS[unit]
    low = round(float(match.group(1)) * scale)
    high = round(float(match.group(2) or match.group(1)) * scale)
    if low > high:
        raise QuantityError("expected the shorter duration first", "the range is written backwards")
    return Span(low, high)


def parse_seconds(value: object) -> int:
    """A tempo phase: a plain number of seconds (``5``, ``0``, ``1.5``) -> milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a number of seconds like 5 or 0")
    if value < 0:
        raise ValueError("expected zero or more seconds")
    return round(value * 1000)


def is_none_word(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in NONE_WORDS)
