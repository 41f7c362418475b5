"""Build one track: the render stage's one path from a Program and a week to files on disk.

    prepare: compile (estimated speech) -> synthesize new phrases -> compile (measured)
    -> a TrackJob (the timeline, where it goes, the settings and their render key)
    -> reused when the files on disk carry the same key, else render_track:
       pass 1: mix and measure loudness -> pass 2: mix with the gain, encode, tag
       -> the parts (--split) -> the sidecars -> all renamed into place together

``build_week`` does it for one week; ``build_weeks`` (batch.py) prepares many and runs
the same ``render_track`` for each, side by side. Both passes stream fixed-size blocks
(mixer.py). A track's files (MP3, timeline and chapters sidecars, WebVTT transcript, the
chapter cards' folder, parts folder with a transcript per part) are one
``FileSet``: written as temporaries, renamed only when all are complete, the MP3 last,
so an interrupted or failed build leaves no partial file and never touches the old set.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from voicecoach.compiler import Timeline, Week, compile_program, estimate_speech_ms, prescribe_week
from voicecoach.errors import TimelineDidNotSettle
from voicecoach.naming import (
    cards_folder,
    chapters_path,
    parts_folder,
    parts_playlist_name,
    timeline_path,
    transcript_path,
)
from voicecoach.outputs import FileSet
from voicecoach.program import Program
from voicecoach.render.audio import ms_to_samples
from voicecoach.render.cache import ClipCache
from voicecoach.render.cards import Card, chapter_cards, draw_card, draw_cover, encode_picture
from voicecoach.render.clips import ClipLibrary, cue_sounds
from voicecoach.render.encoder import Mp3Encoder, encoder_gain_db, require_ffmpeg
from voicecoach.render.engines import open_engine
from voicecoach.render.levelling import Levelling, choose_levelling
from voicecoach.render.loudness import LoudnessMeter
from voicecoach.render.mixer import BLOCK, mix_blocks
from voicecoach.render.music import MusicBed
from voicecoach.render.music_files import Track, find_music, load_tracks
from voicecoach.render.parts import write_parts
from voicecoach.render.settings import RenderSettings
from voicecoach.render.sidecars import read_render_record, write_sidecars
from voicecoach.render.tagging import Artwork, write_tags
from voicecoach.render.tones import tone_bank
from voicecoach.render.transcript import write_transcript

# Compile rounds before prepare_timeline gives up on measured lengths (two are usual).
MEASURE_ROUNDS = 6


Advance = Callable[[int], None]
Progress = Callable[[str, int], contextlib.AbstractContextManager[Advance]]


@contextlib.contextmanager
def no_progress(label: str, total: int) -> Iterator[Advance]:
    yield lambda n: None


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


@dataclass(frozen=True)
class Prepared:
    """A timeline compiled on measured speech, and how many phrases were new."""

    timeline: Timeline
    synthesized: int
    repaired: int = 0  # damaged clips found in the cache (made again among the new ones)
    cards: tuple[Card, ...] = ()  # what each chapter's picture says (render/cards.py)


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
    for _ in range(MEASURE_ROUNDS):
        estimated.clear()
        timeline = compile_program(program, week, settings.options, measure)
        texts = timeline.speech_texts()
        missing = library.missing(texts)
        if missing:
            noun = "phrase" if len(missing) == 1 else "phrases"
            with progress(f"Speaking {len(missing)} new {noun}", len(missing)) as advance:
                made += library.synthesize(missing, advance)
        elif not estimated.intersection(texts):
            prescribed = week if isinstance(week, Week) else prescribe_week(program, week)
            cards = chapter_cards(program, prescribed, timeline)
            return Prepared(timeline, made, library.cache.repaired - repaired_before, cards)
        del timeline, texts  # not held while the next round compiles (4 MB for 5 hours)
    raise TimelineDidNotSettle(
        f"week {week} did not settle on measured speech lengths in {MEASURE_ROUNDS} rounds; "
        "please report it with the program file"
    )


def open_library(settings: RenderSettings, jobs: int | None = None) -> ClipLibrary:
    """The clips of the engine ``settings`` choose (checked to run)."""
    engine = open_engine(settings.speech)
    return ClipLibrary(
        ClipCache(settings.cache_dir),
        engine,
        jobs or settings.jobs,
        language=settings.options.language or "en",
        pronounce=settings.pronounce,
    )


@dataclass(frozen=True)
class TrackJob:
    """Everything needed to render one prepared track (picklable, for a worker process)."""

    timeline: Timeline
    path: Path
    settings: RenderSettings  # resolved for the program (RenderSettings.for_program)
    track_total: int | None
    key: str  # RenderSettings.render_key of all of the above
    synthesized: int
    repaired: int = 0  # damaged clips made again while preparing it
    cards: tuple[Card, ...] = ()  # the chapter cards (in the key too)


def track_job(
    prepared: Prepared,
    path: Path,
    settings: RenderSettings,
    library: ClipLibrary,
    track_total: int | None = None,
) -> TrackJob:
    timeline = prepared.timeline
    return TrackJob(
        timeline=timeline,
        path=path,
        settings=settings,
        track_total=track_total,
        key=settings.render_key(timeline, library.identity, track_total, prepared.cards),
        synthesized=prepared.synthesized,
        repaired=prepared.repaired,
        cards=prepared.cards,
    )


def reuse(job: TrackJob) -> BuildResult | None:
    """The track's existing result when its files were rendered with the same key."""
    render = read_render_record(job.path)
    if render is None or render.get("key") != job.key:
        return None
    if not transcript_path(job.path).exists():  # built before transcripts were written
        return None
    if job.cards and not cards_folder(job.path).is_dir():
        return None
    if job.settings.split and not (parts_folder(job.path) / parts_playlist_name(job.path)).exists():
        return None
    return BuildResult(
        path=job.path,
        timeline=job.timeline,
        size_bytes=job.path.stat().st_size,
        seconds=0.0,
        synthesized=job.synthesized,
        gain_db=float(render.get("gain_db", 0.0)),
        peak_dbtp=float(render.get("peak_dbtp", 0.0)),
        reused=True,
        repaired=job.repaired,
    )


