"""What the coach says: every spoken text, in one place so wording is easy to review.

The compiler decides when each phrase is heard; this module only decides the words.
Numbers are written as digits: every speech engine reads them, and the clip cache then
shares "12" between "12 reps" and the count.
"""

from __future__ import annotations

import re

from voicecoach.compiler.amounts import (
    counted,
    minutes_words,
    seconds_words,
    spoken_sets,
    spoken_tempo,
)
from voicecoach.compiler.progression import Prescription, Week
from voicecoach.program import Exercise, Phase, Program

PHASE_WORDS = {"lower": "down", "lift": "up", "top": "hold", "bottom": "pause"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, so each is one speech cue."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def session_intro(
    program: Program,
    week: Week,
    duration_ms: int,
    exercises: int,
    talk: str = "normal",
    tones: bool = False,
) -> list[str]:
    """The opening talk: title and week, the week's focus, what today holds (brief: no
    focus or description; full: the description every week)."""
    lines = [f"{program.title}. {week.label}."]
    if talk != "brief":
        lines += sentences(week.stage.focus)
    if talk == "full" or (talk == "normal" and week.full_instructions):
        lines += sentences(program.description)
        if program.schedule:
            lines.append(_schedule_sentence(program))
    lines.append(
        f"Today: {counted(exercises, 'exercise')} in {counted(len(program.phases), 'phase')}, "
        f"about {minutes_words(duration_ms)}."
    )
    lines.append("Listen for the low tone to lower and the high tone to lift.")
    if tones:
        lines.append("A soft tick marks every second.")
    return lines


def phase_intro(number: int, phase: Phase, brief: bool = False) -> list[str]:
    """ "Phase 2: Primary Strength." and the phase's note (not when brief)."""
    return [f"Phase {number}: {phase.name}."] + ([] if brief else sentences(phase.note))


def exercise_intro(
    program: Program,
    exercise: Exercise,
    prescription: Prescription,
    full: bool,
    brief: bool = False,
) -> list[str]:
    """An exercise's talk: name, the log's decision (if any), sets and amount, then full
    instructions or the key cue (brief: the name, the amount and a tempo of its own only)."""
    # A decision from the training log comes first: what was done, so what is asked today.
    lines = [f"{exercise.name}.", *sentences(prescription.decision)]
    lines.append(spoken_sets(exercise, prescription))
    if exercise.sides == "alternating":
        lines.append("Alternate sides: left, then right, is one rep.")
    if brief:
        if exercise.tempo is not None and exercise.tempo != program.tempo:
            lines.append(spoken_tempo(exercise.tempo))
        return lines
    if prescription.raise_weight:
        lines += sentences(program.progression.weight_increase)
    if full:
        if exercise.target:
            lines.append(f"Target: {exercise.target.rstrip('.')}.")
        if exercise.setup:
            lines.append("Setup.")
            lines += sentences(exercise.setup)
        if exercise.execution:
            lines.append("Execution.")
            lines += sentences(exercise.execution)
    elif exercise.key_cue:
        lines += sentences(exercise.key_cue)
    if exercise.tempo is not None and (full or exercise.tempo != program.tempo):
        lines.append(spoken_tempo(exercise.tempo))
    if prescription.at_top:
        lines += sentences(program.progression.at_top)
    return lines


def lead_in(set_number: int, sets: int, side: str | None) -> str:
    """The words before a set's 3-2-1: which set, which side, get into position."""
    where = f", {side} side" if side else ""
    if sets == 1:
        return f"Get into position{where}."
    return f"Set {set_number} of {sets}{where}. Get into position."


def rep_start(number: int, count: int, word: str, side: str | None = None) -> str:
    # "Rep 2, down", not "2, down": the lowering's counts "2, 3, 4, 5" follow it.
    """A rep's first words: "Rep 3, down", "Two more, down", "Last rep, left, up"."""
    if number == count:
        label = "Last rep"
    elif number == count - 1 and count >= 3:
        label = "Two more"
    else:
        label = f"Rep {number}"
    if side:
        return f"{label}, {side}, {word}" if word else f"{label}, {side}"
    return f"{label}, {word}" if word else label


def side_start(side: str, word: str) -> str:
    """The second side of an alternating rep: "Right, down"."""
    return f"{side.capitalize()}, {word}" if word else side.capitalize()


def cycle_start(number: int, last: bool, say: str) -> str:
    """A slow cycle's first words: "Cycle 2. Inhale..."."""
    return f"{'Last cycle' if last else f'Cycle {number}'}. {say}"


def hold_start(ms: int) -> str:
    """The start of a hold: "Hold, 30 seconds. Breathe."."""
    return f"Hold, {seconds_words(ms)}. Breathe."


def switch_sides(side: str) -> str:
    """ "Switch sides. Right side."."""
    return f"Switch sides. {side.capitalize()} side."


def rest_start(ms: int, next_up: str) -> str:
    """The start of a rest and what comes after it."""
    return f"Rest {seconds_words(ms)}. Next: {next_up}."


def rest_halfway(remaining_ms: int) -> str:
    """Halfway through a long rest."""
    return f"Halfway. {seconds_words(remaining_ms)} to go."


def next_set_call(next_up: str, key_cue: str) -> str:
    """Late in a long rest: "Next: set 2 of 3. Chest up; front knee over your foot."."""
    call = f"Next: {next_up}."
    return f"{call} {key_cue.strip()}" if key_cue.strip() else call


def next_set(set_number: int, sets: int) -> str:
    """What a rest leads to: "set 2 of 3" or "the last set"."""
    return "the last set" if set_number == sets else f"set {set_number} of {sets}"


def transition(next_name: str) -> str:
    """Between exercises without a rest: "Next up: Russian Twist."."""
    return f"Next up: {next_name}."


def outro(program: Program, week: Week) -> list[str]:
    """The closing words before the session-end tone."""
    weeks = week.label[0].lower() + week.label[1:]
    return [f"Session complete. That was {weeks} of {program.title}.", "Well done."]


# A schedule that says how often itself ("three times per week on ...") is not prefixed
# with the count again ("Train 3 times a week: three times per week ...").
_SAYS_HOW_OFTEN = re.compile(r"\b(times?|once|twice|weekly|daily|every|per week|a week)\b", re.I)


def _schedule_sentence(program: Program) -> str:
    schedule = program.schedule.rstrip(". ")
    if _SAYS_HOW_OFTEN.search(schedule):
        return f"Train {schedule[0].lower() + schedule[1:]}."
    return f"Train {program.sessions_per_week} times a week: {schedule}."
