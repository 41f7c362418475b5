"""From engine output to placed clips: decode, resample, trim, measure, fit, cache.

``ClipLibrary`` is the renderer's view of speech: it makes sure every phrase of a
timeline is in the cache (synthesizing only what is new, on both cores), tells the
compiler how long each phrase is, and hands out clips that fit their cue exactly,
sped up (pitch kept, ffmpeg's atempo) when a phrase is longer than its slot.
"""

from __future__ import annotations

import io
import subprocess
from collections import OrderedDict
from collections.abc import Callable, Iterable

import numpy as np

from voicecoach.errors import SpeechError, ToolMissingError
from voicecoach.render.audio import (
    RATE,
    SAMPLES_PER_MS,
    band_limit,
    fade_edges,
    limit_peaks,
    resample,
    samples_to_ms,
    to_float,
    to_int16,
    trim_silence,
    true_peak_dbtp,
)
from voicecoach.render.cache import Clip, ClipCache
from voicecoach.render.loudness import clip_loudness, k_weight
from voicecoach.render.speech import EngineSpec, synthesize
from voicecoach.render.spoken import SPOKEN_FORM_VERSION, spoken_form

SILENT_RETRIES = 2
MEMORY_BYTES = 24 * 1024 * 1024  # decoded clips kept in memory (the counts, heard over and over)
# Every phrase is levelled to SPEECH_LUFS, so a count is as loud as a sentence, and its
# peaks are limited to SPEECH_PEAK_DBFS: espeak's speech peaks ~16 dB over its loudness,
# too much for -19 LUFS integrated under a -1 dBTP ceiling once the silences between
# counts are gated in. A few dB of limiting on the peaks is inaudible on speech.
SPEECH_LUFS = -16.0
SPEECH_PEAK_DBFS = -3.5


def clip_from_wav(data: bytes) -> Clip:
    """Decode any WAV an engine wrote into the internal format (pydub reads the odd ones)."""
    from pydub import AudioSegment

    try:
        segment = AudioSegment.from_file(io.BytesIO(data), format="wav")
    except Exception as exc:  # noqa: BLE001 - any decoder failure is the engine's output
        raise SpeechError(f"the speech engine wrote audio that cannot be read: {exc}") from None
    segment = segment.set_channels(1).set_sample_width(2)
    raw = np.frombuffer(segment.raw_data, dtype="<i2")
    samples = trim_silence(band_limit(resample(to_float(raw), segment.frame_rate)))
    samples = fade_edges(samples)
    if samples.size:
        gain_db = SPEECH_LUFS - clip_loudness(samples)
        samples = limit_peaks(samples * np.float32(10 ** (gain_db / 20)), SPEECH_PEAK_DBFS)
    return Clip(to_int16(samples), clip_loudness(samples), true_peak_dbtp(samples))


def speed_up(samples: np.ndarray, max_samples: int) -> np.ndarray:
    """Time-compress float samples to at most ``max_samples``, keeping the pitch."""
    factor = len(samples) / max_samples * 1.01
    filters = []
    while factor > 2.0:  # one atempo stage handles up to 2x
        filters.append("atempo=2.0")
        factor /= 2.0
    filters.append(f"atempo={factor:.5f}")
    try:
        result = subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0",
             "-filter:a", ",".join(filters), "-f", "f32le", "pipe:1"],
            input=samples.astype("<f4").tobytes(),
            capture_output=True,
            check=True,
        )  # fmt: skip
    except FileNotFoundError:
        raise ToolMissingError("ffmpeg is not installed: sudo apt-get install ffmpeg") from None
    except subprocess.CalledProcessError as exc:
        raise SpeechError(f"ffmpeg could not fit a phrase: {exc.stderr.decode()[-200:]}") from None
    out = np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
    return fade_edges(out[:max_samples])


def clip_identity(spec: EngineSpec) -> dict[str, object]:
    """The speech part of a clip's cache key: the engine's settings and, because the engine
    hears spoken_form(text), the version of its rules (changed rules must not replay old
    clips)."""
    return {**spec.identity(), "spoken_form": SPOKEN_FORM_VERSION}


