"""From engine output to placed clips: decode, resample, trim, level, measure, fit, cache.

``ClipLibrary`` is the renderer's view of one engine's speech. Its questions only
answer (``length_ms``, ``missing``); ``synthesize`` makes and caches the new phrases
(the spoken form of each phrase goes to the engine, through engines.pool); ``fit``
returns a phrase fitted to its slot together with what it measured (its true peak), so
the caller computes the track's peak from the clips it actually uses. A phrase longer
than its slot is sped up (pitch kept, ffmpeg's atempo), never by more than the
compiler's MAX_SPEEDUP.
"""

from __future__ import annotations

import subprocess
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from voicecoach.compiler import MAX_SPEEDUP, Cue
from voicecoach.errors import PhraseTooLong, SpeechError, ToolMissingError
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
from voicecoach.render.engines import Engine, Speech, synthesize
from voicecoach.render.loudness import clip_loudness, k_weight
from voicecoach.render.spoken import SPOKEN_FORM_VERSION, spoken_form

MEMORY_BYTES = 24 * 1024 * 1024  # decoded clips kept in memory (the counts, heard over and over)
# Every phrase is levelled to SPEECH_LUFS, so a count is as loud as a sentence, and its
# peaks are limited to SPEECH_PEAK_DBFS: espeak's speech peaks ~16 dB over its loudness,
# too much for -19 LUFS integrated under a -1 dBTP ceiling once the silences between
# counts are gated in. A few dB of limiting on the peaks is inaudible on speech.
SPEECH_LUFS = -16.0
SPEECH_PEAK_DBFS = -3.5
ONSET_DBFS = -42.0  # a levelled clip starts where it is this loud (-45 dBFS in the track)


@dataclass(frozen=True)
class Fitted:
    """A phrase as it will be heard in its slot, and the true peak measured on it."""

    samples: np.ndarray  # float32 at RATE
    true_peak: float  # dBTP


def clip_from_speech(speech: Speech) -> Clip:
    """The engine's samples in the internal format: resampled, trimmed, levelled."""
    samples = trim_silence(band_limit(resample(speech.samples, speech.rate)))
    if samples.size:
        gain_db = SPEECH_LUFS - clip_loudness(samples)
        samples = limit_peaks(samples * np.float32(10 ** (gain_db / 20)), SPEECH_PEAK_DBFS)
        # Trim again at the level the clip is heard at: an engine that normalizes to full
        # scale (Piper) starts with 40 ms of soft onset that the first trim kept but that is
        # below -45 dBFS once levelled, so the sound would begin after its cue.
        samples = trim_silence(samples, threshold_dbfs=ONSET_DBFS)
    samples = fade_edges(samples)
    return Clip(to_int16(samples), clip_loudness(samples), true_peak_dbtp(samples))


def speed_up(samples: np.ndarray, max_samples: int, text: str = "") -> np.ndarray:
    """Time-compress float samples to at most ``max_samples``, keeping the pitch.

    More than MAX_SPEEDUP would be gabbled: that is a user error (the rate or the tempo
    leaves the phrase no room), not something to render.
    """
    needed = len(samples) / max(max_samples, 1)
    if needed > MAX_SPEEDUP:
        raise PhraseTooLong(
            f"the phrase {text!r} takes {samples_to_ms(len(samples))} ms but its slot has "
            f"{samples_to_ms(max_samples)} ms ({needed:.2f}x faster than spoken, more than "
            f"the {MAX_SPEEDUP}x limit): use a faster --rate or a slower tempo"
        )
    factor = needed * 1.01
    try:
        result = subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0",
             "-filter:a", f"atempo={factor:.5f}", "-f", "f32le", "pipe:1"],
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


class SampleMemo:
    """Recently used sample arrays, up to a byte budget (least recently used go first)."""

    def __init__(self, budget: int = MEMORY_BYTES) -> None:
        self.budget = budget
        self.items: OrderedDict[Hashable, Fitted] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable, make: Callable[[], Fitted]) -> Fitted:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        self.size += value.samples.nbytes
        while self.size > self.budget and len(self.items) > 1:
            _, dropped = self.items.popitem(last=False)
            self.size -= dropped.samples.nbytes
        return value


