"""The espeak engine: espeak-ng called directly, one process per phrase.

The same voice pyttsx3 uses on Linux, without the driver in between: ``--voice`` takes an
espeak-ng voice name (``en-us``, ``en-gb-x-rp`` ...; see ``voicecoach voices --engine
espeak``), ``--rate`` its words per minute (espeak-ng's own default is 175).
"""

from __future__ import annotations

import subprocess

from voicecoach.render.engines.base import (
    Engine,
    EngineSpec,
    Speech,
    VoiceInfo,
    require_program,
    run_synthesizer,
)


class EspeakEngine(Engine):
    name = "espeak"
    persistent = False
    default_rate = 175

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        require_program(
            "espeak-ng", "sudo apt-get install espeak-ng (macOS: brew install espeak-ng)"
        )

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
        listing = subprocess.run(
            ["espeak-ng", "--voices"], capture_output=True, text=True, check=False
        ).stdout
        voices = []
        for line in listing.splitlines()[1:]:
            # Pty Language       Age/Gender VoiceName          File                 Other Languages
            fields = line.split()
            if len(fields) >= 4:
                voices.append(VoiceInfo(fields[1], fields[3], fields[1]))
        return voices
