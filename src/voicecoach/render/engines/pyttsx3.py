"""The pyttsx3 engine: the system's voices (SAPI5 on Windows, NSSpeechSynthesizer on macOS,
espeak-ng on Linux), one driver per worker process, kept for the whole build.

Its known pitfalls are designed around here: exactly one ``save_to_file`` per
``runAndWait`` (queued saves write one file); every phrase gets a fresh file that is read
and deleted at once (a later ``say()`` could overwrite the last saved file); the espeak
driver's "Audio saved" print goes to /dev/null.

Languages: the voice for a language is chosen when the driver starts, in the worker (the
parent never starts a driver): the system's default voice if it speaks it, else the best
match among the driver's voices (their languages normalised; the espeak driver of older
pyttsx3 gives them as bytes). The voices are only known in the worker, so the identity
carries the language itself whenever one is asked for without ``--voice``.

The espeak driver (pyttsx3 2.99) often writes no file for the first phrase a fresh driver
saves, the longer the phrase the likelier (measured: "Today: 14 exercises in 4 phases,
about 81 minutes." as the first save, 21 times in 24; as the second, never). So each
driver first says a short warm-up phrase that is thrown away. Should a phrase still
come back with no file, or silent, ``speak`` raises ``NoAudio`` (the pool checks for
silence) and the phrase is tried again on a fresh, warmed-up driver in a new worker.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Any

from voicecoach.errors import SpeechError, ToolMissingError
from voicecoach.render.engines.base import (
    Engine,
    EngineSpec,
    NoAudio,
    Speech,
    VoiceInfo,
    check_voice_language,
    choose_voice,
    language_tag,
    matches_language,
    no_voice_for,
)

WARM_UP = "Ready."  # said once by every new driver and thrown away (see above)
WARM_UP_TRIES = 3


class Pyttsx3Engine(Engine):
    name = "pyttsx3"
    persistent = True  # a driver is slow to start; each worker keeps one

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        if sys.platform.startswith("linux") and shutil.which("espeak-ng") is None:
            raise ToolMissingError(
                "espeak-ng is not installed (pyttsx3 speaks through it on Linux): "
                "sudo apt-get install espeak-ng, or run `make setup`"
            )

    def __init__(self, spec: EngineSpec) -> None:
        super().__init__(spec)
        self._driver: Any = None
        self._folder: str | None = None

    def driver(self) -> Any:
        """The pyttsx3 engine, started on first use (in the worker process, never before)."""
        if self._driver is None:
            import pyttsx3

            with quiet_stdout():
                driver = pyttsx3.init()
            voice = self.choose(driver)
            if voice is not None:
                driver.setProperty("voice", voice)
            if self.spec.rate:
                driver.setProperty("rate", self.spec.rate)
            self._driver = driver
        return self._driver

    def choose(self, driver: Any) -> str | None:
        """The voice id to set on a fresh driver (None: keep the system's default)."""
        language = self.spec.language
        if self.spec.voice:
            wanted = find_voice(driver, self.spec.voice)
            if language is not None:
                voices = driver_voices(driver)
                chosen = next(v for v in voices if v.id == wanted)
                check_voice_language(chosen, language, voices)
            return wanted
        if language is None:
            return None
        voices = driver_voices(driver)
        current = next((v for v in voices if v.id == driver.getProperty("voice")), None)
        if current is not None and matches_language(current, language):
            return None
        found = choose_voice(voices, language)
        if found is None:
            raise no_voice_for("pyttsx3", language, voices, self.name)
        return found.id

    def identity(self) -> dict[str, object]:
        identity = super().identity()
        if self.spec.language is not None and not self.spec.voice:
            identity["language"] = language_tag(self.spec.language)
        return identity

    def start(self) -> None:
        self.driver()
        for _attempt in range(WARM_UP_TRIES):
            try:
                self.speak(WARM_UP)
                return
            except NoAudio:
                continue  # the first save is the one that goes missing: try once more

    def speak(self, text: str) -> Speech:
        driver = self.driver()
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="voicecoach-tts-")
        path = os.path.join(self._folder, "phrase.wav")
        with quiet_stdout():
            self.save(driver, text, path)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise NoAudio("no file") from None
        os.remove(path)
        return Speech.from_wav(data)

    def save(self, driver: Any, text: str, path: str) -> None:
        """One save, one run: the driver writes ``path`` (or, now and then, does not)."""
        driver.save_to_file(text, path)
        driver.runAndWait()

    def voices(self) -> list[VoiceInfo]:
        return driver_voices(self.driver())

    def close(self) -> None:
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def driver_voices(driver: Any) -> list[VoiceInfo]:
    """The driver's voices, their languages normalised (bytes, ``en_US``: ``en-us``)."""
    return [
        VoiceInfo(
            str(voice.id),
            str(voice.name),
            tuple(language_tag(lang, strict=False) for lang in (voice.languages or [])),
        )
        for voice in driver.getProperty("voices")
    ]


def find_voice(driver: Any, wanted: str) -> str:
    voices = driver.getProperty("voices")
    for voice in voices:
        if wanted in (voice.id, voice.name):
            return str(voice.id)
    for voice in voices:
        if wanted.casefold() in f"{voice.id} {voice.name}".casefold():
            return str(voice.id)
    raise SpeechError(f"no voice matches {wanted!r}; see `voicecoach voices --engine pyttsx3`")


class quiet_stdout:
    """Send file descriptor 1 to /dev/null: the espeak driver prints on every save."""

    def __enter__(self) -> None:
        sys.stdout.flush()
        self.saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 1)
        os.close(self.saved)
