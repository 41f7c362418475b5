"""Which part of a ``Range`` header ``serve`` acts on (RFC 9110 §14), before werkzeug sees it.

werkzeug answers a single byte range well (206, 416, If-Range) but refuses everything
else with 416: an unknown unit, several ranges, a malformed header, a suffix longer than
the file. RFC 9110 says a server MUST ignore a range unit it does not understand and MAY
ignore any Range header: the answer is then 200 with the whole file, which every client
understands. ``usable_range`` turns the header into one werkzeug handles right, or None.
``range_applies`` reads the If-Range cases werkzeug gets wrong (a weak tag, a later date).
"""

from __future__ import annotations

import datetime
import re

from werkzeug.http import parse_date

# int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length (§14.1.1)
_RANGE_SPEC = re.compile(r"([0-9]*)-([0-9]*)")


def parse_byte_ranges(value: str) -> list[tuple[int | None, int | None]] | None:
    """The ``(first, last)`` byte ranges of a Range header, ``(None, n)`` for the last n
    bytes; None if the unit is not bytes or the header is not valid for bytes."""
    unit, equals, specs = value.partition("=")
    if not equals or unit.strip(" \t").lower() != "bytes":  # range units are case-insensitive
        return None
    ranges: list[tuple[int | None, int | None]] = []
    for spec in specs.split(","):
        spec = spec.strip(" \t")
        if not spec:  # the list syntax allows empty elements ("0-9,,20-29")
            continue
        match = _RANGE_SPEC.fullmatch(spec)
        if not match or not (match[1] or match[2]):
            return None
        first = int(match[1]) if match[1] else None
        last = int(match[2]) if match[2] else None
        if first is not None and last is not None and last < first:
            return None  # invalid, not unsatisfiable (§14.1.1)
        ranges.append((first, last))
    return ranges or None


def usable_range(value: str, length: int) -> str | None:
    """The Range header to hand werkzeug for a file of ``length`` bytes: one byte range
    written out as ``bytes=FIRST-LAST`` (or one that is past the end, for werkzeug's 416
    with ``Content-Range: bytes */length``), or None to ignore the header (200, whole file).

    Several ranges get the whole file. A multi-range 206 must be multipart/byteranges,
    which the players a private feed serves (AVPlayer, ExoPlayer, browsers' media stacks)
    never ask for and do not parse: they seek with one range at a time. What does send
    several ranges (download tools, probes) must accept a 200 with the whole file, as any
    HTTP client must, and on a home network the whole file costs seconds. A hand-written
    multipart writer would be the kind of range code that is easy to get subtly wrong.
    """
    ranges = parse_byte_ranges(value)
    if ranges is None or len(ranges) != 1:
        return None
    first, last = ranges[0]
    past_end = f"bytes={length}-"
    if first is None:  # the last ``last`` bytes: the whole file if it is shorter (§14.1.2)
        assert last is not None
        if last == 0 or length == 0:
            return past_end  # a zero suffix is unsatisfiable
        return f"bytes={max(length - last, 0)}-{length - 1}"
    if first >= length:
        return past_end
    return f"bytes={first}-{length - 1 if last is None else min(last, length - 1)}"


def range_applies(if_range: str | None, modified: datetime.datetime) -> bool:
    """False when an If-Range header says the client holds another version of a file last
    modified at ``modified``, so the whole file is sent (§13.1.5). A weak entity tag never
    matches (the comparison is strong) and a date matches only if it is exactly the file's
    Last-Modified: werkzeug takes both as matches. A strong tag is werkzeug's to compare."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith("W/"):
        return False
    if value.startswith('"'):
        return True
    date = parse_date(value)
    return date is not None and date == modified.replace(microsecond=0)
