"""End to end through the real speech engines and the real encoder: the MP3 is decoded and
measured against the timeline it was built from, for each engine (piper, pyttsx3, espeak)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from audiotools import dbfs, decode, dominant_hz, ebur128, ffprobe_chapters, onset_ms
from conftest import CASES
from voicecoach.compiler import Timeline
from voicecoach.naming import chapters_path, timeline_path
from voicecoach.program import load_program, parse_program
from voicecoach.render import EngineSpec, RenderSettings, plan_timeline
from voicecoach.render.build import build_week, open_library
from voicecoach.render.cache import ClipCache

pytestmark = pytest.mark.slow

PROGRAM = CASES / "sides_holds_cycles.yaml"


ENGINES = ["piper", "pyttsx3", "espeak"]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def settings_for(engine: str, cache_dir: Path) -> RenderSettings:
    return RenderSettings(cache_dir=cache_dir, speech=EngineSpec(engine=engine))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path, engine: str):
    out = tmp_path_factory.mktemp(f"out-{engine}") / "session.mp3"
    program = load_program(str(PROGRAM))
    result = build_week(program, 1, out, settings_for(engine, cache_dir))
    return result, decode(str(out))


def test_length_matches_the_timeline_to_the_sample(built) -> None:
    result, samples = built
    assert len(samples) == result.timeline.duration_ms * 24


def test_speech_after_silence_sounds_within_20_ms_of_its_cue(built) -> None:
    result, samples = built
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


def test_plan_after_a_build_is_the_built_timeline(built, cache_dir: Path, engine: str) -> None:
    """`plan` reads the measured lengths the engine's cache holds: after a build it prints
    exactly the MP3's timeline (its .timeline.json); before, it says what it estimated."""
    result, _ = built
    program = load_program(str(PROGRAM))
    planned = plan_timeline(program, 1, settings_for(engine, cache_dir))
    assert planned.estimated == 0
    sidecar = json.loads(timeline_path(result.path).read_text())
    assert set(sidecar.pop("render")) >= {"key", "gain_db", "peak_dbtp"}  # how it was made
    assert planned.timeline.to_dict() == sidecar
    cold = plan_timeline(program, 1, settings_for(engine, cache_dir / "empty"))
    assert cold.estimated == cold.phrases == planned.phrases
    assert cold.uncertainty_ms > 0
    assert f"{cold.estimated} of {cold.phrases} phrases estimated" in cold.note()


def test_sound_begins_where_each_cue_begins(built) -> None:
    result, samples = built
    timeline: Timeline = result.timeline
    late = []
    for cue in timeline.cues:
        found = onset_ms(samples, cue.start_ms, cue.end_ms, threshold_dbfs=-45)
        if found is None or found - cue.start_ms > 20:
            late.append((cue, found))
    assert late == []
    assert len(timeline.cues) > 80


def test_silence_where_no_cue_plays(built) -> None:
    result, samples = built
    cues = result.timeline.cues
    gaps = [
        (a.end_ms + 40, b.start_ms - 40)
        for a, b in zip(cues, cues[1:])
        if b.start_ms - a.end_ms > 200
    ]
    assert len(gaps) > 20
    for start, end in gaps:
        level = dbfs(samples[start * 24 : end * 24])
        assert level < -60, (start, end, level)


def test_each_tone_has_its_frequency(built) -> None:
    result, samples = built
    tones = [c for c in result.timeline.cues if c.kind == "tone"]
    assert {c.tone for c in tones} >= {
        "lower",
        "lift",
        "set_start",
        "countdown",
        "rest_end",
        "switch",
        "session_end",
    }
    for cue in tones:
        part = samples[(cue.start_ms + 15) * 24 : (cue.end_ms - 15) * 24]
        assert abs(dominant_hz(part) - cue.hz) < cue.hz * 0.02, (cue, dominant_hz(part))


def test_loudness_and_true_peak_meet_the_target(built) -> None:
    result, _ = built
    integrated, peak = ebur128(str(result.path))
    assert abs(integrated - -19.0) <= 1.0, integrated
    assert peak <= -1.0, peak


def test_tags_and_chapters_read_back_in_order(built) -> None:
    result, _ = built
    timeline = result.timeline
    tags = ID3(str(result.path))
    assert str(tags["TIT2"]) == "Sides Holds Cycles — week 1"
    assert str(tags["TALB"]) == "Sides Holds Cycles"
    assert str(tags["TPE1"]) == "voicecoach"
    assert str(tags["TRCK"]) == "1"
    assert tags.getall("COMM")[0].text[0] == "Week 1: Easy does it."
    chapters = ffprobe_chapters(str(result.path))
    assert [c[2] for c in chapters] == [c.title for c in timeline.chapters]
    assert [c[0] for c in chapters] == [c.start_ms for c in timeline.chapters]
    assert chapters[-1][1] == timeline.duration_ms
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [f"chp{i:03d}" for i in range(len(timeline.chapters))]


