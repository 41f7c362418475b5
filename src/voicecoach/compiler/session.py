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
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import cast

from voicecoach.compiler import phrases
from voicecoach.compiler.amounts import minutes_phrase
from voicecoach.compiler.palette import PALETTE, TONE_GAP_MS
from voicecoach.compiler.progression import MAX_WEEK, Prescription, Week, prescribe_week
from voicecoach.compiler.timeline import Activity, Chapter, Cue, Segment, Stats, Timeline
from voicecoach.errors import SessionTooLong, UnknownExercise
from voicecoach.program import Counts, Exercise, Phase, Program, Talk
from voicecoach.words import Catalogue, catalogue, estimate_speech_ms

Measure = Callable[[str], int]

# -- the timing rules: each number is something the person hears --------------------------

MAX_SESSION_MS = 4 * 60 * 60 * 1000  # a documented limit: nobody trains to a longer track
# A phrase may be sped up this much (pitch kept) to fit its slot: beyond it, speech
# sounds hurried, so the compiler gives a longer phrase the next beat instead.
MAX_SPEEDUP = 1.3
BEAT_MS = 1000  # counts are one second apart: the tempo is written in seconds
LINE_GAP_MS = 350  # between sentences of talk: a breath, not a pause
TALK_TAIL_MS = 700  # after talk, before the next thing starts: time to take it in
# A timed phase's last count needs this much of its beat left, or it would be cut off by
# the next phase's marker: "5" at 4.6 s into a 5 s lowering is skipped.
LAST_COUNT_ROOM_MS = 400
COUNTDOWN_BEATS = 3  # "3, 2, 1" before Go, and the pips or words at the end of a rest or hold
# After the set-up words, a breath before "3": the countdown never runs into the words.
COUNTDOWN_LEAD_MS = 400
# The least a lead-in lasts whatever its words: the breath, the countdown and Go.
_LEAD_MIN_MS = COUNTDOWN_LEAD_MS + (COUNTDOWN_BEATS + 1) * BEAT_MS
HALFWAY_CALL_MIN_MS = 20_000  # a hold this long gets "N seconds left" halfway through
HALFWAY_CALL_ROOM_MS = 500  # ... if the call would not follow the first words too closely
TEN_SECOND_CALL_MIN_MS = 25_000  # a rest this long gets "10 seconds." 10 s before its end
TEN_SECOND_CALL_MS = 10_000
REST_WORDS_ROOM_MS = 500  # the rest's words end this long before the pips, or are shortened
OUTRO_TONE_GAP_MS = 400  # after "Well done.", before the session-end tone
OUTRO_TAIL_MS = 800  # after the session-end tone rings out, before the track ends
NEXT_SET_CALL_MIN_MS = 45_000  # a rest this long names the next set and its key cue...
NEXT_SET_CALL_BEFORE_MS = 20_000  # ...this long before the rest ends
REST_HALFWAY_MIN_MS = 60_000  # a rest this long gets a halfway call
SETTLE_ROUNDS = 6  # rounds to find the intro's "about N minutes" (two or three are usual)
SIDES = ("left", "right")


@dataclass(frozen=True)
class CompileOptions:
    """Choices that change a session without changing the program."""

    only: tuple[str, ...] = ()  # exercise names (or 1-based numbers) to keep
    # How much the coach says: "full" every instruction every week; "normal" the week's
    # choice (full in the foundation weeks, the key cue after); "brief" names, amounts,
    # countdowns and rests only. None: the program file's ``talk``, else "normal".
    talk: Talk | None = None
    # How the tempo is marked: "words" counts aloud; "tones" marks every second with a
    # tone (lower, lift, then soft ticks), saying only the rep at each rep's start.
    counts: Counts | None = None
    # The language the coach speaks: a shipped catalogue (voicecoach.words.LANGUAGES).
    # None: the program file's ``language``, else "en".
    language: str | None = None
    max_session_ms: int = MAX_SESSION_MS  # the documented limit; benchmarks may raise it

    def resolved(self, program: Program) -> CompileOptions:
        """These options with talk, counts and language never None: the command line's,
        else the program file's, else "normal", "words" and "en" (the one place that rule
        is written)."""
        return replace(
            self,
            talk=self.talk or program.talk or "normal",
            counts=self.counts or program.counts or "words",
            language=self.language or program.language or "en",
        )


