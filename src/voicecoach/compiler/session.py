"""Compile (program, week, options) into a Timeline: pure, deterministic, integer ms.

The compiler decides when everything happens: talk, lead-ins, every rep's tempo phases
and their counted beats, side switches, rests, holds and cycles, chapters. It never
touches audio; it only asks ``measure(text)`` how long a phrase takes to say, so that
talk is sized to the speech and a phrase that cannot fit its beat takes the next
count's beat instead of running late (the compiler makes room; nothing is pushed).

Beat rule: on a beat with a tone the tone starts on the beat and the words follow
TONE_GAP_MS after it; on other beats the words start on the beat.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from voicecoach.compiler import phrases
from voicecoach.compiler.palette import PALETTE, TONE_GAP_MS
from voicecoach.compiler.progression import Prescription, Week, plan_week
from voicecoach.compiler.timeline import Chapter, Cue, Segment, Timeline
from voicecoach.errors import VoicecoachError
from voicecoach.program import Exercise, Phase, Program

Measure = Callable[[str], int]

MAX_SESSION_MS = 4 * 60 * 60 * 1000  # a documented limit: nobody trains to a longer track
MAX_SPEEDUP = 1.3  # the renderer may speed a phrase up this much to fit its slot
LINE_GAP_MS = 350  # between sentences of talk
TALK_TAIL_MS = 700  # after talk, before the next thing starts
BEAT_MS = 1000
SIDES = ("left", "right")


@dataclass(frozen=True)
class CompileOptions:
    only: tuple[str, ...] = ()  # exercise names (or 1-based numbers) to keep
    full_instructions: bool = False  # keep the foundation's full instructions in every week
    max_session_ms: int = MAX_SESSION_MS  # the documented limit; benchmarks may raise it


class SessionTooLong(VoicecoachError):
    pass


class UnknownExercise(VoicecoachError):
    pass


def estimate_speech_ms(text: str, rate: int = 200) -> int:
    """A speech length estimate for planning without an engine (espeak-ng at ``rate`` wpm).

    Calibrated on espeak-ng 1.51 at 200 wpm: about 62 ms a character plus pauses at
    punctuation. ``voicecoach build`` measures the real clips instead.
    """
    pauses = sum(text.count(mark) for mark in ".,;:!?")
    ms = 60 + 62 * len(text) + 120 * pauses
    return round(ms * 200 / max(rate, 1))


def compile_program(
    program: Program,
    week: int | Week,
    options: CompileOptions = CompileOptions(),
    measure: Measure = estimate_speech_ms,
) -> Timeline:
    """The session for ``week`` as a Timeline. Raises ValueError for a bad week number.

    ``week`` is a week number (the calendar progression chooses the prescriptions) or a
    ready-made ``Week`` (prescriptions chosen elsewhere, e.g. from a training log).
    """
    plan = week if isinstance(week, Week) else plan_week(program, week)
    week = plan.number
    selected = _select(program, options.only)
    # The intro says how long the session is, and its own length is part of that:
    # iterate to a fixed point (it settles in two or three rounds).
    duration_ms = 0
    for _ in range(6):
        timeline = _Session(program, plan, selected, options, measure).build(duration_ms)
        if phrases.minutes_words(timeline.duration_ms) == phrases.minutes_words(duration_ms):
            break
        duration_ms = timeline.duration_ms
    if timeline.duration_ms > options.max_session_ms:
        raise SessionTooLong(
            f"{program.source}: week {week} would run "
            f"{timeline.duration_ms / 3_600_000:.1f} hours; the limit is "
            f"{options.max_session_ms / 3_600_000:g} hours (use --only, or fewer sets or reps)"
        )
    return timeline


def _select(program: Program, only: tuple[str, ...]) -> set[int]:
    """Indices of the exercises to compile; every exercise when ``only`` is empty."""
    exercises = program.exercises
    if not only:
        return set(range(len(exercises)))
    chosen: set[int] = set()
    names = [ex.name.casefold() for ex in exercises]
    for wanted in only:
        key = wanted.strip().casefold()
        if key.isdigit() and 1 <= int(key) <= len(exercises):
            chosen.add(int(key) - 1)
            continue
        matches = [i for i, name in enumerate(names) if name == key] or [
            i for i, name in enumerate(names) if key and key in name
        ]
        if len(matches) != 1:
            close = difflib.get_close_matches(
                wanted, [ex.name for ex in exercises], n=1, cutoff=0.4
            )
            hint = f" did you mean {close[0]!r}?" if close else ""
            problem = "matches several exercises" if matches else "matches no exercise"
            raise UnknownExercise(
                f"--only {wanted!r} {problem};{hint} "
                f"give a full name or a number 1-{len(exercises)}"
            )
        chosen.add(matches[0])
    return chosen


@dataclass
class _Beat:
    at: int
    tone: str | None
    text: str | None
    droppable: bool  # a plain count may give its beat to the phrase before it


@dataclass
class _Session:
    program: Program
    plan: Week
    selected: set[int]
    options: CompileOptions
    measure: Measure
    t: int = 0
    segments: list[Segment] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    beats: list[_Beat] = field(default_factory=list)

    # -- placing things -------------------------------------------------------------

    def segment(self, duration: int, activity: str, **context: object) -> int:
        start = self.t
        self.segments.append(Segment(start, start + duration, activity, **context))  # type: ignore[arg-type]
        self.t = start + duration
        return start

    def tone(self, at: int, name: str) -> int:
        tone = PALETTE[name]
        self.cues.append(Cue(at, at + tone.duration_ms, "tone", tone=name, hz=tone.hz))
        return at + tone.duration_ms

    def say(self, at: int, text: str, slot_end: int | None = None) -> int:
        length = max(1, self.measure(text))
        end = at + length if slot_end is None else min(at + length, slot_end)
        self.cues.append(Cue(at, end, "speech", text=text))
        return end

    def fits(self, text: str, room: int) -> bool:
        return self.measure(text) <= room * MAX_SPEEDUP

    def shortened(self, text: str, room: int) -> str:
        """``text``, or when it cannot fit ``room`` even sped up by MAX_SPEEDUP, its last
        comma-separated words ("Last rep, left, up" -> "Left, up" -> "Up"): the renderer
        never speeds a phrase up more than that, and the beat's own word is last."""
        parts = text.split(", ")
        while len(parts) > 1 and not self.fits(", ".join(parts), room):
            parts = parts[1:]
        short = ", ".join(parts)
        return short[:1].upper() + short[1:] if short != text else text

    def talk(self, lines: list[str], activity: str = "talk", **context: object) -> None:
        start = at = self.t
        for index, line in enumerate(lines):
            if index:
                at += LINE_GAP_MS
            at = self.say(at, line)
        self.t = start
        self.segment(at - start + TALK_TAIL_MS, activity, **context)

    def flush_beats(self, end: int) -> None:
        """Place the collected beats, letting a long phrase take the following counts."""
        beats = self.beats
        kept = [True] * len(beats)
        for i, beat in enumerate(beats):
            if not kept[i]:
                continue
            speech_at = beat.at
            if beat.tone:
                speech_at = self.tone(beat.at, beat.tone) + TONE_GAP_MS
            if not beat.text:
                continue
            j = i + 1
            while True:
                limit = beats[j].at if j < len(beats) else end
                following_tone = j < len(beats) and beats[j].tone is not None
                if self.fits(beat.text, limit - speech_at) or j >= len(beats):
                    break
                if not beats[j].droppable or following_tone:
                    break
                kept[j] = False
                j += 1
            self.say(speech_at, self.shortened(beat.text, limit - speech_at), limit)
        self.beats = []

    def counted(
        self,
        activity: str,
        duration: int,
        first_text: str | None,
        tone: str | None,
        **context: object,
    ) -> None:
        """A timed phase with a beat every second: a marker first, then counts 2, 3, ..."""
        start = self.segment(duration, activity, **context)
        self.beats.append(_Beat(start, tone, first_text, droppable=False))
        if activity == "rep":
            return  # an untimed rep is marked once; inner counts would sound like rep numbers
        count = 2
        for at in range(start + BEAT_MS, start + duration - 400, BEAT_MS):
            self.beats.append(_Beat(at, None, str(count), droppable=True))
            count += 1

    # -- the session ------------------------------------------------------------------

    def build(self, duration_hint: int) -> Timeline:
        program, plan = self.program, self.plan
        exercises = [
            (phase_index, phase, exercise, plan.prescriptions[flat])
            for flat, (phase_index, phase, exercise) in enumerate(_flatten(program))
            if flat in self.selected
        ]
        self.chapters.append(Chapter(0, "Introduction"))
        self.talk(phrases.session_intro(program, plan, duration_hint, len(exercises)))
        full = plan.full_instructions or self.options.full_instructions
        last_phase = None
        for position, (phase_index, phase, exercise, prescription) in enumerate(exercises):
            self.chapters.append(Chapter(self.t, f"{position + 1}. {exercise.name}"))
            if phase_index != last_phase:
                self.talk(phrases.phase_intro(phase_index + 1, phase), phase=phase.name)
                last_phase = phase_index
            following = exercises[position + 1][2] if position + 1 < len(exercises) else None
            self.exercise(phase, exercise, prescription, full, following)
        outro_start = self.t
        at = self.t
        for index, line in enumerate(phrases.outro(program, plan.number)):
            at = self.say(at + (LINE_GAP_MS if index else 0), line)
        end = self.tone(at + 400, "session_end") + 800
        self.segment(end - outro_start, "talk")
        return Timeline(
            program=program.title,
            week=plan.number,
            duration_ms=self.t,
            focus=plan.stage.focus,
            artist=program.artist,
            segments=tuple(self.segments),
            cues=tuple(sorted(self.cues, key=lambda c: (c.start_ms, c.end_ms))),
            chapters=tuple(self.chapters),
        )

    def exercise(
        self,
        phase: Phase,
        exercise: Exercise,
        prescription: Prescription,
        full: bool,
        following: Exercise | None,
    ) -> None:
        base = {"phase": phase.name, "exercise": exercise.name}
        self.talk(phrases.exercise_intro(self.program, exercise, prescription, full), **base)
        for set_number in range(1, exercise.sets + 1):
            first_side = SIDES[0] if exercise.sides == "each" else None
            ctx = {**base, "set": set_number}
            self.lead_in(
                "setup",
                self.program.setup_ms,
                phrases.lead_in(set_number, exercise.sets, first_side),
                None,
                side=first_side,
                **ctx,
            )
            sides = SIDES if exercise.sides == "each" else (None,)
            for index, side in enumerate(sides):
                if index:
                    assert side is not None  # only per-side sets have a second side
                    self.lead_in(
                        "switch",
                        self.program.switch_ms,
                        phrases.switch_sides(side),
                        "switch",
                        side=side,
                        **ctx,
                    )
                self.work(exercise, prescription, side, ctx)
            last_set = set_number == exercise.sets
            if not last_set:
                next_up = phrases.next_set(set_number + 1, exercise.sets)
            elif following is not None:
                next_up = following.name
            else:
                continue
            if prescription.rest_ms:
                self.rest(prescription.rest_ms, next_up, **ctx)
            elif last_set:
                self.transition(phrases.transition(next_up), **base)

    def lead_in(
        self, activity: str, duration: int, text: str, tone: str | None, **context: object
    ) -> None:
        """Get into position: the words, then 3, 2, 1 and Go with the start marker."""
        start = self.t
        at = self.tone(start, tone) + TONE_GAP_MS if tone else start
        words_end = at + self.measure(text)
        # Make room: the countdown starts 4 s before the end, after the words.
        duration = max(duration, words_end - start + 400 + 4 * BEAT_MS)
        self.segment(duration, activity, **context)
        countdown = start + duration - 4 * BEAT_MS
        self.say(at, text, countdown)
        for index, word in enumerate(("3", "2", "1")):
            self.say(countdown + index * BEAT_MS, word, countdown + (index + 1) * BEAT_MS)
        go = countdown + 3 * BEAT_MS
        self.say(self.tone(go, "set_start") + TONE_GAP_MS, "Go", go + BEAT_MS)

    def work(
        self, exercise: Exercise, prescription: Prescription, side: str | None, ctx: dict
    ) -> None:
        amount = prescription.amount
        if exercise.kind == "hold":
            self.hold(amount, side=side, **ctx)
            return
        if exercise.kind == "cycles":
            for number in range(1, amount + 1):
                self.cycle(exercise, number, number == amount, side=side, **ctx)
            return
        rep_sides = SIDES if exercise.sides == "alternating" else (side,)
        for number in range(1, amount + 1):
            last = number == amount
            for index, rep_side in enumerate(rep_sides):
                announce = rep_side if exercise.sides == "alternating" else None
                other_side = rep_side or ""  # index > 0 only when alternating: a real side
                if exercise.tempo is None:
                    text = (
                        phrases.rep_start(number, last, "", announce)
                        if index == 0
                        else phrases.side_start(other_side, "")
                    )
                    self.counted(
                        "rep", exercise.rep_ms, text, None, side=rep_side, rep=number, **ctx
                    )
                    continue
                for phase_index, (activity, ms) in enumerate(exercise.tempo.phases()):
                    word = phrases.PHASE_WORDS[activity]
                    if phase_index == 0:
                        if index == 0:
                            text = phrases.rep_start(number, last, word, announce)
                        else:
                            text = phrases.side_start(other_side, word)
                    else:
                        text = word
                    tone = activity if activity in ("lower", "lift") else None
                    self.counted(activity, ms, text, tone, side=rep_side, rep=number, **ctx)
        self.flush_beats(self.t)

    def hold(self, ms: int, **context: object) -> None:
        start = self.segment(ms, "hold", **context)
        end = start + ms
        countdown = end - 3 * BEAT_MS
        first_end = self.say(start, phrases.hold_start(ms), countdown)
        if ms >= 20_000:
            middle = start + (ms // 2 // 1000) * 1000
            if middle > first_end + 500:
                self.say(middle, f"{phrases.seconds_words(end - middle)} left.", countdown)
        marker = end - PALETTE["rest_end"].duration_ms
        for index, word in enumerate(("3", "2", "1")):
            at = countdown + index * BEAT_MS
            if at >= first_end:
                self.say(at, word, min(at + BEAT_MS, marker))
        self.tone(marker, "rest_end")

    def cycle(self, spec: Exercise, number: int, last: bool, **context: object) -> None:
        total = sum(step.duration_ms for step in spec.cycle)
        at = self.segment(total, "cycle", rep=number, **context)
        for index, step in enumerate(spec.cycle):
            text = phrases.cycle_start(number, last, step.say) if index == 0 else step.say
            self.say(at, text, at + step.duration_ms)
            at += step.duration_ms

    def rest(self, ms: int, next_up: str, **context: object) -> None:
        start = self.segment(ms, "rest", **context)
        end = start + ms
        pips = end - 3 * BEAT_MS
        text = phrases.rest_start(ms, next_up)
        if not self.fits(text, pips - start - 500):
            text = f"Rest {phrases.seconds_words(ms)}."
        spoken_end = self.say(start, text, pips)
        if ms >= 25_000 and end - 10_000 > spoken_end + 500:
            self.say(end - 10_000, "10 seconds.", pips)
        for index in range(3):
            self.tone(pips + index * BEAT_MS, "countdown")
        self.tone(end - PALETTE["rest_end"].duration_ms, "rest_end")

    def transition(self, text: str, **context: object) -> None:
        start = self.t
        length = self.measure(text)
        self.segment(
            max(self.program.transition_ms, length + TALK_TAIL_MS), "transition", **context
        )
        self.say(start, text)


def _flatten(program: Program) -> list[tuple[int, Phase, Exercise]]:
    return [
        (phase_index, phase, exercise)
        for phase_index, phase in enumerate(program.phases)
        for exercise in phase.exercises
    ]
