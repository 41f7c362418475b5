"""The options commands share, each declared once, and the settings they become (and
the progress bars and clean-up line that building commands share).

``render_options`` (build, publish) and ``plan_options`` (plan) add their options to a
command and hand the command one ``RenderSettings`` instead of a dozen parameters, the way
mkdocs shares ``common_config_options``. Every option's name is its field's name in the
settings (``--voice-model`` is ``RenderSettings.speech.voice_model``), so a settings field
and its flag cannot drift apart: ``settings_from`` matches them by name.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import fields
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from voicecoach.compiler import MAX_WEEK, CompileOptions, counted
from voicecoach.outputs import remove_stale_temporaries
from voicecoach.program import COUNT_STYLES, RATE_WPM, TALK_LEVELS
from voicecoach.render import (
    DEFAULT_BITRATE_KBPS,
    DEFAULT_DUCK_DB,
    DEFAULT_ENGINE,
    DEFAULT_JOBS,
    DEFAULT_LOUDNESS,
    DEFAULT_MUSIC_LEVEL_LU,
    DEFAULT_TIMEOUT_S,
    ENGINES,
    EngineSpec,
    RenderSettings,
    default_cache_dir,
)
from voicecoach.words import LANGUAGES

F = TypeVar("F", bound=Callable[..., Any])

WEEK = click.IntRange(1, MAX_WEEK)
# VOICECOACH_DB and VOICECOACH_CACHE are read by the library (log.resolve_db_path,
# render.default_cache_dir), so every caller gets them, not only the command line.
db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="Training log database [default: training-log.sqlite3 in the user data folder].",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bars.")


def only_option(help: str) -> Callable[[F], F]:
    return click.option("--only", multiple=True, metavar="EXERCISE", help=help)


SPEECH_OPTIONS = [
    click.option(
        "--engine",
        type=click.Choice(list(ENGINES)),
        default=None,
        help=f"Speech engine [default: the program's voice.engine, else {DEFAULT_ENGINE}].",
    ),
    click.option(
        "--command",
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
        type=click.IntRange(*RATE_WPM),
        help="Speaking rate in words per minute [default: the voice's own].",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Clip cache folder [default: ~/.cache/voicecoach/clips].",
    ),
]

TALK_OPTIONS = [
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
    click.option(
        "--language",
        type=click.Choice(LANGUAGES),
        default=None,
        help="The language the coach speaks and the track shows (docs/languages.md); the "
        "program's own texts are said as written [default: the program's language, else en].",
    ),
]

def _defaulted(*names: str, help: str, **kwargs: Any) -> Callable[[F], F]:
    """An option with a value that --help shows its default for."""
    return click.option(*names, show_default=True, help=help, **kwargs)


AUDIO_OPTIONS = [
    _defaulted(
        "--loudness",
        type=click.FloatRange(-40, -10),
        default=DEFAULT_LOUDNESS,
        help="Integrated loudness target, LUFS.",
    ),
    _defaulted(
        "--bitrate",
        type=click.Choice(["48", "64", "96", "128"]),
        default=str(DEFAULT_BITRATE_KBPS),
        help="MP3 bitrate, kbps (mono, 24 kHz, constant bitrate).",
    ),
    _defaulted(
        "--jobs", "-j", type=click.IntRange(1, 16), default=DEFAULT_JOBS,
        help="Speech synthesis processes.",
    ),  # fmt: skip
    _defaulted(
        "--speech-timeout",
        type=click.FloatRange(1, 600),
        default=int(DEFAULT_TIMEOUT_S),
        help="Seconds one phrase may take before the engine is given up on.",
    ),
    click.option(
        "--split",
        is_flag=True,
        help="Also one MP3 per exercise (NN-exercise.mp3, gapless) and an .m3u8, in a folder "
        "named like the week's MP3.",
    ),
    click.option(
        "--music",
        multiple=True,
        metavar="PATH",
        help="Your music under the coach: an audio file or a folder of them; repeatable.",
    ),
    click.option(
        "--shuffle",
        metavar="SEED",
        type=int,
        help="Play the music shuffled (the same SEED, the same order).",
    ),
    _defaulted(
        "--music-level", type=click.FloatRange(0, 40), default=DEFAULT_MUSIC_LEVEL_LU,
        help="How far the music sits under the voice, LU.",
    ),  # fmt: skip
    _defaulted(
        "--duck", type=click.FloatRange(0, 40), default=DEFAULT_DUCK_DB,
        help="How much further the music dips while the coach speaks or a tone plays, dB.",
    ),  # fmt: skip
]


def settings_from(given: dict[str, Any]) -> RenderSettings:
    """Take the settings' options out of a command's parameters (by field name) and
    return them as one RenderSettings; the rest of ``given`` is the command's own."""
    talk, full_instructions = given.pop("talk", None), given.pop("full_instructions", False)
    if talk is not None and full_instructions and talk != "full":
        raise click.UsageError(f"--full-instructions is --talk full; it contradicts --talk {talk}")
    compile_options = CompileOptions(
        only=given.pop("only", ()),
        talk=talk or ("full" if full_instructions else None),
        counts=given.pop("counts", None),
        language=given.pop("language", None),
    )
    speech = EngineSpec(**_take(given, EngineSpec))
    values = _take(given, RenderSettings)
    if "bitrate" in values:
        values["bitrate"] = int(values["bitrate"])
    values["music"] = tuple(Path(p) for p in values.get("music", ()))
    cache_dir = values.pop("cache_dir", None)
    return RenderSettings(
        speech=speech,
        options=compile_options,
        cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
        **values,
    )


