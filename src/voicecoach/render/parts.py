"""A week split into one MP3 per chapter (``build/publish --split``).

The parts are cut from the same mix as the whole-week track (same gain), at the sample
where each chapter starts, and each is encoded on its own with LAME's gapless header
(encoder delay and padding), so a gapless player plays them back to back as the week:
decoded and concatenated, they are the week's timeline to the sample. Each part is
tagged with its track number and the week as album, and listed in a relative
``.m3u8`` inside the parts folder, so a headset's "next" skips to the next exercise.
Each part has its own WebVTT transcript beside it (``02-goblet-squat.vtt``), timed from
the part's start: it covers that chapter only.
"""

from __future__ import annotations

from pathlib import Path

from voicecoach.compiler import Timeline
from voicecoach.naming import part_file_name, transcript_path
from voicecoach.render.audio import ms_to_samples
from voicecoach.render.clips import ClipLibrary, cue_sounds
from voicecoach.render.encoder import Mp3Encoder
from voicecoach.render.levelling import Levelling
from voicecoach.render.mixer import mix_blocks
from voicecoach.render.music import MusicBed
from voicecoach.render.playlist import playlist_text
from voicecoach.render.tagging import Artwork, write_part_tags
from voicecoach.render.tones import tone_bank
from voicecoach.render.transcript import write_transcript


def write_parts(
    timeline: Timeline,
    library: ClipLibrary,
    folder: Path,
    shown: Path,
    level: Levelling,
    bitrate_kbps: int,
    bed: MusicBed | None = None,
    artwork: Artwork | None = None,
) -> list[Path]:
    """Write ``01-introduction.mp3`` ... and ``week-NN.m3u8`` into ``folder`` (the new,
    still hidden parts folder that becomes ``shown``, e.g. ``week-03/``); returns the
    parts in order. The levelling and the music ``bed`` (levelled by it, not yet played)
    are the whole week's, so the parts played one after the other sound as the week does."""
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
        shown_as = str(shown / path.name)
        with Mp3Encoder(str(path), bitrate_kbps, shown_as=shown_as) as encoder:
            # Feed this chapter's samples [first, last), cutting blocks where needed.
            while pending is not None and position < last:
                take = min(len(pending), last - position)
                encoder.write(pending[:take])
                position += take
                pending = pending[take:] if take < len(pending) else next(blocks, None)
        card = artwork.chapters.get(number - 1) if artwork is not None else None
        write_part_tags(str(path), timeline, title, number, len(bounds), shown_as, card)
        start_ms, end_ms, _title = spans[number - 1]
        write_transcript(transcript_path(path), timeline, start_ms, end_ms)
        assert position == last, "a chapter boundary fell outside the mix"
        paths.append(path)
    entries = [
        (round((last - first) / ms_to_samples(1)), f"{timeline.artist} - {title}", path.name)
        for path, (first, last, title) in zip(paths, bounds)
    ]
    playlist = folder / (shown.name + ".m3u8")
    playlist.write_text(playlist_text(timeline.title, entries), encoding="utf-8")
    return paths
