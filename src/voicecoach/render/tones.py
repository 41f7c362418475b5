"""Synthesize the tone palette (palette.py): pure sines with raised-cosine fades.

Tones are made at render time from their definition; audio_assets/ holds previews made
by ``voicecoach tones`` (see audio_assets/README.md). Each tone's level is set so its
loudness sits TONE_UNDER_SPEECH_LU below the speech.
"""

from __future__ import annotations

import os
import wave

import numpy as np

from voicecoach.compiler import PALETTE, Tone
from voicecoach.render.audio import RATE, SAMPLES_PER_MS, to_int16
from voicecoach.render.loudness import clip_loudness

FADE_MS = 10
TONE_AMPLITUDE = 0.22  # about -16 dBFS peak; the mix gain brings it to its place


def synthesize_tone(tone: Tone, amplitude: float = TONE_AMPLITUDE) -> np.ndarray:
    """A float32 sine of the tone's frequency and exact duration, faded in and out."""
    n = tone.duration_ms * SAMPLES_PER_MS
    t = np.arange(n, dtype=np.float64) / RATE
    wave = amplitude * np.sin(2 * np.pi * tone.hz * t)
    fade = min(FADE_MS * SAMPLES_PER_MS, n // 2)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))
    wave[:fade] *= ramp
    wave[n - fade :] *= ramp[::-1]
    return wave.astype(np.float32)


TONE_LUFS = -19.0  # 3 LU under the speech (clips.SPEECH_LUFS): heard, never louder


def tone_bank(level_lufs: float = TONE_LUFS) -> dict[str, np.ndarray]:
    """Every palette tone levelled to the same loudness, so no marker jumps out."""
    bank = {}
    for name, tone in PALETTE.items():
        wave = synthesize_tone(tone)
        gain_db = level_lufs + tone.level_lu - clip_loudness(wave)
        bank[name] = (wave * np.float32(10 ** (gain_db / 20))).astype(np.float32)
    return bank


def write_previews(folder: str) -> list[str]:
    """Write one 16-bit WAV per tone to ``folder``; returns the paths. Deterministic."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, samples in tone_bank().items():
        path = os.path.join(folder, f"tone-{name.replace('_', '-')}.wav")
        with wave.open(path, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(to_int16(samples).tobytes())
        paths.append(path)
    return paths
