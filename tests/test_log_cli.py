"""The training log as a user runs it: wrong input is one line and writes nothing, the
prompt takes Enter as "done as prescribed", and seven logged sessions make a next track
whose timeline says the new targets and why."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiotools import decode
from conftest import CASES, SHIPPED
from voicecoach.cli import cli
from voicecoach.log import LogStore

SHORT = CASES / "log_short.yaml"


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--set", "Bulgarian Splt Squat=10,10,9"],
            "error: 'Alleviating Back Pain' has no exercise 'Bulgarian Splt Squat'; "
            "did you mean 'Bulgarian Split Squat'?",
        ),
        (
            ["--set", "Bulgarian Split Squat=10,10,9,8"],
            "error: Bulgarian Split Squat: 4 sets given, but 3 are prescribed",
        ),
        (
            ["--set", "Russian Twist=12,twelve"],
            "error: Russian Twist: reps must be whole numbers like 10, got 'twelve'",
        ),
        (
            ["--date", "2999-01-01"],
            "error: --date: expected today (",
        ),
        (["--date", "yesterday"], "error: --date 'yesterday': expected a date like"),
        (
            ["--set", "Russian Twist=10/9"],
            "error: Russian Twist: '10/9' is not a set; write one number per set",
        ),
        (
            ["--set", "Cat-Cow Stretch=8@5kg"],
            "error: Cat-Cow Stretch: the program does not use a weight",
        ),
        (["--set", "Russian Twist"], "error: --set 'Russian Twist': expected EXERCISE=REPS"),
        (["--set", "Twist=1", "--set", "russian twist=2"], "error: Russian Twist: given twice"),
    ],
    ids=[
        "unknown",
        "too-many-sets",
        "not-a-number",
        "future",
        "bad-date",
        "sides-on-one-sided",
        "weight-on-unweighted",
        "no-equals",
        "twice",
    ],
)
def test_wrong_input_is_one_line_and_writes_nothing(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    db = tmp_path / "log.sqlite3"
    code, out = run("log", str(SHIPPED), "--db", str(db), "--date", "2025-01-02", "--as-prescribed")
    assert code == 0, out
    code, out = run("log", str(SHIPPED), "--db", str(db), *arguments)
    with LogStore(db) as store:
        count = len(store.sessions())
    assert code == 2 and out.startswith(message) and out.count("\n") == 1, out
    assert count == 1


def test_an_earlier_date_than_the_last_session_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    assert run("log", str(SHIPPED), "--db", db, "--date", "2025-03-05", "--as-prescribed")[0] == 0
    code, out = run("log", str(SHIPPED), "--db", db, "--date", "2025-03-01", "--as-prescribed")
    assert code == 2 and "is dated 2025-03-05" in out


def test_the_prompt_offers_targets_and_enter_means_as_prescribed(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    # Split Squat: a typo first (asked again), then its sets; Enter for the others.
    code, out = run(
        "log", str(SHORT), "--db", db, "--date", "2025-01-01", input="2,x\n2/2,2/1@8kg\n\n\n\n"
    )
    assert code == 0, out
    # It says where you are and how to answer, first.
    assert out.startswith(
        "Session 1 of 'Log Short' on 2025-01-01 (week 1, foundation; 0 done so far).\n"
        "Enter: done as prescribed. Or type what you did: 10,10,9 (reps per set), "
    )
    assert "Split Squat [2 × 2 reps/side]:" in out and "Plank [1 × 5 s]:" in out
    # And what it will log, before it does.
    assert (
        "To log:\n  Split Squat: 2/2,2/1@8kg\n  Floor Press: as prescribed (1 × 2 reps)\n"
        "  Plank: as prescribed (1 × 5 s)\nLog it? [Y/n]: \nLogged session 1"
    ) in out
    assert "reps must be whole numbers like 10, got 'x'" in out
    with LogStore(db) as store:
        (session,) = store.sessions()
    squat = [(s.set_number, s.side, s.amount, s.weight) for s in session.sets_of("Split Squat")]
    assert squat == [
        (1, "left", 2, 8.0),
        (1, "right", 2, 8.0),
        (2, "left", 2, 8.0),
        (2, "right", 1, 8.0),
    ]
    assert [s.amount for s in session.sets_of("Floor Press")] == [2]
    assert [(s.amount, s.measure) for s in session.sets_of("Plank")] == [(5, "seconds")]


# Seven sessions of tests/cases/log_short.yaml (foundation: 1 week x 2 sessions), and the
# targets and decisions `plan --next` gives after each.
SESSIONS = [
    ("2025-02-03", ["--set", "Split Squat=@10kg", "--set", "Floor Press=@20kg"]),
    ("2025-02-05", ["--as-prescribed"]),
    ("2025-02-07", ["--set", "Split Squat=3,3", "--set", "Plank=7s"]),
    (
        "2025-02-10",
        ["--set", "Split Squat=4/4,4/3", "--set", "Floor Press=2@22kg", "--set", "Plank=9"],
    ),
    ("2025-02-12", ["--set", "Split Squat=4,4", "--set", "Floor Press=3"]),
    ("2025-02-14", ["--missed"]),
    ("2025-02-17", ["--set", "Split Squat=2,2@12kg", "--set", "Floor Press=@24kg"]),
]
NEXT = [
    "Split Squat: Last time 2, 2 at 12 kilos. Today: 3 reps, same weight.",
    "Floor Press: Last time 2 at 24 kilos. Today: 3 reps, same weight.",
    "Plank: Last time 9 seconds: the top of the range. Today: 9 seconds again.",
]


@pytest.mark.slow
def test_seven_logged_sessions_make_a_next_track_that_says_why(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    for date, arguments in SESSIONS:
        code, out = run("log", str(SHORT), "--db", db, "--date", date, *arguments)
        assert code == 0, out
    code, out = run("plan", str(SHORT), "--next", "--db", db)
    assert code == 0, out
    assert "Next: session 8 of 'Log Short' (week 4, build; 6 done so far)" in out
    assert [line.strip() for line in out.splitlines()[-3:]] == NEXT

    code, out = run(
        "build", str(SHORT), "--next", "--db", db, "--out-dir", str(tmp_path / "out"),
        "--cache-dir", str(tmp_path / "cache"), "-q",
    )  # fmt: skip
    assert code == 0, out
    mp3 = tmp_path / "out" / "log-short-session-008.mp3"
    timeline = json.loads(mp3.with_name("log-short-session-008.timeline.json").read_text())
    assert timeline["week"] == 4
    said = [cue["text"] for cue in timeline["cues"] if cue["kind"] == "speech"]
    for decision in NEXT:
        for sentence in decision.split(": ", 1)[1].replace(". ", ".|").split("|"):
            assert sentence in said, sentence
    assert "2 sets of 3 reps per side, 5 seconds rest." in said
    assert "1 set: hold 9 seconds." in said
    # The reps the track counts: 3 per side in each Split Squat set, 3 Floor Presses.
    reps: dict[tuple[str, int, str | None], int] = {}
    for seg in timeline["segments"]:
        if seg["rep"] is not None:
            key = (seg["exercise"], seg["set"], seg["side"])
            reps[key] = max(reps.get(key, 0), seg["rep"])
    assert reps[("Split Squat", 1, "left")] == reps[("Split Squat", 2, "right")] == 3
    assert reps[("Floor Press", 1, None)] == 3
    # The MP3 is the timeline: same length, to the sample (24 per ms).
    assert len(decode(str(mp3))) == timeline["duration_ms"] * 24

    code, out = run("history", str(SHORT), "--db", db, "--plot", str(tmp_path / "progress.png"))
    assert code == 0, out
    assert "Log Short: 6 sessions done, 1 missed, 2025-02-03 to 2025-02-17" in out
    assert "4  2025-02-10  2 × 4/4, 4/3  10 kg" in out
    # One panel per exercise, one under the other (a phone's column): each framed by its
    # two dark spines and holding its blue line of reps or seconds.
    assert plot_panels(tmp_path / "progress.png") == (645, 360 * 3, 3)


def plot_panels(path: Path) -> tuple[int, int, int]:
    """(width, height, panels) of a `history --plot` PNG: a panel is a pair of dark
    horizontal spines with the amount's line (matplotlib's tab:blue) between them."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"
        pixels = np.asarray(image.convert("RGB")).astype(int)
    height, width = pixels.shape[:2]
    # Darker than mid-grey: a spine between two pixel rows is drawn grey in both.
    dark = pixels.sum(axis=2) < 384
    spine = dark.sum(axis=1) > 0.4 * width  # a row dark over much of the width
    edges = [y for y in range(height) if spine[y] and (y == 0 or not spine[y - 1])]
    assert len(edges) % 2 == 0, edges
    blue = (np.abs(pixels - (31, 119, 180)).sum(axis=2) < 30).sum(axis=1)
    panels = [(top, bottom) for top, bottom in zip(edges[::2], edges[1::2])]
    assert all(blue[top:bottom].sum() > 50 for top, bottom in panels), panels
    return width, height, len(panels)


