"""How a prescription and a tempo are said (by the coach) and shown (in the plan table).

The one place that knows the three kinds of work: reps, a hold, slow cycles. Spoken forms
are sentences for the voice ("8 reps per side"); shown forms are compact table cells
("8 reps/side alt."). Durations are formatted here too, so "90 seconds" is always said
the same way wherever it is heard.
"""

from __future__ import annotations

from voicecoach.compiler.progression import Prescription
from voicecoach.program import Exercise, Tempo


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 week``, ``12 weeks``: every count said or printed agrees with its noun."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def seconds_words(ms: int) -> str:
    """A duration as the coach says it: "1 second", "45 seconds", "2 minutes"."""
    seconds = round(ms / 1000)
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def minutes_words(ms: int) -> str:
    """A session length as the coach says it, to the nearest minute (at least 1)."""
    minutes = max(1, round(ms / 60_000))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def clock(ms: int) -> str:
    """``75:04`` style minutes:seconds for tables (hours folded into minutes)."""
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


# One set's work, per kind: as the coach says it, and as a table cell shows it.
_SPOKEN = {
    "reps": "{n} reps{side}",
    "hold": "a {n}-second hold{side}",
    "cycles": "{n} slow cycles{side}",
}
_SHOWN = {
    "reps": "{n} reps{short_side}{alt}",
    "hold": "{n}s hold{short_side}",
    "cycles": "{n} cycles{short_side}",
}


def _fill(template: str, exercise: Exercise, prescription: Prescription) -> str:
    hold = prescription.kind == "hold"
    return template.format(
        n=prescription.hold_ms // 1000 if hold else prescription.count,
        side=" per side" if exercise.per_side else "",
        short_side="/side" if exercise.per_side else "",
        alt=" alt." if exercise.sides == "alternating" else "",
    )


def spoken_amount(exercise: Exercise, prescription: Prescription) -> str:
    """One set's work as said after "3 sets of": "8 reps per side", "10 slow cycles"."""
    return _fill(_SPOKEN[prescription.kind], exercise, prescription)


def spoken_sets(exercise: Exercise, prescription: Prescription) -> str:
    """The intro's second sentence: "3 sets of 8 reps per side, 60 seconds rest."."""
    sets = "1 set" if exercise.sets == 1 else f"{exercise.sets} sets"
    rest = f", {seconds_words(prescription.rest_ms)} rest" if prescription.rest_ms else ""
    if prescription.kind == "hold":
        per_side = " per side" if exercise.per_side else ""
        return f"{sets}: hold {seconds_words(prescription.hold_ms)}{per_side}{rest}."
    return f"{sets} of {spoken_amount(exercise, prescription)}{rest}."


def shown_amount(exercise: Exercise, prescription: Prescription) -> str:
    """One set's work as a table cell: "8 reps/side alt.", "30s hold/side", "10 cycles"."""
    return _fill(_SHOWN[prescription.kind], exercise, prescription)


def shown_rest(prescription: Prescription) -> str:
    """The rest as a table cell: "60s", or "-" for none."""
    return f"{prescription.rest_ms // 1000}s" if prescription.rest_ms else "-"


def spoken_tempo(tempo: Tempo) -> str:
    """ "Tempo: lower for 5, lift for 2." in the order the rep is performed."""
    words = {
        "lower": f"lower for {tempo.lower_ms / 1000:g}",
        "bottom": f"pause {tempo.bottom_ms / 1000:g}",
        "lift": f"lift for {tempo.lift_ms / 1000:g}",
        "top": f"hold {tempo.top_ms / 1000:g}",
    }
    return "Tempo: " + ", ".join(words[name] for name, _ in tempo.phases()) + "."


def shown_tempo(exercise: Exercise) -> str:
    """The tempo as a table cell: "5-0-2-0", "2-0-1-1 lift first", "2s/rep", or ""."""
    if exercise.kind != "reps":
        return ""
    if exercise.tempo is None:
        return f"{exercise.rep_ms / 1000:g}s/rep"
    t = exercise.tempo
    digits = "-".join(f"{ms / 1000:g}" for ms in (t.lower_ms, t.bottom_ms, t.lift_ms, t.top_ms))
    return digits + (" lift first" if t.start == "lift" else "")
