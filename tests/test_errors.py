"""Every kind of bad input gives one exact line with file:line:column and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.words import KEYS

BASE = (CASES / "tempo_basic.yaml").read_text()
EX = "phases[0].exercises[0]"
DEEP = "YAML is nested more than 64 levels deep; a program nests about 8"

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdef", "bcdefg")
)

CATALOGUE = [
    ("syntax", "title: [unclosed\nphases: []\n",
     "bad.yaml:2:7: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence)"),
    ("tab", "title: X\nphases:\n\t- name: A\n",
     "bad.yaml:3:1: YAML syntax error: a tab character cannot indent YAML; use spaces"),
    ("duplicate key", BASE.replace("        sets: 2\n", "        sets: 2\n        sets: 3\n"),
     f"bad.yaml:14:9: {EX}.sets: duplicate key (first given on line 13)"),
    ("wrong type", BASE.replace("sets: 2", "sets: two"),
     f"bad.yaml:13:15: {EX}.sets: expected a whole number of sets, got 'two'"),
    ("zero", BASE.replace("sets: 2", "sets: 0"),
     f"bad.yaml:13:15: {EX}.sets: expected 1 to 20 sets, got 0"),
    ("negative", BASE.replace("reps: 3-5", "reps: -3"),
     f"bad.yaml:14:15: {EX}.reps: expected 1 to 100 reps, got -3"),
    ("backwards range", BASE.replace("reps: 3-5", "reps: 12-8"),
     f"bad.yaml:14:15: {EX}.reps: expected the smaller count first, got '12-8' (did you mean 8-12?)"),
    ("unknown unit", BASE.replace("rest: 12s", "rest: 30-45 parsecs"),
     f"bad.yaml:15:15: {EX}.rest: expected a duration like 30s, 60-90 sec or 1 min, "
     "got '30-45 parsecs' (unknown unit 'parsecs': use s or min)"),
    ("missing unit", BASE.replace("rest: 12s", "rest: 30-45"),
     f"bad.yaml:15:15: {EX}.rest: expected a duration like 30s, 60-90 sec or 1 min, "
     "got '30-45' (the unit is missing: write 30-45s)"),
    ("minutes too long", BASE.replace("rest: 12s", "rest: 30-45 mins"),
     f"bad.yaml:15:15: {EX}.rest: expected 5s to 10 min, got '30-45 mins'"),
    ("rest too short for its countdown", BASE.replace("rest: 12s", "rest: 1s"),
     f"bad.yaml:15:15: {EX}.rest: expected 5s to 10 min, got '1s'"),
    ("twelve", BASE.replace("reps: 3-5", "reps: twelve"),
     f"bad.yaml:14:15: {EX}.reps: expected a count like 12 or a range like 8-12, got 'twelve'"),
    ("empty exercises", BASE.split("    exercises:")[0] + "    exercises: []\n",
     "bad.yaml:11:16: phases[0].exercises: expected at least one exercise, got an empty list"),
    ("empty phases", BASE.split("phases:")[0] + "phases: []\n",
     "bad.yaml:8:9: phases: expected at least one phase, got an empty list"),
    ("missing name", BASE.replace("      - name: Goblet Squat\n        sets: 2", "      - sets: 2"),
     f"bad.yaml:12:9: {EX}: missing required key 'name'"),
    ("unknown key", BASE.replace("rest: 12s", "reest: 12s"),
     f"bad.yaml:15:9: {EX}.reest: unknown key 'reest'; did you mean 'rest'? valid keys are: "
     "name, sets, reps, hold, cycles, sides, rest, tempo, rep_time, cycle, target, setup, "
     "execution, key_cue, weighted"),
    ("two prescriptions", BASE.replace("reps: 3-5", "reps: 3-5\n        hold: 30s"),
     f"bad.yaml:12:9: {EX}: expected exactly one of reps, hold or cycles, got reps and hold"),
    ("bad side mode", BASE.replace("rest: 12s", "rest: 12s\n        sides: both"),
     f"bad.yaml:16:16: {EX}.sides: expected one of none, each, alternating, got 'both'"),
    ("empty file", "", "bad.yaml: is empty; expected a program (a mapping with 'title' and 'phases')"),
    ("comments only", "# nothing\n", "bad.yaml: is empty; expected a program (a mapping with 'title' and 'phases')"),
    ("list at top", "- a\n- b\n",
     "bad.yaml:1:1: expected a program (a mapping with title, progression and phases), got a list"),
    ("binary", "\x00\x01\x02", "bad.yaml:1:1: contains binary data (a NUL byte); expected YAML text"),
    ("python tag", "title: !!python/object/apply:os.system ['echo hi']\n",
     "bad.yaml:1:8: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; "
     "program files hold plain values only"),
    ("alias bomb", BOMB,
     "bad.yaml:1:1: the document expands to more than 50,000 values (too many aliases or entries); refused"),
    ("a million sets", BASE.replace("sets: 2", "sets: 1000000"),
     f"bad.yaml:13:15: {EX}.sets: expected 1 to 20 sets, got 1000000"),
    ("a billion reps", BASE.replace("reps: 3-5", "reps: 8-1000000000"),
     f"bad.yaml:14:15: {EX}.reps: expected 1 to 100 reps, got '8-1000000000'"),
    ("long name", BASE.replace("Goblet Squat", "x" * 200),
     f"bad.yaml:12:15: {EX}.name: expected at most 80 characters, got 200"),
    ("nested 70 deep", "title: x\nphases: " + "[" * 70 + "]" * 70 + "\n",
     f"bad.yaml:2:72: {DEEP}"),
    ("nested 70 deep in blocks", "title: x\nphases:\n" + "".join(
        "  " * depth + "- \n" for depth in range(70)),
     f"bad.yaml:66:127: {DEEP}"),
    ("10000 [", "title: x\nphases: " + "[" * 10_000, f"bad.yaml:2:1008: {DEEP}"),
    ("10000 {a:", "title: x\nphases: " + "{a: " * 10_000 + "\n", f"bad.yaml:2:4005: {DEEP}"),
    # A program's own words (words:, pronounce:) and its language: checked at load.
    ("unknown language", BASE + "language: fr\n",
     "bad.yaml:18:11: language: expected one of en, de, es, got 'fr'"),
    ("unknown words key", BASE + "words:\n  rest_nxt: Up next.\n",
     "bad.yaml:19:3: words.rest_nxt: unknown key 'rest_nxt'; did you mean 'rest_next'? "
     f"valid keys are: {', '.join(KEYS)}"),
    ("unknown placeholder", BASE + 'words:\n  rest_next: "Up next: {exrcise}."\n',
     "bad.yaml:19:14: words.rest_next: unknown placeholder {exrcise}; rest_next takes {exercise}"),
    ("missing placeholder", BASE + "words:\n  rest_next: Up next.\n",
     "bad.yaml:19:14: words.rest_next: missing placeholder {exercise}; rest_next takes {exercise}"),
    ("unclosed placeholder", BASE + 'words:\n  rest: "Rest {seconds."\n',
     "bad.yaml:19:9: words.rest: expected '}' before end of string in 'Rest {seconds.' "
     "(write {{ and }} for a brace itself)"),
    ("word too long for its beat", BASE + "voice: {rate: 120}\nwords:\n  beat_lower: all the way down now\n",
     "bad.yaml:20:15: words.beat_lower: 'all the way down now' takes about 2167 ms to say at 120 "
     "words per minute, and beat_lower is said on a beat that leaves it 1053 ms: say it shorter, "
     "or speak faster (voice.rate)"),
    ("unknown plural form", BASE + 'words:\n  sets: {one: "{n} set", lots: "{n} sets"}\n',
     "bad.yaml:19:26: words.sets.lots: unknown key 'lots'; valid keys are: zero, one, two, few, many, other"),
    ("plural forms of a plain key", BASE + "words:\n  go: {one: Go, other: Go}\n",
     "bad.yaml:19:7: words.go: go is not counted: give one text, not plural forms"),
    ("pronounce not a mapping", BASE + "pronounce: RDL\n",
     "bad.yaml:18:12: pronounce: expected a mapping of words to how to say them, got 'RDL'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CATALOGUE], ids=[n for n, _, _ in CATALOGUE]
)
def test_bad_input_gives_one_exact_line(
    text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "bad.yaml"])
    assert result.exit_code == 2
    assert result.output == f"error: {expected}\n"
    result = CliRunner().invoke(cli, ["plan", "bad.yaml"])
    assert (result.exit_code, result.output) == (2, f"error: {expected}\n")


def test_deep_nesting_is_located_without_libyaml_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where libyaml is missing the pure-Python parser runs out of recursion instead of
    stopping at 1000 levels: the error still names the place it got too deep."""
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text("title: x\nphases: " + "[" * 10_000)
    result = CliRunner().invoke(cli, ["validate", "bad.yaml"])
    assert (result.exit_code, result.output) == (2, f"error: bad.yaml:2:72: {DEEP}\n")