def session_words(program: Program, language: str) -> Catalogue:
    """The words of a session: the catalogue of ``language`` with the program's own over it."""
    return catalogue(language).with_words(program.words)


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
    prescribed = week if isinstance(week, Week) else prescribe_week(program, week)
    selected = _select(program, options.only)
    # Refused before any work: a session over the limit on its floor alone would be
    # refused below anyway, after minutes of compiling (the work grows with the tempo's
    # beats, which the floor counts in full, so a session that passes it is bounded).
    floor = session_floor(program, prescribed, selected)
    if floor.total_ms > options.max_session_ms:
        limit = options.max_session_ms
        raise SessionTooLong(_too_long(program, prescribed.number, floor, limit))
    # A phrase is measured once per compile, not at each of its thousands of beats: a
    # measure is a function of the text (the clip cache's header read, or an estimate).
    measure = functools.lru_cache(maxsize=None)(measure)
    options = options.resolved(program)
    talk, counts = cast(Talk, options.talk), cast(Counts, options.counts)
    words = session_words(program, cast(str, options.language))
    timeline = _settle(
        lambda hint: _Session(program, prescribed, selected, talk, counts, words, measure).build(
            hint
        )
    )
    if timeline.duration_ms > options.max_session_ms:
        raise SessionTooLong(
            f"{program.source}: week {prescribed.number} would run "
            f"{timeline.duration_ms / 3_600_000:.1f} hours; the limit is "
            f"{options.max_session_ms / 3_600_000:g} hours (use --only, or fewer sets or reps)"
        )
    return timeline


@dataclass(frozen=True)
class Floor:
    """The least a week's session can last, whatever its speech: the total, and the
    exercise that contributes most (its index in ``Program.exercises`` and its share)."""

    total_ms: int
    longest: int | None = None
    longest_ms: int = 0


def session_floor(program: Program, plan: Week, selected: set[int] | None = None) -> Floor:
    """A lower bound of the compiled length, by arithmetic on the prescriptions.

    Conservative downwards, never upwards: each term is the least its segment can last
    (the setup, the work, the rest ...) with every phrase taken to last 0 ms, and speech
    only ever lengthens a segment. So the floor is at most the length the compiler
    reaches with any ``measure``, and refusing on it refuses only sessions the compiler
    would refuse too. (An upper bound would not do: refusing on it would refuse sessions
    whose speech is shorter than the bound assumed.) It mirrors ``_Session``: a change to
    the timing rules changes both; tests check floor <= compiled length on random programs.
    """
    flat = _flatten(program)
    chosen = [i for i in range(len(flat)) if selected is None or i in selected]
    switch_lead = PALETTE["switch"].duration_ms + TONE_GAP_MS + _LEAD_MIN_MS
    outro = OUTRO_TONE_GAP_MS + PALETTE["session_end"].duration_ms + OUTRO_TAIL_MS
    total = TALK_TAIL_MS + outro  # the intro's talk, the outro
    longest, longest_ms = None, -1
    last_phase = None
    for position, index in enumerate(chosen):
        phase_index, _phase, exercise = flat[index]
        if phase_index != last_phase:
            total += TALK_TAIL_MS  # the phase's talk
            last_phase = phase_index
        prescription = plan.prescriptions[index]
        if prescription.kind == "hold":
            work = prescription.hold_ms
        elif prescription.kind == "cycles":
            work = prescription.count * sum(step.duration_ms for step in exercise.cycle)
        else:
            rep = exercise.tempo.rep_ms if exercise.tempo is not None else exercise.rep_ms
            work = prescription.count * rep * (2 if exercise.sides == "alternating" else 1)
        per_set = max(program.setup_ms, _LEAD_MIN_MS) + work
        if exercise.sides == "each":
            per_set += max(program.switch_ms, switch_lead) + work
        between = exercise.sets - 1  # rests after every set but the last ...
        if position + 1 < len(chosen):  # ... and after the last when an exercise follows
            between += 1
        after = prescription.rest_ms * between
        if not prescription.rest_ms and position + 1 < len(chosen):
            after = max(program.transition_ms, TALK_TAIL_MS)
        mine = TALK_TAIL_MS + exercise.sets * per_set + after  # its talk, sets, rests
        total += mine
        if mine > longest_ms:
            longest, longest_ms = index, mine
    return Floor(total, longest, max(longest_ms, 0))


