"""Voices per language, through the real engines: one matcher of a voice to a language
code, the voice each engine picks for a language (or the one line it stops with), the
``voices --language`` listing, and the cache identity a language changes (and, for
English, does not)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.compiler import compile_program
from voicecoach.errors import SpeechError
from voicecoach.program import parse_program
from voicecoach.render import RenderSettings
from voicecoach.render.build import open_library
from voicecoach.render.engines import (
    EngineSpec,
    VoiceInfo,
    command_argv,
    language_tag,
    matches_language,
    open_engine,
    resolve_voice,
    synthesize,
)
from voicecoach.render.engines.piper import bundled_model


def _voice(*languages: str | bytes) -> VoiceInfo:
    return VoiceInfo("v", "Voice", languages)  # type: ignore[arg-type]


def _one_line(error: pytest.ExceptionInfo[SpeechError]) -> str:
    text = str(error.value)
    assert "\n" not in text and error.value.exit_code == 2
    return text


# -- the matcher ------------------------------------------------------------------------------


def test_a_language_matches_by_subtag_whatever_the_case_or_separator() -> None:
    for tag in ("de", "de-DE", "de_AT", "DE"):
        assert matches_language(_voice(tag), "de"), tag
    assert matches_language(_voice("en-us"), "en-US")
    assert matches_language(_voice("en_US"), "en-us")
    assert matches_language(_voice("en-us-nyc"), "en_US")
    assert not matches_language(_voice("en-GB"), "en-US")
    assert not matches_language(_voice("en"), "en-US")  # a plain "en" says nothing of the US
    assert not matches_language(_voice("den"), "de")  # a prefix of subtags, not of letters
    assert not matches_language(_voice("bn", "fr-fr", "qya"), "en")


def test_voice_languages_are_held_normalised() -> None:
    # the espeak driver of older pyttsx3 gives bytes with a priority byte in front
    assert _voice(b"\x05en-GB", "pt_BR", "  de ", "", "de-de").languages == (
        "en-gb",
        "pt-br",
        "de",
        "de-de",
    )
    assert language_tag("EN_us") == "en-us"
    with pytest.raises(SpeechError, match="'German language' is not a language code"):
        language_tag("German language")


# -- voicecoach voices --language -------------------------------------------------------------


def _voices(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["voices", *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _languages(line: str) -> tuple[str, ...]:
    """The languages a `voices` line lists: ``id  name  (en-gb, en)  details``."""
    fields = line.strip().split("  ")
    listed = next(f for f in fields[1:] if f.startswith("(") and f.endswith(")"))
    return tuple(listed[1:-1].split(", "))


def test_voices_language_de_lists_german_voices_only() -> None:
    header, *rows = _voices("--engine", "espeak", "--language", "de")
    assert header == f"espeak: {len(rows)} voice" + ("s" if len(rows) != 1 else "")
    assert rows and any(row.split()[0] == "de" for row in rows)
    for row in rows:
        assert matches_language(_voice(*_languages(row)), "de"), row


def test_voices_language_en_lists_no_bengali_french_or_quenya() -> None:
    header, *rows = _voices("--engine", "espeak", "--language", "en")
    listing = "\n".join(rows)
    assert "en-us" in listing and "en-gb" in listing
    for other in ("Bengali", "French", "Quenya"):
        assert other not in listing
    for row in rows:
        assert matches_language(_voice(*_languages(row)), "en"), row
    # --filter stays plain text on the id and the name
    found = _voices("--engine", "espeak", "--filter", "SCOTLAND")[1:]
    assert [row.split()[0] for row in found] == ["en-gb-scotland"]


def test_voices_with_a_code_that_is_not_one_is_one_line_exit_2() -> None:
    result = CliRunner().invoke(cli, ["voices", "--language", "de DE"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: 'de DE' is not a language code; use one like de, es or en-US"
    ]


# -- espeak-ng: any language it knows ---------------------------------------------------------


def test_espeak_speaks_german_with_its_german_voice() -> None:
    engine = open_engine(EngineSpec(engine="espeak", language="de"))
    assert engine.spec.voice == "de"
    speech = engine.speak("Guten Morgen. Zehn Wiederholungen, langsam.")
    seconds = len(speech.samples) / speech.rate
    assert 1.5 < seconds < 8, seconds
    assert not speech.is_silent()


def test_espeak_picks_the_voice_espeak_ng_prefers_for_a_language() -> None:
    def voice(language: str) -> str | None:
        return resolve_voice(EngineSpec(engine="espeak", language=language)).voice

    assert voice("es") == "es"  # before es-419
    assert voice("fr") == "fr-fr"  # espeak-ng says "fr" at priority 5 for it, 8 for fr-be
    assert voice("pt_BR") == "pt-br"
    assert voice("en-US") == "en-us"
    assert voice("en") is None  # its default voice already speaks English: nothing changes
    with pytest.raises(SpeechError) as error:
        voice("de-AT")
    assert _one_line(error) == (
        'espeak-ng has no voice for "de-at"; for "de" it has de (ask for language "de")'
    )
    with pytest.raises(SpeechError, match=r'no voice for "xx" \(voicecoach voices --engine espeak'):
        voice("xx")
    # a voice the user chose must speak the language
    with pytest.raises(SpeechError) as error:
        resolve_voice(EngineSpec(engine="espeak", voice="en-us", language="de"))
    assert _one_line(error).startswith("the voice 'en-us' speaks en-us, en, not \"de\"")


# -- Piper, the default engine: the bundled US English voice, or the user's own model ----------


def test_piper_with_no_voice_for_the_language_stops_with_one_line() -> None:
    with pytest.raises(SpeechError) as error:
        open_engine(EngineSpec(language="de"))
    line = _one_line(error)
    assert line.startswith(
        'no Piper voice for "de" is installed (installed: en_US-joe-medium); give one with '
        "--voice-model FILE.onnx"
    )
    assert line.endswith("or use --engine espeak, which speaks de")
    assert "docs/audio.md#voices-for-other-languages" in line
    # English, in any spelling the bundled voice speaks, is the bundled voice as before
    for language in ("en", "en-US", "en_us"):
        assert resolve_voice(EngineSpec(language=language)) == EngineSpec(language=language)


def _piper_voice_for(folder: Path, code: str, espeak_voice: str) -> Path:
    """The bundled joe model under another name, its config saying another language."""
    joe = bundled_model()
    model = folder / f"{code}-fake-medium.onnx"
    os.symlink(joe, model)
    config = json.loads(Path(f"{joe}.json").read_text())
    config["language"] = {**config["language"], "code": code, "family": code[:2]}
    config["espeak"] = {"voice": espeak_voice}
    Path(f"{model}.json").write_text(json.dumps(config))
    return model


def test_a_piper_model_is_taken_for_its_own_language_and_refused_for_another(
    tmp_path: Path,
) -> None:
    model = str(_piper_voice_for(tmp_path, "de_DE", "de"))
    for language in ("de", "de-DE", "DE_de"):
        spec = EngineSpec(voice_model=model, language=language)
        assert resolve_voice(spec) == spec  # the model is the voice: nothing to change
    with pytest.raises(SpeechError) as error:
        open_engine(EngineSpec(voice_model=model, language="es"))
    assert _one_line(error) == (
        'the Piper voice de_DE-fake-medium speaks de-de, de, not "es" (so says '
        "de_DE-fake-medium.onnx.json); give a Piper voice for es with --voice-model "
        "FILE.onnx, or use --engine espeak, which speaks es"
    )
    header, row = _voices("--engine", "piper", "--voice-model", model, "--language", "de")
    assert header == "piper: 1 voice" and row.startswith("  de_DE-fake-medium  (de-de, de)")
    assert _voices("--engine", "piper", "--voice-model", model, "--language", "es") == [
        "piper: 0 voices"
    ]


# -- the cache: a language that changes the voice changes every key; English changes none -----


def _keys(tmp_path: Path, speech: EngineSpec) -> tuple[dict[str, object], str, str]:
    """An engine's identity, a phrase's clip key and a week's render key for ``speech``."""
    settings = RenderSettings(speech=speech, cache_dir=tmp_path / "cache")
    library = open_library(settings)
    program = parse_program((CASES / "tempo_basic.yaml").read_text(), "p.yaml")
    timeline = compile_program(program, 1)
    render_key = settings.render_key(timeline, library.identity, None)
    return library.engine.identity(), library.key("Rep one."), render_key