def render_track(
    job: TrackJob, progress: Progress = no_progress, library: ClipLibrary | None = None
) -> BuildResult:
    """Render one prepared track: the MP3, its parts with ``split``, and its sidecars
    (with the render key), all put in place together."""
    started = time.monotonic()
    require_ffmpeg()
    settings = job.settings
    # Every phrase is in the cache by now: the engine is only the clips' identity here.
    library = library or open_library(settings, jobs=1)
    repaired_before = library.cache.repaired
    tracks = _music_tracks(settings, progress)
    with FileSet() as files:
        temporary = files.stage(job.path)
        pictures = [encode_picture(draw_card(card)) for card in job.cards]
        artwork = Artwork(
            cover=encode_picture(draw_cover(job.timeline.program)),
            chapters={c.chapter: p for c, p in zip(job.cards, pictures) if c.chapter is not None},
        )
        level, peak = render_timeline(
            job.timeline, library, temporary, job.path, settings, tracks, progress,
            job.track_total, artwork,
        )  # fmt: skip
        if settings.split:
            folder = parts_folder(job.path)
            bed = _bed(tracks, settings, job.timeline, level)
            staged = files.stage_folder(folder)
            with bed or contextlib.nullcontext():  # its decoders stop whatever happens
                write_parts(
                    job.timeline, library, staged, folder, level, settings.bitrate, bed, artwork
                )
        render: dict[str, Any] = {
            "key": job.key,
            "gain_db": round(level.gain_db, 3),
            "speech_limit_dbfs": None if level.limit_dbfs is None else round(level.limit_dbfs, 3),
            "peak_dbtp": round(peak, 3),
            "loudness_lufs": settings.loudness,
            "bitrate_kbps": settings.bitrate,
            "speech": library.identity,
            "split": settings.split,
        }
        images: list[tuple[Card, str]] = []
        if job.cards:
            folder = cards_folder(job.path)
            staged = files.stage_folder(folder)
            for card, picture in zip(job.cards, pictures):
                (staged / card.name).write_bytes(picture)
                images.append((card, f"{folder.name}/{card.name}"))
        write_sidecars(
            files.stage(timeline_path(job.path)),
            files.stage(chapters_path(job.path)),
            job.timeline,
            extra={"render": render},
            images=images,
        )
        write_transcript(files.stage(transcript_path(job.path)), job.timeline)
        size = temporary.stat().st_size
    return BuildResult(
        path=job.path,
        timeline=job.timeline,
        size_bytes=size,
        seconds=time.monotonic() - started,
        synthesized=job.synthesized,
        gain_db=level.gain_db,
        peak_dbtp=peak,
        repaired=job.repaired + library.cache.repaired - repaired_before,
    )


