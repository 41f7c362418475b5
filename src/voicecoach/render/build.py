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

import numpy as np

from voicecoach.compiler import (
    CompileOptions,
    Cue,
    Timeline,
    Week,
    compile_program,
    estimate_speech_ms,
)
from voicecoach.outputs import atomic_output
from voicecoach.program import Program
from voicecoach.render.audio import ms_to_samples, true_peak_dbtp
from voicecoach.render.cache import ClipCache, default_cache_dir
from voicecoach.render.clips import ClipLibrary
from voicecoach.render.encoder import (
    DEFAULT_BITRATE_KBPS,
    Mp3Encoder,
    encoder_gain_db,
    require_ffmpeg,
)
from voicecoach.render.loudness import LoudnessMeter, k_weight
from voicecoach.render.mixer import BLOCK, mix_blocks
from voicecoach.render.music import MusicBed, MusicSettings, find_music, load_tracks
from voicecoach.render.sidecars import write_sidecars
from voicecoach.render.speech import EngineSpec, check_engine
from voicecoach.render.tagging import write_tags
from voicecoach.render.tones import tone_bank

DEFAULT_LOUDNESS = -19.0  # LUFS integrated: spoken-word mono (docs/audio.md)
TRUE_PEAK_CEILING = -1.5  # dBTP before encoding; leaves room for MP3 overshoot under -1


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


def speech_settings(program: Program, spec: EngineSpec) -> EngineSpec:
    """Command-line speech settings win over the program file's, which win over defaults."""
    voice = program.voice
    return EngineSpec(
        engine=spec.engine or voice.engine,
        voice=spec.voice or voice.voice,
        rate=spec.rate or voice.rate,
        command=spec.command,
        timeout_s=spec.timeout_s,
    )


def prepare_timeline(
    program: Program,
    week: int | Week,
    settings: RenderSettings,
    library: ClipLibrary,
    progress: Progress,
) -> Timeline:
    """Compile with the real lengths of every phrase, synthesizing the ones never heard."""
    rate = library.spec.words_per_minute
    estimated: set[str] = set()

    def measure(text: str) -> int:
        if text in library.lengths:
            return library.measure_ms(text)
        estimated.add(text)
        return estimate_speech_ms(text, rate)

    # Usually two rounds: the first finds the new phrases, the second uses their lengths.
    # A round can bring a new phrase (the intro's "about N minutes"), so loop until a
    # round used no estimate for any phrase it kept.
    for _ in range(6):
        estimated.clear()
        timeline = compile_program(program, week, settings.options, measure)
        texts = timeline.speech_texts()
        missing = library.missing(texts)
        if missing:
            noun = "phrase" if len(missing) == 1 else "phrases"
            with progress(f"Speaking {len(missing)} new {noun}", len(missing)) as advance:
                library.synthesize(missing, advance)
        elif not estimated.intersection(texts):
            return timeline
        del timeline, texts  # not held while the next round compiles (4 MB for 5 hours)
    raise RuntimeError("the timeline did not settle on measured speech lengths")  # pragma: no cover


def render_timeline(
    timeline: Timeline,
    library: ClipLibrary,
    path: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    track_total: int | None = None,
) -> tuple[float, float]:
    """Mix, level, encode and tag ``timeline`` into ``path`` atomically.

    Returns (gain in dB, true peak in dBTP before encoding).
    """
    require_ffmpeg()
    tones = tone_bank()
    plain, weighted = cue_sounds(library, tones), cue_sounds(library, tones, weighted=True)
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
        tone_peak = max(true_peak_dbtp(t) for t in tones.values())
        peak = max(library.peak_dbtp, tone_peak)
        # The encoder changes the level slightly (encoder_gain_db); aim for what decodes.
        gain_db = settings.loudness_lufs - meter.integrated() - calibration.result()
        gain_db = min(gain_db, TRUE_PEAK_CEILING - peak)
        if bed is not None:  # the voice keeps its level; the music goes under it
            gain_db = bed.fit_under(meter.integrated(), peak, gain_db)
        # Pass 2: the same mix with the gain (and the music), streamed to the encoder.
        with atomic_output(path) as temporary:
            with Mp3Encoder(str(temporary), settings.bitrate_kbps, shown_as=str(path)) as encoder:
                music = bed.block if bed is not None else None
                for block in mix_blocks(timeline, plain, gain=10 ** (gain_db / 20), bed=music):
                    encoder.write(block)
                    advance(1)
            write_tags(str(temporary), timeline, track_total, shown_as=str(path))
    if bed is not None:
        return gain_db, bed.mix_peak_dbtp(peak + gain_db)
    return gain_db, peak + gain_db


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
    tracks = load_tracks(settings.music, settings.cache_dir, progress)
    return MusicBed(tracks, settings.music, timeline, ceiling_dbtp=TRUE_PEAK_CEILING)


def cue_sounds(
    library: ClipLibrary, tones: dict[str, np.ndarray], weighted: bool = False
) -> Callable[[Cue], np.ndarray]:
    """What each cue sounds like: its phrase fitted to its slot, or its tone; K-weighted
    (with the filter's tail) for the loudness pass when ``weighted``."""
    bank = {name: k_weight(samples) for name, samples in tones.items()} if weighted else tones

    def sound(cue: Cue) -> np.ndarray:
        if cue.kind == "speech":
            return library.clip(cue.text or "", cue.duration_ms, weighted=weighted)
        return bank[cue.tone or ""]

    return sound


def open_library(program: Program, settings: RenderSettings) -> ClipLibrary:
    spec = speech_settings(program, settings.speech)
    check_engine(spec)
    require_ffmpeg()
    return ClipLibrary(ClipCache(settings.cache_dir), spec, settings.jobs)


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
    library = library or open_library(program, settings)
    before = library.synthesized
    settings = with_program_music(program, settings)
    if settings.music is not None:
        find_music(settings.music.paths)  # a wrong --music fails before any speech is made
    timeline = prepare_timeline(program, week, settings, library, progress)
    gain_db, peak = render_timeline(timeline, library, path, settings, progress, track_total)
    if split:
        from voicecoach.render.parts import write_parts  # parts uses this module's mixer

        write_parts(timeline, library, path, gain_db, settings.bitrate_kbps)
    write_sidecars(path, timeline)
    return BuildResult(
        path=path,
        timeline=timeline,
        size_bytes=path.stat().st_size,
        seconds=time.monotonic() - started,
        synthesized=library.synthesized - before,
        gain_db=gain_db,
        peak_dbtp=peak,
    )