def test_the_form_functions_add_the_same_rows_as_the_command_line(tmp_path: Path) -> None:
    from voicecoach.errors import LogError
    from voicecoach.log import form_fields, record_form
    from voicecoach.program import load_program

    program = load_program(str(SHORT))
    cli_db, form_db = str(tmp_path / "cli.sqlite3"), tmp_path / "form.sqlite3"
    code, out = run(
        "log", str(SHORT), "--db", cli_db, "--date", "2025-04-01",
        "--set", "Split Squat=2/2,2/1@8kg", "--set", "Plank=skip",
    )  # fmt: skip
    assert code == 0, out
    with LogStore(form_db) as store:
        fields = form_fields(store, program)
        assert [(f.name, f.label, f.target) for f in fields] == [
            ("ex-1", "Split Squat", "2 × 2 reps/side"),
            ("ex-2", "Floor Press", "1 × 2 reps"),
            ("ex-3", "Plank", "1 × 5 s"),
        ]
        with pytest.raises(LogError, match="Plank: seconds must be whole numbers"):
            record_form(store, program, {"date": "2025-04-01", "ex-3": "long"})
        assert store.sessions() == []
        record_form(
            store, program, {"date": "2025-04-01", "ex-1": "2/2,2/1@8kg", "ex-2": "", "ex-3": "-"}
        )
        from_form = store.sessions()
    with LogStore(cli_db) as store:
        from_cli = store.sessions()
    assert from_form == from_cli and len(from_form[0].sets) == 5


