"""Your own music under the coach: a bed of tracks, levelled, crossfaded, looped, and ducked
exactly on the timeline's cues.

    files/folders -> tracks (measured loudness, cached) -> a schedule (in order or shuffled,
    crossfaded, looped) -> decoded by ffmpeg pipes block by block -> x the duck envelope
    (from the cues) x the fades at the session's ends -> added to the voice block

Streaming like the voice: each playing track is an ffmpeg process writing 24 kHz mono
float32 into a pipe that is read one block at a time, so memory does not grow with the
session or the music. At most two tracks play at once (during a crossfade).

Levels: every track is brought to the bed level (``--music-level`` under the voice's
measured loudness) by its own BS.1770 loudness, so a quiet track and a loud one sit alike
(the files, their measurement and its cache: render/music_files.py). A bed is made at its
level and keeps it; ``fit_voice`` chooses the voice's gain so that voice and bed together
meet the loudness target (asking beds at trial levels, changing none).

Ducking: the renderer knows every cue in advance, so the music is already down when the
coach starts: it ramps down over ATTACK_MS ending LEAD_MS - ATTACK_MS before each cue,
stays down HOLD_MS after it, and comes back over RELEASE_MS. Cues closer than
MERGE_GAP_MS, and all cues inside one rep, form one ducked stretch, so the counts of a rep
do not make the music pump. Every gain change is a raised-cosine ramp in dB: no steps.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType

import numpy as np

from voicecoach.compiler import Timeline
from voicecoach.errors import MusicError
from voicecoach.render.audio import SAMPLES_PER_MS, ms_to_samples
from voicecoach.render.loudness import HOP, LoudnessMeter
from voicecoach.render.music_files import Decoder, Track
from voicecoach.render.settings import RenderSettings

CROSSFADE_MS = 4_000
FADE_IN_MS = 4_000
FADE_OUT_MS = 6_000
FADE_FLOOR_DB = -60.0  # fades run in dB from here: no jump of the level anywhere
LEAD_MS = 500  # the ramp down starts this long before a cue...
ATTACK_MS = 400  # ...and is done 100 ms before it (at most 0.4 dB per 10 ms)
HOLD_MS = 300  # stays down this long after a cue ends
RELEASE_MS = 900  # then comes back up over this long
MERGE_GAP_MS = 1_500  # cues closer than this are one ducked stretch
STEP_MS = 10  # the bed's loudness profile takes its gains this often (hop_energies)
CROSSFADE_PEAK_DB = 3.02  # equal-power crossfade: two tracks can add up to sqrt(2)


# -- ducking ----------------------------------------------------------------------------


def duck_spans(timeline: Timeline, merge_gap_ms: int = MERGE_GAP_MS) -> list[tuple[int, int]]:
    """The stretches the music is fully down for: every cue, with cues closer than
    ``merge_gap_ms`` or inside the same rep joined into one stretch."""
    starts = [s.start_ms for s in timeline.segments]

    def rep_of(ms: int) -> tuple[object, ...] | None:
        index = bisect.bisect_right(starts, ms) - 1
        if index < 0:
            return None
        seg = timeline.segments[index]
        if seg.rep is None:
            return None
        return (seg.exercise, seg.set, seg.side, seg.rep)

    spans: list[tuple[int, int]] = []
    last_rep: tuple[object, ...] | None = None
    for cue in timeline.cues:
        rep = rep_of(cue.start_ms)
        if spans and (
            cue.start_ms - spans[-1][1] < merge_gap_ms or (rep is not None and rep == last_rep)
        ):
            spans[-1] = (spans[-1][0], max(spans[-1][1], cue.end_ms))
        else:
            spans.append((cue.start_ms, cue.end_ms))
        last_rep = rep
    return spans


def _rise(x: np.ndarray) -> np.ndarray:
    """0 -> 1 as x goes 0 -> 1, raised cosine (smooth at both ends), clipped outside."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(x, 0.0, 1.0))


