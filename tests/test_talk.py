"""How much the coach talks (--talk), how the tempo is marked (--counts), and what fills
long rests: every variant stays inside the timeline's rules."""

from __future__ import annotations

import itertools

import pytest
from click.testing import CliRunner

from conftest import CASES, SHIPPED
from voicecoach.cli import cli
from voicecoach.compiler import (
    TEMPO_ACTIVITIES,
    CompileOptions,
    Timeline,
    check_invariants,
    compile_program,
)
from voicecoach.compiler.phrases import sentences
from voicecoach.compiler.session import (
    BEAT_MS,
    LAST_COUNT_ROOM_MS,
    NEXT_SET_CALL_MIN_MS,
    REST_HALFWAY_MIN_MS,
)
from voicecoach.program import load_program
from voicecoach.words import catalogue

PROGRAMS = [SHIPPED, *sorted(CASES.glob("*.yaml"))]


def beats(timeline: Timeline) -> list[tuple[int, object]]:
    """Every whole second of every tempo phase that the counting rule marks."""
    found = []
    for seg in timeline.segments:
        if seg.activity in TEMPO_ACTIVITIES:
            found.append((seg.start_ms, seg))
            at = seg.start_ms + BEAT_MS
            while at < seg.end_ms - LAST_COUNT_ROOM_MS:
                found.append((at, seg))
                at += BEAT_MS
    return found


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("talk", "counts"), list(itertools.product(["brief", "normal", "full"], ["words", "tones"]))
)
def test_every_variant_keeps_the_timeline_rules(path, talk: str, counts: str) -> None:
    program = load_program(str(path))
    for week in (1, 3):
        timeline = compile_program(program, week, CompileOptions(talk=talk, counts=counts))
        assert check_invariants(timeline) == []


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_tones_mark_every_second_of_every_tempo_phase(path) -> None:
    """With --counts tones a person keeps a 5-0-2-0 tempo by ear: a tone starts on every
    second of every phase, and the only words in a rep are its name at its start."""
    program = load_program(str(path))
    timeline = compile_program(program, 3, CompileOptions(counts="tones"))
    tone_starts = {c.start_ms for c in timeline.cues if c.kind == "tone"}
    expected = beats(timeline)
    if not expected:
        pytest.skip("no tempo in this program")
    missing = [(at, seg) for at, seg in expected if at not in tone_starts]
    assert missing == []
    tone_at = {c.start_ms: c.tone for c in timeline.cues if c.kind == "tone"}
    for at, seg in expected:  # the phase's marker on its first second, soft ticks after
        marker = seg.activity if seg.activity in ("lower", "lift") else "tick"
        assert tone_at[at] == (marker if at == seg.start_ms else "tick"), (at, seg)
    for cue in timeline.cues:
        if cue.kind == "speech" and cue.text and cue.text.isdigit():
            seg = next(s for s in timeline.segments if s.start_ms <= cue.start_ms < s.end_ms)
            assert seg.activity not in TEMPO_ACTIVITIES, cue  # no spoken counts in a rep
    rep_words = [
        c.text
        for at, seg in expected
        for c in timeline.cues
        if c.kind == "speech" and at <= c.start_ms < at + BEAT_MS
    ]
    words = catalogue(timeline.language)  # the rep's name in the program's language
    names = {words.say(key) for key in ("last_rep", "two_more")}
    names |= {words.say(side).capitalize() for side in ("left", "right")}
    rep = words.say("rep", rep=0).removesuffix("0")  # "Rep ", "Nummer ", "La "
    assert rep_words and all(
        w and w.split(",")[0] in names or w.startswith(rep) for w in rep_words
    ), rep_words


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_words_mark_every_second_of_every_tempo_phase(path) -> None:
    """With spoken counts every second has a cue starting on it, or a phrase that took the
    count's beat running through it."""
    timeline = compile_program(load_program(str(path)), 3)
    starts = {c.start_ms for c in timeline.cues}
    speech = [c for c in timeline.cues if c.kind == "speech"]
    for at, seg in beats(timeline):
        assert at in starts or any(c.start_ms < at < c.end_ms for c in speech), (at, seg)


def test_brief_talk_has_no_instructions_and_full_has_them_every_week() -> None:
    program = load_program(str(SHIPPED))
    instructions = {
        sentence
        for ex in program.exercises
        for text in (ex.setup, ex.execution, ex.key_cue, ex.target)
        for sentence in sentences(text or "")
    }
    brief = compile_program(program, 1, CompileOptions(talk="brief")).speech_texts()
    assert not instructions.intersection(brief)
    assert not {"Setup.", "Execution."}.intersection(brief)
    assert not any(t.startswith("Next: set") for t in brief)  # no key-cue fill either
    for ex in program.exercises:
        assert f"{ex.name}." in brief
    assert any(t.startswith("Rest ") for t in brief) and {"3", "2", "1", "Go"} <= set(brief)

    normal = compile_program(program, 3, CompileOptions()).speech_texts()
    full = compile_program(program, 3, CompileOptions(talk="full")).speech_texts()
    # --full-instructions is the command line's older spelling of --talk full
    plan = ["plan", str(program.source), "--week", "3", "--json", "--engine", "espeak"]
    alias = CliRunner().invoke(cli, [*plan, "--full-instructions"])
    assert alias.exit_code == 0, alias.output
    assert alias.output == CliRunner().invoke(cli, [*plan, "--talk", "full"]).output
    executions = {s for ex in program.exercises for s in sentences(ex.execution or "")}
    assert executions <= set(full)
    assert not executions.intersection(normal) or executions.issubset(
        {s for ex in program.exercises for s in sentences(ex.key_cue)}
    )
    assert normal == compile_program(program, 3, CompileOptions(talk="normal")).speech_texts()


