"""The music bed, end to end: generated music in a narrow low band, rendered under a real
session through the real encoder, decoded and measured in that band."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from audiotools import decode, ebur128, onset_ms
from conftest import CASES
from musictools import HOP_MS, WINDOW_MS, band_level, band_levels, glide, write_audio
from voicecoach.compiler import compile_program
from voicecoach.errors import MusicError
from voicecoach.program import load_program
from voicecoach.render import RenderSettings
from voicecoach.render.build import build_week
from voicecoach.render.music import (
    ATTACK_MS,
    HOLD_MS,
    LEAD_MS,
    RELEASE_MS,
    duck_spans,
)
from voicecoach.render.music_files import CACHE_FILE, LoudnessCache, find_music, measure_track

PROGRAM = CASES / "music_bed.yaml"
LEVEL_LU, DUCK_DB = 12.0, 10.0


@pytest.fixture(scope="module")
def music_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two tracks in two formats, 25 s together: the 143 s session loops them."""
    folder = tmp_path_factory.mktemp("music")
    write_audio(folder / "a.mp3", glide(14.0))
    write_audio(folder / "b.ogg", glide(11.0, amplitude=0.1))  # 10 dB quieter: levelled
    (folder / "notes.txt").write_text("not music, and not taken from a folder\n")
    return folder


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory, music_dir: Path):
    out = tmp_path_factory.mktemp("out")
    cache = out / "clips"
    program = load_program(str(PROGRAM))
    plain = build_week(program, 1, out / "plain.mp3", RenderSettings(cache_dir=cache))
    music = RenderSettings(cache_dir=cache, music=(music_dir,), music_level=LEVEL_LU, duck=DUCK_DB)
    bed = build_week(program, 1, out / "bed.mp3", music)
    return plain, bed, decode(str(bed.path))


@pytest.fixture(scope="module")
def band_target(renders, music_dir: Path) -> float:
    """Where the bed should sit in the band: the voice's loudness (the same session built
    without music, measured by ffmpeg, moved by how much louder the voice is with music:
    measured above the music's band) minus the level, plus how this music's band level
    relates to its loudness (measured on the music file itself, by ffmpeg)."""
    plain, bed, _ = renders
    raised = voice_loudness(bed.path) - voice_loudness(plain.path)
    voice_lufs = ebur128(str(plain.path))[0] + raised
    track = music_dir / "a.mp3"
    offset = band_level(decode(str(track)), 2_000, 12_000) - ebur128(str(track))[0]
    return voice_lufs - LEVEL_LU + offset


def quiet_stretches(timeline, min_ms: int = 4_000) -> list[tuple[int, int]]:
    """Between cues far enough apart that the music is fully back up."""
    stretches = []
    for a, b in zip(timeline.cues, timeline.cues[1:]):
        first, last = a.end_ms + HOLD_MS + RELEASE_MS + 200, b.start_ms - LEAD_MS - 200
        if last - first >= min_ms - HOLD_MS - RELEASE_MS - LEAD_MS:
            stretches.append((first, last))
    return stretches


def test_music_in_long_gaps_sits_at_the_bed_level(renders, band_target: float) -> None:
    _, bed, samples = renders
    stretches = quiet_stretches(bed.timeline)
    assert len(stretches) >= 4
    levels = [band_level(samples, first, last) for first, last in stretches]
    print("gap band levels", [round(x, 2) for x in levels], "target", round(band_target, 2))
    assert all(abs(level - band_target) <= 1.0 for level in levels), (levels, band_target)


def test_music_is_ducked_in_the_middle_of_speech(renders, band_target: float) -> None:
    _, bed, samples = renders
    long_speech = [c for c in bed.timeline.cues if c.kind == "speech" and c.duration_ms >= 1_500]
    assert len(long_speech) >= 8
    levels = [band_level(samples, c.start_ms + 300, c.end_ms - 300) for c in long_speech]
    print("ducked band levels", [round(x, 2) for x in levels])
    assert all(level <= band_target - (DUCK_DB - 1.0) for level in levels), levels


