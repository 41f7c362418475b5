"""What the coach says: which catalogue words each moment of a session takes.

The compiler decides when each phrase is heard; this module picks the keys and fills
their placeholders, and the catalogue (voicecoach.words, in the session's language,
with the program's own words over it) decides the words. The program's own texts
(names, cues, instructions) are spoken as written.
"""

from __future__ import annotations

import re

from voicecoach.compiler.amounts import minutes_words, seconds_words, spoken_sets, spoken_tempo
from voicecoach.compiler.progression import Prescription, Week
from voicecoach.program import Exercise, Phase, Program
from voicecoach.words import Catalogue, Phrase

BEAT_KEYS = {"lower": "beat_lower", "lift": "beat_lift", "top": "beat_top", "bottom": "beat_bottom"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(¿¡ÁÉÍÓÚÄÖÜÑ])")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, so each is one speech cue."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def beat_word(words: Catalogue, activity: str) -> str:
    """The word a tempo phase starts with: "down", "up", "hold", "pause"."""
    return words.say(BEAT_KEYS[activity])


def side_name(words: Catalogue, side: str) -> str:
    """A side as an alternating rep names it: "left", "right"."""
    return words.say(side)


def focus(words: Catalogue, program: Program, week: Week) -> str:
    """The week's focus: the program's, else the catalogue's for the stage."""
    if week.stage.focus:
        return week.stage.focus
    return words.say("foundation_focus" if week.foundation else "build_focus")


def session_intro(
    words: Catalogue,
    program: Program,
    week: Week,
    duration_ms: int,
    exercises: int,
    talk: str = "normal",
    tones: bool = False,
) -> list[str]:
    """The opening talk: title and week, the week's focus, what today holds (brief: no
    focus or description; full: the description every week)."""
    weeks = words.weeks(week.number, week.through)
    lines = [words.say("intro_title", program=program.title, **weeks)]
    if talk != "brief":
        lines += sentences(focus(words, program, week))
    if talk == "full" or (talk == "normal" and week.full_instructions):
        lines += sentences(program.description)
        if program.schedule:
            lines.append(_schedule_sentence(words, program))
    lines.append(
        words.say(
            "intro_today",
            exercises=Phrase.of("exercises", n=exercises),
            phases=Phrase.of("phases", n=len(program.phases)),
            minutes=minutes_words(words, duration_ms),
        )
    )
    lines.append(words.say("intro_tones"))
    if tones:
        lines.append(words.say("intro_ticks"))
    return lines


def phase_intro(words: Catalogue, number: int, phase: Phase, brief: bool = False) -> list[str]:
    """ "Phase 2: Primary Strength." and the phase's note (not when brief)."""
    return [words.say("phase", number=number, name=phase.name)] + (
        [] if brief else sentences(phase.note)
    )


def exercise_intro(
    words: Catalogue,
    program: Program,
    exercise: Exercise,
    prescription: Prescription,
    full: bool,
    brief: bool = False,
) -> list[str]:
    """An exercise's talk: name, the log's decision (if any), sets and amount, then full
    instructions or the key cue (brief: the name, the amount and a tempo of its own only)."""
    # A decision from the training log comes first: what was done, so what is asked today.
    lines = [words.say("exercise", exercise=exercise.name)]
    lines += sentences(words.sentences(prescription.decision))
    lines.append(spoken_sets(words, exercise, prescription))
    if exercise.sides == "alternating":
        lines.append(words.say("alternate_sides"))
    if brief:
        if exercise.tempo is not None and exercise.tempo != program.tempo:
            lines.append(spoken_tempo(words, exercise.tempo))
        return lines
    if prescription.raise_weight:
        lines += sentences(program.progression.weight_increase or words.say("weight_increase"))
    if full:
        if exercise.target:
            lines.append(words.say("target", target=exercise.target.rstrip(".")))
        if exercise.setup:
            lines.append(words.say("setup"))
            lines += sentences(exercise.setup)
        if exercise.execution:
            lines.append(words.say("execution"))
            lines += sentences(exercise.execution)
    elif exercise.key_cue:
        lines += sentences(exercise.key_cue)
    if exercise.tempo is not None and (full or exercise.tempo != program.tempo):
        lines.append(spoken_tempo(words, exercise.tempo))
    if prescription.at_top:
        lines += sentences(program.progression.at_top or words.say("at_top"))
    return lines


def lead_in(words: Catalogue, set_number: int, sets: int, side: str | None) -> str:
    """The words before a set's 3-2-1: which set, which side, get into position."""
    where = Phrase.of(f"{side}_side") if side else None
    if sets == 1:
        if where is None:
            return words.say("lead_in_single")
        return words.say("lead_in_single_side", side=where)
    if where is None:
        return words.say("lead_in", set=set_number, sets=sets)
    return words.say("lead_in_side", set=set_number, sets=sets, side=where)