class ClipLibrary:
    def __init__(self, cache: ClipCache, spec: EngineSpec, jobs: int = 2) -> None:
        self.cache = cache
        self.spec = spec
        self.jobs = jobs
        self.identity = clip_identity(spec)
        self.lengths: dict[str, int] = {}  # text -> samples
        self.memory: OrderedDict[tuple[str, int, bool], np.ndarray] = OrderedDict()
        self.memory_bytes = 0
        self.synthesized = 0
        self.peak_dbtp = -120.0  # the highest true peak of any clip handed out

    # -- making sure phrases exist ---------------------------------------------------

    def missing(self, texts: Iterable[str]) -> list[str]:
        """Phrases not in the cache (loading the rest's lengths on the way)."""
        missing = []
        for text in dict.fromkeys(texts):
            if text in self.lengths:
                continue
            length = self.cache.length(self.cache.key(self.identity, text))
            if length is None:
                missing.append(text)
            else:
                self.lengths[text] = length
        return missing

    def synthesize(
        self, texts: list[str], progress: Callable[[int], None] = lambda n: None
    ) -> None:
        """Synthesize and cache ``texts``. A phrase that comes back silent is tried again on
        a fresh engine: pyttsx3's espeak driver now and then returns an empty file."""
        pending = list(texts)
        for _attempt in range(SILENT_RETRIES + 1):
            # The engine is given the spoken form; clips stay keyed by the display text
            # (the timeline's), and display texts that are said alike share one synthesis.
            said: dict[str, list[str]] = {}
            for text in pending:
                said.setdefault(spoken_form(text), []).append(text)
            silent = []
            for words, wav in synthesize(self.spec, list(said), self.jobs):
                clip = clip_from_wav(wav)
                if clip.length == 0:
                    silent += said[words]
                    continue
                for text in said[words]:
                    stored = self.cache.store(self.cache.key(self.identity, text), clip)
                    self.lengths[text] = stored.length
                    self.synthesized += 1
                    progress(1)
            if not silent:
                return
            pending = silent
        raise SpeechError(f"the speech engine produced only silence for {pending[0]!r}")

    def measure_ms(self, text: str) -> int:
        """How long a phrase takes, for the compiler (it must already be in the cache)."""
        return samples_to_ms(self.lengths[text])

    # -- handing out clips -------------------------------------------------------------

    def clip(self, text: str, max_ms: int, weighted: bool = False) -> np.ndarray:
        """The phrase as float samples, fitted to at most ``max_ms``; K-weighted (with
        the filter's tail) for the loudness pass when ``weighted``."""
        max_samples = max_ms * SAMPLES_PER_MS
        natural = self.lengths.get(text)
        fit = natural is not None and natural > max_samples
        memo = (text, max_samples if fit else 0, weighted)
        if memo in self.memory:
            self.memory.move_to_end(memo)
            return self.memory[memo]
        samples = self._load(text, "")
        if len(samples) > max_samples:
            key = self.cache.key(self.identity, text, variant=f"fit:{max_samples}")
            clip = self.cache.load(key)
            if clip is None:
                fitted = speed_up(to_float(samples), max_samples)
                clip = Clip(to_int16(fitted), clip_loudness(fitted), true_peak_dbtp(fitted))
                clip = self.cache.store(key, clip)
            samples = clip.samples
            self.peak_dbtp = max(self.peak_dbtp, clip.true_peak)
        result = to_float(samples)
        if weighted:
            result = k_weight(result)
        self.memory[memo] = result
        self.memory_bytes += result.nbytes
        while self.memory_bytes > MEMORY_BYTES and len(self.memory) > 1:
            _, dropped = self.memory.popitem(last=False)
            self.memory_bytes -= dropped.nbytes
        return result

    def _load(self, text: str, variant: str) -> np.ndarray:
        key = self.cache.key(self.identity, text, variant)
        clip = self.cache.load(key)
        if clip is None:  # removed or damaged since we looked: make it again
            self.synthesize([text])
            clip = self.cache.load(key)
            if clip is None:
                raise SpeechError(f"could not cache the phrase {text!r}")
        self.lengths[text] = clip.length
        self.peak_dbtp = max(self.peak_dbtp, clip.true_peak)
        return clip.samples