def test_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    result = CliRunner().invoke(cli, ["validate", "bad.yaml"])
    assert (result.exit_code, result.output) == (
        2,
        "error: bad.yaml:1:11: is not UTF-8 text (byte 0xe9); save the file as UTF-8\n",
    )


def test_directory_and_missing_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("folder").mkdir()
    result = CliRunner().invoke(cli, ["validate", "folder"])
    assert (result.exit_code, result.output) == (
        2,
        "error: folder: is a directory, expected a program file (.yaml)\n",
    )
    result = CliRunner().invoke(cli, ["validate", "nowhere.yaml"])
    assert (result.exit_code, result.output) == (2, "error: nowhere.yaml: no such file\n")


def test_unknown_only_exercise_names_the_choices() -> None:
    result = CliRunner().invoke(
        cli, ["plan", str(CASES / "alternating.yaml"), "--only", "Renegade Rwo"]
    )
    assert result.exit_code == 2
    assert result.output == (
        "error: --only 'Renegade Rwo' matches no exercise; did you mean 'Renegade Row'? "
        "give a full name or a number 1-2\n"
    )


def test_week_out_of_range_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["plan", str(CASES / "alternating.yaml"), "--week", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--week'" in result.output


# Validates one file in a fresh interpreter and reports that validation's own peak memory:
# ru_maxrss after the imports, then after `validate`, so the figure is this work's alone,
# whatever ran before in the pytest process.
MEASURE_VALIDATE = """\
import json, resource, sys
from click.testing import CliRunner
from voicecoach.cli import cli
runner = CliRunner()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = runner.invoke(cli, ["validate", sys.argv[1]])
grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"exit": result.exit_code, "output": result.output, "grown_kb": grown_kb}))
"""


def test_hostile_sizes_are_refused_without_building_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 200-character name repeated 10^5 times, written out or through an alias, and a
    billion-laughs bomb: refused with one line, without building them in memory (each
    validated in its own process, whose peak memory is measured)."""
    import json
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    name = "n" * 200
    exercise = f"      - {{name: {name}, sets: 1, reps: 1}}\n"
    head = BASE.split("    exercises:")[0] + "    exercises:\n"
    Path("written.yaml").write_text(head + exercise * 100_000)
    # Through an alias the name is written once; 25,000 references fit under 1 MB.
    aliased = (
        head
        + f"      - {{name: &n {name}, sets: 1, reps: 1}}\n"
        + "      - {name: *n, sets: 1, reps: 1}\n" * 25_000
    )
    Path("aliased.yaml").write_text(aliased)
    Path("bomb.yaml").write_text(BOMB)
    refused = (
        "the document expands to more than 50,000 values (too many aliases or entries); refused"
    )
    expected = {
        "written.yaml": "error: written.yaml: is larger than 1,000,000 bytes; a program file is a short text\n",
        "aliased.yaml": f"error: aliased.yaml:2:1: {refused}\n",
        "bomb.yaml": f"error: bomb.yaml:1:1: {refused}\n",
    }
    for path, line in expected.items():
        # The timeout only keeps a runaway validation from hanging the suite.
        child = subprocess.run(
            [sys.executable, "-c", MEASURE_VALIDATE, path],
            capture_output=True, text=True, timeout=600, check=True,
        )  # fmt: skip
        measured = json.loads(child.stdout)
        assert (measured["exit"], measured["output"]) == (2, line)
        # Built, the written file alone is ~1 GB of nodes; the walk that refuses the others
        # holds at most 50,000 of them (a few MB).
        assert measured["grown_kb"] / 1024 < 100, (path, measured["grown_kb"])
