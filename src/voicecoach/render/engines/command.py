"""The command engine: any synthesizer with a command line (Piper's CLI, say, festival ...).

The template is split like a shell would but never run by one; ``{text}`` becomes one
argument, ``{text_file}`` a file holding the text, ``{output}`` the WAV to write. With
neither ``{text}`` nor ``{text_file}`` the text goes to the program's standard input.

Languages: ``{language}`` becomes the language code asked for, normalised (``de``,
``pt-br``; ``en`` when none is set: the coach speaks English unless told otherwise), e.g.
``espeak-ng -v {language} -w {output} -f {text_file}``. A template without it ignores the
language: the command is the voice, and what it speaks is its own business.
"""

from __future__ import annotations

import shlex

from voicecoach.errors import SpeechError
from voicecoach.render.engines.base import (
    Engine,
    EngineSpec,
    Speech,
    command_argv,
    language_tag,
    require_program,
    run_synthesizer,
)

DEFAULT_LANGUAGE = "en"  # what {language} says when no language is set


class CommandEngine(Engine):
    name = "command"
    persistent = False  # each phrase is its own process

    @classmethod
    def check(cls, spec: EngineSpec) -> None:
        if not spec.command:
            raise SpeechError(
                'the command engine needs --command, e.g. "espeak-ng -w {output} -f {text_file}"'
            )
        try:
            program = shlex.split(spec.command)[0]
        except (ValueError, IndexError):
            raise SpeechError(f"cannot read the command template {spec.command!r}") from None
        if "{output}" not in spec.command:
            raise SpeechError(
                "the command template must contain {output}, where the WAV is written"
            )
        require_program(program, "install it, or give the full path in --command")

    def identity(self) -> dict[str, object]:
        identity = {**super().identity(), "command": self.spec.command}
        if "{language}" in (self.spec.command or ""):  # only then does it change the sound
            identity["language"] = self.language
        return identity

    @property
    def language(self) -> str:
        """What ``{language}`` is replaced with."""
        return language_tag(self.spec.language) if self.spec.language else DEFAULT_LANGUAGE

    def speak(self, text: str) -> Speech:
        template = self.spec.command or ""
        uses_stdin = "{text}" not in template and "{text_file}" not in template
        data = run_synthesizer(
            lambda output, text_file: command_argv(
                template, text, output, text_file, self.language
            ),
            text,
            self.spec.speech_timeout,
            stdin_text=uses_stdin,
        )
        return Speech.from_wav(data)
