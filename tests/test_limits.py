"""The session-length limit: a week over it is refused from its prescriptions alone (by
`validate` and by `plan`), before any compiling, and a week the compiler accepts is still
accepted. Timing is measured by benchmarks/limits_benchmark.py, not here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples
from voicecoach.cli import cli
from voicecoach.compiler import (
    CompileOptions,
    compile_program,
    prescribe_week,
    session_floor,
)
from voicecoach.errors import SessionTooLong
from voicecoach.program import parse_program

LIMIT = "the limit is 4 hours"
UNLIMITED = CompileOptions(max_session_ms=10**12)
LIMIT_MS = CompileOptions().max_session_ms


def program_text(exercises: list[dict[str, Any]], per_phase: int = 3, **top: Any) -> str:
    phases = [
        {"name": f"Phase {n}", "exercises": exercises[i : i + per_phase]}
        for n, i in enumerate(range(0, len(exercises), per_phase), start=1)
    ]
    document = {"title": "Limits", "progression": {"foundation": {"weeks": 1}}, **top}
    return yaml.safe_dump({**document, "phases": phases}, sort_keys=False)


# The two programs of the report: inside every per-field limit, far over the session's.
SIXTY_BY_TWENTY_BY_HUNDRED = program_text(
    [{"name": f"Squat {i}", "sets": 20, "reps": 100} for i in range(60)]
)
TWENTY_PHASES_SLOW = program_text(
    [
        {
            "name": f"Row {i}",
            "sets": 20,
            "reps": 100,
            "sides": "each",
            "tempo": {"lower": 30, "bottom": 30, "lift": 30, "top": 30},
            "rest": "10 min",
        }
        for i in range(60)
    ]
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            SIXTY_BY_TWENTY_BY_HUNDRED,
            "error: p.yaml: week 1 would run at least 136.9 hours; the limit is 4 hours; "
            "phases[0].exercises[0] ('Squat 0') alone takes 2.3 hours "
            "(use --only, or fewer sets or reps)",
        ),
        (
            TWENTY_PHASES_SLOW,
            "error: p.yaml: week 1 would run at least 8206.5 hours; the limit is 4 hours; "
            "phases[0].exercises[0] ('Row 0') alone takes 136.8 hours "
            "(use --only, or fewer sets or reps)",
        ),
    ],
    ids=["60x20x100", "20-phases-each-side-30-30-30-30"],
)
def test_a_week_far_over_the_limit_is_refused_by_validate_and_plan(
    text: str, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text)
    assert run("validate", "p.yaml") == (2, line + "\n")
    empty = str(tmp_path / "cache")
    assert run("plan", "p.yaml", "--week", "1", "--cache-dir", empty) == (2, line + "\n")


def test_validate_names_the_first_week_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reps climbing 10 to 100: the first weeks fit, week 50 does not even on its floor
    (`validate` names it), week 49 only once its speech is added (the compiler says so),
    and week 48 (3:56 long) is still given."""
    monkeypatch.chdir(tmp_path)
    exercises = [{"name": f"Press {i}", "sets": 10, "reps": "10-100", "weighted": False}
                 for i in range(6)]  # fmt: skip
    Path("p.yaml").write_text(program_text(exercises))
    week_50 = (
        "error: p.yaml: week 50 would run at least 4.1 hours; the limit is 4 hours; "
        "phases[0].exercises[0] ('Press 0') alone takes 0.7 hours "
        "(use --only, or fewer sets or reps)\n"
    )
    assert run("validate", "p.yaml") == (2, week_50)
    empty = str(tmp_path / "cache")
    assert run("plan", "p.yaml", "--week", "50", "--cache-dir", empty) == (2, week_50)
    assert run("plan", "p.yaml", "--week", "49", "--cache-dir", empty) == (
        2,
        "error: p.yaml: week 49 would run 4.0 hours; the limit is 4 hours "
        "(use --only, or fewer sets or reps)\n",
    )
    code, output = run("plan", "p.yaml", "--week", "48", "--cache-dir", empty)
    assert code == 0 and "Total: 236:04 (14164467 ms)" in output


# -- the property: random programs within every per-field limit -------------------------

seconds = st.integers(0, 30)


