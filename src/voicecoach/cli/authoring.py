"""Writing a program: ``import`` (from a table), ``new`` (by questions), ``schema`` (for
editors)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import click

from voicecoach.errors import ImportInputError, OutputError, ProgramError
from voicecoach.importer import (
    Answers,
    CellError,
    NewExercise,
    Step,
    import_program,
    parse_columns,
    read_amount,
    read_rest,
    read_step_time,
    read_tempo_answer,
    write_new_program,
)
from voicecoach.program import SCHEMA_FILE, parse_program, program_json_schema_text
from voicecoach.report import summarize_program

T = TypeVar("T")


def read_source(path: str) -> str:
    """The text of a document to import: UTF-8 (with or without a BOM), never binary."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise ImportInputError(f"{path}: is a folder; expected a document or a CSV") from None
    except OSError as exc:
        raise ImportInputError(f"{path}: cannot read: {exc.strerror}") from None
    if b"\x00" in data:
        raise ImportInputError(f"{path}: contains binary data (a NUL byte); expected text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")  # a spreadsheet's "CSV (Windows)" export
        except UnicodeDecodeError:
            raise ImportInputError(
                f"{path}: is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
            ) from None


def schema_ref_for(output: str | None, given: str | None) -> str:
    """The ``$schema`` an imported program names: ``--schema-ref``, else the schema that
    ships with voicecoach, relative to the output file (absolute on stdout)."""
    if given is not None:
        return given
    if output is None:
        return SCHEMA_FILE.as_uri()
    try:
        return os.path.relpath(SCHEMA_FILE, Path(output).resolve().parent)
    except ValueError:  # another drive (Windows)
        return SCHEMA_FILE.as_uri()


@click.command(name="import")
@click.argument("source", type=click.Path(dir_okay=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the program here.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option(
    "--columns",
    default="",
    help='Name unusual columns: "exercise=Movement,reps=Prescription,rest=Pause".',
)
@click.option(
    "--format",
    "kind",
    type=click.Choice(["markdown", "csv", "tsv"]),
    default=None,
    help="How to read SOURCE [default: by its extension; .csv, .tsv, else markdown].",
)
@click.option("--schema-ref", default=None, help="The $schema the program names for editors.")
def import_(
    source: str,
    output: str | None,
    force: bool,
    columns: str,
    kind: str | None,
    schema_ref: str | None,
) -> None:
    """Turn a program table (Markdown, text, CSV or TSV) into a program file.

    Every value it could not read is listed here and marked in the file with a
    `# TODO(import): ...` comment; then the exit code is 3.

    \b
    Examples:
      voicecoach import my-program.md -o programs/my-program.yaml
      voicecoach import sheet.csv --columns "exercise=Movement,reps=Prescription"
    """
    if output is not None and Path(output).exists() and not force:
        raise ImportInputError(f"{output}: exists; pass --force to overwrite it")
    imported = import_program(
        read_source(source),
        file=source,
        kind=kind,
        columns=parse_columns(columns),
        schema_ref=schema_ref_for(output, schema_ref),
    )
    if output is None:
        click.echo(imported.yaml, nl=False)
    else:
        try:
            Path(output).write_text(imported.yaml, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{output}: cannot write: {exc.strerror}") from None
    for todo in imported.todos:
        where = f"{source}:{todo.line}" if todo.line else source
        click.echo(f"{where}: {todo.where + ': ' if todo.where else ''}{todo.message}", err=True)
    if imported.todos:
        count = len(imported.todos)
        click.echo(f"imported with {count} thing{'s' if count != 1 else ''} to check", err=True)
        raise click.exceptions.Exit(3)


@click.command()
def schema() -> None:
    """Print the program format as a JSON Schema (draft 2020-12), for editors.

    The same as docs/program.schema.json; see docs/program-format.md, "In your editor".
    """
    click.echo(program_json_schema_text(), nl=False)


def _checked(read: Callable[[str], T]) -> Callable[[str], T]:
    """A prompt's value_proc: the reader's CellError becomes click's "Error: ..." and a retry."""

    def proc(text: str) -> T:
        try:
            return read(text)
        except CellError as exc:
            raise click.BadParameter(str(exc)) from None

    return proc


def ask_answers() -> Answers:
    """The interview: the program, then exercise by exercise until an empty name."""
    answers = Answers(title=click.prompt("Title", default="My Program"))
    answers.sessions_per_week = click.prompt(
        "Sessions per week", default=3, type=click.IntRange(1, 14)
    )
    answers.tempo = click.prompt(
        "Tempo in seconds: lowering-bottom-lifting-top",
        default="2-0-2-0",
        value_proc=_checked(read_tempo_answer),
    )
    answers.start = click.prompt(
        "A rep starts by", default="lower", type=click.Choice(["lower", "lift"])
    )
    answers.foundation_weeks = click.prompt(
        "Foundation weeks (form first)", default=2, type=click.IntRange(0, 52)
    )
    answers.phase = click.prompt("Phase name", default="Session")
    while True:
        number = len(answers.exercises) + 1
        name = click.prompt(
            f"Exercise {number} name (empty to finish)", default="", show_default=False
        ).strip()
        if not name:
            if answers.exercises:
                return answers
            click.echo("A program needs at least one exercise.")
            continue
        sets = click.prompt("  Sets", default=3, type=click.IntRange(1, 20))
        amount = click.prompt(
            "  Reps or hold (8-12, 30s hold, 8-10 cycles)",
            value_proc=_checked(read_amount),
        )
        sides = click.prompt(
            "  Sides",
            default="none",
            type=click.Choice(
                ["none", "each"] + (["alternating"] if amount.kind == "reps" else [])
            ),
        )
        amount = replace(amount, sides=sides if sides != "none" else amount.sides)
        rest = click.prompt("  Rest after each set", default="60s", value_proc=_checked(read_rest))
        steps: list[Step] = []
        while amount.kind == "cycles" and len(steps) < 8:
            say = click.prompt(
                f"  Cycle step {len(steps) + 1} says (empty to finish)",
                default="",
                show_default=False,
            ).strip()
            if not say:
                if steps:
                    break
                click.echo("  A cycle needs at least one step.")
                continue
            time = click.prompt("  Step lasts", default="4s", value_proc=_checked(read_step_time))
            steps.append(Step(say, time))
        exercise = NewExercise(name, sets, amount, rest, tuple(steps))
        trial = replace(answers, exercises=[*answers.exercises, exercise])
        try:  # the format's own limits (a 2 s rest, 500 reps), said now, not at the end
            parse_program(write_new_program(trial, schema_ref=""), "new")
        except ProgramError as exc:
            click.echo(f"  Not valid: {exc.message}; once more.")
            continue
        answers.exercises.append(exercise)


@click.command()
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--schema-ref", default=None, help="The $schema the program names for editors.")
def new(output: str, force: bool, schema_ref: str | None) -> None:
    """Write a new program by answering a few questions.

    \b
    Example:
      voicecoach new programs/mine.yaml
    """
    if Path(output).exists() and not force:
        raise ImportInputError(f"{output}: exists; pass --force to overwrite it")
    text = write_new_program(ask_answers(), schema_ref=schema_ref_for(output, schema_ref))
    program = parse_program(text, output)  # what it writes, validate accepts
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror}") from None
    click.echo(f"Wrote {summarize_program(program)}")


COMMANDS = [import_, new, schema]
