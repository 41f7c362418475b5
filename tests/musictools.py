"""Test music made here (the project ships no one else's): a slow glide of a low sine,
written to any format ffmpeg encodes, and a meter for the narrow band it sits in.

The glide sits at 44-54 Hz, under the speech engine's voice (whose energy in that band
stays below -47 dBFS) and far under every tone, so the band's level in the rendered MP3 is
the music's level. It glides rather than holds one pitch so that where a track crossfades
into the next (or into itself, looping) the two ends differ by 10 Hz and add in power, as
real music does, instead of in phase: each track holds 44 Hz for its first STEADY_S and
54 Hz for its last, longer than a crossfade, so the beat there is exactly 10 Hz and the
100 ms meter window holds exactly one beat.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfiltfilt

GLIDE_HZ = (44.0, 54.0)
BAND_HZ = (38.0, 62.0)
WINDOW_MS = 100  # one beat period of the 10 Hz difference at a crossfade
HOP_MS = 10


STEADY_S = 4.5


def glide(seconds: float, rate: int = 44_100, amplitude: float = 0.3) -> np.ndarray:
    """A sine holding 44 Hz, gliding to 54 Hz, holding 54 Hz (``seconds`` > 2 STEADY_S)."""
    t = np.arange(int(seconds * rate)) / rate
    low, high = GLIDE_HZ
    middle = max(seconds - 2 * STEADY_S, 1e-3)
    hz = low + (high - low) * np.clip((t - STEADY_S) / middle, 0.0, 1.0)
    phase = 2 * np.pi * np.cumsum(hz) / rate
    return (amplitude * np.sin(phase)).astype(np.float32)


def write_audio(path: Path, samples: np.ndarray, rate: int = 44_100) -> Path:
    """Encode float mono samples to ``path``; ffmpeg picks the codec from the suffix."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(rate), "-ac", "1",
         "-i", "pipe:0", str(path)],
        input=samples.astype("<f4").tobytes(),
        check=True,
    )  # fmt: skip
    return path


def band_levels(samples: np.ndarray, rate: int = 24_000) -> np.ndarray:
    """dB of the glide's band in WINDOW_MS windows every HOP_MS; entry i covers
    [i * HOP_MS, i * HOP_MS + WINDOW_MS) ms."""
    sos = butter(4, BAND_HZ, btype="band", fs=rate, output="sos")
    band = sosfiltfilt(sos, samples.astype(np.float64))
    power = band * band
    hop, window = rate * HOP_MS // 1000, rate * WINDOW_MS // 1000
    cumulative = np.concatenate([[0.0], np.cumsum(power)])
    starts = np.arange(0, len(power) - window, hop)
    mean = (cumulative[starts + window] - cumulative[starts]) / window
    return 10 * np.log10(np.maximum(mean, 1e-12))


def band_level(samples: np.ndarray, from_ms: int, to_ms: int, rate: int = 24_000) -> float:
    """dB of the glide's band over [from_ms, to_ms) (filtered with some context around)."""
    pad = rate // 2
    first, last = from_ms * rate // 1000, to_ms * rate // 1000
    lo, hi = max(0, first - pad), min(len(samples), last + pad)
    sos = butter(4, BAND_HZ, btype="band", fs=rate, output="sos")
    band = sosfiltfilt(sos, samples[lo:hi].astype(np.float64))[first - lo : last - lo]
    return 10 * float(np.log10(max(float(np.mean(band * band)), 1e-12)))
