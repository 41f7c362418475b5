"""The WebVTT transcript beside every track: parsed with webvtt-py, its cues checked
against the timeline's cues (times to the ms, the words), in a built and published week,
its --split parts, the feed's podcast:transcript and the server's content type."""

from __future__ import annotations

import html
import io
import json
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import webvtt
from click.testing import CliRunner

from conftest import CASES
from publishing import publish, served
from voicecoach.cli import cli
from voicecoach.compiler import Timeline, compile_program
from voicecoach.compiler.timeline import Chapter, Cue, Segment
from voicecoach.program import load_program
from voicecoach.render import transcript_cues, transcript_vtt
from voicecoach.render.transcript import is_count

CASE_FILES = sorted(CASES.glob("*.yaml"))
PODCAST = "https://podcastindex.org/namespace/1.0"


def parse(text: str) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) of every caption, as webvtt-py reads them."""
    captions = webvtt.from_buffer(io.StringIO(text))
    return [(_ms(c.start), _ms(c.end), html.unescape(c.text)) for c in captions]


def _ms(stamp: str) -> int:
    hours, minutes, seconds = stamp.split(":")
    whole, millis = seconds.split(".")
    return ((int(hours) * 60 + int(minutes)) * 60 + int(whole)) * 1000 + int(millis)


def expected(timeline: Timeline, start_ms: int = 0, end_ms: int | None = None):  # type: ignore[no-untyped-def]
    """Every transcript cue from the timeline's own cues: first start, last end, words."""
    out = []
    for cue in transcript_cues(timeline, start_ms, end_ms):
        parts = [timeline.cues[i] for i in cue.cues]
        out.append(
            (
                parts[0].start_ms - start_ms,
                parts[-1].end_ms - start_ms,
                " ".join(p.text or "" for p in parts),
            )
        )
    return out


def check_transcript(
    text: str, timeline: Timeline, start_ms: int = 0, end_ms: int | None = None
) -> None:
    captions = parse(text)
    assert captions == expected(timeline, start_ms, end_ms)
    end_ms = timeline.duration_ms if end_ms is None else end_ms
    spoken = [c for c in timeline.cues if c.kind == "speech" and start_ms <= c.start_ms < end_ms]
    # Every phrase once, in order: the grouping drops and reorders nothing.
    assert (
        " ".join(t for _s, _e, t in captions).split()
        == " ".join(c.text or "" for c in spoken).split()
    )
    # Only counts are grouped, and only after a phrase of their own segment.
    grouped = [i for cue in transcript_cues(timeline, start_ms, end_ms) for i in cue.cues[1:]]
    assert all(is_count(timeline.cues[i].text or "") for i in grouped)


@pytest.mark.parametrize("case", CASE_FILES, ids=[c.stem for c in CASE_FILES])
def test_transcript_cues_are_the_timeline_cues(case: Path) -> None:
    timeline = compile_program(load_program(str(case)), 1)
    check_transcript(transcript_vtt(timeline), timeline)


def test_counts_are_grouped_per_phase() -> None:
    timeline = compile_program(load_program(str(CASES / "tempo_basic.yaml")), 1)
    texts = [t for _s, _e, t in parse(transcript_vtt(timeline))]
    assert "Rep 1, down 2 3" in texts and "3 2 1" in texts and "Go" in texts
    assert not any(text.isdigit() for text in texts)


def test_a_chapter_span_starts_at_zero_and_covers_it_only() -> None:
    timeline = compile_program(load_program(str(CASES / "tempo_basic.yaml")), 1)
    start, end, _title = timeline.chapter_spans()[1]
    text = transcript_vtt(timeline, start, end)
    check_transcript(text, timeline, start, end)
    captions = parse(text)
    assert captions[0][0] == 0 and captions[-1][1] <= end - start


def test_text_is_escaped_and_on_one_line() -> None:
    timeline = Timeline(
        program="P", week=1, duration_ms=4000, focus="", artist="",
        segments=(Segment(0, 4000, "talk"),),
        cues=(Cue(0, 1000, "speech", text="Knees <in> & toes\nout"),),
        chapters=(Chapter(0, "Introduction"),),
    )  # fmt: skip
    text = transcript_vtt(timeline)
    assert "Knees &lt;in&gt; &amp; toes out" in text
    assert parse(text) == [(0, 1000, "Knees <in> & toes out")]