class DuckEnvelope:
    """How far the music is ducked (0..1 of the duck depth) at any millisecond, computed
    for one block at a time from the spans around it."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.first = 0  # spans before this one have fully released (blocks go forward)

    def depth(self, ms: np.ndarray) -> np.ndarray:
        """Duck depth in [0, 1] at each of ``ms`` (increasing, one block's worth)."""
        out = np.zeros(len(ms))
        if not len(ms):
            return out
        low, high = float(ms[0]), float(ms[-1])
        while self.first < len(self.spans) and (
            self.spans[self.first][1] + HOLD_MS + RELEASE_MS < low
        ):
            self.first += 1
        for start, end in itertools.islice(self.spans, self.first, None):  # no copy
            if start - LEAD_MS > high:
                break
            down = _rise((ms - (start - LEAD_MS)) / ATTACK_MS)
            up = 1.0 - _rise((ms - (end + HOLD_MS)) / RELEASE_MS)
            np.maximum(out, np.minimum(down, up), out=out)
        return out


# -- the bed ----------------------------------------------------------------------------


@dataclass
class _Playing:
    """One turn of a track in the schedule: where it starts and how it fades."""

    track: Track
    start: int  # session sample where it starts
    fade_in: int  # samples of crossfade at its start (0 for the very first track)
    fade_out: int = 0  # samples of crossfade at its end (0 for the last one)
    decoder: Decoder | None = None

    @property
    def end(self) -> int:
        return self.start + self.track.samples

    def fades(self, where: np.ndarray) -> np.ndarray:
        """The crossfade gain at track positions ``where`` (samples): equal power, sin up
        and cos down."""
        gain = np.ones(len(where))
        if len(where) == 0:
            return gain
        # Only where a fade is (most blocks are in neither: no sines to take there).
        if self.fade_in and where[0] < self.fade_in:
            inside = where < self.fade_in
            gain[inside] *= np.sin(0.5 * np.pi * np.clip(where[inside] / self.fade_in, 0.0, 1.0))
        if self.fade_out and where[-1] > self.track.samples - self.fade_out:
            inside = where > self.track.samples - self.fade_out
            left = (self.track.samples - where[inside]) / self.fade_out
            gain[inside] *= np.sin(0.5 * np.pi * np.clip(left, 0.0, 1.0))
        return gain


@dataclass
class MusicBed:
    """The music under one session; ``block(start, end)`` gives its samples for that span
    of the session (blocks must be asked for in order). Use it as a context manager so the
    decoders stop whatever happens.

    The whole schedule (which track plays when, and its crossfades) is made up front: a
    list of a few dozen turns. ``hop_energies`` uses it with the tracks' 100 ms loudness
    profiles to know the mixed session's loudness before a sample of music is decoded."""

    tracks: list[Track]
    settings: RenderSettings  # its shuffle, music_level and duck
    timeline: Timeline
    bed_lufs: float  # the level every track is brought to (fit_voice chooses it)
    ceiling_dbtp: float = -1.5
    schedule: list[_Playing] = field(init=False, repr=False)
    _next: int = field(init=False, default=0, repr=False)  # first turn not yet finished
    _envelope: DuckEnvelope = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.tracks:
            raise MusicError("no music to play")
        self.schedule = _schedule(self.tracks, self.settings.shuffle, self._samples)
        self._envelope = DuckEnvelope(duck_spans(self.timeline))

    @property
    def _samples(self) -> int:
        return ms_to_samples(self.timeline.duration_ms)

    # levels -------------------------------------------------------------------------

    def track_gain_db(self, track: Track) -> float:
        """Bring the track to the bed level, but never let its peaks (two tracks adding up
        in a crossfade included) pass the ceiling on their own."""
        gain = self.bed_lufs - track.loudness
        return min(gain, self.ceiling_dbtp - CROSSFADE_PEAK_DB - track.peak_dbtp)

    def peak_dbtp(self, ducked: bool) -> float:
        """The highest true peak the bed can reach, in a crossfade, ducked or not."""
        peak = max(t.peak_dbtp + self.track_gain_db(t) for t in self.tracks) + CROSSFADE_PEAK_DB
        return peak - (self.settings.duck if ducked else 0.0)

    def under(self, voice_lufs: float, gain_db: float) -> MusicBed:
        """The same bed ``music_level`` under a voice measured at ``voice_lufs`` before
        ``gain_db`` (a new bed: this one keeps its level)."""
        return MusicBed(
            self.tracks,
            self.settings,
            self.timeline,
            voice_lufs + gain_db - self.settings.music_level,
            self.ceiling_dbtp,
        )

    def voice_peak_allowed(self) -> float:
        """The highest true peak (dBTP, in the track) the voice may reach: with the ducked
        music under it (the music is fully down whenever a cue sounds) the sum stays under
        the ceiling, whatever the phases."""
        room = 10 ** (self.ceiling_dbtp / 20) - 10 ** (self.peak_dbtp(ducked=True) / 20)
        return 20 * math.log10(max(room, 1e-6))

    def mix_peak_dbtp(self, voice_peak_dbtp: float) -> float:
        """A bound on the mixed track's true peak, for the build's report."""
        return max(
            _add_db(voice_peak_dbtp, self.peak_dbtp(ducked=True)), self.peak_dbtp(ducked=False)
        )

    def hop_energies(self, chunk_ms: int = 60_000) -> np.ndarray:
        """The bed's K-weighted mean square in every 100 ms hop of the session, at the
        current level, ducked and faded: from each track's profile (measured once, cached)
        and the schedule, a minute at a time. Tracks that overlap in a crossfade add their
        energies (two different tracks are uncorrelated). Gains are taken every STEP_MS
        (the fastest ramp, ATTACK_MS, spans 30 of them)."""
        hop_ms = HOP // SAMPLES_PER_MS
        per_hop = hop_ms // STEP_MS
        hops = self.timeline.duration_ms // hop_ms
        out = np.zeros(hops)
        envelope = DuckEnvelope(self._envelope.spans)  # its own, not the playing one's
        for first in range(0, hops * hop_ms, chunk_ms):
            last = min(first + chunk_ms, hops * hop_ms)
            ms = np.arange(first, last, STEP_MS, dtype=np.float64) + STEP_MS / 2
            positions = ms * SAMPLES_PER_MS
            energy = np.zeros(len(ms))
            for playing in self.schedule:
                if playing.start >= last * SAMPLES_PER_MS or playing.end <= first * SAMPLES_PER_MS:
                    continue
                where = positions - playing.start
                inside = (where >= 0) & (where < playing.track.samples)
                profile = playing.track.hops
                if not len(profile) or not inside.any():
                    continue
                index = np.minimum((where[inside] // HOP).astype(np.int64), len(profile) - 1)
                gain = 10 ** (self.track_gain_db(playing.track) / 20) * playing.fades(where[inside])
                energy[inside] += gain**2 * profile[index]
            energy *= self._gain_at(ms, envelope) ** 2
            out[first // hop_ms : last // hop_ms] = energy.reshape(-1, per_hop).mean(axis=1)
        return out

    # playing ------------------------------------------------------------------------

    def block(self, first: int, last: int) -> np.ndarray:
        """The bed for session samples [first, last), levelled, crossfaded, ducked, faded."""
        out = np.zeros(last - first, dtype=np.float32)
        for playing in itertools.islice(self.schedule, self._next, None):
            if playing.start >= last:
                break
            lo, hi = max(first, playing.start), min(last, playing.end)
            if lo < hi:
                if playing.decoder is None:
                    playing.decoder = Decoder(playing.track.path)
                samples = playing.decoder.read(hi - lo).astype(np.float64)
                where = np.arange(lo - playing.start, hi - playing.start, dtype=np.float64)
                gain = 10 ** (self.track_gain_db(playing.track) / 20) * playing.fades(where)
                out[lo - first : hi - first] += (samples * gain).astype(np.float32)
        # Turns that have ended stop their decoders (the schedule is in order of start,
        # and a turn ends before the one after next starts).
        while self._next < len(self.schedule) and self.schedule[self._next].end <= last:
            self._stop(self.schedule[self._next])
            self._next += 1
        ms = np.arange(first // SAMPLES_PER_MS, -(-last // SAMPLES_PER_MS) + 1, dtype=np.float64)
        gain = self._gain_at(ms, self._envelope)
        positions = np.arange(first, last, dtype=np.float64) / SAMPLES_PER_MS
        return out * np.interp(positions, ms, gain).astype(np.float32)

    def _gain_at(self, ms: np.ndarray, envelope: DuckEnvelope) -> np.ndarray:
        """Duck and session fades (linear gain) at each of ``ms`` (increasing)."""
        depth = envelope.depth(ms)
        fade_in = _rise(ms / FADE_IN_MS)
        fade_out = _rise((self.timeline.duration_ms - ms) / FADE_OUT_MS)
        db = -self.settings.duck * depth + FADE_FLOOR_DB * (1.0 - np.minimum(fade_in, fade_out))
        return 10 ** (db / 20)

    @staticmethod
    def _stop(playing: _Playing) -> None:
        if playing.decoder is not None:
            playing.decoder.close()
            playing.decoder = None

    def close(self) -> None:
        for playing in self.schedule:
            self._stop(playing)

    def __enter__(self) -> MusicBed:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def fit_voice(
    tracks: list[Track],
    settings: RenderSettings,
    timeline: Timeline,
    voice: LoudnessMeter,
    target_lufs: float,
) -> tuple[float, MusicBed]:
    """The gain (dB) for the voice that brings the whole mix to ``target_lufs``, and the
    bed at its level under the voice so gained. The music in the long gaps counts in
    BS.1770's gated mean, so the voice alone at the target would leave the track quieter
    than one without music. ``voice`` has measured the voice's pass; the music adds its
    profile (``hop_energies``), so nothing is decoded to know it."""
    voice_lufs = voice.integrated()
    gain_db = target_lufs - voice_lufs
    bed = MusicBed(tracks, settings, timeline, voice_lufs + gain_db - settings.music_level)
    # The mix scales with the gain, except for a track held down by its own peaks: a few
    # rounds settle it (one when no track is held).
    for _ in range(4):
        energies = bed.hop_energies() * 10 ** (-gain_db / 10)  # as heard before the gain
        step = target_lufs - (voice.integrated(extra=energies) + gain_db)
        gain_db += step
        bed = bed.under(voice_lufs, gain_db)
        if abs(step) < 0.01:
            break
    return gain_db, bed


def _schedule(tracks: list[Track], seed: int | None, samples: int) -> list[_Playing]:
    """Every turn of every track until the session's ``samples`` are covered: in order or
    shuffled, each next track starting a crossfade before the last one ends (the crossfade
    is never more than half of either track)."""
    order = _play_order(len(tracks), seed)
    turns: list[_Playing] = []
    start = 0
    while start < samples:
        track = tracks[next(order)]
        fade = 0
        if turns:
            previous = turns[-1]
            fade = min(ms_to_samples(CROSSFADE_MS), previous.track.samples // 2, track.samples // 2)
            start = previous.end - fade
            previous.fade_out = fade
        turns.append(_Playing(track, start, fade))
        start = turns[-1].end - min(ms_to_samples(CROSSFADE_MS), track.samples // 2)
    return turns


def _play_order(count: int, seed: int | None) -> Iterator[int]:
    """Track numbers forever: in order, or shuffled afresh each round with ``seed`` (never
    the same track twice in a row where there is a choice)."""
    shuffler = random.Random(seed) if seed is not None else None
    last = -1
    while True:
        order = list(range(count))
        if shuffler is not None:
            shuffler.shuffle(order)
            if count > 1 and order[0] == last:
                order[0], order[-1] = order[-1], order[0]
        yield from order
        last = order[-1]


def _add_db(a: float, b: float) -> float:
    """The bound on the peak of two signals' sum: amplitudes add."""
    return 20 * math.log10(10 ** (a / 20) + 10 ** (b / 20))
