"""The speech engine interface: text in, samples out, and an identity for the clip cache.

An engine is one class in one module of this package, registered by one line in
``engines/__init__.py``. It says:

* ``identity()``: everything that changes how it sounds (engine, voice, model hash, rate),
  the speech part of every clip's cache key;
* ``speak(text)``: the phrase as ``Speech`` (float samples and their rate); it raises
  ``NoAudio`` when the engine produced nothing (no file, an empty file), which the worker
  pool treats like a silent result: the phrase is tried again on a fresh engine;
* ``voices()``: the voices it offers, for ``voicecoach voices``, each with the language
  codes it speaks (normalised, see ``language_tag``);
* ``for_language(spec)``: the spec with its ``language`` turned into a concrete voice (the
  one the engine speaks it with), or a one-line ``SpeechError`` naming the voices it has;
* ``persistent``: True when it wants one long-lived instance per worker process (a
  loaded neural voice, a pyttsx3 driver); False when each phrase is its own process
  anyway (espeak-ng, a command line), so threads drive it.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from voicecoach.errors import SpeechError, ToolMissingError

DEFAULT_TIMEOUT_S = 30.0
SILENT_PEAK = 10 ** (-45 / 20)  # below this everywhere, an engine's output is silence


@dataclass(frozen=True)
class EngineSpec:
    """Which engine, voice and rate the user asked for (None: the engine's default)."""

    engine: str | None = None  # None: the default engine (piper)
    voice: str | None = None
    voice_model: str | None = None  # a Piper voice model (.onnx); its config sits beside it
    rate: int | None = None  # words per minute
    command: str | None = None  # the command engine's template
    speech_timeout: float = DEFAULT_TIMEOUT_S  # seconds one phrase may take
    # The language to speak (en, de, es, en-US, pt_BR ...; None: the engine's own voice, as
    # before languages existed). Engine.for_language turns it into a concrete voice.
    language: str | None = None

    @property
    def kind(self) -> str:
        from voicecoach.render.engines import DEFAULT_ENGINE

        return self.engine or DEFAULT_ENGINE


@dataclass(frozen=True)
class Speech:
    """One phrase as the engine said it: mono float samples in [-1, 1] at ``rate`` Hz."""

    samples: np.ndarray
    rate: int

    @classmethod
    def from_wav(cls, data: bytes) -> Speech:
        """Decode any WAV an engine wrote (pydub reads the odd headers espeak-ng writes)."""
        from pydub import AudioSegment

        if not data:
            raise NoAudio("an empty file")
        try:
            segment = AudioSegment.from_file(io.BytesIO(data), format="wav")
        except Exception as exc:  # noqa: BLE001 - any decoder failure is the engine's output
            raise SpeechError(f"the speech engine wrote audio that cannot be read: {exc}") from None
        segment = segment.set_channels(1).set_sample_width(2)
        raw = np.frombuffer(segment.raw_data, dtype="<i2")
        return cls(raw.astype(np.float32) / 32768.0, int(segment.frame_rate))

    def is_silent(self) -> bool:
        return not self.samples.size or float(np.max(np.abs(self.samples))) < SILENT_PEAK


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers: what ``--voice`` takes, what a person reads, and the
    languages it speaks (normalised by ``language_tag`` whatever form the engine gave)."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    details: str = ""

    def __post_init__(self) -> None:
        tags = (language_tag(code, strict=False) for code in self.languages)
        object.__setattr__(self, "languages", tuple(dict.fromkeys(t for t in tags if t)))


class NoAudio(Exception):
    """The engine produced no audio for a phrase (no file, an empty one): try again."""


class Engine(ABC):
    """One speech engine configured by an ``EngineSpec``."""

    name: ClassVar[str]
    persistent: ClassVar[bool] = False
    default_rate: ClassVar[int] = 200  # words per minute when the spec names none

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        """Fail early, saying what to install, when the engine cannot run here."""
        return None

    @classmethod
    def for_language(cls, spec: EngineSpec) -> EngineSpec:
        """``spec`` with its language turned into the voice that speaks it, so that the
        identity (and every cache key) names that voice; a ``SpeechError`` when the engine
        has none. With no language, or one the engine's own voice speaks, ``spec`` as it
        is: the same voice and the same keys as before languages existed. By default the
        language is passed through untouched (an engine with no voices to choose from)."""
        return spec

    def identity(self) -> dict[str, object]:
        """What makes this engine's clips sound as they do (part of every cache key)."""
        return {"engine": self.name, "voice": self.spec.voice, "rate": self.spec.rate}

    @property
    def words_per_minute(self) -> int:
        """The speaking rate the length estimate assumes (plan, before any clip exists)."""
        return self.spec.rate or self.default_rate

    def start(self) -> None:
        """Load what the engine needs before its first phrase (in the worker process)."""
        return None

    @abstractmethod
    def speak(self, text: str) -> Speech:
        """Say ``text``; raise ``NoAudio`` when nothing came out."""

    def voices(self) -> list[VoiceInfo]:
        return []

    def close(self) -> None:
        """Release what the engine holds (a loaded voice, a driver)."""
        return None


# -- languages: one normal form, one matcher -------------------------------------------------

_TAG = re.compile(r"[a-z]{2,8}(-[a-z0-9]{1,8})*")
_LEADING = "".join(map(chr, range(33)))  # a priority byte, controls, spaces


def language_tag(code: str | bytes, strict: bool = True) -> str:
    """A language code in one form: lower case, ``-`` between subtags (``en_US``, ``en-US``
    and ``EN-us`` are all ``en-us``). The espeak driver of older pyttsx3 gives bytes with
    a priority byte in front (``b"\\x05en"``); that is dropped. ``strict``: anything that
    is not a code like ``de`` or ``pt-BR`` is a ``SpeechError`` (a user's code); else it
    becomes ``""`` (an engine's odd entry, left out)."""
    text = code.decode("utf-8", errors="replace") if isinstance(code, bytes) else str(code)
    tag = text.lstrip(_LEADING).strip().replace("_", "-").casefold()
    if _TAG.fullmatch(tag):
        return tag
    if strict:
        raise SpeechError(f"{text!r} is not a language code; use one like de, es or en-US")
    return ""


def matches_language(voice: VoiceInfo, code: str) -> bool:
    """Whether ``voice`` speaks ``code``: one of its languages is the code or starts with it
    and a ``-`` (RFC 4647 basic filtering): ``de`` matches ``de``, ``de-DE`` and ``de_AT``;
    ``en-US`` matches ``en-us`` and ``en_US``, not ``en-GB`` nor a plain ``en``."""
    wanted = language_tag(code)
    return any(tag == wanted or tag.startswith(wanted + "-") for tag in voice.languages)


def choose_voice(
    voices: Sequence[VoiceInfo], code: str, rank: Callable[[VoiceInfo], int] | None = None
) -> VoiceInfo | None:
    """The voice to speak ``code`` with, of those ``matches_language`` accepts: one that
    names the code exactly before one that only starts with it (``es`` before
    ``es-419``), then the lowest ``rank`` (an engine's own preference), then the first."""
    wanted = language_tag(code)
    found = [
        (wanted not in voice.languages, rank(voice) if rank else 0, index, voice)
        for index, voice in enumerate(voices)
        if matches_language(voice, wanted)
    ]
    return min(found, key=lambda entry: entry[:3])[3] if found else None


def voice_names(voices: Iterable[VoiceInfo]) -> str:
    """Voice ids for a one-line message: the first few, and how many more."""
    ids = [voice.id for voice in voices]
    if not ids:
        return "none"
    return ", ".join(ids[:6]) + (f" and {len(ids) - 6} more" if len(ids) > 6 else "")


def no_voice_for(
    synthesizer: str, code: str, voices: Sequence[VoiceInfo], engine: str
) -> SpeechError:
    """The one line for an engine with no voice for ``code``: the voices it has for the
    code's primary language if any (``de`` when ``de-AT`` was asked), else how to list all."""
    wanted = language_tag(code)
    primary = wanted.split("-")[0]
    near = [voice for voice in voices if matches_language(voice, primary)]
    if near:
        return SpeechError(
            f'{synthesizer} has no voice for "{wanted}"; for "{primary}" it has '
            f'{voice_names(near)} (ask for language "{primary}")'
        )
    return SpeechError(
        f'{synthesizer} has no voice for "{wanted}" (voicecoach voices --engine {engine} '
        f"lists the {len(voices)} it has)"
    )


def check_voice_language(voice: VoiceInfo, code: str, voices: Sequence[VoiceInfo]) -> None:
    """A voice the user chose must speak the language asked for: one line if it does not."""
    if not matches_language(voice, code):
        speakers = [v for v in voices if matches_language(v, code)]
        spoken = ", ".join(voice.languages) or "no language it names"
        raise SpeechError(
            f'the voice {voice.id!r} speaks {spoken}, not "{language_tag(code)}"; '
            f"voices that do: {voice_names(speakers)}"
        )


# -- running a synthesizer's command line safely ----------------------------------------------


def require_program(program: str, hint: str) -> None:
    if shutil.which(program) is None:
        raise ToolMissingError(f"{program} is not installed or not on PATH: {hint}")


def safe_argument(text: str) -> str:
    """Text as an argument no program reads as an option."""
    return " " + text if text.startswith("-") else text


def command_argv(
    template: str, text: str, output: str, text_file: str, language: str = ""
) -> list[str]:
    """The argv for one phrase; placeholders are replaced inside already-split words, so
    text is one argument and never reaches a shell."""
    argv = []
    for word in shlex.split(template):
        word = word.replace("{output}", output).replace("{text_file}", text_file)
        word = word.replace("{language}", language)
        if "{text}" in word:
            word = word.replace("{text}", safe_argument(text))
        argv.append(word)
    return argv


def run_synthesizer(
    argv_for: Callable[[str, str], list[str]], text: str, timeout_s: float, stdin_text: bool = False
) -> bytes:
    """Run one synthesizer process for ``text``; return the WAV it wrote.

    ``argv_for(output, text_file)`` builds the argv; the text is written to ``text_file``
    (and given on stdin when ``stdin_text``). No shell is involved.
    """
    with tempfile.TemporaryDirectory(prefix="voicecoach-") as folder:
        text_file = os.path.join(folder, "text.txt")
        output = os.path.join(folder, "out.wav")
        with open(text_file, "w", encoding="utf-8") as handle:
            handle.write(text)
        argv = argv_for(output, text_file)
        try:
            result = subprocess.run(
                argv,
                input=text.encode() if stdin_text else None,
                stdin=None if stdin_text else subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout_s,
            )
        except subprocess.TimeoutExpired:
            raise SpeechError(
                f"the speech command did not finish {text!r} within {timeout_s:g}s"
            ) from None
        except OSError as exc:
            raise SpeechError(f"the speech command could not start: {exc}") from None
        if result.returncode != 0:
            detail = result.stderr.decode(errors="replace").strip().splitlines()
            raise SpeechError(
                f"the speech command failed on {text!r} (exit {result.returncode})"
                + (f": {detail[-1]}" if detail else "")
            )
        if not os.path.exists(output):
            raise NoAudio("no file")
        with open(output, "rb") as handle:
            return handle.read()