def test_second_build_uses_the_cache_and_a_damaged_entry_is_remade(
    built, cache_dir: Path, tmp_path: Path, engine: str
) -> None:
    program = load_program(str(PROGRAM))
    first, _ = built
    settings = settings_for(engine, cache_dir)
    again = build_week(program, 1, tmp_path / "again.mp3", settings)
    assert again.synthesized == 0
    assert again.timeline == first.timeline
    assert (tmp_path / "again.mp3").read_bytes() == first.path.read_bytes()

    cache = ClipCache(cache_dir)
    library = open_library(settings.for_program(program))
    victims = ["Sides Holds Cycles. Week 1.", "Exhale. Cat."]
    truncated = cache.path(library.key(victims[0]))
    truncated.write_bytes(truncated.read_bytes()[:100])
    garbage = cache.path(library.key(victims[1]))
    garbage.write_bytes(b"\x00not a clip" * 50)
    repaired = build_week(program, 1, tmp_path / "repaired.mp3", settings)
    assert repaired.synthesized == 2
    assert ClipCache(cache_dir).load(library.key(victims[0])) is not None
    assert len(decode(str(tmp_path / "repaired.mp3"))) == repaired.timeline.duration_ms * 24


def test_command_engine_renders_with_espeak(tmp_path: Path) -> None:
    settings = RenderSettings(cache_dir=tmp_path / "clips")
    settings = replace(
        settings,
        speech=replace(
            settings.speech, engine="command", command="espeak-ng -w {output} -f {text_file}"
        ),
    )
    program = load_program(str(CASES / "lift_first_pauses.yaml"))
    result = build_week(program, 1, tmp_path / "cmd.mp3", settings)
    samples = decode(str(result.path))
    assert len(samples) == result.timeline.duration_ms * 24  # to the sample, as promised
    first = result.timeline.cues[0]
    assert onset_ms(samples, first.start_ms, first.end_ms, -45) is not None
    assert result.synthesized == len(result.timeline.speech_texts())


def test_speech_fits_its_slot_sped_up_when_needed(built) -> None:
    """A phrase longer than its beat is compressed to end before the next cue begins."""
    result, samples = built
    cues = result.timeline.cues
    for cue, following in zip(cues, cues[1:]):
        if following.start_ms - cue.end_ms < 30:
            continue
        tail = samples[(cue.end_ms + 10) * 24 : (following.start_ms - 5) * 24]
        assert dbfs(tail) < -50, (cue, dbfs(tail))


def test_voice_settings_come_from_the_program_and_the_command_line_wins(tmp_path: Path) -> None:
    """A program's voice.rate slows every phrase; --rate overrides it (measured lengths)."""
    from voicecoach.render.build import prepare_timeline

    text = (CASES / "lift_first_pauses.yaml").read_text() + "voice: {rate: 110}\n"
    program = parse_program(text, "slow.yaml")
    assert RenderSettings(speech=EngineSpec()).for_program(program).speech.rate == 110
    assert RenderSettings(speech=EngineSpec(rate=300)).for_program(program).speech.rate == 300

    def intro_ms(speech: EngineSpec) -> int:
        settings = RenderSettings(cache_dir=tmp_path / "clips", speech=speech)
        library = open_library(settings.for_program(program))
        prepared = prepare_timeline(program, 1, settings, library, lambda label, total: _null())
        return prepared.timeline.cues[0].duration_ms  # "Pauses. Week 1.", as measured

    slow, fast = intro_ms(EngineSpec()), intro_ms(EngineSpec(rate=300))
    assert slow > fast * 2, (slow, fast)


def _null():
    from voicecoach.render.build import no_progress

    return no_progress("", 0)


def test_sidecars_say_what_the_track_follows(built) -> None:
    """X.timeline.json is the timeline the audio was mixed from; X.chapters.json equals the
    MP3's ID3 chapters (Podcasting 2.0 JSON chapters)."""
    result, samples = built
    sidecar = json.loads(timeline_path(result.path).read_text())
    assert sidecar.pop("render")["gain_db"] == round(result.gain_db, 3)
    assert sidecar == result.timeline.to_dict()
    assert len(samples) == sidecar["duration_ms"] * 24  # exact to the sample
    chapters = json.loads(chapters_path(result.path).read_text())
    assert chapters["version"] == "1.2.0"
    id3 = [(start, title) for start, _end, title in ffprobe_chapters(str(result.path))]
    listed = [c for c in chapters["chapters"] if c.get("toc", True)]  # the end card: not one
    assert [(round(c["startTime"] * 1000), c["title"]) for c in listed] == id3
