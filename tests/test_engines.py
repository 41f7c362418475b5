"""Speech engines as plug-ins: the registry, Piper's cache identity and rate, pyttsx3's
retries on a driver that writes no file (in real worker processes), the speed-up limit,
and the settling loop's user error."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import CASES
from voicecoach.compiler import MAX_SPEEDUP
from voicecoach.errors import PhraseTooLong, SpeechError, TimelineDidNotSettle, VoicecoachError
from voicecoach.program import parse_program
from voicecoach.program.schema import ENGINE_NAMES
from voicecoach.render import RenderSettings
from voicecoach.render.audio import RATE
from voicecoach.render.build import no_progress, prepare_timeline
from voicecoach.render.clips import speed_up
from voicecoach.render.engines import ENGINES, EngineSpec, open_engine, synthesize
from voicecoach.render.engines.piper import NATURAL_WPM, PiperEngine, length_scale
from voicecoach.render.engines.pyttsx3 import Pyttsx3Engine


def test_every_engine_is_registered_and_program_files_may_name_it() -> None:
    assert tuple(ENGINES) == ENGINE_NAMES
    with pytest.raises(SpeechError, match="unknown speech engine 'festival'"):
        open_engine(EngineSpec(engine="festival"))


def test_program_voice_may_name_a_piper_model_beside_it(tmp_path: Path) -> None:
    text = (CASES / "lift_first_pauses.yaml").read_text()
    voice = "voice: {engine: piper, model: voices/alan.onnx, rate: 180}\n"
    program = parse_program(text + voice, str(tmp_path / "p.yaml"))
    assert program.voice.model == "voices/alan.onnx"

    def speech(spec: EngineSpec) -> EngineSpec:
        return RenderSettings(speech=spec).for_program(program).speech

    assert speech(EngineSpec()).voice_model == str(tmp_path / "voices" / "alan.onnx")
    assert speech(EngineSpec(voice_model="/x/y.onnx")).voice_model == "/x/y.onnx"
    # another engine on the command line: the program's Piper model does not follow it
    assert speech(EngineSpec(engine="espeak")).voice_model is None
    with pytest.raises(VoicecoachError, match="voice.model"):
        parse_program(text + "voice: {model: [1]}\n", "bad.yaml")


def _fake_voice(folder: Path, content: bytes) -> Path:
    model = folder / "tiny.onnx"
    model.write_bytes(content)
    (folder / "tiny.onnx.json").write_text('{"audio": {"sample_rate": 22050}}')
    return model


def test_piper_cache_identity_follows_the_model_file(tmp_path: Path) -> None:
    model = _fake_voice(tmp_path, b"voice one")
    first = PiperEngine(EngineSpec(voice_model=str(model))).identity()
    assert PiperEngine(EngineSpec(voice_model=str(model))).identity() == first
    model.write_bytes(b"voice two, a little longer")
    changed = PiperEngine(EngineSpec(voice_model=str(model))).identity()
    assert changed["model_sha256"] != first["model_sha256"]
    # same size, rewritten later: the (path, mtime, size) memo must not hide the change
    model.write_bytes(b"voice TWO, a little longer")
    os.utime(model, ns=(1, 1))
    again = PiperEngine(EngineSpec(voice_model=str(model))).identity()
    assert again["model_sha256"] != changed["model_sha256"]
    assert PiperEngine(EngineSpec(voice_model=str(model), rate=150)).identity() != again


@pytest.mark.slow
def test_piper_without_noise_says_a_phrase_the_same_way_and_keys_it_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """VOICECOACH_PIPER_NOISE=0 (the suite sets it in conftest): the same samples every
    time, and a cache identity of its own; with the voice's noise, neither."""
    text = "Rep 3, down. Stand two to three feet before a bench."
    monkeypatch.setenv("VOICECOACH_PIPER_NOISE", "0")
    steady = PiperEngine(EngineSpec())
    first, second = steady.speak(text).samples, steady.speak(text).samples
    assert np.array_equal(first, second)
    monkeypatch.setenv("VOICECOACH_PIPER_NOISE", "1")
    natural = PiperEngine(EngineSpec())
    assert natural.identity() != steady.identity()
    assert not np.array_equal(natural.speak(text).samples, natural.speak(text).samples)
    monkeypatch.setenv("VOICECOACH_PIPER_NOISE", "off")
    with pytest.raises(SpeechError, match="VOICECOACH_PIPER_NOISE must be 0 or 1"):
        PiperEngine.check(EngineSpec())


