"""The progression policy: what each exercise prescribes in a given week.

Weeks 1..F (F = ``foundation.weeks``) are the foundation: every range sits at the
foundation's level (the bottom by default), rests at its rule, instructions in full.

From week F+1 the build stage climbs (double progression): reps rise by ``reps_step`` each
week through the range; the week after the top is reached, a weighted exercise starts
over at the bottom with a slightly heavier weight (the track says so), while an unweighted
one stays at the top. Holds climb by ``hold_step`` and cycles by ``cycles_step`` and stay
at the top. Rests follow the stage's rule; ``climb`` moves from the low end of the rest
range to the high end as the reps climb, rounded to 5 s. Every value stays inside its
range. The same rule is documented in docs/progression.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from voicecoach.program import Exercise, Kind, Program, Span, Stage
from voicecoach.words import Phrase

MAX_WEEK = 520


@dataclass(frozen=True)
class Prescription:
    """One exercise in one week: how much per set, how long to rest, what to say about weight.

    Exactly one of ``count`` and ``hold_ms`` is set, by ``kind``: reps and cycles are counts
    (per side when the exercise is per side), a hold is milliseconds. Build one with
    ``Prescription.of`` from a kind and the value in its own unit.
    """

    kind: Kind
    count: int  # reps or cycles per set; 0 for a hold
    hold_ms: int  # a hold's length; 0 for reps and cycles
    rest_ms: int  # 0 when the exercise has no rest
    raise_weight: bool  # first week of a new cycle: the track says to add weight
    at_top: bool  # the top of the range: the track says what earns a heavier weight
    # What was decided and why, said in the exercise's intro ("Last time 10, 10, 9 at 12
    # kilos. Today: 10 reps, same weight."): set when a training log chose the amount.
    # Sentences not yet worded: the compiler says them in the session's language.
    decision: tuple[Phrase, ...] = ()

    @classmethod
    def of(
        cls,
        kind: Kind,
        value: int,
        rest_ms: int = 0,
        raise_weight: bool = False,
        at_top: bool = False,
        decision: tuple[Phrase, ...] = (),
    ) -> Prescription:
        """A prescription of ``value`` in the kind's unit (a count, or ms for a hold)."""
        hold = kind == "hold"
        return cls(
            kind=kind,
            count=0 if hold else value,
            hold_ms=value if hold else 0,
            rest_ms=rest_ms,
            raise_weight=raise_weight,
            at_top=at_top,
            decision=decision,
        )


@dataclass(frozen=True)
class Week:
    """The week's stage and each exercise's prescription, in program order."""

    number: int
    foundation: bool
    stage: Stage
    prescriptions: tuple[Prescription, ...]
    # The last week of a run of weeks that are all this same session (the foundation
    # weeks): one track serves them all and says so ("Weeks 1 and 2"). None: one week.
    through: int | None = None

    @property
    def full_instructions(self) -> bool:
        """True when this week speaks every setup and execution text."""
        return self.stage.instructions == "full"

    @property
    def label(self) -> str:
        """ "Week 3", "Weeks 1 and 2", "Weeks 1 to 4": the weeks this session is for."""
        if self.through is None or self.through == self.number:
            return f"Week {self.number}"
        joiner = "and" if self.through == self.number + 1 else "to"
        return f"Weeks {self.number} {joiner} {self.through}"

    def same_session(self, other: Week) -> bool:
        """True when both would be the same track but for the week numbers they name."""
        return replace(self, number=0, through=None) == replace(other, number=0, through=None)


def prescribe_week(program: Program, week: int) -> Week:
    """Choose every exercise's prescription for ``week`` (1-based)."""
    if not 1 <= week <= MAX_WEEK:
        raise ValueError(f"week must be 1 to {MAX_WEEK}, got {week}")
    policy = program.progression
    foundation = week <= policy.foundation_weeks
    stage = policy.foundation if foundation else policy.build
    step_index = week - policy.foundation_weeks - 1  # 0 in the first build week
    return Week(
        number=week,
        foundation=foundation,
        stage=stage,
        prescriptions=tuple(
            _prescribe(program, exercise, stage, None if foundation else step_index)
            for exercise in program.exercises
        ),
    )


