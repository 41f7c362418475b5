"""How loud a track is made: the gain on the voice and tones, and how far the speech's
peaks are limited, chosen between the render's two passes.

The loudness target is for the whole track, as a player's loudness normalization hears
it. Without music that is the voice. With music the bed in the long gaps counts in
BS.1770's gated mean too, so the voice is raised with it (render/music.py ``fit``) and the
music stays ``level_lu`` under it. Raising the voice can bring its peaks over the true-peak
ceiling; then its peaks are limited a little further (every clip's already are, when it is
made: clips.SPEECH_PEAK_DBFS), and only past MAX_EXTRA_LIMIT_DB is the track made quieter.
Limiting takes some loudness with it: measured once on the clips the timeline plays, for
a grid of limits (LimitCost), and made up for in the gain, a few rounds until gain and
limit agree. The limited clips themselves are made as pass 2 plays them (clips.limited).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voicecoach.compiler import Timeline
from voicecoach.render.audio import limiter_gain, peak_envelope, true_peak_dbtp
from voicecoach.render.clips import ClipLibrary
from voicecoach.render.loudness import LoudnessMeter, k_weight
from voicecoach.render.music import fit_voice
from voicecoach.render.music_files import Track
from voicecoach.render.settings import RenderSettings

TRUE_PEAK_CEILING = -1.5  # dBTP before encoding; leaves room for MP3 overshoot under -1
MAX_EXTRA_LIMIT_DB = 3.0  # past this much more limiting it starts to be heard: quieter instead
LIMIT_MARGIN_DB = 0.1  # the limit holds true peaks to within 0.05 dB (clips.limited)
ROUNDS = 20  # gain and limit agree (to 0.005 dB) in a few; each round is an interpolation


@dataclass(frozen=True)
class Levelling:
    """The gain on the voice (and tones), and the limit on the speech's peaks before that
    gain (None: the clips as they are)."""

    gain_db: float
    limit_dbfs: float | None
    peak_dbtp: float  # the voice's true peak in the track (limit and gain applied)
    bed_lufs: float | None = None  # the music's level, if there is music


def choose_levelling(
    meter: LoudnessMeter,
    target_lufs: float,
    timeline: Timeline,
    library: ClipLibrary,
    tones: dict[str, np.ndarray],
    music: tuple[list[Track], RenderSettings] | None,
) -> Levelling:
    """The levelling that brings the track (``music`` and all: its tracks and the settings
    that play them) to ``target_lufs`` with its true peak under the ceiling; ``meter``
    has measured the voice's pass."""
    voice_lufs = meter.integrated()
    # The gain for the voice as it is; limiting lowers its loudness by ``loss``, made up
    # in the gain (the bed stays where it is: music_level under the limited voice).
    bed = None
    if music is not None:
        base, bed = fit_voice(*music, timeline, meter, target_lufs)
    else:
        base = target_lufs - voice_lufs
    tone_peak = max((true_peak_dbtp(tones[n]) for n in _tones(timeline)), default=-120.0)
    speech_peak = max((library.fit(t, ms).true_peak for t, ms in _slots(timeline)), default=-120.0)
    allowed = bed.voice_peak_allowed() if bed is not None else TRUE_PEAK_CEILING
    limit, loss = None, 0.0
    if max(tone_peak, speech_peak) + base > allowed:
        cost = LimitCost(timeline, library, tones, speech_peak)
        for _ in range(ROUNDS):
            limit = max(allowed - base - loss - LIMIT_MARGIN_DB, speech_peak - MAX_EXTRA_LIMIT_DB)
            loss, before = cost.loss_db(limit), loss
            if abs(loss - before) < 0.005:
                break
    gain_db = base + loss
    # clips.limited holds each limited clip's true peak within 0.05 dB of the limit.
    peak = max(tone_peak, speech_peak if limit is None else min(speech_peak, limit + 0.05))
    for _ in range(4):  # still over (the most limiting allowed was not enough): quieter
        if peak + gain_db <= allowed:
            break
        gain_db -= peak + gain_db - allowed + 0.01
        if bed is not None:
            bed = bed.under(voice_lufs - loss, gain_db)
            allowed = bed.voice_peak_allowed()
    return Levelling(gain_db, limit, peak + gain_db, bed.bed_lufs if bed is not None else None)


class LimitCost:
    """What limiting the speech's peaks costs in loudness, for limits from the speech's
    peak down to MAX_EXTRA_LIMIT_DB under it (a grid, interpolated between).

    Measured on every distinct clip the timeline plays, counted as often as it plays: its
    K-weighted energy as it is and with the limiter's gain applied (the gain changes over
    10 ms, slowly for the K filter, so the weighted energy of the limited clip is the
    weighted clip's energy under the gain), plus the tones'. One clip at a time."""

    STEPS_DB = np.linspace(0.0, MAX_EXTRA_LIMIT_DB, 7)

    def __init__(
        self,
        timeline: Timeline,
        library: ClipLibrary,
        tones: dict[str, np.ndarray],
        speech_peak: float,
    ) -> None:
        self.limits = speech_peak - self.STEPS_DB  # falling
        plain = sum(_energy(k_weight(tones[name])) for name in _tones(timeline, every=True))
        limited = np.full(len(self.limits), plain)
        for (text, ms), count in _slots(timeline).items():
            fitted = library.fit(text, ms)
            weighted = k_weight(fitted.samples).astype(np.float64) ** 2
            whole = float(weighted.sum())
            plain += count * whole
            level = peak_envelope(fitted.samples) if fitted.true_peak > self.limits[-1] else None
            for index, limit in enumerate(self.limits):
                gain = None if level is None else limiter_gain(level, limit)
                if gain is None:
                    limited[index] += count * whole
                    continue
                squared = gain.astype(np.float64) ** 2
                n = len(squared)
                limited[index] += count * (
                    float(np.dot(weighted[:n], squared)) + float(weighted[n:].sum()) * squared[-1]
                )
        self.losses = 10 * np.log10(plain / np.maximum(limited, 1e-20))

    def loss_db(self, limit_dbfs: float) -> float:
        """How much quieter the whole voice is with the speech limited to ``limit_dbfs``."""
        return float(np.interp(limit_dbfs, self.limits[::-1], self.losses[::-1]))


def _tones(timeline: Timeline, every: bool = False) -> list[str]:
    """The tones the timeline plays: each once, or (``every``) as often as it plays."""
    names = [cue.tone for cue in timeline.cues if cue.tone]
    return names if every else sorted(set(names))


def _slots(timeline: Timeline) -> dict[tuple[str, int], int]:
    """Each distinct (phrase, slot length) the timeline plays, and how often."""
    slots: dict[tuple[str, int], int] = {}
    for cue in timeline.cues:
        if cue.kind == "speech":
            key = (cue.text or "", cue.duration_ms)
            slots[key] = slots.get(key, 0) + 1
    return dict(sorted(slots.items()))


def _energy(samples: np.ndarray) -> float:
    return float(np.dot(samples.astype(np.float64), samples.astype(np.float64)))