def check_every_week(program: Program, options: CompileOptions = CompileOptions()) -> None:
    """Raise SessionTooLong for the first week (1 to MAX_WEEK) whose floor is over the
    limit: what ``validate`` can say for certain without a speech engine. A week within
    it may still compile over the limit with long speech; ``plan`` says so for that week."""
    selected = _select(program, options.only)
    seen: set[tuple[Prescription, ...]] = set()
    for number in range(1, MAX_WEEK + 1):
        plan = prescribe_week(program, number)
        if plan.prescriptions in seen:
            continue  # the same amounts as an earlier week: the same floor
        seen.add(plan.prescriptions)
        floor = session_floor(program, plan, selected)
        if floor.total_ms > options.max_session_ms:
            raise SessionTooLong(_too_long(program, number, floor, options.max_session_ms))


def _too_long(program: Program, week: int, floor: Floor, limit_ms: int) -> str:
    """The refusal on the floor: the week, its least length, the exercise that weighs most."""
    where = ""
    if floor.longest is not None:
        exercise = program.exercises[floor.longest]
        where = (
            f"; {_exercise_path(program, floor.longest)} ({exercise.name!r}) alone takes "
            f"{floor.longest_ms / 3_600_000:.1f} hours"
        )
    return (
        f"{program.source}: week {week} would run at least {floor.total_ms / 3_600_000:.1f} "
        f"hours; the limit is {limit_ms / 3_600_000:g} hours{where} "
        "(use --only, or fewer sets or reps)"
    )


def _exercise_path(program: Program, index: int) -> str:
    """``phases[1].exercises[2]`` (from 0, as program errors count) of an exercise."""
    for phase_index, phase in enumerate(program.phases):
        if index < len(phase.exercises):
            return f"phases[{phase_index}].exercises[{index}]"
        index -= len(phase.exercises)
    raise IndexError(index)


def _settle(build: Callable[[int], Timeline]) -> Timeline:
    """Build until the intro's "about N minutes" names the session's own length.

    The intro's length is part of the session's, so each round uses the last round's
    length. Should the minutes flip between two values (a longer number, a longer
    session), the longest session seen is named: "about N minutes" is then at most a
    minute generous, and the loop ends by construction, never with an error.
    """
    hint = 0
    seen: list[int] = []
    for _ in range(SETTLE_ROUNDS):
        timeline = build(hint)
        if minutes_phrase(timeline.duration_ms) == minutes_phrase(hint):
            return timeline
        seen.append(timeline.duration_ms)
        hint = timeline.duration_ms
    return build(max(seen))


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


@dataclass(frozen=True)
class Where:
    """Where in the session a segment is: what the timeline's segments record."""

    phase: str | None = None
    exercise: str | None = None
    set: int | None = None
    side: str | None = None
    rep: int | None = None


@dataclass
class _Beat:
    at: int
    tone: str | None
    text: str | None
    droppable: bool  # a plain count may give its beat to the phrase before it


