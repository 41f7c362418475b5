"""The command line: options in, one library call, errors out as one line (exit 2)."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from voicecoach import __version__
from voicecoach.compiler import MAX_WEEK, PALETTE, CompileOptions
from voicecoach.errors import VoicecoachError
from voicecoach.naming import playlist_file_name, preview_file_name
from voicecoach.program import load_program
from voicecoach.render import (
    DEFAULT_BITRATE_KBPS,
    DEFAULT_ENGINE,
    DEFAULT_LOUDNESS,
    DEFAULT_TIMEOUT_S,
    ENGINES,
    BuildResult,
    EngineSpec,
    RenderSettings,
    VoiceInfo,
    build_week,
    build_weeks,
    default_cache_dir,
    list_voices,
    plan_timeline,
    write_previews,
)
from voicecoach.report import clock, format_plan, summarize_program

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


def speech_options(func: F) -> F:
    """The options that choose the voice, shared by build and plan (plan reads the clip
    cache of the engine they choose)."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(list(ENGINES)),
            default=None,
            help=f"Speech engine [default: the program's voice.engine, else {DEFAULT_ENGINE}].",
        ),
        click.option(
            "--command",
            "command_template",
            metavar="TEMPLATE",
            help='For --engine command: e.g. "espeak-ng -w {output} -f {text_file}" or '
            '"piper -m voice.onnx -f {output}" (text on stdin).',
        ),
        click.option("--voice", help="Voice id or name (see `voicecoach voices --engine ...`)."),
        click.option(
            "--voice-model",
            type=click.Path(dir_okay=False),
            help="For --engine piper: another Piper voice, PATH.onnx (its PATH.onnx.json beside "
            "it) [default: the bundled en_US-joe-medium].",
        ),
        click.option(
            "--rate",
            type=click.IntRange(80, 400),
            help="Speaking rate in words per minute [default: the voice's own].",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False),
            envvar="VOICECOACH_CACHE",
            help="Clip cache folder [default: ~/.cache/voicecoach/clips].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def speech_spec(
    engine: str | None,
    command_template: str | None,
    voice: str | None,
    voice_model: str | None,
    rate: int | None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> EngineSpec:
    return EngineSpec(
        engine=engine,
        voice=voice,
        model=voice_model,
        rate=rate,
        command=command_template,
        timeout_s=timeout_s,
    )


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option("--week", "-w", type=WEEK, default=1, show_default=True, help="Progression week.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole timeline as JSON.")
@click.option(
    "--only",
    multiple=True,
    metavar="EXERCISE",
    help="Compile just this exercise (name or number); repeatable.",
)
@click.option("--full-instructions", is_flag=True, help="Speak full instructions in every week.")
@speech_options
@user_errors
def plan(
    program: str,
    week: int,
    as_json: bool,
    only: tuple[str, ...],
    full_instructions: bool,
    engine: str | None,
    command_template: str | None,
    voice: str | None,
    voice_model: str | None,
    rate: int | None,
    cache_dir: str | None,
) -> None:
    """Show a week's session: exercises, sets, reps, rests, start times, length.

    Speech lengths come from the chosen engine's clip cache: after `build`, the plan is
    exactly the built track's timeline (its .timeline.json). Phrases never spoken yet are
    estimated, and the table says how many and by how much the total may move.

    \b
    Examples:
      voicecoach plan programs/alleviating-back-pain.yaml --week 3
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --json > week3.json
      voicecoach plan programs/alleviating-back-pain.yaml --only "Russian Twist"
      voicecoach plan programs/alleviating-back-pain.yaml --engine espeak --rate 180
    """
    loaded = load_program(program)
    settings = RenderSettings(
        speech=speech_spec(engine, command_template, voice, voice_model, rate),
        cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
        options=CompileOptions(only=only, full_instructions=full_instructions),
    )
    planned = plan_timeline(loaded, week, settings)
    if as_json:
        click.echo(planned.timeline.to_json())
    else:
        click.echo(format_plan(loaded, planned.timeline) + "\n\n" + planned.note())


def parse_weeks(text: str) -> list[int]:
    """``1-12``, ``3`` or ``1,3,5-6`` -> sorted week numbers."""
    weeks: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise click.BadParameter(f"expected weeks like 1-12 or 1,3,5, got {text!r}")
        first, last = int(low), int(high or low)
        if first > last:
            raise click.BadParameter(f"the range {part!r} is backwards; write {last}-{first}")
        if first < 1 or last > MAX_WEEK:
            raise click.BadParameter(f"weeks run from 1 to {MAX_WEEK}, got {part!r}")
        weeks.update(range(first, last + 1))
    return sorted(weeks)