def test_plan_vtt_prints_the_transcript_without_rendering(tmp_path: Path) -> None:
    program = CASES / "tempo_basic.yaml"
    args = [str(program), "--cache-dir", str(tmp_path / "cache"), "--engine", "espeak"]
    runner = CliRunner()
    shown = runner.invoke(cli, ["plan", *args, "--vtt"])
    assert shown.exit_code == 0, shown.output
    as_json = runner.invoke(cli, ["plan", *args, "--json"])
    captions = parse(shown.output)
    document = json.loads(as_json.output)
    speech = [c for c in document["cues"] if c["kind"] == "speech"]
    assert captions[0] == (speech[0]["start_ms"], speech[0]["end_ms"], speech[0]["text"])
    assert captions[-1][1] == speech[-1]["end_ms"]
    assert not list(tmp_path.rglob("*.mp3"))
    both = runner.invoke(cli, ["plan", *args, "--vtt", "--json"])
    assert both.exit_code == 2 and "give --json or --vtt, not both" in both.output


def test_plan_vtt_follows_talk(tmp_path: Path) -> None:
    program = CASES / "tempo_basic.yaml"
    args = [str(program), "--cache-dir", str(tmp_path / "cache"), "--engine", "espeak", "--vtt"]
    full = CliRunner().invoke(cli, ["plan", *args])
    brief = CliRunner().invoke(cli, ["plan", *args, "--talk", "brief"])
    assert full.exit_code == brief.exit_code == 0
    assert len(parse(brief.output)) < len(parse(full.output))


@pytest.fixture(scope="module")
def espeak_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/cases/tempo_basic.yaml week 1 published with --split by espeak-ng."""
    root = tmp_path_factory.mktemp("vtt-site")
    folder = root / "site"
    publish(folder, root / "cache", "1", "--split", "--engine", "espeak")
    return folder


def sidecar_timeline(mp3: Path) -> Timeline:
    document = json.loads(mp3.with_name(mp3.stem + ".timeline.json").read_text())
    return Timeline(
        program=document["program"],
        week=document["week"],
        duration_ms=document["duration_ms"],
        focus=document["focus"],
        artist="",
        segments=tuple(Segment(**s) for s in document["segments"]),
        cues=tuple(Cue(**c) for c in document["cues"]),
        chapters=tuple(Chapter(c["start_ms"], c["title"]) for c in document["chapters"]),
    )


@pytest.mark.slow
def test_built_week_and_its_parts_carry_their_transcripts(espeak_site: Path) -> None:
    mp3 = espeak_site / "tempo-basic-week-01.mp3"
    timeline = sidecar_timeline(mp3)
    check_transcript((espeak_site / "tempo-basic-week-01.vtt").read_text(), timeline)
    parts = espeak_site / "tempo-basic-week-01"
    names = ["01-introduction.vtt", "02-goblet-squat.vtt"]
    assert sorted(p.name for p in parts.glob("*.vtt")) == names
    for name, (start, end, _title) in zip(names, timeline.chapter_spans()):
        text = (parts / name).read_text()
        check_transcript(text, timeline, start, end)
        assert parse(text)[0][0] <= 1000 and parse(text)[-1][1] <= end - start


@pytest.mark.slow
def test_feed_names_the_transcript_and_serve_sends_it_as_text_vtt(espeak_site: Path) -> None:
    with served(espeak_site) as (url, _printed):
        with urllib.request.urlopen(url + "feed.xml", timeout=30) as response:
            body = response.read()
        items = ET.fromstring(body).findall("./channel/item")
        transcripts = [item.find(f"{{{PODCAST}}}transcript") for item in items]
        assert len(transcripts) == 1 and transcripts[0] is not None
        assert transcripts[0].get("type") == "text/vtt"
        address = transcripts[0].get("url") or ""
        assert address == url + "tempo-basic-week-01.vtt"
        feed = feedparser.parse(body)
        assert feed.bozo == 0
        with urllib.request.urlopen(address, timeout=30) as response:
            assert response.headers.get_content_type() == "text/vtt"
            assert response.read() == (espeak_site / "tempo-basic-week-01.vtt").read_bytes()
