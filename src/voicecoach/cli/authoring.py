"""Writing a program: ``import`` (from a table), ``schema`` (for editors), ``new``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from voicecoach.errors import ImportInputError, OutputError
from voicecoach.importer import import_program, parse_columns
from voicecoach.program import SCHEMA_FILE, program_json_schema_text


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


COMMANDS = [import_, schema]
