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
from voicecoach.compiler import (
    COUNT_STYLES,
    MAX_WEEK,
    PALETTE,
    TALK_LEVELS,
    CompileOptions,
    Counts,
    Talk,
    clock,
    counted,
    plan_week,
)
from voicecoach.errors import OutputError, VoicecoachError
from voicecoach.log import (
    LogStore,
    ask_answers,
    describe_next,
    export_csv,
    history_table,
    import_csv,
    parse_date,
    plan_next,
    plot_history,
    record_session,
    resolve_db_path,
    split_set_option,
)
from voicecoach.naming import playlist_file_name, preview_file_name, session_file_name
from voicecoach.program import load_program
from voicecoach.render import (
    DEFAULT_BITRATE_KBPS,
    DEFAULT_DUCK_DB,
    DEFAULT_ENGINE,
    DEFAULT_LOUDNESS,
    DEFAULT_MUSIC_LEVEL_LU,
    DEFAULT_TIMEOUT_S,
    ENGINES,
    BuildResult,
    EngineSpec,
    MusicSettings,
    RenderSettings,
    VoiceInfo,
    build_week,
    build_weeks,
    default_cache_dir,
    list_voices,
    plan_timeline,
    write_previews,
)
from voicecoach.report import format_plan, summarize_program

F = TypeVar("F", bound=Callable[..., Any])

WEEK = click.IntRange(1, MAX_WEEK)
DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="VOICECOACH_DB",
    help="Training log database [default: training-log.sqlite3 in the user data folder].",
)


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
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-4 --site site/
      voicecoach serve site/
    """


def talk_options_flags(func: F) -> F:
    """--talk, --full-instructions and --counts: how much the coach says (build, plan)."""
    options = [
        click.option(
            "--talk",
            type=click.Choice(TALK_LEVELS),
            default=None,
            help="How much the coach says: brief (names, amounts, countdowns, rests), normal "
            "(full instructions in the first weeks, the key cue after), full (every week) "
            "[default: the program's talk, else normal].",
        ),
        click.option(
            "--full-instructions",
            is_flag=True,
            help="The same as --talk full (kept for old scripts).",
        ),
        click.option(
            "--counts",
            type=click.Choice(COUNT_STYLES),
            default=None,
            help="How the tempo is marked: words (counted aloud) or tones (a tone on every "
            "second, only the rep spoken) [default: the program's counts, else words].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
@click.option("--week", "-w", type=WEEK, default=None, help="Progression week [default: 1].")
@click.option("--next", "from_log", is_flag=True, help="The next session, from the training log.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole timeline as JSON.")
@click.option(
    "--only",
    multiple=True,
    metavar="EXERCISE",
    help="Compile just this exercise (name or number); repeatable.",
)
@talk_options_flags
@DB_OPTION
@speech_options
@user_errors
def plan(
    program: str,
    week: int | None,
    from_log: bool,
    as_json: bool,
    only: tuple[str, ...],
    talk: Talk | None,
    full_instructions: bool,
    counts: Counts | None,
    db: str | None,
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
      voicecoach plan programs/alleviating-back-pain.yaml --week 3 --talk brief
      voicecoach plan programs/alleviating-back-pain.yaml --next
    """
    if week is not None and from_log:
        raise click.UsageError("give --week or --next, not both")
    loaded = load_program(program)
    options = talk_options(only, talk, full_instructions, counts)
    upcoming = None
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = plan_next(store, loaded)
    plan_of_week = upcoming.week if upcoming else plan_week(loaded, week or 1)
    settings = RenderSettings(
        speech=speech_spec(engine, command_template, voice, voice_model, rate),
        cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
        options=options,
    )
    planned = plan_timeline(loaded, plan_of_week, settings)
    if as_json:
        click.echo(planned.timeline.to_json())
        return
    click.echo(format_plan(loaded, plan_of_week, planned.timeline) + "\n\n" + planned.note())
    if upcoming:
        click.echo("\n" + describe_next(loaded, upcoming))


