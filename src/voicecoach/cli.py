"""The command line: options in, one library call, errors out as one line (exit 2)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from voicecoach import __version__
from voicecoach.compiler import CompileOptions, compile_program
from voicecoach.errors import VoicecoachError
from voicecoach.progression import MAX_WEEK
from voicecoach.report import format_plan, summarize_program
from voicecoach.schema import load_program

F = TypeVar("F", bound=Callable[..., Any])

WEEK = click.IntRange(1, MAX_WEEK)


def user_errors(func: F) -> F:
    """Turn a VoicecoachError into one line on stderr and exit code 2: never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VoicecoachError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="voicecoach")
def cli() -> None:
    """Turn a training program (YAML) into a voice-guided MP3 you train to, hands-free.

    \b
    Examples:
      voicecoach validate programs/alleviating-back-pain.yaml
      voicecoach plan programs/alleviating-back-pain.yaml --week 3
      voicecoach build programs/alleviating-back-pain.yaml --week 1
      voicecoach build programs/alleviating-back-pain.yaml --weeks 1-12 --out-dir out/
    """


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@user_errors
def validate(program: str) -> None:
    """Check a program file; print a one-line summary or the first error.

    \b
    Example:
      voicecoach validate programs/alleviating-back-pain.yaml
    """
    click.echo(summarize_program(load_program(program)))


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option("--week", "-w", type=WEEK, default=1, show_default=True, help="Progression week.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole timeline as JSON.")
@click.option(
    "--only", multiple=True, metavar="EXERCISE", help="Compile just this exercise (name or number); repeatable."
)
@click.option("--full-instructions", is_flag=True, help="Speak full instructions in every week.")
@user_errors
def plan(program: str, week: int, as_json: bool, only: tuple[str, ...], full_instructions: bool) -> None:
    """Show a week's session: exercises, sets, reps, rests, start times, length.

    Durations here use a speech-length estimate; `build` measures the real speech.

    \b
    Examples:
      voicecoach plan programs/alleviating-back-pain.yaml --week 3
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --json > week3.json
      voicecoach plan programs/alleviating-back-pain.yaml --only "Russian Twist"
    """
    loaded = load_program(program)
    options = CompileOptions(only=only, full_instructions=full_instructions)
    timeline = compile_program(loaded, week, options)
    click.echo(timeline.to_json() if as_json else format_plan(loaded, timeline))


def main() -> None:
    cli(prog_name="voicecoach")
