"""Errors a user can fix. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations

# Characters that would break "one error, one line": controls and Unicode line breaks.
_LINE_BREAKERS = {
    **{code: f"\\x{code:02x}" for code in range(32)},
    0x7F: "\\x7f",
    0x85: "\\x85",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}


def one_line(text: str) -> str:
    """Escape anything that would split a message over lines (user text ends up in it)."""
    return text.translate(_LINE_BREAKERS)


class VoicecoachError(Exception):
    """A problem with the user's input or environment, never a bug in voicecoach."""

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


class Located(VoicecoachError):
    """An error at a place in a file, written ``file:line:column: key.path: message``."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        self.file = file
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        return one_line(self._text())

    def _text(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.path:
            return f"{where}: {self.path}: {self.message}"
        return f"{where}: {self.message}"


class ProgramError(Located):
    """A problem in a program file, located as ``file:line:column: key.path: message``."""


class ToolMissingError(VoicecoachError):
    """A system tool (espeak-ng, ffmpeg) is not installed."""


class SpeechError(VoicecoachError):
    """The speech engine failed or hung on a phrase."""


class OutputError(VoicecoachError):
    """The output could not be written (permissions, full disk)."""


class SessionTooLong(VoicecoachError):
    """A week compiles to a session longer than the documented limit."""


class UnknownExercise(VoicecoachError):
    """``--only`` names no exercise, or several."""


class LogError(VoicecoachError):
    """A training-log entry that cannot be recorded, or a log database that cannot be used."""


class LogFileError(Located, LogError):
    """A row of a log export that cannot be imported, located as
    ``file:row:column: column-name: message`` (rows and columns counted from 1, the
    header being row 1)."""


class ReadOnlyLog(LogError):
    """A command that writes was given a training log it cannot write to."""


class MusicError(VoicecoachError):
    """A music file or folder is missing, unreadable, silent or not audio."""


class PhraseTooLong(VoicecoachError):
    """A phrase would have to be sped up beyond the compiler's MAX_SPEEDUP to fit its slot."""


class TimelineDidNotSettle(VoicecoachError):
    """Compiling with measured speech kept bringing new phrases (the render stage gave up)."""


class ImportInputError(VoicecoachError):
    """A document or spreadsheet ``import`` cannot read at all: binary, no table, no
    exercise column, or a target it will not overwrite."""