def test_music_never_jumps(renders, band_target: float) -> None:
    """No step of more than 1 dB per 10 ms anywhere the music is well above the speech's
    own faint energy in the band (< -47 dBFS): from 5 dB under the ducked level up. The
    fades at the ends run in dB too; their quiet ends are drowned by that speech energy."""
    _, _, samples = renders
    levels = band_levels(samples)
    audible = levels > band_target - DUCK_DB - 5
    steps = np.abs(np.diff(levels))[audible[1:] & audible[:-1]]
    print("largest 10 ms step", round(float(steps.max()), 3), "dB over", steps.size)
    assert steps.size > 10_000
    assert float(steps.max()) <= 1.0


def test_music_loops_to_the_end(renders, band_target: float) -> None:
    """The session is longer than all the music: it loops, still at the bed level in the
    last long gap, and fades out to nothing at the very end."""
    _, bed, samples = renders
    music_seconds = 14.0 + 11.0
    assert bed.timeline.duration_ms > 4 * music_seconds * 1000
    first, last = quiet_stretches(bed.timeline)[-1]
    assert first > 4 * music_seconds * 1000
    assert abs(band_level(samples, first, last) - band_target) <= 1.0
    end = bed.timeline.duration_ms
    assert band_level(samples, end - 300, end - 100) < band_target - 40


def test_ramps_start_before_the_cue(renders, band_target: float) -> None:
    """The music is already down when the coach starts after a long gap."""
    _, bed, samples = renders
    cues = bed.timeline.cues
    after_gaps = [b for a, b in zip(cues, cues[1:]) if b.start_ms - a.end_ms >= 4_000]
    assert after_gaps
    for cue in after_gaps:
        ready = cue.start_ms - (LEAD_MS - ATTACK_MS)
        level = band_level(samples, ready - WINDOW_MS, ready + HOP_MS)
        assert level <= band_target - DUCK_DB + 1.5, (cue, level)


def voice_loudness(path: Path) -> float:
    """Integrated loudness above the music's band (ffmpeg: 36 dB/octave high-pass at
    120 Hz, then ebur128): the voice's loudness, music or not."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
         "highpass=f=120,highpass=f=120,highpass=f=120,ebur128", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = result.stderr[result.stderr.rfind("Summary:") :]
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))


def test_the_mix_meets_the_loudness_target_and_the_peak_ceiling(renders) -> None:
    """The whole track, music and all, measures the target (-19 LUFS) like a track
    without music: the bed in the long gaps counts in BS.1770's gated mean, so the voice
    is raised with it (its peaks limited a little further to keep under the ceiling), and
    the music stays the level under it (the band tests)."""
    plain, bed, _ = renders
    integrated, peak = ebur128(str(bed.path))
    plain_integrated, _ = ebur128(str(plain.path))
    voice, plain_voice = voice_loudness(bed.path), voice_loudness(plain.path)
    print(f"mix {integrated} LUFS (without music {plain_integrated}), voice {voice} "
          f"(without music {plain_voice}), peak {peak} dBTP, gain {bed.gain_db:.2f} dB "
          f"(without music {plain.gain_db:.2f} dB)")  # fmt: skip
    assert abs(plain_integrated - -19.0) <= 0.5, plain_integrated
    assert abs(integrated - -19.0) <= 0.5, integrated
    assert voice >= plain_voice + 0.5, (voice, plain_voice)
    assert peak <= -1.0, peak


def test_speech_stays_on_its_cues(renders) -> None:
    """Onsets within 20 ms of every cue, measured above the music's band."""
    _, bed, samples = renders
    sos = butter(4, 150, btype="high", fs=24_000, output="sos")
    voice = sosfiltfilt(sos, samples.astype(np.float64)).astype(np.float32)
    late = []
    for cue in bed.timeline.cues:
        found = onset_ms(voice, cue.start_ms, cue.end_ms, threshold_dbfs=-45)
        if found is None or found - cue.start_ms > 20:
            late.append((cue, found))
    assert late == []


def test_rep_counts_are_one_ducked_stretch_and_rests_are_not() -> None:
    timeline = compile_program(load_program(str(PROGRAM)), 1)
    spans = duck_spans(timeline)
    for seg in timeline.segments:
        if seg.rep is not None:
            inside = [s for s in spans if s[0] < seg.end_ms and s[1] > seg.start_ms]
            assert len(inside) == 1, (seg, inside)
    rests = [s for s in timeline.segments if s.activity in ("rest", "hold")]
    for rest in rests:
        gaps = [
            (a[1], b[0])
            for a, b in zip(spans, spans[1:])
            if a[1] >= rest.start_ms and b[0] <= rest.end_ms
        ]
        assert any(b - a >= 5_000 for a, b in gaps), rest