def test_a_language_is_in_the_clip_and_render_keys_and_english_keys_stay(tmp_path: Path) -> None:
    plain = _keys(tmp_path, EngineSpec(engine="espeak"))
    german = _keys(tmp_path, EngineSpec(engine="espeak", language="de"))
    assert german[0]["voice"] == "de"
    assert german[1] != plain[1] and german[2] != plain[2]
    # the identity is what it was before languages existed, for English and for no language
    assert plain[0] == {"engine": "espeak", "voice": None, "rate": None}
    assert _keys(tmp_path, EngineSpec(engine="espeak", language="en")) == plain
    assert _keys(tmp_path, EngineSpec(language="en")) == _keys(tmp_path, EngineSpec())
    # asking for German is saying it with the German voice: the same clips
    assert _keys(tmp_path, EngineSpec(engine="espeak", voice="de")) == german


def test_the_command_engine_passes_the_language_to_its_template() -> None:
    template = "espeak-ng -v {language} -w {output} -f {text_file}"
    assert command_argv(template, "Hallo", "o.wav", "t.txt", "de")[:3] == ["espeak-ng", "-v", "de"]
    german = open_engine(EngineSpec(engine="command", command=template, language="de_DE"))
    assert german.identity()["language"] == "de-de"
    speech = open_engine(EngineSpec(engine="command", command=template, language="es")).speak(
        "Diez repeticiones."
    )
    assert not speech.is_silent()
    unset = open_engine(EngineSpec(engine="command", command=template))
    assert unset.identity()["language"] == "en"  # {language} with none set: English
    # a template without {language}: the language changes nothing, nor the key
    plain = "espeak-ng -w {output} -f {text_file}"
    assert (
        open_engine(EngineSpec(engine="command", command=plain, language="de")).identity()
        == open_engine(EngineSpec(engine="command", command=plain)).identity()
    )


