"""The user's music files: found, decoded by ffmpeg through a pipe, measured once, cached.

    files/folders -> find_music -> measure_track (loudness, its 100 ms profile, true
    peak, decoded length; one pass through the decoder) -> LoudnessCache -> Track

The cache is a small JSON file beside the clip cache, keyed by the file's content hash
and found by its path, size and mtime without reading the file again. The bed that plays
the tracks is render/music.py.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from voicecoach.errors import MusicError
from voicecoach.outputs import write_text_atomic
from voicecoach.render.audio import RATE
from voicecoach.render.encoder import widen_pipe
from voicecoach.render.loudness import LoudnessMeter

# Files taken from a folder (a file named on the command line is tried whatever its name).
AUDIO_SUFFIXES = frozenset(
    ".mp3 .m4a .aac .mp4 .flac .ogg .oga .opus .wav .wave .aif .aiff .wma .webm .mka".split()
)
CACHE_FILE = "music-loudness.json"
CACHE_VERSION = 2  # 2: every track's 100 ms loudness profile (base64 float32)


@dataclass(frozen=True)
class Track:
    """A music file as it plays: decoded to RATE mono, with its measured loudness."""

    path: Path
    samples: int
    loudness: float  # LUFS, BS.1770 integrated, of the decoded mono stream
    peak_dbtp: float
    # K-weighted mean square of every 100 ms (loudness.HOP samples) of the decoded stream:
    # what the music adds to the session's loudness, hop by hop, without decoding it again.
    hops: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.float32), compare=False, repr=False
    )


# -- finding and measuring --------------------------------------------------------------


def find_music(paths: Sequence[Path]) -> list[Path]:
    """Files in the order given; a folder gives its audio files sorted by name (not
    descending into subfolders, so a folder of albums is not a surprise)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
            )
            if not inside:
                raise MusicError(f"the music folder {path} has no audio files in it")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise MusicError(f"the music file or folder {path} does not exist")
    return found


def decoder_command(path: Path) -> list[str]:
    """ffmpeg decoding any audio file to the internal format on stdout."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1",
    ]  # fmt: skip


class Decoder:
    """One ffmpeg process decoding a file; ``read(n)`` gives the next n samples (zeros
    after the end). Its errors go to a temporary file, so a chatty decoder cannot fill a
    pipe nobody reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._errors: IO[bytes] = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                decoder_command(path), stdout=subprocess.PIPE, stderr=self._errors
            )
        except FileNotFoundError:
            self._errors.close()
            raise MusicError("ffmpeg is not installed (it decodes the music)") from None
        widen_pipe(self.process.stdout)
        self.ended = False

    def read_some(self, n: int) -> np.ndarray:
        """Up to n samples: fewer only at the end of the stream."""
        if self.ended or n <= 0:
            return np.zeros(0, dtype=np.float32)
        assert self.process.stdout is not None
        data = self.process.stdout.read(4 * n)
        samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
        if len(samples) < n:
            self.ended = True
        return samples.astype(np.float32)

    def read(self, n: int) -> np.ndarray:
        """Exactly n samples, zeros past the end."""
        samples = self.read_some(n)
        if len(samples) < n:
            samples = np.concatenate([samples, np.zeros(n - len(samples), dtype=np.float32)])
        return samples

    def finish(self) -> None:
        """Wait for a fully read decoder; raise MusicError if it failed."""
        assert self.process.stdout is not None
        self.process.stdout.close()
        code = self.process.wait()
        self._errors.seek(0)
        detail = self._errors.read().decode(errors="replace").strip().splitlines()
        self._errors.close()
        if code != 0:
            reason = detail[-1] if detail else f"exit code {code}"
            raise MusicError(f"ffmpeg cannot decode the music file {self.path}: {reason}")

    def close(self) -> None:
        """Stop the decoder wherever it is (the session ended before the track did)."""
        if self.process.poll() is None:
            self.process.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.wait()
        self._errors.close()


