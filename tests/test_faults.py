"""Faults a user meets: engines that fail, hang or stay silent, missing tools, unwritable
or full output, two builds at once on one cache. Each gives one clear line, exit 2, and
leaves no partial output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiotools import decode, onset_ms
from conftest import CASES, ROOT
from voicecoach.cli import cli

pytestmark = pytest.mark.slow

SMALL = CASES / "sides_holds_cycles.yaml"
ENGINE = ROOT / "tests" / "engines" / "misbehaving.py"


def build_args(tmp_path: Path, mode: str, *extra: str) -> list[str]:
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    command = f"{sys.executable} {ENGINE} {mode} {{output}} {{text_file}} {state}"
    return [
        "build", str(SMALL), "-o", str(tmp_path / "out.mp3"),
        "--cache-dir", str(tmp_path / "cache"),
        "--engine", "command", "--command", command, "-q", *extra,
    ]  # fmt: skip


def test_engine_failing_on_one_phrase_names_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, build_args(tmp_path, "fail"))
    assert result.exit_code == 2
    assert result.output.startswith("error: the speech command failed on '")
    assert "Cat" in result.output and "(exit 3): the synthesizer exploded" in result.output
    assert not (tmp_path / "out.mp3").exists()


def test_engine_hanging_on_a_phrase_times_out(tmp_path: Path) -> None:
    """A synthesizer that never finishes is stopped at --speech-timeout: the build ends
    with the phrase named and no track, and the hung process is gone."""
    # In its own process: the timeout only keeps a build that waits forever (the engine
    # never returns) from hanging the suite; how long it took is not the claim.
    try:
        build = subprocess.run(
            [sys.executable, "-m", "voicecoach",
             *build_args(tmp_path, "hang", "--speech-timeout", "2")],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("the build waited for the hung synthesizer")
    assert build.returncode == 2, build.stderr
    line = build.stderr.strip().splitlines()[-1]
    assert line.startswith("error: the speech command did not finish '")
    assert "Cat" in line and line.endswith("within 2s")
    assert "Traceback" not in build.stderr
    assert not (tmp_path / "out.mp3").exists()
    hung = int((tmp_path / "state" / "hung.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(hung, 0)


def test_engine_silent_once_is_tried_again(tmp_path: Path) -> None:
    """A phrase that first comes back silent is said again: every cue of it is heard
    where it starts, in a track as long as its timeline to the sample."""
    result = CliRunner().invoke(cli, build_args(tmp_path, "silent-once"))
    assert result.exit_code == 0, result.output
    silenced = [p for p in (tmp_path / "state").iterdir()]
    assert silenced, "the engine was never silent: nothing was tried again"
    timeline = json.loads((tmp_path / "out.timeline.json").read_text())
    samples = decode(str(tmp_path / "out.mp3"))
    assert len(samples) == timeline["duration_ms"] * 24
    retried = [c for c in timeline["cues"] if c["kind"] == "speech" and "Cat" in c["text"]]
    assert len(retried) >= len(silenced)
    unheard = [
        (c["start_ms"], c["text"], found)
        for c in retried
        if (found := onset_ms(samples, c["start_ms"], c["end_ms"], threshold_dbfs=-45)) is None
        or found - c["start_ms"] > 20
    ]
    assert unheard == []


def path_without(tmp_path: Path, *tools: str) -> str:
    """A PATH holding everything voicecoach uses except ``tools``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if tool not in tools and shutil.which(tool):
            (folder / tool).symlink_to(shutil.which(tool))
    return str(folder)


@pytest.mark.parametrize(
    "engine, message",
    [
        (
            "pyttsx3",
            "espeak-ng is not installed (pyttsx3 speaks through it on Linux): "
            "sudo apt-get install espeak-ng, or run `make setup`",
        ),
        (
            "espeak",
            "espeak-ng is not installed or not on PATH: "
            "sudo apt-get install espeak-ng (macOS: brew install espeak-ng)",
        ),
    ],
)
def test_missing_espeak_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, message: str
) -> None:
    """Piper brings its own phonemizer; the engines that speak through espeak-ng need it."""
    monkeypatch.setenv("PATH", path_without(tmp_path, "espeak-ng"))
    result = CliRunner().invoke(
        cli,
        ["build", str(SMALL), "--out-dir", str(tmp_path), "--cache-dir", str(tmp_path / "c"),
         "--engine", engine],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.output == f"error: {message}\n"


def test_missing_ffmpeg_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", path_without(tmp_path, "ffmpeg"))
    result = CliRunner().invoke(
        cli, ["build", str(SMALL), "--out-dir", str(tmp_path), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 2
    assert result.output == (
        "error: ffmpeg is not installed (it encodes the MP3): sudo apt-get install ffmpeg, "
        "or run `make setup`\n"
    )
    assert not list(tmp_path.glob("*.mp3"))


def test_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(SMALL),
            "--out-dir",
            str(blocker / "tracks"),
            "--cache-dir",
            str(tmp_path / "c"),
            "-q",
        ],
    )
    assert result.exit_code == 2
    assert (
        result.output
        == f"error: cannot create the output folder {blocker / 'tracks'}: Not a directory\n"
    )


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 300 KB filesystem: too small for a track (needs root to mount)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_gives_a_clear_message_and_no_partial_file(
    tmp_path: Path, tiny_disk: Path
) -> None:
    (tiny_disk / "old.mp3").write_bytes(b"previous")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(SMALL),
            "-o",
            str(tiny_disk / "old.mp3"),
            "--cache-dir",
            str(tmp_path / "c"),
            "-q",
        ],
    )
    assert result.exit_code == 2
    assert result.output == f"error: the disk is full: cannot write {tiny_disk / 'old.mp3'}\n"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["old.mp3"]
    assert (tiny_disk / "old.mp3").read_bytes() == b"previous"


def test_full_disk_for_the_cache(tmp_path: Path, tiny_disk: Path) -> None:
    filler = tiny_disk / "filler"
    filler.write_bytes(b"x" * (290 * 1024))
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(SMALL),
            "--out-dir",
            str(tmp_path),
            "--cache-dir",
            str(tiny_disk / "cache"),
            "-q",
        ],
    )
    assert result.exit_code == 2
    assert result.output.startswith(
        f"error: cannot write the clip cache at {tiny_disk / 'cache'}: "
    )
    leftovers = [p for p in (tiny_disk / "cache").rglob("*") if p.is_file()]
    assert all(p.suffix == ".clip" and not p.name.startswith(".tmp-") for p in leftovers)


def test_two_builds_at_once_share_a_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "voicecoach",
                "build",
                str(SMALL),
                "-o",
                str(tmp_path / f"{n}.mp3"),
                "--cache-dir",
                str(cache),
                "-q",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in ("a", "b")
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
    from test_cli_build import assert_cache_consistent

    assert_cache_consistent(cache)


def test_read_only_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a read-only tmpfs needs root")
    try:
        result = CliRunner().invoke(
            cli,
            [
                "build",
                str(SMALL),
                "--out-dir",
                str(folder),
                "--cache-dir",
                str(tmp_path / "c"),
                "-q",
            ],
        )
    finally:
        subprocess.run(["umount", str(folder)], check=False)
    assert result.exit_code == 2
    assert result.output == f"error: the output folder {folder} is not writable\n"
