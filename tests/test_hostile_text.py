"""Text that reaches a speech engine is only ever text, and names that become file names
cannot leave the output folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from voicecoach.naming import playlist_file_name, session_file_name, slugify, week_file_name
from voicecoach.program import parse_program
from voicecoach.render import RenderSettings, build_week
from voicecoach.render.engines import command_argv

HOSTILE = [
    "-v de --help",
    "$(touch PWNED) and `touch PWNED2`; rm -rf nothing",
    '<speak><break time="10s"/>hi</speak>',
    'He said "don\'t" & left | tee PWNED3 > PWNED4',
]

PROGRAM = f"""
title: Hostile
setup: 5s
progression:
  foundation: {{weeks: 1, focus: Careful.}}
  build: {{focus: More.}}
phases:
  - name: One
    exercises:
      - name: "{HOSTILE[0]}"
        sets: 1
        reps: 1
        tempo: none
        rep_time: 2s
        key_cue: 'x'
        setup: '{HOSTILE[1]}'
        execution: '{HOSTILE[2]}'
        target: '{HOSTILE[3].replace("'", "''")}'
"""


def test_command_arguments_are_never_options_or_shell() -> None:
    argv = command_argv("espeak-ng -w {output} {text}", "-v de --help", "/o.wav", "/t.txt")
    assert argv == ["espeak-ng", "-w", "/o.wav", " -v de --help"]
    argv = command_argv("synth --out={output} --say {text}", "$(touch x) `y`", "/o.wav", "/t.txt")
    assert argv == ["synth", "--out=/o.wav", "--say", "$(touch x) `y`"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pyttsx3", "command-text", "command-file"])
def test_hostile_text_is_spoken_not_run(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    program = parse_program(PROGRAM, "hostile.yaml")
    settings = RenderSettings(cache_dir=tmp_path / "cache")
    if engine != "pyttsx3":
        placeholder = "{text}" if engine == "command-text" else "-f {text_file}"
        speech = replace(
            settings.speech, engine="command", command=f"espeak-ng -w {{output}} {placeholder}"
        )
        settings = replace(settings, speech=speech)
    result = build_week(program, 1, tmp_path / "out.mp3", settings)
    assert not list(tmp_path.glob("PWNED*"))
    spoken = {c.text: c.duration_ms for c in result.timeline.cues if c.kind == "speech"}
    # Said as words: the SSML is read out, not obeyed (no 10 s break, not just "hi").
    ssml = next(text for text in spoken if "speak" in text)
    assert 1500 < spoken[ssml] < 8000
    assert spoken[f"{HOSTILE[0]}."] > 400  # the name starting with "-" is spoken, not an option


@pytest.mark.parametrize(
    ("title", "expected", "stem"),
    [
        ("Alleviating Back Pain", "alleviating-back-pain", "alleviating-back-pain"),
        ("../../etc/passwd", "etc-passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path", "absolute-path"),
        ("nul\x00byte", "nul-byte", "nul-byte"),
        ("..", "program", "program-5ec1f7e7"),
        ("", "program", "program-e3b0c442"),
        ("Çafé — Ünïcode", "cafe-unicode", "cafe-unicode"),
        ("x" * 300, "x" * 60, "x" * 51 + "-0d4e2ca9"),
        ("CON", "con", "con"),
    ],
)
def test_names_become_portable_file_names(title: str, expected: str, stem: str) -> None:
    assert slugify(title) == expected
    name = week_file_name(title, 3)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name == f"{stem}-week-03.mp3"
    assert len(name) <= 80


@pytest.mark.parametrize(
    "titles",
    [
        ("💪💪", "..", "", "🦵🦵", "...", "Тренировка", "Упражнение"),
        ("💪 Legs", "🦵 Legs", "Legs"),
        ("x" * 79 + "a", "x" * 79 + "b"),
    ],
    ids=["nothing-left", "emoji-dropped", "cut-at-60"],
)
def test_titles_that_differ_get_file_names_that_differ(titles: tuple[str, ...]) -> None:
    """Two programs whose titles a plain slug would make the same never write over each
    other's tracks, playlist or log sessions; the ordinary title keeps its plain name."""
    for name_of in (lambda t: week_file_name(t, 3), playlist_file_name,
                    lambda t: session_file_name(t, 7)):  # fmt: skip
        names = [name_of(title) for title in titles]
        assert len(set(names)) == len(names), names
    assert week_file_name("Legs", 3) == "legs-week-03.mp3"
    assert week_file_name("💪💪", 3) == "program-a23db2e8-week-03.mp3"
