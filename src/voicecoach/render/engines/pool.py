"""Run an engine over many phrases: in parallel, with a timeout, retrying empty results.

A persistent engine (piper, pyttsx3) runs in worker processes, one engine per process,
kept for the whole run: a loaded voice is reused for every phrase, and both cores work
when many phrases are new. Other engines (espeak, command) start a process per phrase
anyway, so threads drive them.

A phrase that comes back with no audio (no file, an empty one, only silence) is tried
again on a fresh engine: for a worker process that means the process is replaced, since
a pyttsx3 driver that once wrote nothing tends to stay broken.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from voicecoach.errors import SpeechError
from voicecoach.render.engines.base import Engine, EngineSpec, NoAudio, Speech

RETRIES = 2  # a phrase is tried 1 + RETRIES times before the build gives up on it


def synthesize(engine: Engine, texts: list[str], jobs: int = 2) -> Iterator[tuple[str, Speech]]:
    """Yield ``(text, speech)`` for every text, in completion order."""
    texts = list(dict.fromkeys(texts))
    if not texts:
        return
    if engine.persistent:
        pool = _ProcessPool(engine.spec, type(engine), min(jobs, len(texts)))
        try:
            yield from pool.run(texts)
        finally:
            pool.close()
    else:
        yield from _run_threads(engine, texts, jobs)


def _no_audio(text: str, reason: str) -> SpeechError:
    return SpeechError(
        f"the speech engine produced no audio for {text!r} ({reason}), "
        f"{RETRIES + 1} times on a fresh engine"
    )


def _speak_checked(engine: Engine, text: str) -> Speech:
    """``engine.speak`` with silence reported as ``NoAudio``."""
    speech = engine.speak(text)
    if speech.is_silent():
        raise NoAudio("only silence")
    return speech


# -- threads, for engines that start a process per phrase ------------------------------------


def _run_threads(engine: Engine, texts: list[str], jobs: int) -> Iterator[tuple[str, Speech]]:
    def one(text: str) -> tuple[str, Speech]:
        reason = ""
        for _attempt in range(RETRIES + 1):
            try:
                return text, _speak_checked(engine, text)
            except NoAudio as exc:
                reason = str(exc)
        raise _no_audio(text, reason)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as executor:
        pending: set[Future[tuple[str, Speech]]] = {executor.submit(one, t) for t in texts}
        try:
            while pending:
                done, pending = wait_futures(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


# -- worker processes, one long-lived engine each ---------------------------------------------


def _serve(conn: Connection, spec: EngineSpec, engine_class: type[Engine]) -> None:
    """Worker process: one engine, one phrase at a time."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # drivers print; the parent's terminal is for progress bars
    try:
        engine = engine_class(spec)
        engine.start()
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("fatal", str(exc) if isinstance(exc, SpeechError) else _describe(exc)))
        return
    conn.send(("ready", None))
    try:
        while True:
            text = conn.recv()
            if text is None:
                return
            try:
                speech = _speak_checked(engine, text)
                conn.send(("ok", (speech.samples, speech.rate)))
            except NoAudio as exc:
                conn.send(("empty", str(exc)))
            except SpeechError as exc:
                conn.send(("error", str(exc)))
            except Exception as exc:  # noqa: BLE001
                conn.send(("error", _describe(exc)))
    except (EOFError, KeyboardInterrupt):
        return
    finally:
        engine.close()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class _Worker:
    def __init__(self, context: Any, spec: EngineSpec, engine_class: type[Engine]) -> None:
        parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, spec, engine_class), daemon=True)
        self.process.start()
        child.close()
        self.conn: Connection = parent

    def stop(self, wait_s: float = 2.0) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(wait_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        self.conn.close()


class _ProcessPool:
    def __init__(self, spec: EngineSpec, engine_class: type[Engine], jobs: int) -> None:
        self.spec = spec
        self.engine_class = engine_class
        # fork on Linux: the parent never starts an engine, so the child inherits none, and
        # unlike spawn it does not re-import the caller's __main__. spawn elsewhere
        # (macOS system voices must not be forked).
        self.context: Any = multiprocessing.get_context(
            "fork" if sys.platform.startswith("linux") else "spawn"
        )
        self.workers = [self._start() for _ in range(max(1, jobs))]

    def _start(self) -> _Worker:
        return _Worker(self.context, self.spec, self.engine_class)

    def _ready(self, worker: _Worker) -> None:
        if not worker.conn.poll(self.spec.speech_timeout):
            raise SpeechError(
                f"the speech engine did not start within {self.spec.speech_timeout:g}s"
            )
        self._receive(worker, "")

    def run(self, texts: list[str]) -> Iterator[tuple[str, Speech]]:
        for worker in self.workers:
            self._ready(worker)
        pending = list(reversed(texts))
        attempts = dict.fromkeys(texts, 0)
        by_conn = {worker.conn: worker for worker in self.workers}
        busy: dict[Connection, tuple[str, float]] = {}
        idle = list(self.workers)
        while pending or busy:
            while idle and pending:
                worker = idle.pop()
                text = pending.pop()
                worker.conn.send(text)
                busy[worker.conn] = (text, time.monotonic())
            for ready in wait(list(busy), timeout=0.2):
                worker = by_conn.pop(cast(Connection, ready))
                text, _ = busy.pop(worker.conn)
                kind, payload = self._receive(worker, text)
                if kind == "empty":
                    # A fresh engine: this worker's driver may be stuck in a bad state.
                    attempts[text] += 1
                    if attempts[text] > RETRIES:
                        raise _no_audio(text, str(payload))
                    worker = self._replace(worker)
                    pending.append(text)
                else:
                    samples, rate = payload
                    yield text, Speech(samples, rate)
                by_conn[worker.conn] = worker
                idle.append(worker)
            now = time.monotonic()
            for text, started in busy.values():
                if now - started > self.spec.speech_timeout:
                    raise SpeechError(
                        f"the speech engine did not finish {text!r} "
                        f"within {self.spec.speech_timeout:g}s"
                    )

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh
        self._ready(fresh)
        return fresh

    def _receive(self, worker: _Worker, text: str) -> tuple[str, Any]:
        try:
            kind, payload = worker.conn.recv()
        except EOFError:
            raise SpeechError(f"the speech engine stopped unexpectedly on {text!r}") from None
        if kind == "fatal":
            raise SpeechError(f"the speech engine could not start: {payload}")
        if kind == "error":
            raise SpeechError(f"the speech engine failed on {text!r}: {payload}")
        return kind, payload

    def close(self) -> None:
        deadline = time.monotonic() + 2
        for worker in self.workers:
            worker.stop(max(0.0, deadline - time.monotonic()))
