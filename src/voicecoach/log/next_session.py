"""From a program and its log to the next session's ``Week``: progress by performance.

The rule (docs/training-log.md) is the program's own progression, applied to what was
actually done instead of to the calendar:

- The first N sessions done are the foundation (N = foundation weeks x sessions per week:
  2 x 3 = 6 for the shipped program), prescribed exactly as ``prescribe_week`` does.
- Then, per exercise, double progression from the last session:
  every set at the top of the range -> a weighted exercise raises the weight slightly and
  starts the range again at the bottom; anything else stays at the top;
  otherwise -> one step (``reps_step``, ``hold_step``, ``cycles_step``) more than the
  weakest set achieved, capped at the top;
  a missed session, an exercise not done, or a failed one (fewer sets than asked, or a set
  short of its target) -> the same targets again.

Each decision is said in the track ("Last time 10, 10, 9 at 12 kilos. Today: 10 reps, same
weight.") through ``Prescription.decision``: catalogue phrases (voicecoach.words), which
the compiler words in the session's language. The log never reaches into the compiler: it
builds a ``Week`` and hands it to ``compile_program``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from voicecoach.compiler import (
    MAX_WEEK,
    Prescription,
    Week,
    prescribe_amount,
    prescribe_week,
    step_of,
)
from voicecoach.log.records import SessionRecord, SetRecord, Target
from voicecoach.program import Exercise, Program
from voicecoach.words import Phrase


@dataclass(frozen=True)
class LogRule:
    """How many sessions done are the foundation. Derived from the program's progression
    (a program key ``progression.foundation.sessions`` would override it; see the docs)."""

    foundation_sessions: int

    @staticmethod
    def of(program: Program) -> LogRule:
        return LogRule(program.progression.foundation_weeks * program.sessions_per_week)


@dataclass(frozen=True)
class NextSession:
    """The session a log says comes next."""

    number: int  # the number it will have in the log
    done: int  # sessions done so far (missed ones not counted)
    week: Week  # what to compile: prescriptions with their spoken decisions
    targets: dict[str, Target]  # the same, in the log's units, stored with the session
    weights: dict[str, tuple[float, str]]  # the last weight logged per exercise

    def target_of(self, exercise: Exercise) -> Target:
        return self.targets[exercise.name]


def next_session(program: Program, sessions: Sequence[SessionRecord]) -> NextSession:
    """The next session of ``program`` after ``sessions`` (its log, in order)."""
    done = sum(1 for s in sessions if s.status == "done")
    week_number = min(done // program.sessions_per_week + 1, MAX_WEEK)
    weights = _last_weights(sessions)
    if done < LogRule.of(program).foundation_sessions:
        week = prescribe_week(program, week_number)
    else:
        stage = program.progression.build
        last = sessions[-1] if sessions else None
        week = Week(
            number=week_number,
            foundation=False,
            stage=stage,
            prescriptions=tuple(
                _decide(program, exercise, last, weights.get(exercise.name))
                for exercise in program.exercises
            ),
        )
    return NextSession(len(sessions) + 1, done, week, targets_of(program, week), weights)


def targets_of(program: Program, week: Week) -> dict[str, Target]:
    """What ``week``'s track asks of each exercise, in the log's units."""
    return {
        exercise.name: Target(
            amount=to_log_units(exercise, _value(p)),
            sets=exercise.sets,
            raise_weight=p.raise_weight,
        )
        for exercise, p in zip(program.exercises, week.prescriptions)
    }


def trained_to(program: Program, upcoming: NextSession, week: Week) -> NextSession:
    """The log's next session, trained to ``week``'s track instead of the one the log
    prescribed (a week of the program played from the page): same number, its targets."""
    return replace(upcoming, week=week, targets=targets_of(program, week))


def to_log_units(exercise: Exercise, value: int) -> int:
    """Compiler units (a count, or ms for a hold) -> what a person logs (seconds for holds)."""
    return round(value / 1000) if exercise.kind == "hold" else value


def from_log_units(exercise: Exercise, amount: int) -> int:
    return amount * 1000 if exercise.kind == "hold" else amount


def _value(prescription: Prescription) -> int:
    return prescription.hold_ms if prescription.kind == "hold" else prescription.count


def _decide(
    program: Program,
    exercise: Exercise,
    last: SessionRecord | None,
    weight: tuple[float, str] | None,
) -> Prescription:
    stage = program.progression.build
    span = exercise.amount
    previous = last.targets.get(exercise.name) if last else None
    before = from_log_units(exercise, previous.amount) if previous else None

    def prescribe(value: int, raise_weight: bool, *decision: Phrase) -> Prescription:
        return prescribe_amount(program, exercise, stage, value, raise_weight, decision)

    sets = last.sets_of(exercise.name) if last else ()
    if last is None or not sets:
        if before is None:
            return prescribe(span.low, False)
        why = Phrase.of("log_missed" if last and last.status == "missed" else "log_not_done")
        today = _today(exercise, before, previous.raise_weight if previous else False, weight)
        return prescribe(before, bool(previous and previous.raise_weight), why, today)

    achieved = _weakest_per_set(exercise, sets)
    weakest = min(achieved)
    done = _done(exercise, sets, achieved)
    failed = previous is not None and (
        len(achieved) < previous.sets or weakest < (before if before is not None else 0)
    )
    if failed and previous is not None and before is not None:
        if len(achieved) < previous.sets:
            said = Phrase.of(
                "log_last_sets_short", done=done, sets_done=len(achieved), sets=previous.sets
            )
        else:
            said = Phrase.of("log_last_short_of", done=done, amount=_amount(exercise, before))
        today = _today(exercise, before, False, weight, again=True)
        return prescribe(before, False, said, today)
    if len(achieved) >= exercise.sets and weakest >= span.high:
        if exercise.kind == "reps" and exercise.weighted and not span.fixed:
            today = _today(exercise, span.low, True, weight)
            return prescribe(span.low, True, Phrase.of("log_last_every_set_top", done=done), today)
        today = _today(exercise, span.high, False, weight, again=True)
        return prescribe(span.high, False, Phrase.of("log_last_top", done=done), today)
    value = min(max(weakest + step_of(program, exercise), span.low), span.high)
    today = _today(exercise, value, False, weight)
    return prescribe(value, False, Phrase.of("log_last", done=done), today)


def _weakest_per_set(exercise: Exercise, sets: Sequence[SetRecord]) -> list[int]:
    """One number per set: the weaker side's, for an exercise done on each side (ms for holds)."""
    per_set: dict[int, int] = {}
    for s in sets:
        amount = from_log_units(exercise, s.amount)
        per_set[s.set_number] = min(per_set.get(s.set_number, amount), amount)
    return [per_set[n] for n in sorted(per_set)]