def session_run(program: Program, week: Week, limit: int) -> Week:
    """``week`` as the run of weeks it is the same session as, within weeks 1..``limit``
    (never shorter than the foundation): ``Week 1`` of the shipped program is
    ``Weeks 1 and 2``. A week that is no program week (a training log's decisions in it)
    or the same as no other is returned as it is."""
    number = week.number
    if not week.same_session(prescribe_week(program, number)):
        return week
    limit = min(max(limit, program.progression.foundation_weeks, number), MAX_WEEK)
    first = last = number
    while first > 1 and prescribe_week(program, first - 1).same_session(week):
        first -= 1
    while last < limit and prescribe_week(program, last + 1).same_session(week):
        last += 1
    if first == last:
        return week
    return replace(week, number=first, through=last)


def session_runs(program: Program, weeks: list[int]) -> list[Week]:
    """The sessions that ``weeks`` need, in order: one ``Week`` per run of weeks that are
    the same session (``session_run``), so weeks 1-12 of the shipped program are 11."""
    runs: list[Week] = []
    limit = max(weeks, default=1)
    for number in sorted(set(weeks)):
        if runs and number <= (runs[-1].through or runs[-1].number):
            continue
        runs.append(session_run(program, prescribe_week(program, number), limit))
    return runs


def step_of(program: Program, exercise: Exercise) -> int:
    """How far one step of progress moves the exercise (a count, or ms for a hold)."""
    return {
        "reps": program.progression.reps_step,
        "hold": program.progression.hold_step_ms,
        "cycles": program.progression.cycles_step,
    }[exercise.kind]


def _positions(program: Program, exercise: Exercise) -> list[int]:
    """Positions in the range: low, low+step, ... and the top itself if the step skips it."""
    span = exercise.amount
    positions = list(range(span.low, span.high + 1, step_of(program, exercise)))
    if positions[-1] != span.high:
        positions.append(span.high)
    return positions


def prescribe_amount(
    program: Program,
    exercise: Exercise,
    stage: Stage,
    value: int,
    raise_weight: bool = False,
    decision: tuple[Phrase, ...] = (),
) -> Prescription:
    """A prescription of ``value`` chosen elsewhere (by a training log), with the rest and
    the top-of-range note this policy gives that value in ``stage``."""
    span = exercise.amount
    value = min(max(value, span.low), span.high)
    positions = _positions(program, exercise)
    position = max(i for i, p in enumerate(positions) if p <= value)
    rest_ms = 0
    if exercise.rest_ms is not None:
        rest_ms = _rest(exercise.rest_ms, stage, position, len(positions))
    at_top = exercise.kind == "reps" and exercise.weighted and value == span.high
    return Prescription.of(
        exercise.kind,
        value,
        rest_ms=rest_ms,
        raise_weight=raise_weight,
        at_top=at_top and not span.fixed,
        decision=decision,
    )


def _prescribe(
    program: Program, exercise: Exercise, stage: Stage, step_index: int | None
) -> Prescription:
    span = exercise.amount
    positions = _positions(program, exercise)

    raise_weight = False
    if step_index is None:
        level = {"reps": stage.reps, "hold": stage.holds, "cycles": stage.cycles}[exercise.kind]
        amount = span.pick(level)
        position = positions.index(amount) if amount in positions else 0
    elif exercise.kind == "reps" and exercise.weighted:
        cycle, position = divmod(step_index, len(positions))
        amount = positions[position]
        raise_weight = cycle > 0 and position == 0
    else:
        position = min(step_index, len(positions) - 1)
        amount = positions[position]

    at_top = (
        step_index is not None
        and exercise.kind == "reps"
        and exercise.weighted
        and (amount == span.high and not span.fixed)
    )
    rest_ms = 0
    if exercise.rest_ms is not None:
        rest_ms = _rest(exercise.rest_ms, stage, position, len(positions))
    return Prescription.of(
        exercise.kind, amount, rest_ms=rest_ms, raise_weight=raise_weight, at_top=at_top
    )


def _rest(rest: Span, stage: Stage, position: int, positions: int) -> int:
    if rest.fixed or stage.rest == "low":
        return rest.low
    if stage.rest == "high":
        return rest.high
    if stage.rest == "middle":
        fraction = 0.5
    else:  # climb: more work per set, more recovery
        fraction = position / (positions - 1) if positions > 1 else 1.0
    ms = rest.low + (rest.high - rest.low) * fraction
    rounded = int(ms / 5000 + 0.5) * 5000
    return min(max(rounded, rest.low), rest.high)