def render_timeline(
    timeline: Timeline,
    library: ClipLibrary,
    temporary: Path,
    path: Path,
    settings: RenderSettings,
    tracks: list[Track] | None,
    progress: Progress = no_progress,
    track_total: int | None = None,
    artwork: Artwork | None = None,
) -> tuple[Levelling, float]:
    """Mix, level, encode and tag ``timeline`` into ``temporary`` (to become ``path``),
    with the music ``tracks`` under it if any.

    Returns how it was levelled and the track's true peak (dBTP before encoding).
    """
    tones = tone_bank()
    weighted = cue_sounds(library, tones, weighted=True)
    music = (tracks, settings) if tracks else None

    blocks = math.ceil(ms_to_samples(timeline.duration_ms) / BLOCK)
    with (
        ThreadPoolExecutor(max_workers=1) as background,
        progress("Rendering", 2 * blocks) as advance,
    ):
        # The encoder's level offset is measured by ffmpeg in its own process meanwhile.
        calibration = background.submit(encoder_gain_db, settings.bitrate)
        # Pass 1: loudness of the K-weighted mix, made of K-weighted clips (loudness.k_weight).
        meter = LoudnessMeter()
        for block in mix_blocks(timeline, weighted):
            meter.add(block, weighted=True)
            advance(1)
        # The encoder changes the level slightly (encoder_gain_db); aim for what decodes.
        level = choose_levelling(
            meter, settings.loudness - calibration.result(), timeline, library, tones, music
        )
        # Pass 2: the same mix with the gain (and the music), streamed to the encoder.
        plain = cue_sounds(library, tones, limit_dbfs=level.limit_dbfs)
        bed = _bed(tracks, settings, timeline, level)
        with bed or contextlib.nullcontext():
            with Mp3Encoder(str(temporary), settings.bitrate, shown_as=str(path)) as encoder:
                gain = 10 ** (level.gain_db / 20)
                playing = bed.block if bed is not None else None
                for block in mix_blocks(timeline, plain, gain=gain, bed=playing):
                    encoder.write(block)
                    advance(1)
        write_tags(str(temporary), timeline, track_total, shown_as=str(path), artwork=artwork)
    if bed is not None:
        return level, bed.mix_peak_dbtp(level.peak_dbtp)
    return level, level.peak_dbtp


def _music_tracks(settings: RenderSettings, progress: Progress) -> list[Track] | None:
    """The music files under the session, if any (measuring those the cache has not seen)."""
    if not settings.music:
        return None
    return load_tracks(settings.music, settings.cache_dir, progress)


def _bed(
    tracks: list[Track] | None, settings: RenderSettings, timeline: Timeline, level: Levelling
) -> MusicBed | None:
    """The music at the level the levelling chose for it (not yet playing)."""
    if not tracks or level.bed_lufs is None:
        return None
    return MusicBed(tracks, settings, timeline, level.bed_lufs)


def check_music(settings: RenderSettings) -> None:
    """A wrong --music fails before any speech is made."""
    if settings.music:
        find_music(settings.music)


def build_week(
    program: Program,
    week: int | Week,  # a week number, or a ready-made Week (e.g. the log's next session)
    path: Path,
    settings: RenderSettings,
    progress: Progress = no_progress,
    *,
    track_total: int | None = None,
    incremental: bool = False,
) -> BuildResult:
    """One week's track (with ``settings.split`` its parts too) and sidecars;
    ``incremental`` keeps the files there when they carry the same render key."""
    settings = settings.for_program(program)
    require_ffmpeg()
    library = open_library(settings)
    check_music(settings)
    started = time.monotonic()
    prepared = prepare_timeline(program, week, settings, library, progress)
    job = track_job(prepared, path, settings, library, track_total)
    result = (reuse(job) if incremental else None) or render_track(job, progress, library)
    # The time of the whole build, speech included.
    seconds = 0.0 if result.reused else time.monotonic() - started
    return replace(result, seconds=seconds)