def talk_options(
    only: tuple[str, ...], talk: Talk | None, full_instructions: bool, counts: Counts | None
) -> CompileOptions:
    """--talk wins over its older spelling --full-instructions."""
    if talk is not None and full_instructions and talk != "full":
        raise click.UsageError(f"--full-instructions is --talk full; it contradicts --talk {talk}")
    return CompileOptions(
        only=only, talk=talk or ("full" if full_instructions else None), counts=counts
    )


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
    if result.reused:
        return f"Kept {result.path}: unchanged since it was rendered"
    minutes = clock(result.timeline.duration_ms)
    size = result.size_bytes / 1_000_000
    new = (
        f", {counted(result.synthesized, 'new phrase')}"
        if result.synthesized
        else ", all speech from cache"
    )
    return f"Wrote {result.path}: {minutes} long, {size:.1f} MB, in {result.seconds:.1f} s{new}"


def _stop_on_sigterm() -> None:
    """SIGTERM stops a build like Ctrl-C: cleanly, leaving no partial file."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def render_settings(
    engine: str | None,
    command_template: str | None,
    voice: str | None,
    voice_model: str | None,
    rate: int | None,
    loudness: float,
    bitrate: str,
    cache_dir: str | None,
    jobs: int,
    speech_timeout: float,
    options: CompileOptions,
    music_paths: tuple[str, ...] = (),
    shuffle: int | None = None,
    music_level: float = DEFAULT_MUSIC_LEVEL_LU,
    duck: float = DEFAULT_DUCK_DB,
    **_other: object,
) -> RenderSettings:
    """The render options of `build` (and `publish`, which shares them) as settings."""
    return RenderSettings(
        speech=speech_spec(
            engine, command_template, voice, voice_model, rate, timeout_s=speech_timeout
        ),
        loudness_lufs=loudness,
        bitrate_kbps=int(bitrate),
        cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
        jobs=jobs,
        options=options,
        # With no --music, the program file's music (if any) plays with these settings.
        music=MusicSettings(
            tuple(Path(p) for p in music_paths), shuffle, level_lu=music_level, duck_db=duck
        ),
    )


@cli.command()
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
@click.option(
    "--only", multiple=True, metavar="EXERCISE", help="Build just this exercise; repeatable."
)
@talk_options_flags
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
@click.option(
    "--split",
    is_flag=True,
    help="Also one MP3 per exercise (NN-exercise.mp3, gapless) and an .m3u8, in a folder "
    "named like the week's MP3.",
)
@click.option(
    "--music",
    "music_paths",
    multiple=True,
    metavar="PATH",
    help="Your music under the coach: an audio file or a folder of them; repeatable.",
)
@click.option(
    "--shuffle",
    metavar="SEED",
    type=int,
    help="Play the music shuffled (the same SEED, the same order).",
)
@click.option(
    "--music-level",
    type=click.FloatRange(0, 40),
    default=DEFAULT_MUSIC_LEVEL_LU,
    show_default=True,
    help="How far the music sits under the voice, LU.",
)
@click.option(
    "--duck",
    type=click.FloatRange(0, 40),
    default=DEFAULT_DUCK_DB,
    show_default=True,
    help="How much further the music dips while the coach speaks or a tone plays, dB.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@DB_OPTION
@user_errors
def build(
    program: str,
    week: int | None,
    weeks_text: str | None,
    from_log: bool,
    output: str | None,
    out_dir: str,
    only: tuple[str, ...],
    talk: Talk | None,
    full_instructions: bool,
    counts: Counts | None,
    engine: str | None,
    command_template: str | None,
    voice: str | None,
    voice_model: str | None,
    rate: int | None,
    loudness: float,
    bitrate: str,
    cache_dir: str | None,
    jobs: int,
    speech_timeout: float,
    split: bool,
    music_paths: tuple[str, ...],
    shuffle: int | None,
    music_level: float,
    duck: float,
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
    _stop_on_sigterm()
    loaded = load_program(program)
    settings = render_settings(
        engine=engine,
        command_template=command_template,
        voice=voice,
        voice_model=voice_model,
        rate=rate,
        loudness=loudness,
        bitrate=bitrate,
        cache_dir=cache_dir,
        jobs=jobs,
        speech_timeout=speech_timeout,
        options=talk_options(only, talk, full_instructions, counts),
        # With no --music, the program file's music (if any) plays with these settings.
        music_paths=music_paths,
        shuffle=shuffle,
        music_level=music_level,
        duck=duck,
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
            split=split,
        )
        total = sum(r.timeline.duration_ms for r in results)
        click.echo(
            f"Built {counted(len(results), 'week')} ({clock(total)} of audio) and "
            f"{Path(out_dir) / playlist_file_name(loaded.title)} "
            f"in {time.monotonic() - started:.1f} s"
        )
        return
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = plan_next(store, loaded)
        name = session_file_name(loaded.title, upcoming.number)
        path = Path(output) if output else Path(out_dir) / name
        result = build_week(loaded, upcoming.week, path, settings, bars)
        click.echo(_describe_result(result))
        click.echo(describe_next(loaded, upcoming))
        return
    number = week or 1
    path = Path(output) if output else Path(out_dir) / preview_file_name(loaded.title, number, only)
    result = build_week(loaded, number, path, settings, bars, split=split)
    click.echo(_describe_result(result))


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option("--weeks", "weeks_text", metavar="RANGE", help="Weeks to publish, e.g. 1-12.")
@click.option(
    "--next",
    "from_log",
    is_flag=True,
    help="Also publish the training log's next session as an episode (after the weeks).",
)
@click.option(
    "--site",
    type=click.Path(file_okay=False),
    required=True,
    help="The site folder: MP3s, feed.xml, index.html, cover.png (any web server can host it).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site will be hosted, e.g. https://example.org/coach/: makes feed.xml's "
    "addresses absolute (`voicecoach serve` fills them in by itself).",
)
@DB_OPTION
@user_errors
def publish(
    program: str,
    weeks_text: str | None,
    from_log: bool,
    site: str,
    base_url: str | None,
    db: str | None,
    **options: Any,
) -> None:
    """Publish weeks as a private podcast feed and a page to play them on a phone.

    Renders only the weeks whose timeline or settings changed (the rest are kept), then
    rewrites feed.xml, index.html and the playlist. Publishing more weeks later adds
    them as new episodes. With --next, the training log's next session becomes an
    episode too (season 2 of the feed, numbered by session). Also takes build's speech
    and audio options.

    \b
    Examples:
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-4 --site site/
      voicecoach serve site/
      voicecoach publish programs/alleviating-back-pain.yaml --next --site site/
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-12 --site site/ \\
          --base-url https://example.org/coach/ --split
    """
    from voicecoach.publish import SessionTrack
    from voicecoach.publish import publish as publish_site

    if not (weeks_text or from_log):
        raise click.UsageError("give --weeks RANGE, --next, or both")
    _stop_on_sigterm()
    loaded = load_program(program)
    weeks = parse_weeks(weeks_text) if weeks_text else []
    session = None
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = plan_next(store, loaded)
        session = SessionTrack(upcoming.number, upcoming.week)
    compile_options = talk_options(
        (),
        options.pop("talk", None),
        bool(options.pop("full_instructions", False)),
        options.pop("counts", None),
    )
    settings = render_settings(**options, options=compile_options)
    started = time.monotonic()
    result = publish_site(
        loaded,
        weeks,
        Path(site),
        settings,
        base_url=base_url,
        split=bool(options.get("split")),
        progress=_Bars(bool(options.get("quiet"))),
        session=session,
    )
    episodes = result.site.in_order
    total = sum(e.duration_ms for e in episodes)
    click.echo(
        f"Published {len(episodes)} episodes ({clock(total)} of audio) to {site}: "
        f"{len(result.rendered)} rendered, {len(result.kept)} unchanged, "
        f"in {time.monotonic() - started:.1f} s"
    )
    if not result.site.base_url:
        click.echo(
            f"Serve it with: voicecoach serve {site}   (or host the folder and publish again "
            "with --base-url, so feed.xml has absolute addresses)"
        )
    if from_log:
        click.echo(describe_next(loaded, upcoming))


# publish takes build's speech and audio options as they are (one definition of each).
_SHARED_WITH_BUILD = (
    "full_instructions", "engine", "command_template", "voice", "voice_model", "rate", "loudness",
    "bitrate", "cache_dir", "jobs", "speech_timeout", "split", "quiet",
    "talk", "counts", "music_paths", "shuffle", "music_level", "duck",
)  # fmt: skip
publish.params.extend(p for p in build.params if p.name in _SHARED_WITH_BUILD)


@cli.command()
@click.argument("site", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    help="Address to listen on (0.0.0.0: every network of this machine).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--base-url", metavar="URL", help="Public address of the site (a tunnel, a proxy) for the feed."
)
@click.option("--no-qr", is_flag=True, help="Do not print the QR code.")
@DB_OPTION
@user_errors
def serve(
    site: str, host: str, port: int, base_url: str | None, no_qr: bool, db: str | None
) -> None:
    """Serve a published site to phones on the same network, under a secret path.

    Prints the page's and the feed's addresses and a QR code to scan with the phone.
    The secret path is kept in the site folder, so subscriptions survive restarts.
    The page has a "log this session" form; what it logs goes into the training log
    (--db), the only file the server writes.

    \b
    Examples:
      voicecoach serve site/
      voicecoach serve site/ --port 8080
      voicecoach serve site/ --db ~/training-log.sqlite3
      voicecoach serve site/ --base-url https://coach.example.org/
    """
    from voicecoach.publish import serve as serve_site

    try:
        serve_site(Path(site), host, port, base_url, qr=not no_qr, db_path=resolve_db_path(db))
    except OSError as exc:
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


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


@cli.command("log")
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
@DB_OPTION
@user_errors
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
    with LogStore(resolve_db_path(db)) as store:
        if not (answers or as_prescribed or missed):
            answers = ask_answers(
                loaded,
                plan_next(store, loaded),
                ask=lambda label: click.prompt(label, default="", show_default=False),
                tell=lambda line: click.echo(line, err=True),
            )
        record = record_session(store, loaded, answers, date=date, missed=missed)
    what = "missed" if missed else f"{len({s.exercise for s in record.sets})} exercises"
    click.echo(
        f"Logged session {record.number} of {loaded.title!r} on {record.date.isoformat()} "
        f"({what}) in {store.path}"
    )


@cli.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option(
    "--plot", type=click.Path(dir_okay=False), help="Also draw reps and weight over time (PNG)."
)
@DB_OPTION
@user_errors
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


@cli.command("log-export")
@click.argument("file", type=click.Path(dir_okay=False))
@DB_OPTION
@user_errors
def log_export(file: str, db: str | None) -> None:
    """Write the whole training log to a CSV file (one row per set).

    \b
    Example:
      voicecoach log-export training-log.csv
    """
    with LogStore(resolve_db_path(db), readonly=True) as store:
        count = export_csv(store.sessions(), Path(file))
    click.echo(f"Exported {count} sessions to {file}")


@cli.command("log-import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--program",
    type=click.Path(dir_okay=True),
    help="Also check the rows against this program (names, sides, weights).",
)
@DB_OPTION
@user_errors
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


def main() -> None:
    """The console entry point: ``voicecoach``."""
    cli(prog_name="voicecoach")
