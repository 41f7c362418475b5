"""Golden timelines for small programs, and the invariants every timeline must keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CASES, GOLDENS, PROGRAMS, SHIPPED
from goldens import case_weeks, compact_text, golden_path
from voicecoach.compiler import (
    PALETTE,
    TEMPO_ACTIVITIES,
    TONE_GAP_MS,
    CompileOptions,
    Timeline,
    check_invariants,
    compile_program,
    estimate_speech_ms,
)
from voicecoach.program import load_program
from voicecoach.words import LANGUAGES as SHIPPED_LANGUAGES

CASE_FILES = sorted(CASES.glob("*.yaml"))
PROGRAM_FILES = sorted(PROGRAMS.glob("*.yaml"))


CASE_WEEKS = [(case, week) for case in CASE_FILES for week in case_weeks(case)]
SHIPPED_WEEKS = (1, 3, 8)


def check_golden(text: str, golden: Path, update: bool) -> None:
    if update or not golden.exists():
        golden.write_text(text)
        if not update:
            pytest.fail(f"wrote missing golden {golden.name}; review and commit it")
    assert text == golden.read_text()


@pytest.mark.parametrize("case,week", CASE_WEEKS, ids=lambda v: getattr(v, "stem", f"w{v}"))
def test_golden_timeline(case: Path, week: int, update_goldens: bool) -> None:
    timeline = compile_program(load_program(str(case)), week)
    check_golden(timeline.to_text(), golden_path(case, week, case_weeks(case)), update_goldens)


@pytest.mark.parametrize("week", SHIPPED_WEEKS)
def test_golden_shipped_program(week: int, update_goldens: bool) -> None:
    """Weeks 1 (foundation), 3 (build) and 8 (a new cycle, heavier) of the shipped program,
    in the compact form (tests/goldens.py)."""
    timeline = compile_program(load_program(str(SHIPPED)), week)
    golden = GOLDENS / f"{SHIPPED.stem}.week-{week:02d}.compact.txt"
    check_golden(compact_text(timeline), golden, update_goldens)


# Besides English: every shipped catalogue but the reference (a new one gets its golden).
LANGUAGES = tuple(language for language in SHIPPED_LANGUAGES if language != "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_golden_shipped_program_in_another_language(language: str, update_goldens: bool) -> None:
    """Week 3 of the shipped program in German and Spanish: the catalogue's words, the
    program's own texts as written, the same timing rules (tests/goldens.py folds each
    language's routine words)."""
    options = CompileOptions(language=language)
    timeline = compile_program(load_program(str(SHIPPED)), 3, options)
    golden = GOLDENS / f"{SHIPPED.stem}.week-03.{language}.compact.txt"
    check_golden(compact_text(timeline), golden, update_goldens)


def every_timeline() -> list[tuple[str, Timeline]]:
    timelines = []
    for case in CASE_FILES:
        for week in (1, 2, 5):
            timelines.append(
                (f"{case.stem}-w{week}", compile_program(load_program(str(case)), week))
            )
    for path in PROGRAM_FILES:
        program = load_program(str(path))
        for week in (1, 2, 3, 4, 8, 12):
            timelines.append((f"{path.stem}-w{week}", compile_program(program, week)))
        # Every invariant holds in every language: the words change, the rules do not.
        for language in LANGUAGES:
            for week in (1, 3, 8):
                options = CompileOptions(language=language)
                name = f"{path.stem}-w{week}-{language}"
                timelines.append((name, compile_program(program, week, options)))
    for case in CASE_FILES:
        for language in LANGUAGES:
            name = f"{case.stem}-w1-{language}"
            timelines.append(
                (
                    name,
                    compile_program(load_program(str(case)), 1, CompileOptions(language=language)),
                )
            )
    return timelines


TIMELINES = every_timeline()


@pytest.fixture(params=TIMELINES, ids=[name for name, _ in TIMELINES])
def timeline(request: pytest.FixtureRequest) -> Timeline:
    return request.param[1]


def test_invariants_hold(timeline: Timeline) -> None:
    assert check_invariants(timeline) == []


def test_speech_never_overlaps_speech(timeline: Timeline) -> None:
    speech = [c for c in timeline.cues if c.kind == "speech"]
    for before, after in zip(speech, speech[1:]):
        assert before.end_ms <= after.start_ms, (before, after)


def test_cues_sit_inside_the_session(timeline: Timeline) -> None:
    assert all(0 <= c.start_ms < c.end_ms <= timeline.duration_ms for c in timeline.cues)
    assert timeline.cues == tuple(sorted(timeline.cues, key=lambda c: c.start_ms))


def test_tempo_phases_are_exactly_their_length() -> None:
    program = load_program(str(SHIPPED))
    tempos = {ex.name: ex.tempo for ex in program.exercises if ex.tempo}
    timeline = compile_program(program, 3)
    checked = 0
    for seg in timeline.segments:
        if seg.activity in TEMPO_ACTIVITIES:
            tempo = tempos[seg.exercise]
            expected = {
                "lower": tempo.lower_ms,
                "bottom": tempo.bottom_ms,
                "lift": tempo.lift_ms,
                "top": tempo.top_ms,
            }[seg.activity]
            assert seg.duration_ms == expected, seg
            checked += 1
    assert checked > 500


def test_reps_of_a_5020_exercise_start_exactly_7s_apart() -> None:
    timeline = compile_program(load_program(str(SHIPPED)), 5)
    for name in (
        "Bulgarian Split Squat",
        "Dumbbell Romanian Deadlift (RDL)",
        "Dumbbell Bench Press",
    ):
        starts: dict[tuple[int, str | None], list[int]] = {}
        for seg in timeline.segments:
            if seg.exercise == name and seg.activity == "lower":
                starts.setdefault((seg.set, seg.side), []).append(seg.start_ms)
        assert starts
        for reps in starts.values():
            assert len(reps) == 10  # week 5 of 8-12: 10 reps
            assert {b - a for a, b in zip(reps, reps[1:])} == {7000}


