"""Build MP3 tracks: the render stage, from a Program and a week to a file on disk.

    compile (estimated speech) -> synthesize new phrases -> compile (measured speech)
    -> pass 1: mix and measure loudness -> pass 2: mix with the gain, encode, tag
    -> rename into place

Both passes stream fixed-size blocks (mixer.py); the output appears atomically: the
MP3 is written to a hidden temporary file beside it and renamed only when complete,
so an interrupted build leaves no partial file and never touches an existing one.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from voicecoach.compiler import (
    CompileOptions,
    Timeline,
    Week,
    compile_program,
    estimate_speech_ms,
)
from voicecoach.errors import TimelineDidNotSettle
from voicecoach.outputs import atomic_output
from voicecoach.program import Program
from voicecoach.render.audio import ms_to_samples
from voicecoach.render.cache import ClipCache, default_cache_dir
from voicecoach.render.clips import ClipLibrary, cue_sounds
from voicecoach.render.encoder import (
    DEFAULT_BITRATE_KBPS,
    Mp3Encoder,
    encoder_gain_db,
    require_ffmpeg,
)
from voicecoach.render.engines import EngineSpec, open_engine
from voicecoach.render.levelling import TRUE_PEAK_CEILING, Levelling, choose_levelling
from voicecoach.render.loudness import LoudnessMeter
from voicecoach.render.mixer import BLOCK, mix_blocks
from voicecoach.render.music import MusicBed, MusicSettings
from voicecoach.render.music_files import find_music, load_tracks
from voicecoach.render.parts import write_parts
from voicecoach.render.sidecars import write_sidecars
from voicecoach.render.tagging import write_tags
from voicecoach.render.tones import tone_bank

DEFAULT_LOUDNESS = -19.0  # LUFS integrated: spoken-word mono (docs/audio.md)
SETTLE_ROUNDS = 6  # compile rounds before prepare_timeline gives up (two are usual)


Advance = Callable[[int], None]
Progress = Callable[[str, int], contextlib.AbstractContextManager[Advance]]


@contextlib.contextmanager
def no_progress(label: str, total: int) -> Iterator[Advance]:
    yield lambda n: None


@dataclass(frozen=True)
class RenderSettings:
    speech: EngineSpec = field(default_factory=EngineSpec)
    loudness_lufs: float = DEFAULT_LOUDNESS
    bitrate_kbps: int = DEFAULT_BITRATE_KBPS
    cache_dir: Path = field(default_factory=default_cache_dir)
    jobs: int = 2
    options: CompileOptions = CompileOptions()
    music: MusicSettings | None = None


@dataclass(frozen=True)
class BuildResult:
    path: Path
    timeline: Timeline
    size_bytes: int
    seconds: float
    synthesized: int
    gain_db: float
    peak_dbtp: float
    reused: bool = False  # already rendered with the same timeline and settings
    # Clips found damaged in the cache (truncated, garbage, made for another phrase) and
    # made again: the build succeeds, and says so.
    repaired: int = 0


def speech_settings(program: Program, spec: EngineSpec) -> EngineSpec:
    """Command-line speech settings win over the program file's, which win over defaults.

    A program's voice (voice, model) belongs to its engine: it applies only when the
    command line does not choose another engine.
    """
    voice = program.voice
    engine = spec.engine or voice.engine
    same_engine = voice.engine is None or engine == voice.engine
    return EngineSpec(
        engine=engine,
        voice=spec.voice or (voice.voice if same_engine else None),
        model=spec.model or (_beside(program, voice.model) if same_engine else None),
        rate=spec.rate or voice.rate,
        command=spec.command,
        timeout_s=spec.timeout_s,
    )


def _beside(program: Program, path: str | None) -> str | None:
    """A path from the program file, read relative to the file's folder."""
    if path is None:
        return None
    return str(Path(program.source).parent / Path(path).expanduser())


@dataclass(frozen=True)
class Prepared:
    """A timeline compiled on measured speech, and how many phrases were new."""

    timeline: Timeline
    synthesized: int
    repaired: int = 0  # damaged clips found in the cache (made again among the new ones)


def cached_measure(library: ClipLibrary) -> tuple[Callable[[str], int], set[str]]:
    """A ``measure`` for the compiler: a phrase's length from the clip cache, else an
    estimate at the engine's rate; the set fills with the phrases it had to estimate."""
    rate = library.engine.words_per_minute
    estimated: set[str] = set()

    def measure(text: str) -> int:
        measured = library.length_ms(text)
        if measured is not None:
            return measured
        estimated.add(text)
        return estimate_speech_ms(text, rate)

    return measure, estimated


def prepare_timeline(
    program: Program,
    week: int | Week,
    settings: RenderSettings,
    library: ClipLibrary,
    progress: Progress,
) -> Prepared:
    """Compile with the real lengths of every phrase, synthesizing the ones never heard."""
    measure, estimated = cached_measure(library)
    repaired_before = library.cache.repaired

    # Usually two rounds: the first finds the new phrases, the second uses their lengths.
    # A round can bring a new phrase (the intro's "about N minutes"), so loop until a
    # round used no estimate for any phrase it kept.
    made = 0
    for _ in range(SETTLE_ROUNDS):
        estimated.clear()
        timeline = compile_program(program, week, settings.options, measure)
        texts = timeline.speech_texts()
        missing = library.missing(texts)
        if missing:
            noun = "phrase" if len(missing) == 1 else "phrases"
            with progress(f"Speaking {len(missing)} new {noun}", len(missing)) as advance:
                made += library.synthesize(missing, advance)
        elif not estimated.intersection(texts):
            return Prepared(timeline, made, library.cache.repaired - repaired_before)
        del timeline, texts  # not held while the next round compiles (4 MB for 5 hours)
    raise TimelineDidNotSettle(
        f"week {week} did not settle on measured speech lengths in {SETTLE_ROUNDS} rounds; "
        "please report it with the program file"
    )


