"""How long words take to say, before any engine has said them: the planning estimate.

The compiler sizes talk with it when no clip is measured yet, and a program's own words
(``words:``) are checked with it at load: a word said on a beat must fit the beat.
"""

from __future__ import annotations

DEFAULT_RATE_WPM = 200  # the estimate's rate when the program names none (espeak-ng's own)


def estimate_speech_ms(text: str, rate: int = DEFAULT_RATE_WPM) -> int:
    """A speech length estimate for planning without an engine (espeak-ng at ``rate`` wpm).

    Calibrated on espeak-ng 1.51 at 200 wpm: about 62 ms a character plus pauses at
    punctuation. ``voicecoach build`` measures the real clips instead.
    """
    pauses = sum(text.count(mark) for mark in ".,;:!?")
    ms = 60 + 62 * len(text) + 120 * pauses
    return round(ms * 200 / max(rate, 1))
