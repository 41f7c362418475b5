"""The one internal audio format and the sample-level helpers every stage shares.

24,000 Hz mono: a whole 24 samples per millisecond, so a timeline position in ms maps to
one exact sample with no rounding, and 24 kHz is a native MP3 (MPEG-2 Layer III) rate.
Clips are int16 in the cache and float32 while mixing.
"""

from __future__ import annotations

from math import gcd

import numpy as np

# scipy is imported where it is used: it takes a second to import, and `validate` or
# `plan`, which import this stage but make no audio, should not wait for it.

RATE = 24_000
SAMPLES_PER_MS = RATE // 1000
FRAME_SAMPLES = 576  # one MPEG-2 Layer III frame at 24 kHz: 24 ms
SILENCE_DBFS = -45.0  # quieter than this is silence when trimming clips


def ms_to_samples(ms: int) -> int:
    """The only conversion from timeline time to sample position."""
    return ms * SAMPLES_PER_MS


def samples_to_ms(samples: int) -> int:
    """Whole milliseconds a clip of ``samples`` needs (rounded up: it must fit)."""
    return -(-samples // SAMPLES_PER_MS)


def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 samples -> float32 in [-1, 1)."""
    return samples.astype(np.float32) / 32768.0


def to_int16(samples: np.ndarray) -> np.ndarray:
    """float32 samples -> int16, rounded and clipped."""
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype(np.int16)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample float samples from ``rate`` to RATE (polyphase, no drift)."""
    if rate == RATE:
        return samples
    from scipy.signal import resample_poly

    g = gcd(RATE, rate)
    return resample_poly(samples, RATE // g, rate // g).astype(np.float32)


def trim_silence(
    samples: np.ndarray, keep_ms: int = 3, threshold_dbfs: float = SILENCE_DBFS
) -> np.ndarray:
    """Cut leading and trailing silence, so a clip's sound starts where its cue starts."""
    threshold = 10 ** (threshold_dbfs / 20)
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    keep = keep_ms * SAMPLES_PER_MS
    start = max(0, int(loud[0]) - keep)
    end = min(len(samples), int(loud[-1]) + 1 + keep)
    return samples[start:end]


def fade_edges(samples: np.ndarray, ms: int = 3) -> np.ndarray:
    """Short raised-cosine fades at both ends: no clicks where a clip starts or stops."""
    n = min(len(samples) // 2, ms * SAMPLES_PER_MS)
    if n == 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float32))).astype(np.float32)
    out = samples.copy()
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def true_peak_dbtp(samples: np.ndarray) -> float:
    """BS.1770 true peak: the peak of the signal oversampled 4x, in dBTP."""
    if samples.size == 0:
        return -120.0
    from scipy.signal import resample_poly

    over = resample_poly(samples.astype(np.float64), 4, 1)
    peak = max(float(np.max(np.abs(over))), float(np.max(np.abs(samples))))
    return 20 * np.log10(max(peak, 1e-9))


def limit_peaks(
    samples: np.ndarray, ceiling_dbfs: float, window_ms: int = 10, true_peak: bool = False
) -> np.ndarray:
    """A look-ahead peak limiter: no sample above the ceiling, no clicks.

    The gain each sample needs is spread by a moving minimum and smoothed by a moving
    average over the same window, so the smoothed gain never exceeds what any sample
    needs (the limiter never lets a peak through) and changes over ``window_ms``. With
    ``true_peak``, what each sample needs comes from the signal oversampled 4x, so the
    peaks between samples are held too (within a few tenths of a dB; a second pass gets
    closer).
    """
    if samples.size == 0:
        return samples
    gain = limiter_gain(peak_envelope(samples, true_peak), ceiling_dbfs, window_ms)
    if gain is None:
        return samples
    return (samples * gain).astype(np.float32)


def peak_envelope(samples: np.ndarray, true_peak: bool = True) -> np.ndarray:
    """Each sample's magnitude; with ``true_peak``, the largest of it and the three
    points after it when oversampled 4x (the peaks between samples)."""
    level = np.abs(samples)
    if true_peak and samples.size:
        from scipy.signal import resample_poly

        over = np.abs(resample_poly(samples.astype(np.float64), 4, 1))
        level = np.maximum(level, over.reshape(-1, 4).max(axis=1))
    return level


def limiter_gain(level: np.ndarray, ceiling_dbfs: float, window_ms: int = 10) -> np.ndarray | None:
    """The limiter's gain for a signal whose peak envelope is ``level`` (None: nothing
    over the ceiling, gain 1 everywhere)."""
    ceiling = 10 ** (ceiling_dbfs / 20)
    need = np.minimum(1.0, ceiling / np.maximum(level, 1e-9))
    if need.size == 0 or need.min() >= 1.0:
        return None
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    width = max(1, window_ms * SAMPLES_PER_MS) | 1
    gain = uniform_filter1d(
        minimum_filter1d(need, size=width, mode="nearest"), size=width, mode="nearest"
    )
    return np.minimum(gain, need)


SPEECH_BAND_HZ = 9_000  # under the MP3 encoder's low-pass at 64 kbps, 24 kHz


def band_limit(samples: np.ndarray) -> np.ndarray:
    """Remove what the MP3 encoder would remove anyway, so the loudness measured before
    encoding is the loudness of the file (zero-phase: the clip's onset does not move)."""
    if samples.size < 64:
        return samples
    from scipy.signal import butter, sosfiltfilt

    sos = butter(8, SPEECH_BAND_HZ, btype="low", fs=RATE, output="sos")
    return sosfiltfilt(sos, samples).astype(np.float32)