def test_counts_land_on_the_beat(timeline: Timeline) -> None:
    """Every whole second of a tempo phase starts a cue (a tone, or words), or is covered by
    the phrase of the beat before it (the compiler made room); nothing starts off the beat."""
    starts = {c.start_ms for c in timeline.cues}
    speech = [c for c in timeline.cues if c.kind == "speech"]
    tone_at = {c.start_ms: c for c in timeline.cues if c.kind == "tone"}
    for seg in timeline.segments:
        if seg.activity not in ("lower", "lift"):
            continue
        assert seg.start_ms in tone_at and tone_at[seg.start_ms].tone == seg.activity
        words_at = tone_at[seg.start_ms].end_ms + TONE_GAP_MS
        assert words_at in starts, f"no words after the {seg.activity} tone at {seg.start_ms}"
        for beat in range(seg.start_ms + 1000, seg.end_ms - 400, 1000):
            # A count may be dropped only when the phrase before it runs through its beat.
            covered = any(c.start_ms < beat < c.end_ms for c in speech)
            assert beat in starts or covered, f"beat {beat} in {seg} has no count"
    for cue in timeline.cues:
        if cue.kind == "tone":
            assert cue.hz == PALETTE[cue.tone].hz


def test_compiling_is_deterministic() -> None:
    program = load_program(str(SHIPPED))
    assert compile_program(program, 3).to_json() == compile_program(program, 3).to_json()


def test_every_exercise_has_a_chapter() -> None:
    program = load_program(str(SHIPPED))
    timeline = compile_program(program, 1)
    titles = [c.title for c in timeline.chapters]
    assert titles[0] == "Introduction"
    assert titles[1:] == [f"{i}. {ex.name}" for i, ex in enumerate(program.exercises, 1)]


def test_only_compiles_just_those_exercises() -> None:
    program = load_program(str(SHIPPED))
    timeline = compile_program(program, 1, CompileOptions(only=("Russian Twist", "1")))
    exercises = {s.exercise for s in timeline.segments if s.exercise}
    assert exercises == {"Russian Twist", "Side-Lying External Rotation"}
    full = compile_program(program, 1)
    assert timeline.duration_ms < full.duration_ms / 5


def test_later_weeks_shorten_instructions_unless_asked() -> None:
    program = load_program(str(SHIPPED))
    setup = "Stand 2-3 feet before a bench."
    week1 = compile_program(program, 1).speech_texts()
    week3 = compile_program(program, 3).speech_texts()
    week3_full = compile_program(program, 3, CompileOptions(talk="full")).speech_texts()
    assert setup in week1 and setup in week3_full and setup not in week3
    assert "Chest up; front knee tracks over your foot." in week3


def test_the_measure_makes_room_for_long_phrases() -> None:
    """With a slow voice the rep label cannot fit its beat: it takes the next count's beat
    instead of running into it."""
    program = load_program(str(CASES / "tempo_basic.yaml"))
    slow = compile_program(program, 1, measure=lambda text: estimate_speech_ms(text, rate=90))
    assert check_invariants(slow) == []
    texts = [c.text for c in slow.cues if c.kind == "speech"]
    fast = [c.text for c in compile_program(program, 1).cues if c.kind == "speech"]
    assert texts.count("2") < fast.count("2")
    labels = [c for c in slow.cues if c.kind == "speech" and (c.text or "").endswith("down")]
    assert labels
    for cue in labels:
        assert estimate_speech_ms(cue.text or "", rate=90) <= cue.duration_ms * 1.3 + 1


def test_no_phrase_needs_more_than_max_speedup_to_fit_its_cue() -> None:
    """With a slow voice the compiler shortens a beat's phrase to its last words ("Left,
    up") rather than leave the renderer a clip to gabble; the renderer refuses more."""
    from voicecoach.compiler import MAX_SPEEDUP

    def slow(text: str) -> int:
        return 100 * len(text)

    cases = sorted(CASES.glob("*.yaml"))
    assert cases
    labels = 0  # rep labels with a side or a direction ("Rep 3, down"): what gets shortened
    for case, language in [(case, language) for case in cases for language in ("en", *LANGUAGES)]:
        options = CompileOptions(language=language)
        timeline = compile_program(load_program(str(case)), 1, options, slow)
        speech = [cue for cue in timeline.cues if cue.kind == "speech"]
        assert speech, case.name
        too_long = [cue for cue in speech if slow(cue.text or "") > cue.duration_ms * MAX_SPEEDUP]
        assert too_long == [], case.name
        labels += sum(1 for cue in speech if ", " in (cue.text or ""))
    assert labels >= len(cases) * 3


@pytest.mark.parametrize(
    ("schedule", "said"),
    [
        ("three times per week on non-consecutive days",
         "Train three times per week on non-consecutive days."),
        ("Twice a week.", "Train twice a week."),
        ("on non-consecutive days", "Train 3 times a week: on non-consecutive days."),
    ],
)  # fmt: skip
def test_the_schedule_is_said_once(schedule: str, said: str) -> None:
    """A schedule that says how often is not told the count again ("Train 3 times a week:
    three times per week ..."); one that does not gets it."""
    import dataclasses

    program = dataclasses.replace(load_program(str(SHIPPED)), schedule=schedule)
    texts = compile_program(program, 1).speech_texts()
    assert [t for t in texts if t.startswith("Train ")] == [said]
