"""The plan command: the table and the JSON timeline."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import SHIPPED
from voicecoach.cli import cli


def test_plan_week_1_is_a_table_of_every_exercise() -> None:
    result = CliRunner().invoke(cli, ["plan", str(SHIPPED), "--week", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Alleviating Back Pain — week 1 (foundation)")
    rows = [line for line in lines if line[:2].strip().isdigit()]
    assert len(rows) == 14
    assert "Bulgarian Split Squat" in rows[4] and "8 reps/side" in rows[4] and "90s" in rows[4]
    assert lines[-3].startswith("Total: ")
    assert lines[-1].startswith("Speech: ")  # measured by the engine, or how many estimated


def test_plan_json_has_the_documented_fields() -> None:
    result = CliRunner().invoke(cli, ["plan", str(SHIPPED), "--week", "3", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["program"] == "Alleviating Back Pain" and data["week"] == 3
    assert isinstance(data["duration_ms"], int) and data["duration_ms"] > 60 * 60_000
    assert set(data["segments"][0]) == {
        "start_ms",
        "end_ms",
        "activity",
        "phase",
        "exercise",
        "set",
        "side",
        "rep",
    }
    kinds = {cue["kind"] for cue in data["cues"]}
    assert kinds == {"speech", "tone"}
    speech = next(c for c in data["cues"] if c["kind"] == "speech")
    tone = next(c for c in data["cues"] if c["kind"] == "tone")
    assert set(speech) == {"start_ms", "end_ms", "kind", "text"}
    assert set(tone) == {"start_ms", "end_ms", "kind", "tone", "hz"}
    assert [c["start_ms"] for c in data["chapters"]] == sorted(
        c["start_ms"] for c in data["chapters"]
    )
    assert data["segments"][-1]["end_ms"] == data["duration_ms"]


def test_validate_prints_a_summary_line() -> None:
    result = CliRunner().invoke(cli, ["validate", str(SHIPPED)])
    assert result.exit_code == 0
    assert result.output.strip().endswith(
        "ok — 'Alleviating Back Pain', 4 phases, 14 exercises, 3 sessions a week, "
        "foundation weeks 1-2"
    )


def test_two_exercises_with_one_name_keep_their_own_rows(tmp_path) -> None:
    """Rows are matched to chapters by the exercise's index, never by its title."""
    program = tmp_path / "twice.yaml"
    program.write_text(
        "title: Twice\n"
        "progression: {foundation: {weeks: 1, focus: Form.}, build: {focus: More.}}\n"
        "phases:\n"
        "  - name: One\n"
        "    exercises:\n"
        "      - {name: Squat, sets: 1, reps: 2, rest: none}\n"
        "      - {name: Squat, sets: 3, reps: 5, rest: none}\n"
    )
    result = CliRunner().invoke(cli, ["plan", str(program)])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines() if line[:2].strip().isdigit()]
    assert [(row[0], row[1], row[2]) for row in rows] == [("1", "Squat", "1"), ("2", "Squat", "3")]
    starts = [row[-2] for row in rows]
    lengths = [row[-1] for row in rows]
    assert starts[0] != starts[1] and lengths[0] != lengths[1]