# -- pyttsx3: the voice is chosen in the worker, where the driver is ---------------------------


@pytest.mark.slow
def test_pyttsx3_speaks_a_language_with_a_voice_for_it() -> None:
    engine = open_engine(EngineSpec(engine="pyttsx3", language="es"))
    assert engine.identity()["language"] == "es"
    ((_, speech),) = synthesize(engine, ["Diez repeticiones, despacio."], jobs=1)
    assert not speech.is_silent()
    assert engine.choose(_Driver()) == "roa/es"  # type: ignore[attr-defined]
    missing = open_engine(EngineSpec(engine="pyttsx3", language="xx"))
    with pytest.raises(SpeechError) as error:
        list(synthesize(missing, ["Rep one."], jobs=1))
    assert 'pyttsx3 has no voice for "xx"' in _one_line(error)


class _Driver:
    """A pyttsx3 driver's voice list as the espeak driver of older pyttsx3 gave it (bytes
    with a priority byte), for the choice alone."""

    class _Voice:
        def __init__(self, id: str, languages: list[bytes]) -> None:
            self.id, self.name, self.languages = id, id, languages

    def getProperty(self, name: str) -> object:  # noqa: N802 - pyttsx3's name
        voices = [self._Voice("gmw/en", [b"\x02en-gb"]), self._Voice("roa/es", [b"\x05es"])]
        return voices if name == "voices" else "gmw/en"