def rep_start(words: Catalogue, number: int, count: int, word: str, side: str | None = None) -> str:
    # "Rep 2, down", not "2, down": the lowering's counts "2, 3, 4, 5" follow it.
    """A rep's first words: "Rep 3, down", "Two more, down", "Last rep, left, up"."""
    if number == count:
        label = words.say("last_rep")
    elif number == count - 1 and count >= 3:
        label = words.say("two_more")
    else:
        label = words.say("rep", rep=number)
    if side:
        where = side_name(words, side)
        if word:
            return words.say("rep_side_beat", label=label, side=where, word=word)
        return words.say("rep_side", label=label, side=where)
    return words.say("rep_beat", label=label, word=word) if word else label


def side_start(words: Catalogue, side: str, word: str) -> str:
    """The second side of an alternating rep: "Right, down"."""
    where = side_name(words, side)
    if word:
        return words.say("side_beat", side=where, word=word)
    return where[:1].upper() + where[1:]


def cycle_start(words: Catalogue, number: int, last: bool, say: str) -> str:
    """A slow cycle's first words: "Cycle 2. Inhale..."."""
    return words.say("last_cycle", say=say) if last else words.say("cycle", n=number, say=say)


def hold_start(words: Catalogue, ms: int) -> str:
    """The start of a hold: "Hold, 30 seconds. Breathe."."""
    return words.say("hold", seconds=seconds_words(words, ms))


def hold_left(words: Catalogue, ms: int) -> str:
    """Halfway through a long hold: "15 seconds left."."""
    return words.say("hold_left", seconds=seconds_words(words, ms))


def switch_sides(words: Catalogue, side: str) -> str:
    """ "Switch sides. Right side."."""
    return words.say("switch_sides", side=Phrase.of(f"{side}_side"))


def rest_only(words: Catalogue, ms: int) -> str:
    """ "Rest 60 seconds."."""
    return words.say("rest", seconds=seconds_words(words, ms))


def rest_start(words: Catalogue, ms: int, next_up: str) -> str:
    """The start of a rest and what comes after it."""
    return f"{rest_only(words, ms)} {next_up}"


def rest_halfway(words: Catalogue, remaining_ms: int) -> str:
    """Halfway through a long rest."""
    return words.say("rest_halfway", seconds=seconds_words(words, remaining_ms))


def ten_seconds(words: Catalogue) -> str:
    """Ten seconds before a long rest ends."""
    return words.say("ten_seconds")


def next_set_call(next_up: str, key_cue: str) -> str:
    """Late in a long rest: "Next: set 2 of 3. Chest up; front knee over your foot."."""
    return f"{next_up} {key_cue.strip()}" if key_cue.strip() else next_up


def next_set(words: Catalogue, set_number: int, sets: int) -> str:
    """What a rest leads to: "Next: set 2 of 3." or "Next: the last set."."""
    if set_number == sets:
        return words.say("rest_next_last_set")
    return words.say("rest_next_set", set=set_number, sets=sets)


def next_exercise(words: Catalogue, name: str) -> str:
    """What a rest leads to at an exercise's end: "Next: Russian Twist."."""
    return words.say("rest_next", exercise=name)


def transition(words: Catalogue, next_name: str) -> str:
    """Between exercises without a rest: "Next up: Russian Twist."."""
    return words.say("transition", exercise=next_name)


def countdown(words: Catalogue) -> tuple[str, ...]:
    """The countdown before Go, and at the end of a hold: "3", "2", "1"."""
    return tuple(words.say("count", n=n) for n in (3, 2, 1))


def count(words: Catalogue, number: int) -> str:
    """A tempo phase's count after its first beat: "2", "3" ..."""
    return words.say("count", n=number)


def go(words: Catalogue) -> str:
    return words.say("go")


def outro(words: Catalogue, program: Program, week: Week) -> list[str]:
    """The closing words before the session-end tone."""
    weeks = words.weeks(week.number, week.through)
    return [words.say("outro", program=program.title, **weeks), words.say("well_done")]


def _schedule_sentence(words: Catalogue, program: Program) -> str:
    # A schedule that says how often itself ("three times per week on ...") is not
    # prefixed with the count again ("Train 3 times a week: three times per week ...").
    schedule = program.schedule.rstrip(". ")
    how_often = "|".join(re.escape(word) for word in words.how_often)
    if how_often and re.search(rf"\b(?:{how_often})\b", schedule, re.I):
        return words.say("schedule", schedule=schedule[0].lower() + schedule[1:])
    return words.say("schedule_times", n=program.sessions_per_week, schedule=schedule)
