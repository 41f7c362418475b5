"""Speech engines as plug-ins: text in, samples out, an identity for the clip cache.

base     the interface (Engine, EngineSpec, Speech, VoiceInfo), language codes and the
         one matcher of a voice to a language, safe command lines
pool     many phrases through one engine: worker processes or threads, timeouts, retries
piper    offline neural speech, the bundled en_US-joe-medium voice (the default)
pyttsx3  the system's voices (espeak-ng on Linux)
espeak   espeak-ng called directly
command  any synthesizer's command line

Adding an engine: one module with an ``Engine`` subclass, and one line in ``ENGINES``.

A spec's ``language`` is turned into a concrete voice by ``resolve_voice`` (each engine's
``for_language``), so the voice the engine will use is the one its identity, and so
every clip's cache key and every track's render key, names.
"""

from __future__ import annotations

from voicecoach.errors import SpeechError
from voicecoach.render.engines.base import (
    DEFAULT_TIMEOUT_S,
    Engine,
    EngineSpec,
    Speech,
    VoiceInfo,
    command_argv,
    language_tag,
    matches_language,
)
from voicecoach.render.engines.command import CommandEngine
from voicecoach.render.engines.espeak import EspeakEngine
from voicecoach.render.engines.piper import PiperEngine
from voicecoach.render.engines.pool import synthesize
from voicecoach.render.engines.pyttsx3 import Pyttsx3Engine

DEFAULT_ENGINE = "piper"
ENGINES: dict[str, type[Engine]] = {
    "piper": PiperEngine,
    "pyttsx3": Pyttsx3Engine,
    "espeak": EspeakEngine,
    "command": CommandEngine,
}


def engine_class(spec: EngineSpec) -> type[Engine]:
    """The class of the engine ``spec`` names."""
    try:
        return ENGINES[spec.kind]
    except KeyError:
        names = ", ".join(ENGINES)
        raise SpeechError(f"unknown speech engine {spec.kind!r}; use one of {names}") from None


def resolve_voice(spec: EngineSpec) -> EngineSpec:
    """``spec`` checked to run here, its language (if any) turned into the voice that
    speaks it; a one-line ``SpeechError`` (exit 2) when the engine has no such voice,
    naming the ones it has. Cheap (no engine is started): callers may use it to refuse a
    language before any work, ``open_engine`` does it anyway."""
    kind = engine_class(spec)
    if spec.language is not None:
        language_tag(spec.language)  # a code that is not one stops here, whatever the engine
    kind.check(spec)
    return kind.for_language(spec)


def open_engine(spec: EngineSpec) -> Engine:
    """The engine ``spec`` names, checked to run on this machine, with the voice for its
    language (not started yet)."""
    return engine_class(spec)(resolve_voice(spec))


def list_voices(spec: EngineSpec) -> list[VoiceInfo]:
    """Every voice the engine offers."""
    return open_engine(spec).voices()


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "EngineSpec",
    "Speech",
    "VoiceInfo",
    "command_argv",
    "language_tag",
    "list_voices",
    "matches_language",
    "open_engine",
    "resolve_voice",
    "synthesize",
]