def test_long_rests_are_filled_and_the_last_reps_are_named() -> None:
    program = load_program(str(SHIPPED))
    timeline = compile_program(program, 3)
    key_cues = {ex.name: ex.key_cue for ex in program.exercises}
    speech = [c for c in timeline.cues if c.kind == "speech"]
    rests = [s for s in timeline.segments if s.activity == "rest"]
    checked_next = checked_half = 0
    for rest in rests:
        inside = [c for c in speech if rest.start_ms <= c.start_ms < rest.end_ms]
        texts = [c.text or "" for c in inside]
        more_sets = any(
            s.exercise == rest.exercise and (s.set or 0) > (rest.set or 0)
            for s in timeline.segments
        )
        calls = [t for t in texts if t.startswith("Next: set") or t.startswith("Next: the last")]
        if rest.duration_ms >= NEXT_SET_CALL_MIN_MS and more_sets:
            assert len(calls) == 1, texts
            assert calls[0].endswith(key_cues[rest.exercise or ""].strip()), calls
            checked_next += 1
        else:
            assert calls == []
        halfway = [c for c in inside if (c.text or "").startswith("Halfway.")]
        if rest.duration_ms >= REST_HALFWAY_MIN_MS:
            middle = rest.start_ms + rest.duration_ms // 2 // 1000 * 1000
            assert [c.start_ms for c in halfway] == [middle], texts
            checked_half += 1
        else:
            assert halfway == []
    assert checked_next >= 5 and checked_half >= 5

    rep_words: dict[tuple[object, ...], list[str]] = {}
    for cue in speech:
        seg = next(s for s in timeline.segments if s.start_ms <= cue.start_ms < s.end_ms)
        if seg.rep is not None and seg.activity in TEMPO_ACTIVITIES:
            key = (seg.exercise, seg.set, seg.side)
            label = (cue.text or "").split(",")[0]
            if label.startswith(("Rep ", "Two more", "Last rep")):
                rep_words.setdefault(key, []).append(label)
    assert rep_words
    for labels in rep_words.values():
        if len(labels) >= 3:
            assert labels[-2:] == ["Two more", "Last rep"], labels
            assert labels[:-2] == [f"Rep {n}" for n in range(1, len(labels) - 1)], labels


def test_plan_shows_talk_levels_and_refuses_a_contradiction() -> None:
    """More talk makes a longer session: the plan's total grows brief < normal < full."""
    import re

    totals = {}
    for talk in ("brief", "normal", "full"):
        result = CliRunner().invoke(cli, ["plan", str(SHIPPED), "--week", "3", "--talk", talk])
        assert result.exit_code == 0, result.output
        (total,) = re.findall(r"^Total: \S+ \((\d+) ms\)", result.output, flags=re.M)
        totals[talk] = int(total)
    assert totals["brief"] < totals["normal"] < totals["full"], totals
    both = CliRunner().invoke(cli, ["plan", str(SHIPPED), "--talk", "brief", "--full-instructions"])
    assert both.exit_code == 2 and "contradicts --talk brief" in both.output


def test_program_file_sets_talk_counts_and_music_and_the_command_line_wins() -> None:
    from voicecoach.errors import ProgramError
    from voicecoach.program import parse_program
    from voicecoach.render import RenderSettings

    path = CASES / "music_bed.yaml"
    text = path.read_text()
    plain = parse_program(text, str(path))
    keyed = parse_program(
        text + "talk: brief\ncounts: tones\nmusic: [songs/, ~/x.mp3]\n", str(path)
    )
    assert compile_program(keyed, 1) == compile_program(
        plain, 1, CompileOptions(talk="brief", counts="tones")
    )
    assert compile_program(keyed, 1, CompileOptions(talk="full", counts="words")) == (
        compile_program(plain, 1, CompileOptions(talk="full"))
    )
    music = RenderSettings().for_program(keyed).music
    assert music[0] == CASES / "songs"
    assert music[1].is_absolute() and music[1].name == "x.mp3"
    given = RenderSettings(music=(CASES,))
    assert given.for_program(keyed).music == (CASES,)
    levels = RenderSettings(shuffle=4, duck=6)
    from_file = levels.for_program(keyed)
    assert from_file.music == music
    assert (from_file.shuffle, from_file.duck) == (4, 6)
    assert levels.for_program(plain).music == ()
    # resolving twice changes nothing
    assert from_file.for_program(keyed) == from_file
    with pytest.raises(ProgramError, match="talk: expected one of brief, normal, full"):
        parse_program(text + "talk: chatty\n", str(path))