def test_loudness_cache_measures_a_file_once(tmp_path: Path) -> None:
    track = write_audio(tmp_path / "t.flac", glide(3.0))
    cache = LoudnessCache(tmp_path / CACHE_FILE)
    first = cache.track(track)
    cache.save()
    again = LoudnessCache(tmp_path / CACHE_FILE)
    assert again.track(track) == first and again.measured == 0
    copy = shutil.copy(track, tmp_path / "copy.flac")  # same content, another path and mtime
    assert again.track(Path(copy)).loudness == first.loudness and again.measured == 0
    write_audio(track, glide(3.0, amplitude=0.1))  # new content
    assert again.track(track).loudness < first.loudness - 9 and again.measured == 1
    json.loads((tmp_path / CACHE_FILE).read_text())  # whole JSON, written atomically


@pytest.mark.parametrize("suffix", [".mp3", ".ogg", ".flac", ".m4a", ".wav"])
def test_any_format_ffmpeg_decodes_measures_alike(tmp_path: Path, suffix: str) -> None:
    reference = measure_track(write_audio(tmp_path / "ref.wav", glide(3.0)))
    track = measure_track(write_audio(tmp_path / f"t{suffix}", glide(3.0)))
    assert abs(track.loudness - reference.loudness) < 0.5
    assert abs(track.samples - reference.samples) < 24_000 * 0.1


def test_bad_music_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(MusicError, match="does not exist"):
        find_music([tmp_path / "nowhere"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(MusicError, match="no audio files"):
        find_music([tmp_path / "empty"])
    (tmp_path / "fake.mp3").write_text("not audio")
    with pytest.raises(MusicError, match="cannot decode"):
        measure_track(tmp_path / "fake.mp3")
    write_audio(tmp_path / "silent.wav", np.zeros(24_000, dtype=np.float32))
    with pytest.raises(MusicError, match="no sound"):
        measure_track(tmp_path / "silent.wav")


def test_cli_builds_with_music_and_refuses_missing_music(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from voicecoach.cli import cli

    track = write_audio(tmp_path / "loop.flac", glide(10.0))
    common = ["build", str(CASES / "lift_first_pauses.yaml"), "--cache-dir", str(tmp_path / "c")]
    out = tmp_path / "w.mp3"
    result = CliRunner().invoke(
        cli,
        [*common, "-o", str(out), "--music", str(track), "--shuffle", "3", "--duck", "12", "-q"],
    )
    assert result.exit_code == 0, result.output
    samples = decode(str(out))
    assert band_level(samples, 1_000, len(samples) // 24 - 1_000) > -60  # the music is there
    missing = CliRunner().invoke(cli, [*common, "-o", str(out), "--music", str(tmp_path / "no")])
    assert missing.exit_code == 2
    assert missing.output.strip().splitlines() == [
        f"error: the music file or folder {tmp_path / 'no'} does not exist"
    ]


def test_split_parts_carry_the_music(tmp_path: Path, music_dir: Path, renders) -> None:
    """--split with music: the parts, played one after the other, are the week, bed and
    all (the same levelling, the same schedule), to the sample in length and within MP3
    coding noise in the music's band."""
    plain, bed, _ = renders
    settings = RenderSettings(
        cache_dir=plain.path.parent / "clips",
        music=(music_dir,),
        music_level=LEVEL_LU,
        duck=DUCK_DB,
        split=True,
    )
    week = build_week(load_program(str(PROGRAM)), 1, tmp_path / "w.mp3", settings)
    assert week.gain_db == pytest.approx(bed.gain_db)
    folder = tmp_path / "w"
    names = sorted(p.name for p in folder.glob("*.mp3"))
    assert len(names) == len(week.timeline.chapters) >= 2
    joined = np.concatenate([decode(str(folder / name)) for name in names])
    whole = decode(str(week.path))
    assert len(joined) == len(whole) == week.timeline.duration_ms * 24
    stretches = quiet_stretches(week.timeline)
    levels = [(band_level(joined, a, b), band_level(whole, a, b)) for a, b in stretches]
    print("band levels in the gaps, parts vs week", [(round(p, 2), round(w, 2)) for p, w in levels])
    assert all(abs(p - w) <= 0.5 and w > -40 for p, w in levels)