def render_timeline(
    timeline: Timeline,
    library: ClipLibrary,
    path: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    track_total: int | None = None,
) -> tuple[Levelling, float]:
    """Mix, level, encode and tag ``timeline`` into ``path`` atomically.

    Returns how it was levelled and the track's true peak (dBTP before encoding).
    """
    require_ffmpeg()
    tones = tone_bank()
    weighted = cue_sounds(library, tones, weighted=True)
    bed = open_bed(timeline, settings, progress)

    blocks = math.ceil(ms_to_samples(timeline.duration_ms) / BLOCK)
    with (
        ThreadPoolExecutor(max_workers=1) as background,
        progress("Rendering", 2 * blocks) as advance,
        bed or contextlib.nullcontext(),
    ):
        # The encoder's level offset is measured by ffmpeg in its own process meanwhile.
        calibration = background.submit(encoder_gain_db, settings.bitrate_kbps)
        # Pass 1: loudness of the K-weighted mix, made of K-weighted clips (loudness.k_weight).
        meter = LoudnessMeter()
        for block in mix_blocks(timeline, weighted):
            meter.add(block, weighted=True)
            advance(1)
        # The encoder changes the level slightly (encoder_gain_db); aim for what decodes.
        level = choose_levelling(
            meter, settings.loudness_lufs - calibration.result(), timeline, library, tones, bed
        )
        # Pass 2: the same mix with the gain (and the music), streamed to the encoder.
        plain = cue_sounds(library, tones, limit_dbfs=level.limit_dbfs)
        with atomic_output(path) as temporary:
            with Mp3Encoder(str(temporary), settings.bitrate_kbps, shown_as=str(path)) as encoder:
                music = bed.block if bed is not None else None
                gain = 10 ** (level.gain_db / 20)
                for block in mix_blocks(timeline, plain, gain=gain, bed=music):
                    encoder.write(block)
                    advance(1)
            write_tags(str(temporary), timeline, track_total, shown_as=str(path))
    if bed is not None:
        return level, bed.mix_peak_dbtp(level.peak_dbtp)
    return level, level.peak_dbtp


def with_program_music(program: Program, settings: RenderSettings) -> RenderSettings:
    """--music, else the program file's ``music:`` (relative to the file), with the
    command line's shuffle, level and duck either way; no paths at all: no music."""
    music = settings.music
    if music is not None and music.paths:
        return settings
    if not program.music:
        return replace(settings, music=None) if music is not None else settings
    folder = Path(program.source).parent
    paths = tuple(folder / Path(p).expanduser() for p in program.music)
    return replace(settings, music=replace(music or MusicSettings(()), paths=paths))


def open_bed(timeline: Timeline, settings: RenderSettings, progress: Progress) -> MusicBed | None:
    """The music under this session, if any (measuring files the cache has not seen)."""
    if settings.music is None:
        return None
    tracks = load_tracks(settings.music.paths, settings.cache_dir, progress)
    return MusicBed(tracks, settings.music, timeline, ceiling_dbtp=TRUE_PEAK_CEILING)


def write_week_parts(
    timeline: Timeline,
    library: ClipLibrary,
    path: Path,
    level: Levelling,
    settings: RenderSettings,
    progress: Progress = no_progress,
) -> list[Path]:
    """The week's parts (render/parts.py), levelled as the week was, music and all."""
    bed = open_bed(timeline, settings, progress)
    if bed is not None and level.bed_lufs is not None:
        bed.bed_lufs = level.bed_lufs
    return write_parts(timeline, library, path, level, settings.bitrate_kbps, bed)


def open_library(program: Program, settings: RenderSettings) -> ClipLibrary:
    """The clips of the engine this program and these settings choose (checked to run)."""
    engine = open_engine(speech_settings(program, settings.speech))
    return ClipLibrary(ClipCache(settings.cache_dir), engine, settings.jobs)


def build_week(
    program: Program,
    week: int | Week,  # a week number, or a ready-made Week (e.g. the log's next session)
    path: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    library: ClipLibrary | None = None,
    track_total: int | None = None,
    split: bool = False,
) -> BuildResult:
    """One week's MP3 (and with ``split`` its parts, render/parts.py) and sidecars."""
    started = time.monotonic()
    require_ffmpeg()
    library = library or open_library(program, settings)
    settings = with_program_music(program, settings)
    if settings.music is not None:
        find_music(settings.music.paths)  # a wrong --music fails before any speech is made
    repaired_before = library.cache.repaired
    prepared = prepare_timeline(program, week, settings, library, progress)
    timeline = prepared.timeline
    level, peak = render_timeline(timeline, library, path, settings, progress, track_total)
    if split:
        write_week_parts(timeline, library, path, level, settings, progress)
    write_sidecars(path, timeline)
    repaired = library.cache.repaired - repaired_before  # while preparing or rendering
    return BuildResult(
        path=path,
        timeline=timeline,
        size_bytes=path.stat().st_size,
        seconds=time.monotonic() - started,
        synthesized=prepared.synthesized,
        gain_db=level.gain_db,
        peak_dbtp=peak,
        repaired=repaired,
    )
