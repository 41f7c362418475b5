"""Speech engines: turn one phrase into one WAV, in parallel, with a timeout.

Two engines plug in behind ``EngineSpec``:

* ``pyttsx3`` (default): espeak-ng on Linux, the system voices on macOS and Windows.
  Its known pitfalls are designed around here: each worker process owns one engine and
  makes exactly one ``save_to_file`` per ``runAndWait`` (queued saves write one file);
  every phrase gets a fresh temporary file that is read and deleted at once (a later
  ``say()`` could overwrite the last saved file); the driver's "Audio saved" print goes
  to /dev/null; and each phrase is synthesized once and cached (the same text does not
  give the same length twice).
* ``command``: any synthesizer with a command line (Piper, espeak-ng, say ...). The
  template is split like a shell would but never run by one; ``{text}`` becomes one
  argument, ``{text_file}`` a file holding the text, ``{output}`` the WAV to write.

Text is only ever text: it is not given to a shell, and an argument that would start
with "-" is prefixed with a space so no program reads it as an option.
"""

from __future__ import annotations

import multiprocessing
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from voicecoach.errors import SpeechError, ToolMissingError

DEFAULT_TIMEOUT_S = 30.0
ESPEAK_COMMAND = "espeak-ng -w {output} -f {text_file}"


@dataclass(frozen=True)
class EngineSpec:
    """Which engine, voice and rate; also the speech part of every clip's cache key."""

    engine: str | None = None  # None: pyttsx3
    voice: str | None = None
    rate: int | None = None
    command: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def kind(self) -> str:
        """The engine to run: pyttsx3 unless the command engine was chosen."""
        return self.engine or "pyttsx3"

    def identity(self) -> dict[str, object]:
        return {
            "engine": self.kind,
            "voice": self.voice,
            "rate": self.rate,
            "command": self.command,
        }

    @property
    def words_per_minute(self) -> int:
        return self.rate or 200


def check_engine(spec: EngineSpec) -> None:
    """Fail early, with what to install, when the engine cannot run on this machine."""
    if spec.kind == "command":
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
        if shutil.which(program) is None:
            raise ToolMissingError(
                f"the speech command {program!r} is not installed or not on PATH"
            )
        return
    if spec.kind != "pyttsx3":
        raise SpeechError(f"unknown speech engine {spec.engine!r}; use pyttsx3 or command")
    import sys

    if sys.platform.startswith("linux") and shutil.which("espeak-ng") is None:
        raise ToolMissingError(
            "espeak-ng is not installed (pyttsx3 speaks through it on Linux): "
            "sudo apt-get install espeak-ng, or run `make setup`"
        )


