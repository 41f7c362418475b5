"""A streaming ITU-R BS.1770-4 loudness meter (integrated LUFS with gating).

Fed block by block, it keeps only one number per 100 ms, so measuring a 90-minute track
costs no memory to speak of. The K-weighting coefficients are computed for RATE.
"""

from __future__ import annotations

import math

import numpy as np

from voicecoach.render.audio import RATE

HOP = RATE // 10  # 100 ms: gating blocks are 400 ms with 75 % overlap


def _k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    # High shelf (the head's acoustic effect), then the RLB high-pass; BS.1770-4 Annex 1,
    # coefficients derived for any rate as in libebur128.
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = np.array(
        [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    )
    shelf_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_b = np.array([1.0, -2.0, 1.0])
    high_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return [(shelf_b, shelf_a), (high_b, high_a)]


class LoudnessMeter:
    """Feed float samples with ``add``; read ``integrated()`` in LUFS at the end."""

    def __init__(self, rate: int = RATE) -> None:
        from scipy.signal import lfilter_zi  # imported when used: see audio.py

        self.filters = _k_weighting(rate)
        self.states = [lfilter_zi(b, a) * 0.0 for b, a in self.filters]
        self.pending = np.zeros(0, dtype=np.float64)
        self._hop_chunks: list[np.ndarray] = []

    def add(self, samples: np.ndarray, weighted: bool = False) -> None:
        """Feed the next samples; ``weighted=True`` when they are already K-weighted."""
        from scipy.signal import lfilter

        x = samples.astype(np.float64)
        if not weighted:
            for index, (b, a) in enumerate(self.filters):
                x, self.states[index] = lfilter(b, a, x, zi=self.states[index])
        x = np.concatenate([self.pending, x])
        whole = len(x) // HOP * HOP
        if whole:
            self._hop_chunks.append(np.mean(x[:whole].reshape(-1, HOP) ** 2, axis=1))
        self.pending = x[whole:]

    def hops(self) -> np.ndarray:
        """The mean square of every whole 100 ms hop added so far (K-weighted)."""
        return np.concatenate(self._hop_chunks) if self._hop_chunks else np.zeros(0)

    def integrated(self, extra: np.ndarray | None = None) -> float:
        """The integrated loudness (LUFS) of everything added so far, gated as BS.1770-4
        says; with ``extra``, of that plus another signal whose hops' K-weighted mean
        squares ``extra`` holds (an uncorrelated one: energies add)."""
        # One float per 100 ms: a 90-minute session keeps 54,000 of them (0.4 MB).
        hops = self.hops()
        if extra is not None:
            hops = hops + extra[: len(hops)]
        return gated_loudness(hops)


def gated_loudness(hops: np.ndarray) -> float:
    """BS.1770-4 integrated loudness from the K-weighted mean squares of 100 ms hops:
    400 ms blocks with 75 % overlap, the absolute gate at -70 LUFS, then the relative
    gate 10 LU under the mean of what passed."""
    if len(hops) < 4:
        return -70.0
    blocks = (hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]) / 4
    loudness = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
    gated = blocks[loudness > -70.0]
    if gated.size == 0:
        return -70.0
    relative = -0.691 + 10 * math.log10(float(np.mean(gated))) - 10.0
    gated = blocks[(loudness > -70.0) & (loudness > relative)]
    return -0.691 + 10 * math.log10(float(np.mean(gated)))


def clip_loudness(samples: np.ndarray) -> float:
    """Loudness of a short clip: K-weighted mean square over the whole clip, no gating
    (a count like "two" is shorter than one 400 ms gating block)."""
    if samples.size == 0:
        return -70.0
    from scipy.signal import lfilter

    x = samples.astype(np.float64)
    for b, a in _k_weighting(RATE):
        x = lfilter(b, a, x)
    return -0.691 + 10 * math.log10(max(float(np.mean(x * x)), 1e-20))


K_TAIL_MS = 100  # the K-weighting filters' response has died away (< -90 dB) by then


def k_weight(samples: np.ndarray) -> np.ndarray:
    """The K-weighted clip, with its filter tail. The filters are linear and time-invariant
    and cues never overlap, so the K-weighted mix is the sum of K-weighted clips: the
    renderer filters each distinct clip once instead of the whole session."""
    from scipy.signal import lfilter

    x = np.concatenate([samples.astype(np.float64), np.zeros(K_TAIL_MS * RATE // 1000)])
    for b, a in _k_weighting(RATE):
        x = lfilter(b, a, x)
    return x.astype(np.float32)