class _Bars:
    """Progress bars on stderr, one per stage of a build."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    @contextlib.contextmanager
    def __call__(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        if self.quiet or total <= 0:
            yield lambda n: None
            return
        with click.progressbar(length=total, label=label.ljust(28), file=sys.stderr) as bar:
            yield bar.update


def _describe_result(result: BuildResult) -> str:
    minutes = clock(result.timeline.duration_ms)
    size = result.size_bytes / 1_000_000
    new = f", {result.synthesized} new phrases" if result.synthesized else ", all speech from cache"
    return f"Wrote {result.path}: {minutes} long, {size:.1f} MB, in {result.seconds:.1f} s{new}"


def _stop_on_sigterm() -> None:
    """SIGTERM stops a build like Ctrl-C: cleanly, leaving no partial file."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option(
    "--week", "-w", type=WEEK, default=None, help="Progression week to build [default: 1]."
)
@click.option(
    "--weeks", "weeks_text", metavar="RANGE", help="Build several weeks, e.g. 1-12 or 1,3,5."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="The MP3 to write (one week)."
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Folder for the MP3s (and the playlist with --weeks).",
)
@click.option(
    "--only", multiple=True, metavar="EXERCISE", help="Build just this exercise; repeatable."
)
@click.option("--full-instructions", is_flag=True, help="Speak full instructions in every week.")
@speech_options
@click.option(
    "--loudness",
    type=click.FloatRange(-40, -10),
    default=DEFAULT_LOUDNESS,
    show_default=True,
    help="Integrated loudness target, LUFS.",
)
@click.option(
    "--bitrate",
    type=click.Choice(["48", "64", "96", "128"]),
    default=str(DEFAULT_BITRATE_KBPS),
    show_default=True,
    help="MP3 bitrate, kbps (mono, 24 kHz, constant bitrate).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Speech synthesis processes.",
)
@click.option(
    "--speech-timeout",
    type=click.FloatRange(1, 600),
    default=30,
    show_default=True,
    help="Seconds one phrase may take before the engine is given up on.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@user_errors
def build(
    program: str,
    week: int | None,
    weeks_text: str | None,
    output: str | None,
    out_dir: str,
    only: tuple[str, ...],
    full_instructions: bool,
    engine: str | None,
    command_template: str | None,
    voice: str | None,
    voice_model: str | None,
    rate: int | None,
    cache_dir: str | None,
    loudness: float,
    bitrate: str,
    jobs: int,
    speech_timeout: float,
    quiet: bool,
) -> None:
    """Render a week's session to one MP3: speech, tones, chapters, tags.

    \b
    Examples:
      voicecoach build programs/alleviating-back-pain.yaml --week 1
      voicecoach build programs/alleviating-back-pain.yaml --week 3 -o week3.mp3
      voicecoach build programs/alleviating-back-pain.yaml --weeks 1-12 --out-dir tracks/
      voicecoach build programs/alleviating-back-pain.yaml --only "Russian Twist"
      voicecoach build programs/alleviating-back-pain.yaml --voice-model en_GB-alan-medium.onnx
      voicecoach build programs/alleviating-back-pain.yaml --engine pyttsx3 --rate 180
      voicecoach build programs/back-mobility-basics.yaml --engine command \\
          --command "espeak-ng -v en-us -w {output} -f {text_file}"
    """
    if week is not None and weeks_text:
        raise click.UsageError("give --week or --weeks, not both")
    if weeks_text and output:
        raise click.UsageError("--output names one file; with --weeks use --out-dir")
    _stop_on_sigterm()
    loaded = load_program(program)
    settings = RenderSettings(
        speech=speech_spec(
            engine, command_template, voice, voice_model, rate, timeout_s=speech_timeout
        ),
        loudness_lufs=loudness,
        bitrate_kbps=int(bitrate),
        cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
        jobs=jobs,
        options=CompileOptions(only=only, full_instructions=full_instructions),
    )
    bars = _Bars(quiet)
    started = time.monotonic()
    if weeks_text:
        weeks = parse_weeks(weeks_text)
        results = build_weeks(
            loaded,
            weeks,
            Path(out_dir),
            settings,
            bars,
            on_done=lambda r: click.echo(_describe_result(r)),
        )
        total = sum(r.timeline.duration_ms for r in results)
        click.echo(
            f"Built {len(results)} weeks ({clock(total)} of audio) and "
            f"{Path(out_dir) / playlist_file_name(loaded.title)} "
            f"in {time.monotonic() - started:.1f} s"
        )
        return
    number = week or 1
    path = Path(output) if output else Path(out_dir) / preview_file_name(loaded.title, number, only)
    result = build_week(loaded, number, path, settings, bars)
    click.echo(_describe_result(result))


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=None,
    help="Only this engine's voices [default: every engine that runs here].",
)
@click.option(
    "--voice-model",
    type=click.Path(dir_okay=False),
    help="For piper: describe this Piper voice (PATH.onnx) instead of the bundled one.",
)
@click.option("--filter", "needle", help="Only voices whose id, name or language contains this.")
@user_errors
def voices(engine: str | None, voice_model: str | None, needle: str | None) -> None:
    """List the voices each speech engine offers (use one with build --voice, or
    --voice-model for Piper).

    \b
    Examples:
      voicecoach voices
      voicecoach voices --engine piper
      voicecoach voices --engine espeak --filter en
    """
    names = [engine] if engine else [name for name in ENGINES if name != "command"]
    for name in names:
        try:
            rows = list_voices(
                EngineSpec(engine=name, model=voice_model if name == "piper" else None)
            )
        except VoicecoachError as exc:
            if engine:
                raise
            click.echo(f"{name}: not available here ({exc})")
            continue
        if needle:
            rows = [row for row in rows if needle.casefold() in _voice_line(row).casefold()]
        click.echo(f"{name}: {len(rows)} voice{'s' if len(rows) != 1 else ''}")
        for row in rows:
            click.echo("  " + _voice_line(row))


def _voice_line(voice: VoiceInfo) -> str:
    languages = f"  ({voice.languages})" if voice.languages else ""
    details = f"  {voice.details}" if voice.details else ""
    return (
        f"{voice.id}  {voice.name}{languages}{details}"
        if voice.name != voice.id
        else (f"{voice.id}{languages}{details}")
    )


@cli.command()
@click.option(
    "--out-dir", type=click.Path(file_okay=False), default="audio_assets", show_default=True
)
@user_errors
def tones(out_dir: str) -> None:
    """Write a WAV preview of every marker tone, and list the palette.

    \b
    Example:
      voicecoach tones --out-dir audio_assets
    """
    for path, tone in zip(write_previews(out_dir), PALETTE.values()):
        click.echo(f"{path}  {tone.hz:>5} Hz {tone.duration_ms:>5} ms  {tone.meaning}")


def main() -> None:
    cli(prog_name="voicecoach")
