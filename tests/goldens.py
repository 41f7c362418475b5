"""Golden-file helpers: flags in case files, and the compact form for whole sessions.

A case file may say which weeks to compile, the way black's case files carry ``# flags:``::

    # weeks: 1, 3, 8

The compact form keeps an 80-minute session reviewable in a diff: one line per talk,
lead-in, rest, hold or cycle; a set's reps folded into one line with their tempo; every
phrase except the bare counts; and a SHA-256 of the full timeline text, so a change that
the folding hides still fails the test.
"""

from __future__ import annotations

import hashlib
import re
from itertools import groupby
from pathlib import Path

from voicecoach.compiler import Timeline
from voicecoach.words import Catalogue, catalogue

REP_ACTIVITIES = {"lower", "bottom", "lift", "top", "rep"}


def routine_words(words: Catalogue) -> re.Pattern[str]:
    """The words every rep repeats ("2", "Go", "down", "Rep 3, up", "Left, down"), in a
    catalogue's language: folded into the reps line's count and tempo; the hash still
    covers them."""

    def one(*keys: str) -> str:
        return "|".join(re.escape(words.say(key)) for key in keys)

    word = f"({one('beat_lower', 'beat_lift', 'beat_top', 'beat_bottom')})"
    side = f"({one('left', 'right')})"
    sides = "|".join(re.escape(w.capitalize()) for w in (words.say("left"), words.say("right")))
    rep = re.escape(words.say("rep", rep=0)).replace("0", r"\d+")
    label = f"({rep}|{one('last_rep')})"  # "Two more, down" stays: it is heard once a set
    return re.compile(
        rf"^(\d+|{one('go')}|{word}|{label}(, {side})?(, {word})?|({sides})(, {word})?)$"
    )


def case_weeks(case: Path) -> list[int]:
    """The weeks a case file asks for (``# weeks: 1, 3``); week 1 when it does not say."""
    for line in case.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*weeks:\s*(.+)$", line)
        if match:
            return [int(week) for week in match.group(1).split(",")]
    return [1]


def golden_path(case: Path, week: int, weeks: list[int]) -> Path:
    """``case.timeline.txt`` for the usual week-1 case; ``case.week-03.timeline.txt`` else."""
    if weeks == [1]:
        return case.with_suffix(".timeline.txt")
    return case.with_name(f"{case.stem}.week-{week:02d}.timeline.txt")


def compact_text(timeline: Timeline) -> str:
    """The reviewable summary of a whole session (see the module docstring)."""
    full = timeline.to_text()
    lines = [
        f"# {timeline.title}: {timeline.duration_ms} ms, {len(timeline.cues)} cues",
        f"# sha256 of the full timeline text: {hashlib.sha256(full.encode()).hexdigest()}",
    ]
    chapters = {c.start_ms: c.title for c in timeline.chapters}
    routine = routine_words(catalogue(timeline.language))
    speech = [c for c in timeline.cues if c.kind == "speech" and not routine.match(c.text or "")]
    said = 0

    def where(seg: object) -> tuple:
        return (seg.exercise, seg.set, seg.side, seg.activity in REP_ACTIVITIES)  # type: ignore[attr-defined]

    for _key, group in groupby(timeline.segments, key=where):
        segs = list(group)
        first, last = segs[0], segs[-1]
        if first.start_ms in chapters:
            lines.append(f"chapter {first.start_ms} {chapters[first.start_ms]}")
        context = " ".join(
            f"{name}={value}"
            for name, value in (("set", first.set), ("side", first.side))
            if value is not None
        )
        if first.activity in REP_ACTIVITIES:
            reps = len({s.rep for s in segs})
            pattern = " ".join(f"{s.activity} {s.duration_ms}" for s in segs if s.rep == first.rep)
            what = f"{reps} reps: {pattern}"
        else:
            what = " + ".join(f"{s.activity} {s.duration_ms}" for s in segs)
        lines.append(f"{first.start_ms:>8} {last.end_ms:>8} {context} {what}".replace("  ", " "))
        while said < len(speech) and speech[said].start_ms < last.end_ms:
            cue = speech[said]
            lines.append(f"{'':>8} {cue.start_ms:>8} {cue.end_ms - cue.start_ms:>5} {cue.text!r}")
            said += 1
    return "\n".join(lines) + "\n"