# The rules of log/rules.py, as `voicecoach log` and `log-import` apply them: the same
# ones the page's form applies (test_log_form.py). log_short.yaml: Floor Press 2-3 reps
# (at most 11 in a set), Plank a 5-9 s hold (at most 23 s).
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--date", "0001-01-01"], "error: --date: expected 2000-01-01 or later (no "
         "training log is older; check the year), got 0001-01-01\n"),
        (["--date", "1999-12-31"], "error: --date: expected 2000-01-01 or later (no "
         "training log is older; check the year), got 1999-12-31\n"),
        (["--set", "Floor Press=1000"], "error: Floor Press: expected 0 to 11 reps in one set "
         "(twice the top of its range, 3, plus 5), got 1000\n"),
        (["--set", "Plank=24s"], "error: Plank: expected 0 to 23 seconds in one set (twice "
         "the top of its range, 9, plus 5), got 24\n"),
        (["--set", "Plank=7s; ok\x00"], "error: Plank: expected a note of one line of plain "
         "text, got a control character (U+0000)\n"),
        (["--set", "Plank=skip; \x1b[2J"], "error: Plank: expected a note of one line of "
         "plain text, got a control character (U+001B)\n"),
        (["--set", "Plank=7; two\nlines"], "error: Plank: expected a note of one line of "
         "plain text, got a control character (U+000A)\n"),
        (["--set", "Plank=7; " + "x" * 501], "error: Plank: expected a note of at most 500 "
         "characters, got 501\n"),
    ],
    ids=["year-1", "before-2000", "1000-reps", "hold", "nul", "esc", "newline", "long-note"],
)  # fmt: skip
def test_log_keeps_to_the_bounds_and_writes_nothing(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    db = tmp_path / "log.sqlite3"
    code, out = run("log", str(SHORT), "--db", str(db), "--date", "2025-01-02", *arguments)
    assert code == 2 and out.startswith(message) and out.count("\n") == 1, out
    assert not sessions_in(db)


def test_log_takes_the_bounds_themselves(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    at_bounds = ["--set", "Floor Press=11", "--set", "Plank=23s; " + "é" * 490 + "\u200d"]
    code, out = run("log", str(SHORT), "--db", db, "--date", "2000-01-01", *at_bounds)
    assert code == 0, out
    # The prompt asks again on a value out of bounds, as on any wrong answer.
    code, out = run("log", str(SHORT), "--db", db, input="\n12\n3\n\n\n")
    assert code == 0 and "Floor Press: expected 0 to 11 reps in one set" in out, out
    with LogStore(db) as store:
        sessions = store.sessions()
    assert [s.sets_of("Floor Press")[0].amount for s in sessions] == [11, 3]


# log_short.yaml's first session as exported: the header on row 1, Split Squat on rows
# 2-5 (left and right x 2 sets), Floor Press on row 6, Plank on row 7.
@pytest.mark.parametrize(
    ("column", "value", "rows", "program", "where", "message"),
    [
        ("date", "0001-01-01", slice(1, None), False, "2:3",
         "date: expected 2000-01-01 or later (no training log is older; check the year), "
         "got 0001-01-01"),
        ("date", "2999-01-01", slice(1, None), False, "2:3",
         f"date: expected today ({datetime.date.today().isoformat()}) or earlier, got "
         "2999-01-01 (in the future)"),
        ("note", "a\x1bb", slice(2, 3), False, "3:14",
         "note: expected a note of one line of plain text, got a control character (U+001B)"),
        ("note", "x" * 501, slice(2, 3), False, "3:14",
         "note: expected a note of at most 500 characters, got 501"),
        ("amount", "3601", slice(5, 6), False, "6:10",
         "amount: expected 0 to 3600 reps in one set, got 3601"),
        # With the program, the exercise's own bound, as `log` applies it.
        ("amount", "12", slice(5, 6), True, "6:10",
         "amount: expected 0 to 11 reps in one set (twice the top of its range, 3, plus 5), "
         "got 12"),
    ],
    ids=["year-1", "future", "control", "long-note", "3601", "program-bound"],
)  # fmt: skip
def test_log_import_keeps_to_the_same_bounds(
    tmp_path: Path, column: str, value: str, rows: slice, program: bool, where: str,
    message: str,
) -> None:  # fmt: skip
    source, copy, exported = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "log.csv"
    assert run("log", str(SHORT), "--db", str(source), "--date", "2025-01-02",
               "--as-prescribed")[0] == 0  # fmt: skip
    assert run("log-export", str(exported), "--db", str(source))[0] == 0
    with exported.open(newline="") as file:
        lines = list(csv.reader(file))
    assert [line[6] for line in lines[1:]] == ["Split Squat"] * 4 + ["Floor Press", "Plank"]
    for line in lines[rows]:  # a date is the session's: every row of it
        line[lines[0].index(column)] = value
    with exported.open("w", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(lines)
    with_program = ["--program", str(SHORT)] if program else []
    code, out = run("log-import", str(exported), "--db", str(copy), *with_program)
    assert (code, out) == (2, f"error: {exported}:{where}: {message}\n")
    assert not sessions_in(copy) and not copy.exists()
    if program:  # without the program, only MAX_AMOUNT: the same file goes in
        code, out = run("log-import", str(exported), "--db", str(copy))
        assert (code, sessions_in(copy)) == (0, 1), out


def sessions_in(db: Path) -> int:
    if not db.exists():
        return 0
    with LogStore(db) as store:
        return len(store.sessions())


def test_log_with_nothing_to_read_says_how_and_writes_nothing(tmp_path: Path) -> None:
    """`voicecoach log < /dev/null` (a script, a cron job): one line on how to log without
    a terminal, exit 2, and no database file (it used to print "Aborted!" and make one)."""
    db = tmp_path / "log.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "log", str(SHORT), "--db", str(db)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: nothing to read the answers from, so nothing was logged: give what was done "
        'with --set "EXERCISE=REPS[@WEIGHT]", or --as-prescribed, or --missed'
    )
    assert "Aborted" not in result.stderr and not db.exists()


def test_targets_say_per_side_and_alternating_as_the_plan_does() -> None:
    """The form's and the prompt's target for an alternating exercise: "reps/side alt.",
    as the plan's table says it (it was "3 × 6 reps" for the Renegade Row)."""
    from voicecoach.compiler import prescribe_week, shown_amount
    from voicecoach.log import next_session
    from voicecoach.log.next_session import target_text
    from voicecoach.program import load_program

    program = load_program(str(SHIPPED))
    upcoming = next_session(program, [])
    week = prescribe_week(program, 1)
    sides = {ex.sides for ex in program.exercises}
    assert {"each", "alternating", "none"} <= sides
    for exercise, prescription in zip(program.exercises, week.prescriptions):
        label = target_text(exercise, upcoming)
        amount = label.split(" × ", 1)[1].split(" @ ")[0]
        assert amount.replace(" s", "s hold") == shown_amount(exercise, prescription), label


def test_log_asked_writes_nothing_when_the_answer_is_no(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    code, out = run("log", str(SHORT), "--db", str(db), input="\n5\n\nn\n")
    assert code == 0, out
    assert "  Floor Press: 5\n" in out and out.rstrip().endswith("Nothing was logged.")
    assert not db.exists()


def test_history_reads_at_a_glance_and_keeps_skips_misses_and_notes(tmp_path: Path) -> None:
    db = str(tmp_path / "log.sqlite3")
    for args in (
        ["--date", "2026-11-01", "--as-prescribed"],
        ["--date", "2026-11-03", "--set", "Floor Press=3@10kg; felt easy", "--set", "Plank=skip"],
        ["--date", "2026-11-05", "--missed"],
        ["--date", "2026-11-07", "--set", "Floor Press=4@12kg", "--set", "Split Squat=3/3,2/3"],
    ):
        assert run("log", str(SHORT), "--db", db, *args)[0] == 0
    code, out = run("history", str(SHORT), "--db", db)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[:5] == [
        "Log Short: 3 sessions done, 1 missed, 2026-11-01 to 2026-11-07",
        "",
        "Split Squat: 2 reps/side over 3 sessions; last: 3/3, 2/3",
        "Floor Press: 2 → 4 reps at 12 kg over 3 sessions; last: 4",
        "Plank: 5 s over 2 sessions; last: 5s",
    ]
    assert "2  2026-11-03  1 × 3        10 kg       30  felt easy" in lines
    assert "2  2026-11-03  skipped" in lines
    assert lines.count("3  2026-11-05  missed") == 3  # in every exercise's table


def test_log_export_replaces_an_earlier_export_but_never_another_file(tmp_path: Path) -> None:
    """`log-export PROGRAM.yaml` (the program given where the file goes) once wiped the
    program: a file that is not an earlier export is refused, one line, exit 2."""
    db, exported = tmp_path / "log.sqlite3", tmp_path / "log.csv"
    program = tmp_path / "program.yaml"
    shutil.copy(SHORT, program)
    assert run("log", str(SHORT), "--db", str(db), "--as-prescribed")[0] == 0
    assert run("log-export", str(exported), "--db", str(db))[0] == 0
    first = exported.read_text()
    assert run("log", str(SHORT), "--db", str(db), "--as-prescribed")[0] == 0
    assert run("log-export", str(exported), "--db", str(db)) == (
        0, f"Exported 2 sessions to {exported}\n"
    )  # fmt: skip
    assert exported.read_text() != first  # an earlier export is replaced
    code, out = run("log-export", str(program), "--db", str(db))
    assert code == 2 and out.startswith(f"error: {program} exists and is not a training-log")
    assert len(out.splitlines()) == 1
    assert program.read_bytes() == SHORT.read_bytes()
