"""A track and its sidecars are one unit: they appear together or not at all.

Each file of a track's set (the MP3, its timeline and chapters sidecars, its transcript,
its cards folder, its parts folder) is made to fail while it is written, by a real
filesystem obstacle where its temporary would go (a folder where a file should be, a file
where a folder should be). Afterwards the folder holds either the complete old set or
nothing, and no temporary. A real tmpfs that fills, a real ``kill -9`` of a real build,
and a site whose feed cannot be written check the same from the outside."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASES
from voicecoach.cli import cli
from voicecoach.errors import VoicecoachError
from voicecoach.program import load_program
from voicecoach.render import EngineSpec, RenderSettings, build_week

pytestmark = pytest.mark.slow

SMALL = CASES / "lift_first_pauses.yaml"


def settings(cache: Path, **changes: object) -> RenderSettings:
    return RenderSettings(cache_dir=cache, speech=EngineSpec(engine="espeak"), **changes)  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


SET = ["w.mp3", "w.timeline.json", "w.chapters.json", "w.vtt", "w.cards", "w"]


@pytest.mark.parametrize("failing", SET)
def test_a_file_that_cannot_be_written_leaves_the_old_set_whole(
    tmp_path: Path, failing: str
) -> None:
    program = load_program(str(SMALL))
    out = tmp_path / "out"
    old = build_week(program, 1, out / "w.mp3", settings(tmp_path / "c", split=True))
    before = snapshot(out)
    assert set(before) >= {
        "w.mp3", "w.timeline.json", "w.chapters.json", "w.vtt", "w.cards/end.png", "w/w.m3u8"
    }  # fmt: skip
    # The same week, louder (so every file of the set changes), with one file blocked.
    temporary = out / f".{failing}.{os.getpid()}.part"
    if failing in ("w", "w.cards"):
        temporary.write_text("a file where the new parts folder goes")
    else:
        temporary.mkdir()
    louder = settings(tmp_path / "c", split=True, loudness=-16.0)
    with pytest.raises(VoicecoachError):
        build_week(program, 1, out / "w.mp3", louder)
    assert snapshot(out) == before
    assert not [p for p in out.rglob("*.part")]
    # Unblocked, the new set replaces the old one whole.
    new = build_week(program, 1, out / "w.mp3", louder)
    after = snapshot(out)
    assert set(after) == set(before)
    assert all(after[name] != before[name] for name in ("w.mp3", "w.timeline.json"))
    assert new.gain_db != old.gain_db


def test_no_old_set_means_nothing_is_left(tmp_path: Path) -> None:
    program = load_program(str(SMALL))
    out = tmp_path / "out"
    out.mkdir()
    (out / f".w.chapters.json.{os.getpid()}.part").mkdir()
    with pytest.raises(VoicecoachError):
        build_week(program, 1, out / "w.mp3", settings(tmp_path / "c"))
    assert list(out.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 3 MB tmpfs (as root, as in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_leaves_no_track_without_its_sidecars(tmp_path: Path, small_disk: Path) -> None:
    """The README's promise under a real full disk: the MP3 fits, its sidecars do not."""
    program = load_program(str(SMALL))
    probe = build_week(program, 1, tmp_path / "probe.mp3", settings(tmp_path / "c"))
    free = os.statvfs(small_disk)
    filler = free.f_bavail * free.f_frsize - probe.size_bytes - 8_192
    (small_disk / "filler").write_bytes(b"\0" * filler)
    args = ["build", str(SMALL), "-o", str(small_disk / "w.mp3"), "--cache-dir",
            str(tmp_path / "c"), "--engine", "espeak", "-q"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: the disk is full: cannot write ")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_temporaries_of_a_killed_build_are_removed_next_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "voicecoach", "build", str(SMALL), "-o", str(out / "w.mp3"),
               "--cache-dir", str(tmp_path / "c"), "--engine", "espeak", "-q"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob(".w.mp3.*.part")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    left = list(out.glob(".*.part"))
    assert left and not (out / "w.mp3").exists()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Removed 1 unfinished file" in again.stderr and "interrupted build" in again.stderr
    assert not list(out.glob(".*.part"))
    names = ["w.cards", "w.chapters.json", "w.mp3", "w.timeline.json", "w.vtt"]
    assert sorted(p.name for p in out.iterdir()) == names
