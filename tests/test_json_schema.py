"""docs/program.schema.json: generated from the declaration, checked by a real validator
(jsonschema), and agreeing with `validate` on the structural errors of the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import CASES, PROGRAMS, ROOT
from test_errors import CATALOGUE
from voicecoach.cli import cli
from voicecoach.errors import ProgramError
from voicecoach.program import SCHEMA_FILE, parse_program, program_json_schema

DOCS_SCHEMA = ROOT / "docs" / "program.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(program_json_schema())
# The catalogue's cases whose error is one of structure (types, unknown or missing keys,
# ranges of numbers, list lengths, patterns): the schema rejects them too. The others
# (YAML syntax, duplicate keys, aliases, a backwards range, limits of durations written as
# text) are only `validate`'s to find.
STRUCTURAL = [
    "wrong type",
    "zero",
    "negative",
    "twelve",
    "unknown unit",
    "missing unit",
    "empty exercises",
    "empty phases",
    "missing name",
    "unknown key",
    "two prescriptions",
    "bad side mode",
    "list at top",
    "a million sets",
    "long name",
    "unknown language",
    "unknown words key",
    "unknown plural form",
    "pronounce not a mapping",
]


def test_schema_command_prints_the_shipped_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.output == DOCS_SCHEMA.read_text(encoding="utf-8")
    assert result.output == SCHEMA_FILE.read_text(encoding="utf-8")


def test_the_schema_is_draft_2020_12() -> None:
    schema = json.loads(DOCS_SCHEMA.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    exercise = schema["$defs"]["exercise"]["properties"]
    assert exercise["sets"] == {
        "description": "How many sets.",
        "type": "integer",
        "minimum": 1,
        "maximum": 20,
    }
    assert exercise["sides"]["enum"] == ["none", "each", "alternating"]
    assert schema["properties"]["setup"]["default"] == "10s"


PROGRAM_FILES = sorted([*PROGRAMS.glob("*.yaml"), *CASES.glob("*.yaml")])


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=lambda p: p.name)
def test_the_schema_accepts_every_valid_program(path: Path) -> None:
    VALIDATOR.validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", sorted(PROGRAMS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_programs_name_the_schema(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/program.schema.json"
    assert (path.parent / "../docs/program.schema.json").resolve() == DOCS_SCHEMA.resolve()


CASES_BY_NAME = {name: text for name, text, _ in CATALOGUE}


@pytest.mark.parametrize("name", STRUCTURAL)
def test_schema_and_validate_agree_on_reject(name: str) -> None:
    text = CASES_BY_NAME[name]
    with pytest.raises(ProgramError):
        parse_program(text, "bad.yaml")
    assert not VALIDATOR.is_valid(yaml.safe_load(text)), name


@pytest.mark.parametrize(
    "replace",
    [
        ("sets: 2", "sets: 3"),
        ("reps: 3-5", "reps: 8 to 12"),
        ("rest: 12s", "rest: 1.5 min"),
        ("rest: 12s", "rest: none"),
        ("reps: 3-5", "reps: 12"),
    ],
)
def test_schema_and_validate_agree_on_accept(replace: tuple[str, str]) -> None:
    text = CASES_BY_NAME["wrong type"].replace("sets: two", "sets: 2").replace(*replace)
    parse_program(text, "ok.yaml")
    VALIDATOR.validate(yaml.safe_load(text))


def test_check_jsonschema_on_the_command_line() -> None:
    """The validator editors' users run (ECMA-262 patterns, as a language server reads them)."""
    import subprocess
    import sys

    files = [str(p) for p in PROGRAM_FILES]
    command = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(DOCS_SCHEMA)]
    done = subprocess.run([*command, *files], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "ok -- validation done"), done.stderr
