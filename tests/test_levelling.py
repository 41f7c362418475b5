"""Levelling, measured: the bed's loudness known without decoding it, peaks limited where
the target needs the room, and the track still on its loudness and under its ceiling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audiotools import ebur128
from conftest import CASES
from musictools import glide, write_audio
from voicecoach.compiler import compile_program
from voicecoach.program import load_program
from voicecoach.render import RenderSettings
from voicecoach.render.audio import ms_to_samples, true_peak_dbtp
from voicecoach.render.build import build_week
from voicecoach.render.clips import Fitted, limited
from voicecoach.render.loudness import LoudnessMeter, gated_loudness
from voicecoach.render.mixer import BLOCK
from voicecoach.render.music import MusicBed
from voicecoach.render.music_files import load_tracks

PROGRAM = CASES / "music_bed.yaml"


def test_the_bed_profile_matches_the_decoded_bed(tmp_path: Path) -> None:
    """hop_energies (from the cached 100 ms profiles, the schedule and the duck envelope)
    against the bed decoded block by block and measured: the same loudness, hop by hop."""
    folder = tmp_path / "music"
    folder.mkdir()
    write_audio(folder / "a.mp3", glide(14.0))
    write_audio(folder / "b.flac", glide(9.0, amplitude=0.1))
    timeline = compile_program(load_program(str(PROGRAM)), 1)
    settings = RenderSettings(music=(folder,), shuffle=3)
    tracks = load_tracks(settings.music, tmp_path / "cache")
    total = ms_to_samples(timeline.duration_ms)
    with MusicBed(tracks, settings, timeline, bed_lufs=-30.0) as bed:
        estimated = bed.hop_energies()
        meter = LoudnessMeter()
        for first in range(0, total, BLOCK):
            meter.add(bed.block(first, min(first + BLOCK, total)))
    measured = meter.hops()
    assert len(estimated) == len(measured) > 900
    print("bed", gated_loudness(measured), "estimated", gated_loudness(estimated))
    assert abs(gated_loudness(measured) - gated_loudness(estimated)) <= 0.1
    loud = measured > 10 ** (-50 / 10)
    error_db = np.abs(10 * np.log10(estimated[loud] / measured[loud]))
    assert np.median(error_db) <= 0.3 and np.percentile(error_db, 95) <= 1.0


def test_limiting_holds_true_peaks() -> None:
    """A clip limited for the levelling has its true peak (between samples too) at the
    limit, however sharp its peaks (the sample limiter alone left some 1.8 dB over)."""
    rng = np.random.default_rng(1)
    t = np.arange(24_000) / 24_000
    clip = 0.3 * np.sin(2 * np.pi * 8_700 * t) * (1 + rng.standard_normal(t.size) * 0.3)
    clip = clip.astype(np.float32)
    fitted = Fitted(clip, true_peak_dbtp(clip))
    held = limited(fitted, -12.0)
    assert fitted.true_peak > -9.0
    assert held.true_peak == pytest.approx(true_peak_dbtp(held.samples))
    assert held.true_peak <= -12.0 + 0.05


def test_a_loud_target_is_met_by_limiting_not_by_missing_it(tmp_path: Path) -> None:
    """-17 LUFS needs the voice 2 dB up, past the ceiling: the speech is limited further
    (and the loudness that costs made up) and the track still measures its target, with
    its true peak under -1 dBTP. (-16 needs more than MAX_EXTRA_LIMIT_DB of limiting:
    every dB of it costs about half a dB of loudness, so that track ends 0.4 LU short.)"""
    program = load_program(str(PROGRAM))
    cache = tmp_path / "clips"
    quiet = build_week(program, 1, tmp_path / "a.mp3", RenderSettings(cache_dir=cache))
    loud = build_week(
        program, 1, tmp_path / "b.mp3", RenderSettings(cache_dir=cache, loudness=-17.0)
    )
    integrated, peak = ebur128(str(loud.path))
    print(f"-17 target: {integrated} LUFS, {peak} dBTP; gain {loud.gain_db:.2f} dB "
          f"(at -19: {quiet.gain_db:.2f} dB)")  # fmt: skip
    assert quiet.peak_dbtp + 2.0 > -1.5  # the voice as it is would pass the ceiling
    assert loud.gain_db > quiet.gain_db + 2.0  # the limiting's cost, made up
    assert abs(integrated - -17.0) <= 0.3
    assert peak <= -1.0