@dataclass
class _Session:
    """One compile: places segments, cues and chapters as it walks the program."""

    program: Program
    week: Week
    selected: set[int]
    talk_level: Talk  # resolved (CompileOptions.resolved): the session never asks the program
    counts: Counts
    words: Catalogue  # the session's language, the program's own words over it
    measure: Measure
    t: int = 0
    segments: list[Segment] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    beats: list[_Beat] = field(default_factory=list)
    shortened_phrases: int = 0  # beat phrases cut to their last words to fit (Stats)
    dropped_counts: int = 0  # counts whose beat a longer phrase before them took (Stats)

    # -- placing things -------------------------------------------------------------

    def segment(self, duration: int, activity: Activity, where: Where = Where()) -> int:
        """Append a segment at the current time and move the time on; returns its start."""
        start = self.t
        self.segments.append(
            Segment(
                start,
                start + duration,
                activity,
                phase=where.phase,
                exercise=where.exercise,
                set=where.set,
                side=where.side,
                rep=where.rep,
            )
        )
        self.t = start + duration
        return start

    def tone(self, at: int, name: str) -> int:
        """Place a palette tone at ``at``; returns where it ends."""
        tone = PALETTE[name]
        self.cues.append(Cue(at, at + tone.duration_ms, "tone", tone=name, hz=tone.hz))
        return at + tone.duration_ms

    def say(self, at: int, text: str, slot_end: int | None = None) -> int:
        """Place a phrase at ``at``, cut to ``slot_end`` if given; returns where it ends."""
        length = max(1, self.measure(text))
        end = at + length if slot_end is None else min(at + length, slot_end)
        self.cues.append(Cue(at, end, "speech", text=text))
        return end

    def fits(self, text: str, room: int) -> bool:
        """Whether ``text`` can be said in ``room`` ms, sped up at most MAX_SPEEDUP."""
        return self.measure(text) <= room * MAX_SPEEDUP

    def shortened(self, text: str, room: int) -> str:
        """``text``, or when it cannot fit ``room`` even sped up by MAX_SPEEDUP, its last
        comma-separated words ("Last rep, left, up" -> "Left, up" -> "Up"): the renderer
        never speeds a phrase up more than that, and the beat's own word is last."""
        parts = text.split(", ")
        while len(parts) > 1 and not self.fits(", ".join(parts), room):
            parts = parts[1:]
        short = ", ".join(parts)
        if short == text:
            return text
        self.shortened_phrases += 1
        return short[:1].upper() + short[1:]

    def talk(self, lines: list[str], activity: Activity = "talk", where: Where = Where()) -> None:
        """Sentences one after another, as one talk segment sized to the speech."""
        start = at = self.t
        for index, line in enumerate(lines):
            if index:
                at += LINE_GAP_MS
            at = self.say(at, line)
        self.t = start
        self.segment(at - start + TALK_TAIL_MS, activity, where)

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
                if beats[j].text:
                    self.dropped_counts += 1
                j += 1
            self.say(speech_at, self.shortened(beat.text, limit - speech_at), limit)
        self.beats = []

    def timed_phase(
        self,
        activity: Activity,
        duration: int,
        first_text: str | None,
        tone: str | None,
        where: Where,
    ) -> None:
        """A timed phase with a beat every second: a marker first, then counts 2, 3, ..."""
        start = self.segment(duration, activity, where)
        self.beats.append(_Beat(start, tone, first_text, droppable=False))
        if activity == "rep":
            return  # an untimed rep is marked once; inner counts would sound like rep numbers
        count = 2
        ticks = self.counts == "tones"
        for at in range(start + BEAT_MS, start + duration - LAST_COUNT_ROOM_MS, BEAT_MS):
            if ticks:  # the second marked by a soft tick instead of its number
                self.beats.append(_Beat(at, "tick", None, droppable=True))
            else:
                self.beats.append(_Beat(at, None, phrases.count(self.words, count), droppable=True))
            count += 1

    # -- the session ------------------------------------------------------------------

    def build(self, duration_hint: int) -> Timeline:
        """The whole session, its intro saying it lasts about ``duration_hint``."""
        program, week = self.program, self.week
        exercises = [
            (index, phase_index, phase, exercise, week.prescriptions[index])
            for index, (phase_index, phase, exercise) in enumerate(_flatten(program))
            if index in self.selected
        ]
        words = self.words
        self.chapters.append(Chapter(0, words.say("chapter_intro")))
        talk, tones = self.talk_level, self.counts == "tones"
        self.talk(
            phrases.session_intro(words, program, week, duration_hint, len(exercises), talk, tones)
        )
        full = talk == "full" or (talk == "normal" and week.full_instructions)
        last_phase = None
        for position, (index, phase_index, phase, exercise, prescription) in enumerate(exercises):
            title = words.say("chapter_exercise", number=position + 1, exercise=exercise.name)
            self.chapters.append(Chapter(self.t, title, index))
            if phase_index != last_phase:
                self.talk(
                    phrases.phase_intro(words, phase_index + 1, phase, talk == "brief"),
                    where=Where(phase.name),
                )
                last_phase = phase_index
            following = exercises[position + 1][3] if position + 1 < len(exercises) else None
            self.exercise(phase, exercise, prescription, full, following)
        self.outro()
        return Timeline(
            program=program.title,
            week=week.number,
            through=week.through,
            duration_ms=self.t,
            focus=phrases.focus(words, program, week),
            artist=program.artist,
            segments=tuple(self.segments),
            cues=tuple(sorted(self.cues, key=lambda c: (c.start_ms, c.end_ms))),
            chapters=tuple(self.chapters),
            title=words.say(
                "track_title",
                program=program.title,
                **words.weeks(week.number, week.through, "shown"),
            ),
            language=words.language,
            stats=Stats(self.shortened_phrases, self.dropped_counts),
        )

    def outro(self) -> None:
        """The closing words and the session-end tone."""
        start = at = self.t
        for index, line in enumerate(phrases.outro(self.words, self.program, self.week)):
            at = self.say(at + (LINE_GAP_MS if index else 0), line)
        end = self.tone(at + OUTRO_TONE_GAP_MS, "session_end") + OUTRO_TAIL_MS
        self.segment(end - start, "talk")

    def exercise(
        self,
        phase: Phase,
        exercise: Exercise,
        prescription: Prescription,
        full: bool,
        following: Exercise | None,
    ) -> None:
        """One exercise: intro, then each set's lead-in, work and rest."""
        base = Where(phase=phase.name, exercise=exercise.name)
        brief = self.talk_level == "brief"
        words = self.words
        intro = phrases.exercise_intro(words, self.program, exercise, prescription, full, brief)
        self.talk(intro, where=base)
        for set_number in range(1, exercise.sets + 1):
            in_set = replace(base, set=set_number)
            first_side = SIDES[0] if exercise.sides == "each" else None
            self.lead_in(
                "setup",
                self.program.setup_ms,
                phrases.lead_in(words, set_number, exercise.sets, first_side),
                None,
                replace(in_set, side=first_side),
            )
            sides = SIDES if exercise.sides == "each" else (None,)
            for index, side in enumerate(sides):
                if index:
                    assert side is not None  # only per-side sets have a second side
                    self.lead_in(
                        "switch",
                        self.program.switch_ms,
                        phrases.switch_sides(words, side),
                        "switch",
                        replace(in_set, side=side),
                    )
                self.work(exercise, prescription, replace(in_set, side=side))
            last_set = set_number == exercise.sets
            if not last_set:
                next_up = phrases.next_set(words, set_number + 1, exercise.sets)
            elif following is not None:
                next_up = phrases.next_exercise(words, following.name)
            else:
                continue
            if prescription.rest_ms:
                # A long rest before another set of the same exercise recalls its key cue.
                key_cue = None if last_set or brief else exercise.key_cue
                self.rest(prescription.rest_ms, next_up, in_set, key_cue)
            elif last_set and following is not None:
                self.transition(phrases.transition(words, following.name), base)

    def lead_in(
        self, activity: Activity, duration: int, text: str, tone: str | None, where: Where
    ) -> None:
        """Get into position: the words, then 3, 2, 1 and Go with the start marker."""
        start = self.t
        at = self.tone(start, tone) + TONE_GAP_MS if tone else start
        words_end = at + self.measure(text)
        # Make room: the countdown and Go take the last beats, after the words.
        countdown_ms = (COUNTDOWN_BEATS + 1) * BEAT_MS
        duration = max(duration, words_end - start + COUNTDOWN_LEAD_MS + countdown_ms)
        self.segment(duration, activity, where)
        countdown = start + duration - countdown_ms
        self.say(at, text, countdown)
        for index, word in enumerate(phrases.countdown(self.words)):
            self.say(countdown + index * BEAT_MS, word, countdown + (index + 1) * BEAT_MS)
        go = countdown + COUNTDOWN_BEATS * BEAT_MS
        self.say(self.tone(go, "set_start") + TONE_GAP_MS, phrases.go(self.words), go + BEAT_MS)

    def work(self, exercise: Exercise, prescription: Prescription, where: Where) -> None:
        """One set (or one side of it): reps, a hold or slow cycles."""
        if prescription.kind == "hold":
            self.hold(prescription.hold_ms, where)
            return
        if prescription.kind == "cycles":
            for number in range(1, prescription.count + 1):
                self.cycle(exercise, number, number == prescription.count, where)
            return
        self.reps(exercise, prescription.count, where)

    def reps(self, exercise: Exercise, count: int, where: Where) -> None:
        """Every rep of a set, phase by phase on the beat, then the beats placed."""
        alternating = exercise.sides == "alternating"
        rep_sides = SIDES if alternating else (where.side,)
        ticks = self.counts == "tones"
        tempo_phases = exercise.tempo.phases() if exercise.tempo is not None else ()
        for number in range(1, count + 1):
            for index, rep_side in enumerate(rep_sides):
                announce = rep_side if alternating else None
                other_side = rep_side or ""  # index > 0 only when alternating: a real side
                rep = replace(where, side=rep_side, rep=number)
                if exercise.tempo is None:
                    label = (
                        phrases.rep_start(self.words, number, count, "", announce)
                        if index == 0
                        else phrases.side_start(self.words, other_side, "")
                    )
                    self.timed_phase("rep", exercise.rep_ms, label, None, rep)
                    continue
                for phase_index, (activity, ms) in enumerate(tempo_phases):
                    # With counts as tones the markers say the phase; words only name the rep.
                    word = "" if ticks else phrases.beat_word(self.words, activity)
                    text: str | None = word or None
                    if phase_index == 0:
                        if index == 0:
                            text = phrases.rep_start(self.words, number, count, word, announce)
                        else:
                            text = phrases.side_start(self.words, other_side, word)
                    tone = activity if activity in ("lower", "lift") else None
                    if ticks and tone is None:
                        tone = "tick"  # a pause's first second is marked too
                    self.timed_phase(cast(Activity, activity), ms, text, tone, rep)
        self.flush_beats(self.t)

    def hold(self, ms: int, where: Where) -> None:
        """A timed hold: the words, a halfway call when long, 3-2-1, the end marker."""
        start = self.segment(ms, "hold", where)
        end = start + ms
        countdown = end - COUNTDOWN_BEATS * BEAT_MS
        # A short hold leaves its words two seconds: a long wording loses its first words.
        words = self.shortened(phrases.hold_start(self.words, ms), countdown - start)
        first_end = self.say(start, words, countdown)
        if ms >= HALFWAY_CALL_MIN_MS:
            middle = start + (ms // 2 // BEAT_MS) * BEAT_MS  # on a whole second
            if middle > first_end + HALFWAY_CALL_ROOM_MS:
                self.say(middle, phrases.hold_left(self.words, end - middle), countdown)
        marker = end - PALETTE["rest_end"].duration_ms
        for index, word in enumerate(phrases.countdown(self.words)):
            at = countdown + index * BEAT_MS
            if at >= first_end:
                self.say(at, word, min(at + BEAT_MS, marker))
        self.tone(marker, "rest_end")

    def cycle(self, spec: Exercise, number: int, last: bool, where: Where) -> None:
        """One slow cycle: each step's words at the step's start."""
        total = sum(step.duration_ms for step in spec.cycle)
        at = self.segment(total, "cycle", replace(where, rep=number))
        for index, step in enumerate(spec.cycle):
            first = index == 0
            text = phrases.cycle_start(self.words, number, last, step.say) if first else step.say
            self.say(at, text, at + step.duration_ms)
            at += step.duration_ms

    def rest(self, ms: int, next_up: str, where: Where, key_cue: str | None = None) -> None:
        """A rest: what comes next, a halfway call and the next set's key cue when long,
        a 10-second call, pips, the end marker. Each call is said only where it ends
        REST_WORDS_ROOM_MS before the next one."""
        start = self.segment(ms, "rest", where)
        end = start + ms
        pips = end - COUNTDOWN_BEATS * BEAT_MS
        call_at = end - TEN_SECOND_CALL_MS
        ten_second_call = ms >= TEN_SECOND_CALL_MIN_MS
        next_call = None
        if key_cue is not None and ms >= NEXT_SET_CALL_MIN_MS:
            next_call = phrases.next_set_call(next_up, key_cue)
        words = self.words
        rest_only = phrases.rest_only(words, ms)
        text = rest_only if next_call else phrases.rest_start(words, ms, next_up)
        if not self.fits(text, pips - start - REST_WORDS_ROOM_MS):
            text = rest_only
        spoken_end = self.say(start, text, pips)
        if ms >= REST_HALFWAY_MIN_MS:
            middle = start + (ms // 2 // BEAT_MS) * BEAT_MS
            if middle > spoken_end + REST_WORDS_ROOM_MS:
                spoken_end = self.say(middle, phrases.rest_halfway(words, end - middle), pips)
        if next_call is not None:
            at = end - NEXT_SET_CALL_BEFORE_MS
            room = (call_at if ten_second_call else pips) - REST_WORDS_ROOM_MS - at
            if not self.fits(next_call, room):
                next_call = phrases.next_set_call(next_up, "")  # the key cue is too long here
            if at > spoken_end + REST_WORDS_ROOM_MS and self.fits(next_call, room):
                spoken_end = self.say(at, next_call, at + room)
        if ten_second_call and call_at > spoken_end + REST_WORDS_ROOM_MS:
            self.say(call_at, phrases.ten_seconds(words), pips)
        for index in range(COUNTDOWN_BEATS):
            self.tone(pips + index * BEAT_MS, "countdown")
        self.tone(end - PALETTE["rest_end"].duration_ms, "rest_end")

    def transition(self, text: str, where: Where) -> None:
        """Between exercises without a rest: name the next one."""
        start = self.t
        length = self.measure(text)
        self.segment(max(self.program.transition_ms, length + TALK_TAIL_MS), "transition", where)
        self.say(start, text)


def _flatten(program: Program) -> list[tuple[int, Phase, Exercise]]:
    return [
        (phase_index, phase, exercise)
        for phase_index, phase in enumerate(program.phases)
        for exercise in phase.exercises
    ]
