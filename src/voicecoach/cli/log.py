"""The training log: ``log`` a session, its ``history``, and ``log-export`` / ``log-import``."""

from __future__ import annotations

from pathlib import Path

import click

from voicecoach.cli.options import db_option
from voicecoach.log import (
    LogStore,
    ask_answers,
    export_csv,
    history_table,
    import_csv,
    next_in_log,
    parse_date,
    plot_history,
    record_session,
    require_writable,
    resolve_db_path,
    split_set_option,
    summarize_answers,
)
from voicecoach.program import load_program


@click.command("log")
@click.argument("program", type=click.Path(dir_okay=True))
@click.option(
    "--date", "date_text", metavar="YYYY-MM-DD", help="When it was done [default: today]."
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar='"EXERCISE=REPS[@WEIGHT]"',
    help='What was done, e.g. "Bulgarian Split Squat=10,10,9@12kg"; repeatable. '
    "Exercises not given were done as prescribed.",
)
@click.option("--as-prescribed", is_flag=True, help="Every exercise done as prescribed.")
@click.option("--missed", is_flag=True, help="The session did not happen: repeat its targets.")
@db_option
def log_command(
    program: str,
    date_text: str | None,
    sets: tuple[str, ...],
    as_prescribed: bool,
    missed: bool,
    db: str | None,
) -> None:
    """Log a session you trained: asked exercise by exercise, or given with --set.

    Without --set (or --as-prescribed, --missed) it asks for each exercise, offering the
    session's targets: press Enter for "done as prescribed", or type what you did:
    10,10,9 (reps per set)  10/10,10/9 (left/right)  30s,25s (holds)  @14kg (weight)
    skip (not done)  10,10,9@12kg; note.

    \b
    Examples:
      voicecoach log programs/alleviating-back-pain.yaml
      voicecoach log programs/alleviating-back-pain.yaml --date 2026-11-20 \\
          --set "Bulgarian Split Squat=10,10,9@12kg" --set "Russian Twist=12,12,12"
      voicecoach log programs/alleviating-back-pain.yaml --missed
    """
    loaded = load_program(program)
    date = parse_date(date_text)
    answers = [split_set_option(text) for text in sets]
    path = resolve_db_path(db)
    require_writable(path)  # a read-only log is said before anything is asked
    if not (answers or as_prescribed or missed):
        with LogStore(path, readonly=True) as reading:  # asking writes nothing
            upcoming = next_in_log(reading, loaded)
        try:
            answers = ask_answers(
                loaded,
                upcoming,
                ask=lambda label: click.prompt(label, default="", show_default=False),
                tell=lambda line: click.echo(line, err=True),
                date=date,
            )
            click.echo("\n".join(["To log:", *summarize_answers(loaded, upcoming, answers)]))
            if not click.confirm("Log it?", default=True):
                click.echo("Nothing was logged.")
                return
        except click.Abort:  # end of input: no terminal (a script, a pipe, < /dev/null)
            raise click.UsageError(
                "nothing to read the answers from, so nothing was logged: give what was "
                'done with --set "EXERCISE=REPS[@WEIGHT]", or --as-prescribed, or --missed'
            ) from None
    with LogStore(path) as store:
        record = record_session(store, loaded, answers, date=date, missed=missed)
    what = "missed" if missed else f"{len({s.exercise for s in record.sets})} exercises"
    click.echo(
        f"Logged session {record.number} of {loaded.title!r} on {record.date.isoformat()} "
        f"({what}) in {store.path}"
    )


@click.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option(
    "--plot", type=click.Path(dir_okay=False), help="Also draw reps and weight over time (PNG)."
)
@db_option
def history(program: str, plot: str | None, db: str | None) -> None:
    """Show every logged session: a table per exercise (date, sets x reps, weight, volume).

    \b
    Examples:
      voicecoach history programs/alleviating-back-pain.yaml
      voicecoach history programs/alleviating-back-pain.yaml --plot progress.png
    """
    loaded = load_program(program)
    with LogStore(resolve_db_path(db), readonly=True) as store:
        sessions = store.sessions(loaded.title)
    click.echo(history_table(loaded, sessions))
    if plot:
        click.echo(f"Drew {plot_history(loaded, sessions, Path(plot))}")


@click.command("log-export")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def log_export(file: str, db: str | None) -> None:
    """Write the whole training log to a CSV file (one row per set).

    \b
    Example:
      voicecoach log-export training-log.csv
    """
    with LogStore(resolve_db_path(db), readonly=True) as store:
        count = export_csv(store.sessions(), Path(file))
    click.echo(f"Exported {count} sessions to {file}")


@click.command("log-import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--program",
    type=click.Path(dir_okay=True),
    help="Also check the rows against this program (names, sides, weights, amounts).",
)
@db_option
def log_import(file: str, program: str | None, db: str | None) -> None:
    """Add the sessions of a CSV export to the training log (already there: skipped).

    The whole file is checked first, with the rules of `log`; a wrong row is one line
    (FILE:ROW:COLUMN) and nothing is written.

    \b
    Examples:
      voicecoach log-import training-log.csv --db ~/new-log.sqlite3
      voicecoach log-import training-log.csv --program programs/alleviating-back-pain.yaml
    """
    loaded = load_program(program) if program else None
    added, skipped = import_csv(Path(file), resolve_db_path(db), loaded)
    click.echo(
        f"Imported {added} sessions from {file}"
        + (f" ({skipped} already there)" if skipped else "")
    )


COMMANDS = [log_command, history, log_export, log_import]
