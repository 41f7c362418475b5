"""`voicecoach new`, driven through a pseudo-terminal as a person types: the questions, a
wrong answer asked again, and a written program that `validate` accepts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import yaml
from click.testing import CliRunner

from conftest import ROOT
from voicecoach.cli import cli
from voicecoach.program import Span, load_program


def spawn(*args: str) -> pexpect.spawn:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="100")
    return pexpect.spawn(
        sys.executable, ["-m", "voicecoach", *args], env=env, encoding="utf-8", timeout=30
    )


def test_new_asks_and_writes_a_valid_commented_program(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    child = spawn("new", str(out))
    for question, answer in [
        (r"Title \[My Program\]: ", "Home Basics"),
        (r"Sessions per week \[3\]: ", "4"),
        (r"lowering-bottom-lifting-top \[2-0-2-0\]: ", "3-0-2"),  # three numbers: asked again
        (r"Error: expected four numbers of seconds.*\r\n.*top \[2-0-2-0\]: ", "3-0-2-1"),
        (r"A rep starts by \(lower, lift\) \[lower\]: ", "lift"),
        (r"Foundation weeks \(form first\) \[2\]: ", ""),
        (r"Phase name \[Session\]: ", "Full Body"),
        (r"Exercise 1 name \(empty to finish\): ", "Goblet Squat"),
        (r"Sets \[3\]: ", ""),
        (r"Reps or hold .*: ", "twelve"),
        (r"Error: expected reps like 8-12.*\r\n.*Reps or hold .*: ", "8-12"),
        (r"Sides \(none, each, alternating\) \[none\]: ", ""),
        (r"Rest after each set \[60s\]: ", "60-90 sec"),
        (r"Exercise 2 name \(empty to finish\): ", "Side Plank"),
        (r"Sets \[3\]: ", "2"),
        (r"Reps or hold .*: ", "30-45 sec hold"),
        (r"Sides \(none, each\) \[none\]: ", "each"),
        (r"Rest after each set \[60s\]: ", "2s"),  # under the 5 s a countdown needs
        (
            r"Not valid: expected 5s to 10 min, got '2s'; once more\.\r\n"
            r"Exercise 2 name \(empty to finish\): ",
            "Side Plank",
        ),
        (r"Sets \[3\]: ", "2"),
        (r"Reps or hold .*: ", "30-45 sec hold/side"),
        (r"Sides \(none, each\) \[none\]: ", "each"),
        (r"Rest after each set \[60s\]: ", "15s"),
        (r"Exercise 3 name \(empty to finish\): ", "Cat-Cow"),
        (r"Sets \[3\]: ", "1"),
        (r"Reps or hold .*: ", "8-10 slow cycles"),
        (r"Sides \(none, each\) \[none\]: ", ""),
        (r"Rest after each set \[60s\]: ", "-"),
        (r"Cycle step 1 says \(empty to finish\): ", "Inhale. Cow."),
        (r"Step lasts \[4s\]: ", ""),
        (r"Cycle step 2 says \(empty to finish\): ", "Exhale. Cat."),
        (r"Step lasts \[4s\]: ", "5 sec"),
        (r"Cycle step 3 says \(empty to finish\): ", ""),
        (r"Exercise 4 name \(empty to finish\): ", ""),
    ]:
        child.expect(question)
        child.sendline(answer)
    child.expect(r"Wrote .*mine\.yaml: ok — 'Home Basics', 1 phase, 3 exercises, 4 sessions a week")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# Seconds of lowering" in text  # commented
    program = load_program(str(out))
    assert (program.tempo.lower_ms, program.tempo.top_ms, program.tempo.start) == (
        3000,
        1000,
        "lift",
    )
    squat, plank, cat_cow = program.phases[0].exercises
    assert (squat.sets, squat.amount, squat.rest_ms) == (3, Span(8, 12), Span(60_000, 90_000))
    assert (plank.kind, plank.amount, plank.sides, plank.rest_ms) == (
        "hold",
        Span(30_000, 45_000),
        "each",
        Span(15_000, 15_000),
    )
    assert [(s.say, s.duration_ms) for s in cat_cow.cycle] == [
        ("Inhale. Cow.", 4000),
        ("Exhale. Cat.", 5000),
    ]
    assert yaml.safe_load(text)["phases"][0]["exercises"][2]["rest"] == "none"


def test_new_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("mine")
    result = CliRunner().invoke(cli, ["new", str(out)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {out}: exists; pass --force to overwrite it\n",
    )
    assert out.read_text() == "mine"