def test_piper_checks_the_model_and_its_config(tmp_path: Path) -> None:
    model = _fake_voice(tmp_path, b"x")
    PiperEngine.check(EngineSpec(voice_model=str(model)))
    with pytest.raises(SpeechError, match="no Piper voice model"):
        PiperEngine.check(EngineSpec(voice_model=str(tmp_path / "missing.onnx")))
    (tmp_path / "tiny.onnx.json").unlink()
    with pytest.raises(SpeechError, match="needs its config beside it"):
        PiperEngine.check(EngineSpec(voice_model=str(model)))


def test_piper_rate_is_its_length_scale() -> None:
    assert length_scale(None, 1.0) == 1.0
    assert length_scale(NATURAL_WPM, 1.0) == 1.0
    assert length_scale(NATURAL_WPM * 2, 1.0) == 0.5


def test_piper_speaks_slower_at_a_lower_rate() -> None:
    """The rate changes the phonemes' length (Piper's length_scale), measured on audio."""
    text = "Lower slowly, then lift."
    lengths = {}
    for rate in (120, 300):
        engine = PiperEngine(EngineSpec(rate=rate))
        speech = engine.speak(text)
        lengths[rate] = len(speech.samples) / speech.rate
        engine.close()
    assert lengths[120] > lengths[300] * 1.8, lengths


def _tag(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _forgetful_driver(state: Path, always: bool = False):
    """A stand-in for Pyttsx3Engine.save: the first time any worker sees a phrase (or
    always), the driver 'saves' without writing the file, as the espeak driver now and
    then does. The state lives in files: each try may run in a different process."""
    original = Pyttsx3Engine.save

    def save(engine: Pyttsx3Engine, driver: object, text: str, path: str) -> None:
        seen = any(p.name.startswith(f"{_tag(text)}-") for p in state.iterdir())
        (state / f"{_tag(text)}-{os.getpid()}").touch()
        if always or not seen:
            return  # no file written
        original(engine, driver, text, path)

    return save


@pytest.mark.slow
def test_pyttsx3_that_writes_no_file_is_retried_on_a_fresh_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Pyttsx3Engine, "save", _forgetful_driver(tmp_path))
    texts = ["Rep one.", "Rep two.", "Rest for thirty seconds."]
    engine = open_engine(EngineSpec(engine="pyttsx3"))
    results = dict(synthesize(engine, texts, jobs=2))
    assert set(results) == set(texts)
    assert all(not speech.is_silent() for speech in results.values())
    # each phrase: tried once, then again in another (fresh) process (more than once if the
    # real driver also misbehaved)
    for text in texts:
        pids = {
            p.name.split("-")[1] for p in tmp_path.iterdir() if p.name.startswith(f"{_tag(text)}-")
        }
        assert len(pids) >= 2, (text, pids)


@pytest.mark.slow
def test_pyttsx3_that_never_writes_a_file_fails_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Pyttsx3Engine, "save", _forgetful_driver(tmp_path, always=True))
    engine = open_engine(EngineSpec(engine="pyttsx3"))
    with pytest.raises(SpeechError, match=r"produced no audio for 'Rep one.' \(no file\), 3 times"):
        list(synthesize(engine, ["Rep one."], jobs=1))


def test_a_phrase_is_never_sped_up_beyond_the_limit() -> None:
    tone = np.sin(np.arange(RATE) * 2 * np.pi * 220 / RATE).astype(np.float32) * 0.3
    fitted = speed_up(tone, int(RATE / 1.25), "Rep 12.")
    assert len(fitted) <= int(RATE / 1.25)
    too_fast = int(RATE / (MAX_SPEEDUP + 0.2))
    with pytest.raises(PhraseTooLong, match="'Rep 12.' takes 1000 ms but its slot has"):
        speed_up(tone, too_fast, "Rep 12.")


class _NeverSettles:
    """A clip library whose synthesis never lands (to drive the settling loop to its end)."""

    class engine:
        words_per_minute = 200

    class cache:
        repaired = 0

    def length_ms(self, text: str) -> int | None:
        return None

    def missing(self, texts: list[str]) -> list[str]:
        return list(dict.fromkeys(texts))

    def synthesize(self, texts: list[str], progress: object) -> int:
        return 0


def test_a_timeline_that_never_settles_is_a_user_error() -> None:
    program = parse_program((CASES / "lift_first_pauses.yaml").read_text(), "p.yaml")
    with pytest.raises(TimelineDidNotSettle, match="did not settle"):
        prepare_timeline(program, 1, RenderSettings(), _NeverSettles(), no_progress)  # type: ignore[arg-type]
    assert issubclass(TimelineDidNotSettle, VoicecoachError)
