"""Speech engines as plug-ins: text in, samples out, an identity for the clip cache.

base     the interface (Engine, EngineSpec, Speech, VoiceInfo) and safe command lines
pool     many phrases through one engine: worker processes or threads, timeouts, retries
piper    offline neural speech, the bundled en_US-joe-medium voice (the default)
pyttsx3  the system's voices (espeak-ng on Linux)
espeak   espeak-ng called directly
command  any synthesizer's command line

Adding an engine: one module with an ``Engine`` subclass, and one line in ``ENGINES``.
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


def open_engine(spec: EngineSpec) -> Engine:
    """The engine ``spec`` names, checked to run on this machine (not started yet)."""
    try:
        engine_class = ENGINES[spec.kind]
    except KeyError:
        names = ", ".join(ENGINES)
        raise SpeechError(f"unknown speech engine {spec.kind!r}; use one of {names}") from None
    engine_class.check(spec)
    return engine_class(spec)


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
    "list_voices",
    "open_engine",
    "synthesize",
]
