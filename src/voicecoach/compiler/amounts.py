"""How a prescription and a tempo are said (by the coach) and shown (in the plan table).

The one place that knows the three kinds of work: reps, a hold, slow cycles. Spoken forms
are sentences for the voice ("8 reps per side"); shown forms are compact table cells
("8 reps/side alt."). Durations are worded here too, so "90 seconds" is always said
the same way wherever it is heard. The words are the catalogue's (voicecoach.words):
each function takes the session's ``Catalogue``, English when none is given.
"""

from __future__ import annotations

from voicecoach.compiler.progression import Prescription
from voicecoach.program import Exercise, Tempo
from voicecoach.words import Catalogue, Phrase, catalogue

ENGLISH = catalogue("en")


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 week``, ``12 weeks``: the command line's English counts (its own messages)."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def seconds_phrase(ms: int) -> Phrase:
    """A duration as the coach says it: "1 second", "45 seconds", "2 minutes"."""
    seconds = round(ms / 1000)
    if seconds >= 120 and seconds % 60 == 0:
        return Phrase.of("minutes", n=seconds // 60)
    if seconds == 90:  # "anderthalb Minuten": the one length languages say their own way
        return Phrase.of("ninety_seconds")
    return Phrase.of("seconds", n=seconds)


def seconds_words(words: Catalogue, ms: int) -> str:
    """``seconds_phrase`` in ``words``."""
    return words.word(seconds_phrase(ms))


def minutes_phrase(ms: int) -> Phrase:
    """A session length as the coach says it, to the nearest minute (at least 1)."""
    return Phrase.of("minutes", n=max(1, round(ms / 60_000)))


def minutes_words(words: Catalogue, ms: int) -> str:
    """``minutes_phrase`` in ``words``."""
    return words.word(minutes_phrase(ms))


def clock(ms: int) -> str:
    """``75:04`` style minutes:seconds for tables (hours folded into minutes)."""
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _value(prescription: Prescription) -> int:
    return prescription.hold_ms // 1000 if prescription.kind == "hold" else prescription.count


def spoken_amount(words: Catalogue, exercise: Exercise, prescription: Prescription) -> str:
    """One set's work as said after "3 sets of": "8 reps per side", "10 slow cycles"."""
    key = "amount_cycles" if prescription.kind == "cycles" else "amount_reps"
    return words.say(key + ("_side" if exercise.per_side else ""), n=_value(prescription))


def spoken_sets(words: Catalogue, exercise: Exercise, prescription: Prescription) -> str:
    """The intro's second sentence: "3 sets of 8 reps per side, 60 seconds rest."."""
    sets = Phrase.of("sets", n=exercise.sets)
    rest = seconds_phrase(prescription.rest_ms) if prescription.rest_ms else None
    rested = "_rest" if rest is not None else ""
    if prescription.kind == "hold":
        key = "sets_hold" + ("_side" if exercise.per_side else "") + rested
        return words.say(key, sets=sets, seconds=seconds_phrase(prescription.hold_ms), rest=rest)
    amount = spoken_amount(words, exercise, prescription)
    return words.say("sets_of" + rested, sets=sets, amount=amount, rest=rest)


def shown_amount(exercise: Exercise, prescription: Prescription, words: Catalogue = ENGLISH) -> str:
    """One set's work as a table cell: "8 reps/side alt.", "30s hold/side", "10 cycles"."""
    key = f"shown_{prescription.kind}"
    if exercise.sides == "alternating":
        key += "_alternating"
    elif exercise.per_side:
        key += "_side"
    return words.say(key, n=_value(prescription))


def shown_rest(prescription: Prescription, words: Catalogue = ENGLISH) -> str:
    """The rest as a table cell: "60s", or "-" for none."""
    if not prescription.rest_ms:
        return "-"
    return words.say("shown_seconds", n=prescription.rest_ms // 1000)


def spoken_tempo(words: Catalogue, tempo: Tempo) -> str:
    """ "Tempo: lower for 5, lift for 2." in the order the rep is performed."""
    seconds = {
        "lower": tempo.lower_ms,
        "bottom": tempo.bottom_ms,
        "lift": tempo.lift_ms,
        "top": tempo.top_ms,
    }
    phases = words.say("tempo_joiner").join(
        words.say(f"tempo_{name}", seconds=seconds[name] / 1000) for name, _ in tempo.phases()
    )
    return words.say("tempo", phases=phases)


def shown_tempo(exercise: Exercise, words: Catalogue = ENGLISH) -> str:
    """The tempo as a table cell: "5-0-2-0", "2-0-1-1 lift first", "2s/rep", or ""."""
    if exercise.kind != "reps":
        return ""
    if exercise.tempo is None:
        return words.say("shown_rep_time", n=exercise.rep_ms / 1000)
    t = exercise.tempo
    digits = "-".join(
        words.number(ms / 1000) for ms in (t.lower_ms, t.bottom_ms, t.lift_ms, t.top_ms)
    )
    return words.say("shown_lift_first", tempo=digits) if t.start == "lift" else digits