@st.composite
def exercises(draw: st.DrawFn, number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["reps", "reps", "hold", "cycles"]))
    # Mostly small programs, some large: both sides of the limit get examples.
    exercise: dict[str, Any] = {"name": f"Exercise {number}", "sets": draw(st.integers(1, 20))}
    low = draw(st.integers(1, 100))
    high = draw(st.integers(low, 100))
    if kind == "reps":
        exercise["reps"] = f"{low}-{high}"
        exercise["sides"] = draw(st.sampled_from(["none", "each", "alternating"]))
        if draw(st.booleans()):
            exercise["tempo"] = "none"
            exercise["rep_time"] = f"{draw(st.integers(1, 30))}s"
        elif draw(st.booleans()):
            lower, lift = draw(st.integers(1, 30)), draw(seconds)
            exercise["tempo"] = {"lower": lower, "bottom": draw(seconds), "lift": lift,
                                 "top": draw(seconds),
                                 "start": draw(st.sampled_from(["lower", "lift"]))}  # fmt: skip
    elif kind == "hold":
        short = draw(st.integers(5, 600))
        exercise["hold"] = f"{short}-{draw(st.integers(short, 600))}s"
        exercise["sides"] = draw(st.sampled_from(["none", "each"]))
    else:
        exercise["cycles"] = f"{low}-{high}"
        exercise["cycle"] = [
            {"say": f"Step {i}", "time": f"{draw(st.integers(1, 60))}s"}
            for i in range(draw(st.integers(1, 8)))
        ]
        exercise["sides"] = draw(st.sampled_from(["none", "each"]))
    if draw(st.booleans()):
        short = draw(st.integers(5, 600))
        exercise["rest"] = f"{short}-{draw(st.integers(short, 600))}s"
    exercise["weighted"] = draw(st.booleans())
    return exercise


@st.composite
def programs(draw: st.DrawFn) -> str:
    count = draw(st.one_of(st.integers(1, 4), st.integers(1, 60)))
    listed = [draw(exercises(i)) for i in range(count)]
    top = {
        "setup": f"{draw(st.integers(4, 120))}s",
        "switch": f"{draw(st.integers(4, 120))}s",
        "transition": f"{draw(st.integers(4, 120))}s",
        "talk": draw(st.sampled_from(["brief", "normal", "full"])),
        "counts": draw(st.sampled_from(["words", "tones"])),
    }
    return program_text(listed, per_phase=draw(st.integers(3, 60)), **top)


SETTINGS = settings(
    max_examples=examples(40),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip


def check_random_program(text: str, week: int, tmp_path: Path) -> str:
    """"timeline" or "refused": what `validate` and `plan` say, checked to be one of them."""
    path = tmp_path / "random.yaml"
    path.write_text(text)
    empty = str(tmp_path / "cache")
    outcome = "timeline"
    plan = ["plan", str(path), "-w", str(week), "--cache-dir", empty]
    for args in (["validate", str(path)], plan):
        code, output = run(*args)
        assert code in (0, 2), output
        if code == 2:
            assert len(output.splitlines()) == 1 and output.startswith("error: "), output
            assert "would run" in output and LIMIT in output, output
            outcome = "refused"

    # The floor is never above the compiled length, so refusing on it refuses only what
    # the compiler refuses: compiled without the limit (only where the floor keeps the
    # work bounded), a session within 4 hours is accepted, one over it refused.
    program = parse_program(text, str(path))
    floor = session_floor(program, prescribe_week(program, week)).total_ms
    if floor <= LIMIT_MS:
        length = compile_program(program, week, UNLIMITED).duration_ms
        assert floor <= length
        if length <= LIMIT_MS:
            compile_program(program, week)
            return outcome
    with pytest.raises(SessionTooLong):
        compile_program(program, week)
    return outcome


def test_random_programs_within_limits_give_a_timeline_or_one_line(tmp_path: Path) -> None:
    outcomes = {"timeline": 0, "refused": 0}

    @SETTINGS
    @given(text=programs(), week=st.integers(1, 60))
    def holds(text: str, week: int) -> None:
        outcomes[check_random_program(text, week, tmp_path)] += 1

    holds()
    assert outcomes["timeline"] >= 5 and outcomes["refused"] >= 5, outcomes
