"""A week split into one MP3 per chapter (``build/publish --split``).

The parts are cut from the same mix as the whole-week track (same gain), at the sample
where each chapter starts, and each is encoded on its own with LAME's gapless header
(encoder delay and padding), so a gapless player plays them back to back as the week:
decoded and concatenated, they are the week's timeline to the sample. Each part is
tagged with its track number and the week as album, and listed in a relative
``.m3u8`` inside the parts folder, so a headset's "next" skips to the next exercise.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from voicecoach.compiler import Timeline
from voicecoach.naming import part_file_name, parts_folder, parts_playlist_name
from voicecoach.outputs import atomic_output, write_text_atomic
from voicecoach.render.audio import ms_to_samples
from voicecoach.render.clips import ClipLibrary, cue_sounds
from voicecoach.render.encoder import Mp3Encoder
from voicecoach.render.levelling import Levelling
from voicecoach.render.mixer import mix_blocks
from voicecoach.render.music import MusicBed
from voicecoach.render.tagging import write_part_tags
from voicecoach.render.tones import tone_bank


def write_parts(
    timeline: Timeline,
    library: ClipLibrary,
    week_mp3: Path,
    level: Levelling,
    bitrate_kbps: int,
    bed: MusicBed | None = None,
) -> list[Path]:
    """Write ``week-NN/01-introduction.mp3`` ... and ``week-NN/week-NN.m3u8``; returns the
    parts in order. The levelling and the music ``bed`` (levelled by it, not yet played)
    are the whole week's, so the parts played one after the other sound as the week does."""
    with bed or contextlib.nullcontext():
        return _write(timeline, library, week_mp3, level, bitrate_kbps, bed)


def _write(
    timeline: Timeline,
    library: ClipLibrary,
    week_mp3: Path,
    level: Levelling,
    bitrate_kbps: int,
    bed: MusicBed | None,
) -> list[Path]:
    folder = parts_folder(week_mp3)
    spans = timeline.chapter_spans()
    bounds = [(ms_to_samples(start), ms_to_samples(end), title) for start, end, title in spans]
    sound = cue_sounds(library, tone_bank(), limit_dbfs=level.limit_dbfs)
    music = bed.block if bed is not None else None
    blocks = mix_blocks(timeline, sound, gain=10 ** (level.gain_db / 20), bed=music)
    pending = next(blocks, None)
    position = 0  # sample index of pending[0] in the week
    paths: list[Path] = []
    for number, (_first, last, title) in enumerate(bounds, start=1):
        path = folder / part_file_name(number, title)
        with atomic_output(path) as temporary:
            with Mp3Encoder(str(temporary), bitrate_kbps, shown_as=str(path)) as encoder:
                # Feed this chapter's samples [first, last), cutting blocks where needed.
                while pending is not None and position < last:
                    take = min(len(pending), last - position)
                    encoder.write(pending[:take])
                    position += take
                    pending = pending[take:] if take < len(pending) else next(blocks, None)
            write_part_tags(str(temporary), timeline, title, number, len(bounds), str(path))
        assert position == last, "a chapter boundary fell outside the mix"
        paths.append(path)
    for old in folder.glob("*.mp3"):  # parts of an earlier render with other chapters
        if old not in paths:
            old.unlink()
    lines = ["#EXTM3U", f"#PLAYLIST:{timeline.title}"]
    for path, (first, last, title) in zip(paths, bounds):
        seconds = round((last - first) / ms_to_samples(1000))
        lines.append(f"#EXTINF:{seconds},{timeline.artist} - {title}")
        lines.append(path.name)
    write_text_atomic(folder / parts_playlist_name(week_mp3), "\n".join(lines) + "\n")
    return paths
