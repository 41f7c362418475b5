"""The espeak engine: espeak-ng called directly, one process per phrase.

The same voice pyttsx3 uses on Linux, without the driver in between: ``--voice`` takes an
espeak-ng voice name (``en-us``, ``en-gb-x-rp`` ...; see ``voicecoach voices --engine
espeak``), ``--rate`` its words per minute (espeak-ng's own default is 175).

Languages: espeak-ng speaks about a hundred with no download. A language becomes the voice
espeak-ng itself prefers for it (the lowest priority ``espeak-ng --voices`` gives it:
``de``, ``es``, ``fr-fr`` for ``fr``); one its default voice (``en``, British English)
already speaks leaves the voice unset, so English clips keep their cache keys.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

from voicecoach.render.engines.base import (
    Engine,
    EngineSpec,
    Speech,
    VoiceInfo,
    check_voice_language,
    choose_voice,
    language_tag,
    matches_language,
    no_voice_for,
    require_program,
    run_synthesizer,
)

# What espeak-ng says with no -v: its voice "en" (gmw/en, British English).
DEFAULT_VOICE = VoiceInfo("en", "English_(Great_Britain)", ("en-gb", "en"))
_OTHER_LANGUAGE = re.compile(r"\(([\w-]+) (\d+)\)")


class EspeakEngine(Engine):
    name = "espeak"
    persistent = False
    default_rate = 175

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        require_program(
            "espeak-ng", "sudo apt-get install espeak-ng (macOS: brew install espeak-ng)"
        )

    @classmethod
    def for_language(cls, spec: EngineSpec) -> EngineSpec:
        if spec.language is None:
            return spec
        listed = list_espeak_voices()
        voices = [voice for voice, _ in listed]
        if spec.voice:
            chosen = next((v for v in voices if v.id == spec.voice.split("+")[0]), None)
            if chosen:  # a voice espeak-ng does not list is its to refuse
                check_voice_language(chosen, spec.language, voices)
            return spec
        if matches_language(DEFAULT_VOICE, spec.language):
            return spec
        priorities = {voice.id: ranks for voice, ranks in listed}
        wanted = language_tag(spec.language)

        def priority(voice: VoiceInfo) -> int:
            # for the tag asked for: fr-fr says "fr" at 5, fr-be at 8 (its own fr-be is 5)
            ranks = priorities[voice.id]
            return ranks.get(wanted, min(ranks.values()))

        found = choose_voice(voices, spec.language, rank=priority)
        if found is None:
            raise no_voice_for("espeak-ng", spec.language, voices, cls.name)
        return replace(spec, voice=found.id)

    def speak(self, text: str) -> Speech:
        def argv(output: str, text_file: str) -> list[str]:
            words = ["espeak-ng", "-w", output]
            if self.spec.voice:
                words += ["-v", self.spec.voice]
            if self.spec.rate:
                words += ["-s", str(self.spec.rate)]
            return [*words, "-f", text_file]  # the text only ever travels in a file

        return Speech.from_wav(run_synthesizer(argv, text, self.spec.speech_timeout))

    def voices(self) -> list[VoiceInfo]:
        return [voice for voice, _ in list_espeak_voices()]


def list_espeak_voices() -> list[tuple[VoiceInfo, dict[str, int]]]:
    """espeak-ng's voices, each with its priority for every language it speaks (lower is
    preferred: espeak-ng's own choice of voice for a language)."""
    listing = subprocess.run(
        ["espeak-ng", "--voices"], capture_output=True, text=True, check=False
    ).stdout
    voices = []
    for line in listing.splitlines()[1:]:
        # Pty Language       Age/Gender VoiceName          File                 Other Languages
        # 2  en-gb           --/M      English_(Great_Britain) gmw/en           (en 2)
        fields = line.split()
        if len(fields) < 4 or not fields[0].isdigit():
            continue
        ranks = {language_tag(fields[1], strict=False): int(fields[0])}
        for tag, priority in _OTHER_LANGUAGE.findall(line):
            ranks.setdefault(language_tag(tag, strict=False), int(priority))
        voices.append((VoiceInfo(fields[1], fields[3], tuple(ranks)), ranks))
    return voices


def espeak_speaks(code: str) -> bool:
    """Whether espeak-ng is installed here and has a voice for ``code``."""
    if shutil.which("espeak-ng") is None:
        return False
    voices = [DEFAULT_VOICE, *(voice for voice, _ in list_espeak_voices())]
    return any(matches_language(voice, code) for voice in voices)
