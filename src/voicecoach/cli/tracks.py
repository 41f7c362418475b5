"""A program's sessions: ``validate``, ``plan``, ``build``; and ``voices``, ``tones``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from voicecoach.cli.options import (
    WEEK,
    Bars,
    clean_folder,
    db_option,
    only_option,
    parse_weeks,
    plan_options,
    quiet_option,
    render_options,
)
from voicecoach.compiler import PALETTE, check_every_week, clock, counted, prescribe_week
from voicecoach.errors import VoicecoachError
from voicecoach.log import LogStore, describe_next, next_in_log, resolve_db_path
from voicecoach.naming import playlist_file_name, preview_file_name, session_file_name
from voicecoach.program import Program, load_program
from voicecoach.render import (
    ENGINES,
    BuildResult,
    EngineSpec,
    RenderSettings,
    VoiceInfo,
    build_week,
    build_weeks,
    language_tag,
    list_voices,
    matches_language,
    plan_timeline,
    transcript_vtt,
    write_previews,
)
from voicecoach.report import format_plan, summarize_program


@click.command()
@click.argument("program", type=click.Path(dir_okay=True))
def validate(program: str) -> None:
    """Check a program file; print a one-line summary or the first error.

    \b
    Example:
      voicecoach validate programs/alleviating-back-pain.yaml
    """
    loaded = load_program(program)
    check_every_week(loaded)  # a week over the length limit whatever the voice: refused
    click.echo(summarize_program(loaded))


@click.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option("--week", "-w", type=WEEK, default=None, help="Progression week [default: 1].")
@click.option("--next", "from_log", is_flag=True, help="The next session, from the training log.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole timeline as JSON.")
@click.option(
    "--vtt", "as_vtt", is_flag=True, help="Print the transcript (WebVTT) the track will carry."
)
@only_option("Compile just this exercise (name or number); repeatable.")
@plan_options
@db_option
def plan(
    program: str,
    week: int | None,
    from_log: bool,
    as_json: bool,
    as_vtt: bool,
    settings: RenderSettings,
    db: str | None,
) -> None:
    """Show a week's session: exercises, sets, reps, rests, start times, length.

    Speech lengths come from the chosen engine's clip cache: after `build`, the plan is
    exactly the built track's timeline (its .timeline.json). Phrases never spoken yet are
    estimated, and the table says how many and by how much the total may move.

    \b
    Examples:
      voicecoach plan programs/alleviating-back-pain.yaml --week 3
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --json > week3.json
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --vtt
      voicecoach plan programs/alleviating-back-pain.yaml --only "Russian Twist"
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --talk brief
      voicecoach plan programs/alleviating-back-pain.yaml --next
    """
    if week is not None and from_log:
        raise click.UsageError("give --week or --next, not both")
    if as_json and as_vtt:
        raise click.UsageError("give --json or --vtt, not both")
    loaded = load_program(program)
    upcoming = None
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = next_in_log(store, loaded)
    prescribed = upcoming.week if upcoming else prescribe_week(loaded, week or 1)
    result = plan_timeline(loaded, prescribed, settings)
    if as_json:
        click.echo(result.timeline.to_json())
        return
    if as_vtt:
        click.echo(transcript_vtt(result.timeline), nl=False)
        return
    click.echo(format_plan(loaded, prescribed, result.timeline) + "\n\n" + result.note())
    if upcoming:
        click.echo("\n" + describe_next(loaded, upcoming))


@click.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option(
    "--week", "-w", type=WEEK, default=None, help="Progression week to build [default: 1]."
)
@click.option(
    "--weeks", "weeks_text", metavar="RANGE", help="Build several weeks, e.g. 1-12 or 1,3,5."
)
@click.option(
    "--next", "from_log", is_flag=True, help="Build the next session, from the training log."
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
@only_option("Build just this exercise; repeatable.")
@render_options
@quiet_option
@db_option
def build(
    program: str,
    week: int | None,
    weeks_text: str | None,
    from_log: bool,
    output: str | None,
    out_dir: str,
    settings: RenderSettings,
    quiet: bool,
    db: str | None,
) -> None:
    """Render a week's session to one MP3: speech, tones, chapters, tags.

    \b
    Examples:
      voicecoach build programs/alleviating-back-pain.yaml --week 1
      voicecoach build programs/alleviating-back-pain.yaml --week 3 -o week3.mp3
      voicecoach build programs/alleviating-back-pain.yaml --weeks 1-12 --out-dir tracks/
      voicecoach build programs/alleviating-back-pain.yaml --week 2 --split
      voicecoach build programs/alleviating-back-pain.yaml --only "Russian Twist"
      voicecoach build programs/alleviating-back-pain.yaml --week 5 --talk brief --counts tones
      voicecoach build programs/alleviating-back-pain.yaml --next
      voicecoach build programs/alleviating-back-pain.yaml --voice-model en_GB-alan-medium.onnx
      voicecoach build programs/alleviating-back-pain.yaml --engine pyttsx3 --rate 180
      voicecoach build programs/back-mobility-basics.yaml --engine command \\
          --command "espeak-ng -v en-us -w {output} -f {text_file}"
      voicecoach build programs/alleviating-back-pain.yaml --week 3 --music ~/Music/gym/
      voicecoach build programs/alleviating-back-pain.yaml --music a.mp3 --music b.flac \\
          --shuffle 7 --music-level 15 --duck 12
    """
    if sum((week is not None, bool(weeks_text), from_log)) > 1:
        raise click.UsageError("give one of --week, --weeks and --next")
    if weeks_text and output:
        raise click.UsageError("--output names one file; with --weeks use --out-dir")
    loaded = load_program(program)
    bars = Bars(quiet)
    if weeks_text:
        _build_weeks(loaded, parse_weeks(weeks_text), Path(out_dir), settings, bars)
        return
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = next_in_log(store, loaded)
        path = Path(output or Path(out_dir) / session_file_name(loaded.title, upcoming.number))
        clean_folder(path.parent)
        click.echo(describe_result(build_week(loaded, upcoming.week, path, settings, bars)))
        click.echo(describe_next(loaded, upcoming))
        return
    number = week or 1
    name = preview_file_name(loaded.title, number, settings.options.only)
    path = Path(output) if output else Path(out_dir) / name
    clean_folder(path.parent)
    click.echo(describe_result(build_week(loaded, number, path, settings, bars)))


def _build_weeks(
    program: Program, weeks: list[int], folder: Path, settings: RenderSettings, bars: Bars
) -> None:
    started = time.monotonic()
    clean_folder(folder)
    on_done = lambda result: click.echo(describe_result(result))  # noqa: E731
    results = build_weeks(program, weeks, folder, settings, bars, on_done)
    total = sum(r.timeline.duration_ms for r in results)
    click.echo(
        f"Built {counted(len(results), 'week')} ({clock(total)} of audio) and "
        f"{folder / playlist_file_name(program.title)} "
        f"in {time.monotonic() - started:.1f} s"
    )


def describe_result(result: BuildResult) -> str:
    if result.reused:
        return f"Kept {result.path}: unchanged since it was rendered"
    minutes = clock(result.timeline.duration_ms)
    size = result.size_bytes / 1_000_000
    new = (
        f", {counted(result.synthesized, 'new phrase')}"
        if result.synthesized
        else ", all speech from cache"
    )
    if result.repaired:  # clips damaged or made for another phrase: said again, and said so
        new += f" ({counted(result.repaired, 'damaged clip')} in the cache made again)"
    return f"Wrote {result.path}: {minutes} long, {size:.1f} MB, in {result.seconds:.1f} s{new}"


@click.command()
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
@click.option(
    "--language",
    metavar="CODE",
    help="Only voices that speak this language: de lists de, de-DE, de_AT; en-US lists "
    "en-us, en_US but not en-GB.",
)
@click.option(
    "--filter", "needle", help="Only voices whose id or name contains this text (any case)."
)
def voices(
    engine: str | None, voice_model: str | None, language: str | None, needle: str | None
) -> None:
    """List the voices each speech engine offers (use one with build --voice, or
    --voice-model for Piper), with the languages each speaks.

    --language matches language codes (the same way build picks a voice for a language);
    --filter is plain text on the id and name (--filter en also finds French).

    \b
    Examples:
      voicecoach voices
      voicecoach voices --engine piper
      voicecoach voices --engine espeak --language de
      voicecoach voices --language en-US
      voicecoach voices --engine espeak --filter scotland
    """
    if language is not None:
        language_tag(language)  # a code that is not one: one line, before any engine runs
    names = [engine] if engine else [name for name in ENGINES if name != "command"]
    for name in names:
        model = voice_model if name == "piper" else None
        try:
            rows = list_voices(EngineSpec(engine=name, voice_model=model))
        except VoicecoachError as exc:
            if engine:
                raise
            click.echo(f"{name}: not available here ({exc})")
            continue
        if language:
            rows = [row for row in rows if matches_language(row, language)]
        if needle:
            rows = [row for row in rows if needle.casefold() in f"{row.id} {row.name}".casefold()]
        click.echo(f"{name}: {len(rows)} voice{'s' if len(rows) != 1 else ''}")
        for row in rows:
            click.echo("  " + _voice_line(row))


def _voice_line(voice: VoiceInfo) -> str:
    languages = f"  ({', '.join(voice.languages)})" if voice.languages else ""
    details = f"  {voice.details}" if voice.details else ""
    if voice.name != voice.id:
        return f"{voice.id}  {voice.name}{languages}{details}"
    return f"{voice.id}{languages}{details}"


@click.command()
@click.option(
    "--out-dir", type=click.Path(file_okay=False), default="audio_assets", show_default=True
)
def tones(out_dir: str) -> None:
    """Write a WAV preview of every marker tone, and list the palette.

    \b
    Example:
      voicecoach tones --out-dir audio_assets
    """
    for path, tone in zip(write_previews(out_dir), PALETTE.values()):
        click.echo(f"{path}  {tone.hz:>5} Hz {tone.duration_ms:>5} ms  {tone.meaning}")


COMMANDS = [validate, plan, build, voices, tones]