def synthesize(
    spec: EngineSpec, texts: Iterable[str], jobs: int = 2
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(text, wav_bytes)`` for every text, in completion order."""
    texts = list(texts)
    if not texts:
        return
    check_engine(spec)
    if spec.kind == "command":
        yield from _run_commands(spec, texts, jobs)
    else:
        pool = _WorkerPool(spec, min(jobs, len(texts)))
        try:
            yield from pool.run(texts)
        finally:
            pool.close()


def list_voices(spec: EngineSpec) -> list[tuple[str, str, str]]:
    """``(id, name, languages)`` of every voice the engine offers."""
    check_engine(spec)
    if spec.kind == "command":
        return []
    import pyttsx3

    with _quiet_stdout():
        engine = pyttsx3.init()
    voices = []
    for voice in engine.getProperty("voices"):
        languages = ", ".join(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (voice.languages or [])
        )
        voices.append((str(voice.id), str(voice.name), languages))
    return voices


# -- the command engine -------------------------------------------------------------------


def _safe_argument(text: str) -> str:
    return " " + text if text.startswith("-") else text


def command_argv(template: str, text: str, output: str, text_file: str) -> list[str]:
    """The argv for one phrase; placeholders are replaced inside already-split words."""
    argv = []
    for word in shlex.split(template):
        word = word.replace("{output}", output).replace("{text_file}", text_file)
        if "{text}" in word:
            word = word.replace("{text}", _safe_argument(text))
        argv.append(word)
    return argv


def _run_commands(spec: EngineSpec, texts: list[str], jobs: int) -> Iterator[tuple[str, bytes]]:
    from concurrent.futures import ThreadPoolExecutor

    def one(text: str) -> tuple[str, bytes]:
        assert spec.command is not None
        with tempfile.TemporaryDirectory(prefix="voicecoach-") as folder:
            text_file = os.path.join(folder, "text.txt")
            output = os.path.join(folder, "out.wav")
            with open(text_file, "w", encoding="utf-8") as handle:
                handle.write(text)
            argv = command_argv(spec.command, text, output, text_file)
            uses_stdin = "{text}" not in spec.command and "{text_file}" not in spec.command
            try:
                result = subprocess.run(
                    argv,
                    input=text.encode() if uses_stdin else None,
                    stdin=None if uses_stdin else subprocess.DEVNULL,
                    capture_output=True,
                    timeout=spec.timeout_s,
                )
            except subprocess.TimeoutExpired:
                raise SpeechError(
                    f"the speech command did not finish {text!r} within {spec.timeout_s:g}s"
                ) from None
            except OSError as exc:
                raise SpeechError(f"the speech command could not start: {exc}") from None
            if result.returncode != 0 or not os.path.exists(output):
                detail = result.stderr.decode(errors="replace").strip().splitlines()
                raise SpeechError(
                    f"the speech command failed on {text!r} (exit {result.returncode})"
                    + (f": {detail[-1]}" if detail else "")
                )
            with open(output, "rb") as handle:
                return text, handle.read()

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        yield from pool.map(one, texts)


# -- the pyttsx3 engine, one per worker process --------------------------------------------


class _quiet_stdout:
    """Send file descriptor 1 to /dev/null: the espeak driver prints on every save."""

    def __enter__(self) -> None:
        import sys

        sys.stdout.flush()
        self.saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 1)
        os.close(self.saved)


def _serve(conn: Connection, spec: EngineSpec) -> None:
    """Worker process: one engine, one phrase at a time, one file per phrase."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        import pyttsx3

        engine = pyttsx3.init()
        if spec.voice:
            engine.setProperty("voice", _find_voice(engine, spec.voice))
        if spec.rate:
            engine.setProperty("rate", spec.rate)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", ""))
    folder = tempfile.mkdtemp(prefix="voicecoach-tts-")
    try:
        while True:
            text = conn.recv()
            if text is None:
                return
            path = os.path.join(folder, "phrase.wav")
            try:
                engine.save_to_file(text, path)
                engine.runAndWait()
                with open(path, "rb") as handle:
                    data = handle.read()
                os.remove(path)
                conn.send(("ok", data))
            except Exception as exc:  # noqa: BLE001
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    except (EOFError, KeyboardInterrupt):
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _find_voice(engine: object, wanted: str) -> str:
    voices = engine.getProperty("voices")  # type: ignore[attr-defined]
    for voice in voices:
        if wanted in (voice.id, voice.name):
            return str(voice.id)
    for voice in voices:
        if wanted.casefold() in f"{voice.id} {voice.name}".casefold():
            return str(voice.id)
    raise ValueError(f"no voice matches {wanted!r}; see `voicecoach voices`")


class _WorkerPool:
    def __init__(self, spec: EngineSpec, jobs: int) -> None:
        self.spec = spec
        # fork on Linux: the parent never starts an engine, so the child inherits none, and
        # unlike spawn it does not re-import the caller's __main__. spawn elsewhere
        # (macOS system voices must not be forked).
        import sys

        context: Any = multiprocessing.get_context(
            "fork" if sys.platform.startswith("linux") else "spawn"
        )
        self.workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        for _ in range(max(1, jobs)):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, spec), daemon=True)
            process.start()
            child.close()
            self.workers.append((process, parent))

    def run(self, texts: list[str]) -> Iterator[tuple[str, bytes]]:
        for _process, conn in self.workers:
            self._receive(conn, "", startup=True)
        pending = list(reversed(texts))
        busy: dict[Connection, tuple[str, float]] = {}
        idle = [conn for _, conn in self.workers]
        while pending or busy:
            while idle and pending:
                conn = idle.pop()
                text = pending.pop()
                conn.send(text)
                busy[conn] = (text, time.monotonic())
            for ready in wait(list(busy), timeout=0.2):
                conn = cast(Connection, ready)
                text, _ = busy.pop(conn)
                data = self._receive(conn, text)
                idle.append(conn)
                yield text, data
            now = time.monotonic()
            for text, started in busy.values():
                if now - started > self.spec.timeout_s:
                    raise SpeechError(
                        f"the speech engine did not finish {text!r} within {self.spec.timeout_s:g}s"
                    )

    def _receive(self, conn: Connection, text: str, startup: bool = False) -> bytes:
        if startup and not conn.poll(self.spec.timeout_s):
            raise SpeechError(f"the speech engine did not start within {self.spec.timeout_s:g}s")
        try:
            kind, payload = conn.recv()
        except EOFError:
            raise SpeechError(f"the speech engine stopped unexpectedly on {text!r}") from None
        if kind == "fatal":
            raise SpeechError(f"the speech engine could not start: {payload}")
        if kind == "error":
            raise SpeechError(f"the speech engine failed on {text!r}: {payload}")
        return payload if isinstance(payload, bytes) else b""

    def close(self) -> None:
        for _process, conn in self.workers:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 2
        for process, conn in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1)
            conn.close()
