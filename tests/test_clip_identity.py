"""A clip in the cache carries the key it was made for: one copied over another phrase's is
damaged, made again and reported, never spoken for the wrong words or measured for them.
Real builds through espeak-ng (the fastest engine) and the real encoder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.naming import timeline_path
from voicecoach.program import load_program
from voicecoach.render import EngineSpec, RenderSettings
from voicecoach.render.build import open_library
from voicecoach.render.cache import MAGIC, ClipCache

pytestmark = pytest.mark.slow

PROGRAM = CASES / "tempo_basic.yaml"


def build(cache: Path, out: Path) -> str:
    result = CliRunner().invoke(
        cli,
        ["build", str(PROGRAM), "--week", "1", "--engine", "espeak", "--quiet",
         "--cache-dir", str(cache), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def clip_path(cache: Path, text: str) -> Path:
    settings = RenderSettings(cache_dir=cache, speech=EngineSpec(engine="espeak"))
    library = open_library(settings.for_program(load_program(str(PROGRAM))))
    return ClipCache(cache).path(library.key(text))


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("first")
    out = folder / "first.mp3"
    build(folder / "clips", out)
    return folder / "clips", out, json.loads(timeline_path(out).read_text())


def test_clips_swapped_between_phrases_are_made_again_and_reported(
    first: tuple[Path, Path, dict], tmp_path: Path
) -> None:
    """'Go' swapped with the longest phrase (today: "the phrase 'Go' takes 8647 ms ...")
    and "2" with "3" (today: lengths that fit, so the wrong count is heard)."""
    cache, first_mp3, timeline = first
    spoken = [c["text"] for c in timeline["cues"] if c["kind"] == "speech"]
    longest = max(spoken, key=len)
    pairs = [("Go", longest), ("2", "3")]
    originals = {}
    for one, other in pairs:
        a, b = clip_path(cache, one), clip_path(cache, other)
        originals[a], originals[b] = a.read_bytes(), b.read_bytes()
        a.write_bytes(originals[b])
        b.write_bytes(originals[a])

    out = tmp_path / "again.mp3"
    said = build(cache, out)

    assert "4 new phrases (4 damaged clips in the cache made again)" in said, said
    # Measured on each phrase's own clip: the same timeline, the same audio, and each
    # file holds its own phrase again.
    assert json.loads(timeline_path(out).read_text()) == timeline
    assert out.read_bytes() == first_mp3.read_bytes()
    for path, data in originals.items():
        assert path.read_bytes() == data


def test_a_clip_of_the_older_format_is_made_again_not_a_crash(
    first: tuple[Path, Path, dict], tmp_path: Path
) -> None:
    """Format 3 had no key in the header. Its files are not even looked at (the format is
    part of every key); one copied under a current name is damaged, made again."""
    cache, first_mp3, timeline = first
    path = clip_path(cache, "Go")
    data = path.read_bytes()
    size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + size])
    payload = data[len(MAGIC) + 4 + size :]
    assert header["key"] == path.stem
    del header["key"]
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    old = json.dumps(header).encode()
    path.write_bytes(MAGIC + len(old).to_bytes(4, "little") + old + payload)

    out = tmp_path / "again.mp3"
    said = build(cache, out)

    assert "1 new phrase (1 damaged clip in the cache made again)" in said, said
    assert json.loads(timeline_path(out).read_text()) == timeline
    assert path.read_bytes() == data