class _TruePeak:
    """Streaming BS.1770 true peak: 4x oversampling, block by block, with enough of the
    previous block carried over that the filter has no edge."""

    CONTEXT = 64

    def __init__(self) -> None:
        self.tail = np.zeros(self.CONTEXT, dtype=np.float64)
        self.peak = 0.0

    def add(self, block: np.ndarray) -> None:
        from scipy.signal import resample_poly  # imported when used: see audio.py

        x = np.concatenate([self.tail, block.astype(np.float64)])
        over = resample_poly(x, 4, 1)[4 * self.CONTEXT // 2 :]
        self.peak = max(self.peak, float(np.max(np.abs(over), initial=0.0)))
        self.tail = x[-self.CONTEXT :]

    def dbtp(self) -> float:
        return 20 * math.log10(max(self.peak, 1e-9))


def measure_track(path: Path) -> Track:
    """Decode the whole file once through the loudness meter and the true-peak meter."""
    decoder = Decoder(path)
    meter, peak, total = LoudnessMeter(), _TruePeak(), 0
    try:
        while True:
            block = decoder.read_some(RATE)
            if block.size:
                meter.add(block)
                peak.add(block)
                total += len(block)
            if decoder.ended:
                break
    except BaseException:
        decoder.close()
        raise
    decoder.finish()
    loudness = meter.integrated()
    if total == 0 or loudness <= -69.0:
        raise MusicError(f"the music file {path} has no sound in it")
    return Track(path, total, loudness, peak.dbtp(), meter.hops().astype(np.float32))


class LoudnessCache:
    """The measured tracks, as one small JSON file written atomically.

    Entries are keyed by the SHA-256 of the file's content; an index from (path, size,
    mtime) to that hash finds an unchanged file without reading it again. Two builds
    writing at once can lose one's new entry (last writer wins): it is measured again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.measured = 0
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION or data.get("rate") != RATE:
                raise ValueError("another format")
            self.entries: dict[str, dict[str, float | str]] = dict(data["entries"])
            self.index: dict[str, str] = dict(data["index"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries, self.index = {}, {}

    def track(self, path: Path) -> Track:
        try:
            stat = path.stat()
        except OSError as exc:
            raise MusicError(f"cannot read the music file {path}: {exc.strerror}") from None
        where = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        digest = self.index.get(where)
        if digest is None or digest not in self.entries:
            digest = _file_hash(path)
            self.index[where] = digest
        entry = self.entries.get(digest)
        if entry is None:
            measured = measure_track(path)
            self.measured += 1
            entry = {
                "samples": measured.samples,
                "loudness": measured.loudness,
                "peak_dbtp": measured.peak_dbtp,
                "hops": base64.b64encode(measured.hops.astype("<f4").tobytes()).decode("ascii"),
            }
            self.entries[digest] = entry
        try:
            hops = np.frombuffer(base64.b64decode(str(entry["hops"]), validate=True), "<f4")
            return Track(
                path,
                int(entry["samples"]),
                float(entry["loudness"]),
                float(entry["peak_dbtp"]),
                hops.astype(np.float32),
            )
        except (KeyError, TypeError, ValueError):  # a hand-edited cache: measure again
            del self.entries[digest]
            return self.track(path)

    def save(self) -> None:
        text = json.dumps(
            {"version": CACHE_VERSION, "rate": RATE, "entries": self.entries, "index": self.index},
            indent=0,
            sort_keys=True,
        )
        write_text_atomic(self.path, text + "\n")


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise MusicError(f"cannot read the music file {path}: {exc.strerror}") from None
    return digest.hexdigest()


def load_tracks(
    paths: Sequence[Path], cache_dir: Path, progress: Callable[[str, int], Any] | None = None
) -> list[Track]:
    """Every music file of ``paths``, measured (or found in the cache beside the clip
    cache)."""
    cache = LoudnessCache(cache_dir / CACHE_FILE)
    files = find_music(paths)
    context = progress("Measuring music", len(files)) if progress else contextlib.nullcontext()
    with context as advance:
        tracks = []
        for path in files:
            tracks.append(cache.track(path))
            if advance is not None:
                advance(1)
    if cache.measured or not cache.path.exists():
        with contextlib.suppress(Exception):  # a cache that cannot be written costs time only
            cache.save()
    return tracks