class ClipLibrary:
    """One engine's phrases: which are cached, how long each is, each fitted to its slot."""

    def __init__(
        self,
        cache: ClipCache,
        engine: Engine,
        jobs: int = 2,
        language: str = "en",
        pronounce: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.cache = cache
        self.engine = engine
        self.jobs = jobs
        self.language = language
        self.pronounce = pronounce
        self.identity = {**engine.identity(), "spoken_form": SPOKEN_FORM_VERSION}
        # Only another language is named, so English clips keep the keys they always had:
        # switching language never replays a clip made for another (docs/languages.md).
        if language != "en":
            self.identity["language"] = language
        self._spoken: dict[str, str] = {}
        self._lengths: dict[str, int] = {}  # read-through memo of the cache's headers
        # ... and of the phrases it does not hold (until they are made here): plan asks
        # about an unspoken phrase at each of its beats, one file lookup each otherwise.
        self._absent: set[str] = set()
        self._memory = SampleMemo()

    def spoken(self, text: str) -> str:
        """What the engine is given for ``text``: its spoken form in this language."""
        if text not in self._spoken:
            self._spoken[text] = spoken_form(text, self.language, self.pronounce)
        return self._spoken[text]

    def key(self, text: str, variant: str = "") -> str:
        # The spoken form joins the key when the text alone does not imply it (another
        # language's rules, a pronunciation): a changed pronounce: is a new clip.
        spoken = self.spoken(text)
        implied = not self.pronounce and self.language == "en"
        extra = None if implied or spoken == spoken_form(text) else spoken
        return self.cache.key(self.identity, text, variant, spoken=extra)

    # -- questions ------------------------------------------------------------------

    def length_ms(self, text: str) -> int | None:
        """How long the cached phrase takes to say, or None when it was never spoken."""
        if text not in self._lengths:
            if text in self._absent:
                return None
            length = self.cache.length(self.key(text))
            if length is None:
                self._absent.add(text)
                return None
            self._lengths[text] = length
        return samples_to_ms(self._lengths[text])

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The phrases this engine has not spoken yet (in first-seen order)."""
        return [text for text in dict.fromkeys(texts) if self.length_ms(text) is None]

    # -- making phrases ---------------------------------------------------------------

    def synthesize(self, texts: list[str], progress: Callable[[int], None] = lambda n: None) -> int:
        """Speak and cache ``texts`` (their spoken form); return how many were made."""
        by_spoken: dict[str, list[str]] = {}
        for text in dict.fromkeys(texts):
            by_spoken.setdefault(self.spoken(text), []).append(text)
        made = 0
        for spoken, speech in synthesize(self.engine, list(by_spoken), self.jobs):
            clip = clip_from_speech(speech)
            if clip.length == 0:  # the pool rejects silence; trimming can still leave nothing
                raise SpeechError(f"the speech engine produced only silence for {spoken!r}")
            for text in by_spoken[spoken]:
                stored = self.cache.store(self.key(text), clip)
                self._lengths[text] = stored.length
                made += 1
                progress(1)
        return made

    # -- handing out clips --------------------------------------------------------------

    def fit(self, text: str, max_ms: int, limit_dbfs: float | None = None) -> Fitted:
        """The phrase as float samples, fitted to at most ``max_ms``, with its true peak;
        with ``limit_dbfs``, its peaks limited to that (and its true peak measured again)."""
        max_samples = max_ms * SAMPLES_PER_MS
        clip = None
        natural = self._lengths.get(text)
        if natural is None:
            clip = self._clip(text)
            natural = clip.length
        key = (text, 0 if natural <= max_samples else max_samples)
        fitted = self._memory.get(key, lambda: self._fitted(text, max_samples, clip))
        if limit_dbfs is None or fitted.true_peak <= limit_dbfs:
            return fitted
        return self._memory.get((*key, limit_dbfs), lambda: limited(fitted, limit_dbfs))

    def _fitted(self, text: str, max_samples: int, clip: Clip | None) -> Fitted:
        clip = clip or self._clip(text)
        if clip.length > max_samples:
            key = self.key(text, variant=f"fit:{max_samples}")
            fitted = self.cache.load(key)
            if fitted is None:
                samples = speed_up(to_float(clip.samples), max_samples, text)
                fitted = Clip(to_int16(samples), clip_loudness(samples), true_peak_dbtp(samples))
                fitted = self.cache.store(key, fitted)
            clip = fitted
        return Fitted(to_float(clip.samples), clip.true_peak)

    def _clip(self, text: str) -> Clip:
        clip = self.cache.load(self.key(text))
        if clip is None:  # removed or damaged since we looked: make it again
            self.synthesize([text])
            clip = self.cache.load(self.key(text))
            if clip is None:
                raise SpeechError(f"could not cache the phrase {text!r}")
        self._lengths[text] = clip.length
        return clip


def limited(fitted: Fitted, limit_dbfs: float) -> Fitted:
    """A fitted phrase with its peaks limited to ``limit_dbfs``, its true peak measured
    again. Every clip's peaks are limited when it is made (SPEECH_PEAK_DBFS); this is a
    little more of the same, for a track whose loudness target needs the room (music)."""
    samples, aim = fitted.samples, limit_dbfs
    for _ in range(3):  # the gain's own changes can leave a peak between samples a bit over
        samples = limit_peaks(samples, aim, true_peak=True)
        peak = true_peak_dbtp(samples)
        if peak <= limit_dbfs + 0.05:
            return Fitted(samples, peak)
        aim -= peak - limit_dbfs
    # Never seen; but the levelling counts on the limit, so hold it outright.
    samples = (samples * np.float32(10 ** ((limit_dbfs - peak) / 20))).astype(np.float32)
    return Fitted(samples, true_peak_dbtp(samples))


def cue_sounds(
    library: ClipLibrary,
    tones: dict[str, np.ndarray],
    weighted: bool = False,
    limit_dbfs: float | None = None,
) -> Callable[[Cue], np.ndarray]:
    """What each cue sounds like: its phrase fitted to its slot (peaks limited to
    ``limit_dbfs`` if given), or its tone; K-weighted (with the filter's tail) for the
    loudness pass when ``weighted``."""
    bank = {name: k_weight(samples) for name, samples in tones.items()} if weighted else tones
    memo = SampleMemo()

    def sound(cue: Cue) -> np.ndarray:
        if cue.kind != "speech":
            return bank[cue.tone or ""]
        fitted = library.fit(cue.text or "", cue.duration_ms, limit_dbfs)
        if not weighted:
            return fitted.samples
        key = (cue.text, len(fitted.samples))
        return memo.get(key, lambda: Fitted(k_weight(fitted.samples), fitted.true_peak)).samples

    return sound
