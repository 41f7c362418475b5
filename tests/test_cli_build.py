"""The build command as a user runs it: one week, a batch with its playlist, and
interruptions by a real signal to a real process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiotools import decode
from conftest import CASES, PROGRAMS
from voicecoach.cli import cli
from voicecoach.cli.options import parse_weeks
from voicecoach.render.cache import _decode

pytestmark = pytest.mark.slow

SMALL = CASES / "alternating.yaml"
MOBILITY = PROGRAMS / "back-mobility-basics.yaml"


def test_build_writes_the_default_name_and_a_closing_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(SMALL),
            "--week",
            "2",
            "--out-dir",
            str(tmp_path),
            "--cache-dir",
            str(tmp_path / "c"),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "alternating-week-02.mp3"
    assert path.exists()
    assert result.output.startswith(f"Wrote {path}: 1:")
    assert " MB, in " in result.output and "new phrases" in result.output


def test_weeks_batch_writes_sortable_tracks_and_a_playlist(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(SMALL),
            "--weeks",
            "1-3",
            "--out-dir",
            str(tmp_path),
            "--cache-dir",
            str(tmp_path / "c"),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    tracks = sorted(p.name for p in tmp_path.glob("*.mp3"))
    assert tracks == [
        "alternating-week-01.mp3",
        "alternating-week-02.mp3",
        "alternating-week-03.mp3",
    ]
    playlist = (tmp_path / "alternating.m3u8").read_text().splitlines()
    assert playlist[0] == "#EXTM3U"
    entries = [line for line in playlist if line.startswith("#EXTINF:")]
    assert [line.split(",", 1)[1] for line in entries] == [
        f"voicecoach - Alternating — week {week}" for week in (1, 2, 3)
    ]
    for line, name in zip(entries, tracks):
        seconds = int(line[len("#EXTINF:") : line.index(",")])
        decoded = len(decode(str(tmp_path / name))) / 24000
        assert abs(seconds - decoded) <= 1
    assert [line for line in playlist if line.endswith(".mp3")] == tracks


def test_parse_weeks() -> None:
    assert parse_weeks("1-3,5") == [1, 2, 3, 5]
    assert parse_weeks("4") == [4]


def run_until(
    args: list[str], ready: callable, sig: int, timeout: float = 120
) -> subprocess.CompletedProcess:
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never reached the point to interrupt"
        time.sleep(0.005)
    process.send_signal(sig)
    # How it stopped (exit code, message, files left) is the callers' check; the timeout
    # only keeps a build that ignored the signal from hanging the suite.
    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the build did not stop after the signal")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_cache_consistent(cache: Path) -> None:
    for path in cache.rglob("*"):
        if path.is_file():
            assert not path.name.startswith(".tmp-"), f"temporary cache file left: {path}"
            assert _decode(path.read_bytes(), path.stem) is not None, f"damaged cache entry: {path}"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_keeps_the_previous_file(tmp_path: Path, sig: int) -> None:
    out = tmp_path / "week.mp3"
    out.write_bytes(b"the previous week's track")
    cache = tmp_path / "cache"
    result = run_until(
        # espeak: the fastest engine to get through synthesis to the rendering under test
        [
            "build",
            str(MOBILITY),
            "--week",
            "2",
            "-o",
            str(out),
            "--cache-dir",
            str(cache),
            "-q",
            "--engine",
            "espeak",
        ],
        ready=lambda: any(tmp_path.glob(".week.mp3.*.part")),
        sig=sig,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == b"the previous week's track"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "week.mp3"]
    assert_cache_consistent(cache)


def test_interrupted_synthesis_leaves_the_cache_consistent(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = run_until(
        [
            "build",
            str(MOBILITY),
            "--week",
            "1",
            "--out-dir",
            str(tmp_path / "out"),
            "--cache-dir",
            str(cache),
            "-q",
        ],
        ready=lambda: sum(1 for _ in cache.rglob("*.clip")) >= 5,
        sig=signal.SIGINT,
    )
    assert result.returncode == 130
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert_cache_consistent(cache)
    assert sum(1 for _ in cache.rglob("*.clip")) >= 5  # what was made is kept for next time


def test_interrupted_batch_keeps_finished_weeks(tmp_path: Path) -> None:
    # Weeks render two at a time (one per core); week 3 starts once week 1 or 2 is done.
    out = tmp_path / "out"
    result = run_until(
        [
            "build",
            str(MOBILITY),
            "--weeks",
            "1-3",
            "--out-dir",
            str(out),
            "--cache-dir",
            str(tmp_path / "c"),
            "-q",
            "--engine",
            "espeak",  # the fastest engine to get to the second week's rendering
        ],
        ready=lambda: any(out.glob(".back-mobility-basics-week-03.mp3.*.part")),
        sig=signal.SIGTERM,
    )
    assert result.returncode == 130
    assert "Traceback" not in result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert not [name for name in names if name.endswith(".part")], names
    tracks = sorted(name for name in names if name.endswith(".mp3"))
    assert "back-mobility-basics-week-03.mp3" not in tracks
    assert 1 <= len(tracks) <= 2
    listed = [line for line in (out / "back-mobility-basics.m3u8").read_text().splitlines()]
    assert [line for line in listed if line.endswith(".mp3")] == tracks
    first = decode(str(out / tracks[0]))
    assert len(first) > 20 * 60 * 24000


def test_single_week_split_writes_one_track_per_chapter(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["build", str(SMALL), "--week", "1", "--split", "--out-dir", str(tmp_path),
         "--cache-dir", str(tmp_path / "c"), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    week = tmp_path / "alternating-week-01.mp3"
    parts = tmp_path / "alternating-week-01"
    document = json.loads((tmp_path / "alternating-week-01.chapters.json").read_text())
    chapters = [c for c in document["chapters"] if c.get("toc", True)]  # not the end card
    playlist = (parts / "alternating-week-01.m3u8").read_text().splitlines()
    names = [line for line in playlist if line.endswith(".mp3")]
    assert names == ["01-introduction.mp3", "02-renegade-row.mp3", "03-russian-twist.mp3"]
    assert len(names) == len(chapters)
    lengths = [len(decode(str(parts / name))) for name in names]
    assert sum(lengths) == len(decode(str(week)))
    starts = [round(c["startTime"] * 24000) for c in chapters]
    assert [sum(lengths[:i]) for i in range(len(lengths))] == starts


def _mapped(pid: int) -> str:
    """The files process ``pid`` has mapped (its shared libraries): how far its imports got."""
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # it has exited
        return ""


def test_sigterm_while_starting_up_is_interrupted_too(tmp_path: Path) -> None:
    """SIGTERM in the first second (voicecoach.cli importing numpy, scipy, ...) ends the
    build like a later one: exit 130 and "interrupted", not killed by the signal (143)."""
    out = tmp_path / "week.mp3"
    command = [sys.executable, "-m", "voicecoach", "build", str(SMALL), "--week", "1",
               "-o", str(out), "--cache-dir", str(tmp_path / "cache"), "-q"]  # fmt: skip
    for _attempt in range(5):
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        # Wait until it is importing (numpy is mapped), stop it there and check that it has
        # not got as far as scipy.signal (one of the last imports, ~0.7 s later): the signal
        # then lands during the imports however slow this machine is.
        deadline = time.monotonic() + 60
        while "/numpy/" not in _mapped(process.pid):
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)
        if "/scipy/signal/" not in _mapped(process.pid):
            break
        process.kill()  # this test looked too late: try again
        process.communicate()
    else:
        pytest.fail("never caught the build while it was importing")
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, (process.returncode, stderr)
    assert stderr.strip().splitlines()[-1] == "interrupted" and "Traceback" not in stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) in ([], ["cache"])


def test_without_a_terminal_progress_is_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No terminal (a log, CI, a pipe): each stage says when it starts, how far it is at
    least every Bars.LINE_EVERY_S seconds (here every step), and when it is done."""
    from voicecoach.cli.options import Bars

    monkeypatch.setattr(Bars, "LINE_EVERY_S", 0.0)
    args = ["build", str(SMALL), "-o", str(tmp_path / "w.mp3"), "--engine", "espeak",
            "--cache-dir", str(tmp_path / "c")]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    rendering = [line for line in lines if line.startswith("Rendering: ")]
    assert rendering[0] == "Rendering: 0%" and rendering[-1] == "Rendering: done"
    percents = [int(line.split()[1].rstrip("%")) for line in rendering[1:-1]]
    assert len(percents) > 10 and percents == sorted(percents) and percents[-1] == 100
    spoken = [line for line in lines if line.startswith("Speaking ")]
    assert spoken and spoken[-1].endswith(" new phrases: done")
