"""End to end in German and Spanish: one exercise rendered through espeak-ng's voice of the
language and the real encoder, decoded and measured as the English tracks are
(tests/test_render.py); and a program's own words and pronunciations, through a real
build, in the timeline, in what the engine was asked to say and in the audio."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from audiotools import decode, onset_ms
from conftest import CASES, ROOT
from test_words import CASE_OF, english_leaks
from voicecoach.cli import cli
from voicecoach.compiler import CompileOptions
from voicecoach.naming import timeline_path
from voicecoach.program import load_program
from voicecoach.render import EngineSpec, RenderSettings
from voicecoach.render.build import build_week
from voicecoach.render.spoken import spoken_form

pytestmark = pytest.mark.slow

FIRST = {"de": "Ausfallschritt", "es": "Zancada"}  # reps per side at a tempo, a rest


@pytest.fixture(scope="module", params=["de", "es"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    language = str(request.param)
    folder = tmp_path_factory.mktemp(f"built-{language}")
    program = load_program(str(CASE_OF[language]))
    # The voice of the language, named: choosing it by language is the engines' part.
    settings = RenderSettings(
        cache_dir=folder / "clips",
        speech=EngineSpec(engine="espeak", voice=language),
        options=CompileOptions(only=(FIRST[language],)),
    )
    result = build_week(program, 1, folder / "session.mp3", settings)
    return language, result, decode(str(result.path))


def test_the_track_is_in_the_language(built) -> None:  # type: ignore[no-untyped-def]
    language, result, _ = built
    timeline = result.timeline
    assert timeline.language == language
    assert {c.exercise for c in timeline.segments if c.exercise} == {FIRST[language]}
    assert (
        english_leaks(timeline.speech_texts() + [c.title for c in timeline.chapters], language)
        == set()
    )
    tags = ID3(str(result.path))
    assert tags["TIT2"].text[0] == timeline.title
    assert timeline.title.endswith({"de": "— Woche 1", "es": "— semana 1"}[language])
    comment = tags.getall("COMM")[0]
    assert comment.lang == {"de": "deu", "es": "spa"}[language]
    assert comment.text[0].startswith({"de": "Woche 1: ", "es": "Semana 1: "}[language])
    sidecar = json.loads(timeline_path(result.path).read_text())
    assert sidecar["language"] == language


def test_length_matches_the_timeline_to_the_sample(built) -> None:  # type: ignore[no-untyped-def]
    _, result, samples = built
    assert len(samples) == result.timeline.duration_ms * 24


def test_speech_after_silence_sounds_within_20_ms_of_its_cue(built) -> None:  # type: ignore[no-untyped-def]
    _, result, samples = built
    cues = result.timeline.cues
    checked, late = 0, []
    for before, cue in zip(cues, cues[1:]):
        if cue.kind != "speech" or cue.start_ms - before.end_ms < 100:
            continue
        checked += 1
        found = onset_ms(samples, cue.start_ms - 50, cue.end_ms, threshold_dbfs=-45)
        if found is None or abs(found - cue.start_ms) > 20:
            late.append((cue.start_ms, cue.text, found))
    assert late == []
    assert checked > 10


def test_sound_begins_where_each_cue_begins(built) -> None:  # type: ignore[no-untyped-def]
    _, result, samples = built
    late = []
    for cue in result.timeline.cues:
        found = onset_ms(samples, cue.start_ms, cue.end_ms, threshold_dbfs=-45)
        if found is None or found - cue.start_ms > 20:
            late.append((cue, found))
    assert late == []
    assert len(result.timeline.cues) > 60


WORDED = """\
words:
  rest_next_last_set: "Up next: the last set. Breathe."
  go: Now
pronounce:
  Goblet: "Gobble it"
"""


def test_a_programs_words_and_pronunciations_reach_the_engine_and_the_audio(
    tmp_path: Path,
) -> None:
    """Through a real build with a command engine that notes what it is asked to say (and
    says it with espeak-ng): the words are the timeline's; the pronunciation is what the
    engine got, never what the timeline shows; the audio is the timeline's, to the sample."""
    program = tmp_path / "worded.yaml"
    program.write_text((CASES / "tempo_basic.yaml").read_text() + WORDED)
    log = tmp_path / "said.txt"
    command = f"{sys.executable} {ROOT / 'tests' / 'engines' / 'recording.py'} "
    command += f"{{output}} {{text_file}} {log}"
    out = tmp_path / "w1.mp3"
    result = CliRunner().invoke(
        cli,
        ["build", str(program), "--week", "1", "-o", str(out), "--cache-dir",
         str(tmp_path / "cache"), "--engine", "command", "--command", command, "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    timeline = json.loads(timeline_path(out).read_text())
    shown = [c for c in timeline["cues"] if c["kind"] == "speech"]
    texts = {c["text"] for c in shown}
    said = set(log.read_text().splitlines())

    assert {"Now", "Rest 12 seconds. Up next: the last set. Breathe.", "Goblet Squat."} <= texts
    assert "Go" not in texts and not any("Gobble" in text for text in texts)
    assert {"Now.", "Gobble it Squat.", "Rest 12 seconds. Up next: the last set. Breathe."} <= said
    assert "Goblet Squat." not in said
    pronounce = (("Goblet", "Gobble it"),)
    assert said == {spoken_form(text, "en", pronounce) for text in texts}

    samples = decode(str(out))
    assert len(samples) == timeline["duration_ms"] * 24
    for cue in shown:
        if cue["text"] in (
            "Now",
            "Goblet Squat.",
            "Rest 12 seconds. Up next: the last set. Breathe.",
        ):
            found = onset_ms(samples, cue["start_ms"], cue["end_ms"], threshold_dbfs=-45)
            assert found is not None and found - cue["start_ms"] <= 20, cue

    # Another pronunciation is another clip: nothing stale is replayed.
    program.write_text(program.read_text().replace("Gobble it", "Gob let"))
    log.write_text("")
    result = CliRunner().invoke(
        cli,
        ["build", str(program), "--week", "1", "-o", str(out), "--cache-dir",
         str(tmp_path / "cache"), "--engine", "command", "--command", command, "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert log.read_text().splitlines() == ["Gob let Squat."]