def _take(given: dict[str, Any], kind: type) -> dict[str, Any]:
    return {f.name: given.pop(f.name) for f in fields(kind) if f.name in given}


def _settings_options(*groups: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        @wraps(func)
        def with_settings(*args: Any, **given: Any) -> Any:
            settings = settings_from(given)
            return func(*args, settings=settings, **given)

        for option in reversed([option for group in groups for option in group]):
            with_settings = option(with_settings)
        return with_settings  # type: ignore[return-value]

    return decorate


# build and publish: everything that changes the audio; plan: what changes the timeline.
render_options = _settings_options(SPEECH_OPTIONS, TALK_OPTIONS, AUDIO_OPTIONS)
plan_options = _settings_options(TALK_OPTIONS, SPEECH_OPTIONS)


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


class Bars:
    """Progress on stderr, one bar per stage of a build. Without a terminal (a log file,
    CI, `make run` piped), a line instead: when a stage starts, at least every
    ``LINE_EVERY_S`` seconds while it runs, and when it ends."""

    LINE_EVERY_S = 10.0

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    @contextlib.contextmanager
    def __call__(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        if self.quiet or total <= 0:
            yield lambda n: None
            return
        if not sys.stderr.isatty():
            yield from self._lines(label, total)
            return
        with click.progressbar(length=total, label=label.ljust(28), file=sys.stderr) as bar:
            yield bar.update

    def _lines(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        done, said = 0, time.monotonic()
        click.echo(f"{label}: 0%", err=True)

        def advance(n: int) -> None:
            nonlocal done, said
            done += n
            if time.monotonic() - said >= self.LINE_EVERY_S:
                said = time.monotonic()
                click.echo(f"{label}: {100 * done // total}% ({done} of {total})", err=True)

        yield advance
        click.echo(f"{label}: done", err=True)


def clean_folder(folder: Path) -> None:
    """Remove what killed builds left in ``folder``, and say so in one line."""
    removed = remove_stale_temporaries(folder)
    if removed:
        size = sum(bytes for _, bytes in removed) / 1_000_000
        click.echo(
            f"Removed {counted(len(removed), 'unfinished file')} ({size:.1f} MB) that an "
            f"interrupted build left in {folder}",
            err=True,
        )
