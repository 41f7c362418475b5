"""Chapter cards: a picture per chapter in the MP3's ID3 CHAP frames (read back with
mutagen and ffprobe), the same pictures as the JSON chapters' ``img`` (fetched from the
real server), the cover as the track's picture, and what each card says."""

from __future__ import annotations

import io
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from PIL import Image

from audiotools import ffprobe_chapters
from conftest import CASES
from publishing import publish, served
from voicecoach.compiler import compile_program, prescribe_week, shown_amount
from voicecoach.program import load_program
from voicecoach.render import Card, chapter_cards, draw_card
from voicecoach.render.cards import BACKGROUND

PROGRAM = CASES / "sides_holds_cycles.yaml"


def test_cards_say_what_the_chapters_say() -> None:
    program = load_program(str(PROGRAM))
    week = prescribe_week(program, 1)
    timeline = compile_program(program, week)
    cards = chapter_cards(program, week, timeline)
    assert [c.chapter for c in cards] == [*range(len(timeline.chapters)), None]
    assert [c.kind for c in cards] == ["intro"] + ["exercise"] * 3 + ["end"]
    assert cards[0].quote == timeline.focus and cards[0].heading == "Week 1"
    for card, chapter in zip(cards, timeline.chapters):
        if chapter.exercise is None:
            continue
        exercise = program.exercises[chapter.exercise]
        assert chapter.title.endswith(card.title) and card.title == exercise.name
        assert card.quote == exercise.key_cue
        assert shown_amount(exercise, week.prescriptions[chapter.exercise]) in card.lines[0]
        phase = next(p for p in program.phases if exercise in p.exercises)
        assert card.heading.endswith(phase.name)
    # The end card starts with the closing words.
    closing = next(c for c in timeline.cues if (c.text or "").startswith("Session complete"))
    assert cards[-1].start_ms <= closing.start_ms and cards[-1].title == "Session complete"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cards-site")
    folder = root / "site"
    publish(folder, root / "cache", "1", "--engine", "espeak", "--split")  # tempo_basic
    return folder


@pytest.mark.slow
def test_every_chapter_carries_its_card_and_the_track_its_cover(site: Path) -> None:
    mp3 = site / "tempo-basic-week-01.mp3"
    tags = ID3(str(mp3))
    chapters = tags.getall("CHAP")
    assert [c.element_id for c in chapters] == ["chp000", "chp001"]  # in time order
    assert [c.start_time for c in chapters] == sorted(c.start_time for c in chapters)
    assert [(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chapters] == [
        (start, title) for start, _end, title in ffprobe_chapters(str(mp3))
    ]
    document = json.loads((site / "tempo-basic-week-01.chapters.json").read_text())
    pictures = []
    for chapter, listed in zip(chapters, document["chapters"]):
        (apic,) = chapter.sub_frames.getall("APIC")
        assert apic.mime == "image/png"
        image = Image.open(io.BytesIO(apic.data))
        assert image.size == (1400, 1400) and image.mode == "P"
        assert (site / listed["img"]).read_bytes() == apic.data
        pictures.append(apic.data)
    assert len(set(pictures)) == len(pictures)  # the intro and the exercise differ
    end = document["chapters"][-1]
    assert end["toc"] is False and end["title"] == "Session complete"
    (cover,) = tags.getall("APIC")
    assert cover.type == 3 and Image.open(io.BytesIO(cover.data)).size == (1400, 1400)
    # ffprobe sees the cover as the file's attached picture, and the audio is untouched.
    streams = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(mp3)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    )["streams"]
    assert [s["codec_type"] for s in streams] == ["audio", "video"]
    assert streams[1]["disposition"]["attached_pic"] == 1
    # A --split part's picture is its chapter's card.
    part = ID3(str(site / "tempo-basic-week-01" / "02-goblet-squat.mp3"))
    assert part.getall("APIC")[0].data == pictures[1]


@pytest.mark.slow
def test_chapter_images_are_fetchable_from_serve(site: Path) -> None:
    with served(site) as (url, _printed):
        with urllib.request.urlopen(url + "tempo-basic-week-01.chapters.json", timeout=30) as r:
            document = json.loads(r.read())
        addresses = [c["img"] for c in document["chapters"]]
        folder = url + "tempo-basic-week-01.cards/"
        assert addresses and all(a.startswith(folder) for a in addresses)
        for address in addresses:
            with urllib.request.urlopen(address, timeout=30) as response:
                assert response.headers.get_content_type() == "image/png"
                name = address.rsplit("/", 1)[1]
                assert response.read() == (site / "tempo-basic-week-01.cards" / name).read_bytes()


@pytest.mark.parametrize(
    "text",
    ["A" * 200, "💪💪 Übung " * 6, "Привет мир, " * 8],
    ids=["long-word", "emoji", "cyrillic"],
)
def test_long_or_foreign_text_stays_inside_the_card(text: str) -> None:
    card = Card(0, "exercise", 1, f"Phase 1 · {text}", text, (text,), text, text)
    image = draw_card(card)
    assert image.size == (1400, 1400)
    margin = 1400 // 12 - 8  # the right margin holds nothing but the background
    right = image.crop((1400 - margin, 0, 1400, 1400))
    assert right.getcolors() == [(margin * 1400, BACKGROUND)]
