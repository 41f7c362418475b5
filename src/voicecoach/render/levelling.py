"""How loud a track is made: the gain on the voice and tones, and how far the speech's
peaks are limited, chosen between the render's two passes.

The loudness target is for the whole track, as a player's loudness normalization hears
it. Without music that is the voice. With music the bed in the long gaps counts in
BS.1770's gated mean too, so the voice is raised with it (render/music.py ``fit``) and the
music stays ``level_lu`` under it. Raising the voice can bring its peaks over the true-peak
ceiling; then its peaks are limited a little further (every clip's already are, when it is
made: clips.SPEECH_PEAK_DBFS), and only past MAX_EXTRA_LIMIT_DB is the track made quieter.
Limiting takes some loudness with it: measured on the clips the timeline plays and made
up for in the gain, a few rounds until gain and limit agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from voicecoach.compiler import Timeline
from voicecoach.render.audio import true_peak_dbtp
from voicecoach.render.clips import ClipLibrary
from voicecoach.render.loudness import LoudnessMeter, k_weight
from voicecoach.render.music import MusicBed

TRUE_PEAK_CEILING = -1.5  # dBTP before encoding; leaves room for MP3 overshoot under -1
MAX_EXTRA_LIMIT_DB = 3.0  # past this much more limiting it starts to be heard: quieter instead
LIMIT_MARGIN_DB = 0.1  # the limit holds true peaks to within 0.05 dB (clips.limited)
ROUNDS = 5  # gain and limit agree to 0.02 dB in two or three


@dataclass(frozen=True)
class Levelling:
    """The gain on the voice (and tones), and the limit on the speech's peaks before that
    gain (None: the clips as they are)."""

    gain_db: float
    limit_dbfs: float | None
    peak_dbtp: float  # the voice's true peak in the track (limit and gain applied)


def choose_levelling(
    meter: LoudnessMeter,
    target_lufs: float,
    timeline: Timeline,
    library: ClipLibrary,
    tones: dict[str, np.ndarray],
    bed: MusicBed | None,
) -> Levelling:
    """The levelling that brings the track (music and all) to ``target_lufs`` with its
    true peak under the ceiling; ``meter`` has measured the voice's pass."""
    voice_lufs = meter.integrated()
    # The gain for the voice as it is; limiting lowers its loudness by ``loss``, made up
    # in the gain (the bed stays where it is: level_lu under the limited voice).
    base = bed.fit(meter, target_lufs) if bed is not None else target_lufs - voice_lufs
    peak = track_peak(timeline, library, tones)
    allowed = bed.voice_peak_allowed() if bed is not None else TRUE_PEAK_CEILING
    energy = VoiceEnergy(timeline, library, tones)
    limit, loss = None, 0.0
    for _ in range(ROUNDS):
        if peak + base + loss <= allowed:
            break
        limit = max(allowed - base - loss - LIMIT_MARGIN_DB, peak - MAX_EXTRA_LIMIT_DB)
        loss, before = energy.loss_db(limit), loss
        if abs(loss - before) < 0.02:
            break
    gain_db = base + loss
    if limit is not None:
        peak = track_peak(timeline, library, tones, limit)
    for _ in range(4):  # still over (the most limiting allowed was not enough): quieter
        if peak + gain_db <= allowed:
            break
        gain_db -= peak + gain_db - allowed + 0.01
        if bed is not None:
            bed.level_under(voice_lufs - loss, gain_db)
            allowed = bed.voice_peak_allowed()
    return Levelling(gain_db, limit, peak + gain_db)


def track_peak(
    timeline: Timeline,
    library: ClipLibrary,
    tones: dict[str, np.ndarray],
    limit_dbfs: float | None = None,
) -> float:
    """The highest true peak (dBTP) of any sound the timeline plays, as fitted to its cue
    (and limited to ``limit_dbfs``)."""
    peaks = [true_peak_dbtp(tones[name]) for name in {c.tone for c in timeline.cues if c.tone}]
    peaks += [library.fit(text, ms, limit_dbfs).true_peak for text, ms in _slots(timeline)]
    return max(peaks, default=-120.0)


class VoiceEnergy:
    """The K-weighted energy of everything the timeline plays, with the speech limited
    or not: what limiting costs in loudness (the cues never overlap, so energies add)."""

    def __init__(
        self, timeline: Timeline, library: ClipLibrary, tones: dict[str, np.ndarray]
    ) -> None:
        self.library = library
        self.slots = _slots(timeline)
        tone_cues = [cue.tone for cue in timeline.cues if cue.tone]
        self.tones = sum(_energy(tones[name]) for name in tone_cues)
        self.plain = self.tones + self._speech(None)

    def _speech(self, limit_dbfs: float | None) -> float:
        return sum(
            count * _energy(self.library.fit(text, ms, limit_dbfs).samples)
            for (text, ms), count in self.slots.items()
        )

    def loss_db(self, limit_dbfs: float) -> float:
        """How much quieter the whole voice is with the speech limited to ``limit_dbfs``."""
        limited = self.tones + self._speech(limit_dbfs)
        return 10 * math.log10(self.plain / max(limited, 1e-20))


def _slots(timeline: Timeline) -> dict[tuple[str, int], int]:
    """Each distinct (phrase, slot length) the timeline plays, and how often."""
    slots: dict[tuple[str, int], int] = {}
    for cue in timeline.cues:
        if cue.kind == "speech":
            key = (cue.text or "", cue.duration_ms)
            slots[key] = slots.get(key, 0) + 1
    return dict(sorted(slots.items()))


def _energy(samples: np.ndarray) -> float:
    weighted = k_weight(samples).astype(np.float64)
    return float(np.dot(weighted, weighted))