def _last_weights(sessions: Sequence[SessionRecord]) -> dict[str, tuple[float, str]]:
    weights: dict[str, tuple[float, str]] = {}
    for session in sessions:
        for s in session.sets:
            if s.weight is not None:
                weights[s.exercise] = (s.weight, s.unit or "kg")
    return weights


# -- the words: phrases, worded by the compiler in the session's language ---------------


def weight_phrase(weight: float, unit: str) -> Phrase:
    """ "12 kilos", "25 pounds", "12 stone"."""
    if unit in ("kg", "lb"):
        return Phrase.of("kilos" if unit == "kg" else "pounds", n=weight)
    return Phrase.of("weight", n=weight, unit=unit)


def _amount(exercise: Exercise, value: int) -> Phrase:
    if exercise.kind == "hold":
        return Phrase.of("seconds", n=round(value / 1000))
    return Phrase.of(exercise.kind, n=value)


def _done(exercise: Exercise, sets: Sequence[SetRecord], achieved: list[int]) -> Phrase:
    """What was done last time: "10, 10, 9 on the weaker side at 12 kilos"."""
    numbers = ", ".join(str(to_log_units(exercise, v)) for v in achieved)
    done = Phrase.of(f"log_done_{exercise.kind}", numbers=numbers)
    sides = {s.set_number for s in sets if s.side == "left"}
    if any(len({x.amount for x in sets if x.set_number == n}) > 1 for n in sides):
        done = Phrase.of("log_weaker_side", done=done)
    weights = [s.weight for s in sets if s.weight is not None]
    if weights and exercise.weighted:
        unit_name = next(s.unit for s in sets if s.weight is not None) or "kg"
        done = Phrase.of("log_at_weight", done=done, weight=weight_phrase(max(weights), unit_name))
    return done


def _today(
    exercise: Exercise,
    value: int,
    raise_weight: bool,
    weight: tuple[float, str] | None,
    again: bool = False,
) -> Phrase:
    amount = _amount(exercise, value)
    if again:
        amount = Phrase.of("log_again", amount=amount)
    if exercise.kind == "reps" and exercise.weighted:
        if raise_weight:
            return Phrase.of("log_today_heavier", amount=amount)
        if weight is not None:
            return Phrase.of("log_today_same_weight", amount=amount)
    return Phrase.of("log_today", amount=amount)


def target_text(exercise: Exercise, upcoming: NextSession) -> str:
    """The target as a short label: "3 × 10 reps/side @ 12 kg", "3 × 6 reps/side alt.",
    "2 × 30 s"."""
    target = upcoming.target_of(exercise)
    unit = {"reps": " reps", "hold": " s", "cycles": " cycles"}[exercise.kind]
    # As the plan's table shows it (compiler.shown_amount): "/side", and "alt." for reps
    # that alternate sides, which are counted per side too.
    side = "/side" if exercise.per_side else ""
    alternate = " alt." if exercise.sides == "alternating" and exercise.kind == "reps" else ""
    text = f"{target.sets} × {target.amount}{unit}{side}{alternate}"
    weight = upcoming.weights.get(exercise.name)
    if exercise.weighted and weight:
        text += f" @ {weight[0]:g} {weight[1]}" + (" + a little" if target.raise_weight else "")
    return text
