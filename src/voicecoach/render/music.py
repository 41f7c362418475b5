"""Your own music under the coach: a bed of tracks, levelled, crossfaded, looped, and ducked
exactly on the timeline's cues.

    files/folders -> tracks (measured loudness, cached) -> a schedule (in order or shuffled,
    crossfaded, looped) -> decoded by ffmpeg pipes block by block -> x the duck envelope
    (from the cues) x the fades at the session's ends -> added to the voice block

Streaming like the voice: each playing track is an ffmpeg process writing 24 kHz mono
float32 into a pipe that is read one block at a time, so memory does not grow with the
session or the music. At most two tracks play at once (during a crossfade).

Levels: every track is brought to the bed level (``level_lu`` under the voice's measured
loudness) by its own BS.1770 loudness, so a quiet track and a loud one sit alike. The
loudness (and true peak, and decoded length) of a file is measured once and kept in a
small JSON cache beside the clip cache, keyed by the file's content hash and found by its
path, size and mtime without reading the file again.

Ducking: the renderer knows every cue in advance, so the music is already down when the
coach starts: it ramps down over ATTACK_MS ending LEAD_MS - ATTACK_MS before each cue,
stays down HOLD_MS after it, and comes back over RELEASE_MS. Cues closer than
MERGE_GAP_MS, and all cues inside one rep, form one ducked stretch, so the counts of a rep
do not make the music pump. Every gain change is a raised-cosine ramp in dB: no steps.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import json
import math
import random
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
from scipy.signal import resample_poly

from voicecoach.compiler import Timeline
from voicecoach.errors import MusicError
from voicecoach.outputs import write_text_atomic
from voicecoach.render.audio import RATE, SAMPLES_PER_MS, ms_to_samples
from voicecoach.render.loudness import LoudnessMeter

DEFAULT_MUSIC_LEVEL_LU = 12.0  # the bed sits this far under the voice
DEFAULT_DUCK_DB = 10.0  # and dips this much further under every cue

# Files taken from a folder (a file named on the command line is tried whatever its name).
AUDIO_SUFFIXES = frozenset(
    ".mp3 .m4a .aac .mp4 .flac .ogg .oga .opus .wav .wave .aif .aiff .wma .webm .mka".split()
)

CROSSFADE_MS = 4_000
FADE_IN_MS = 4_000
FADE_OUT_MS = 6_000
FADE_FLOOR_DB = -60.0  # fades run in dB from here: no jump of the level anywhere
LEAD_MS = 400  # the ramp down starts this long before a cue...
ATTACK_MS = 300  # ...and is done 100 ms before it
HOLD_MS = 300  # stays down this long after a cue ends
RELEASE_MS = 900  # then comes back up over this long
MERGE_GAP_MS = 1_500  # cues closer than this are one ducked stretch
CROSSFADE_PEAK_DB = 3.02  # equal-power crossfade: two tracks can add up to sqrt(2)

CACHE_FILE = "music-loudness.json"
CACHE_VERSION = 1


@dataclass(frozen=True)
class MusicSettings:
    """What the user asked for: ``--music``, ``--shuffle``, ``--music-level``, ``--duck``."""

    paths: tuple[Path, ...]
    shuffle_seed: int | None = None
    level_lu: float = DEFAULT_MUSIC_LEVEL_LU
    duck_db: float = DEFAULT_DUCK_DB


@dataclass(frozen=True)
class Track:
    """A music file as it plays: decoded to RATE mono, with its measured loudness."""

    path: Path
    samples: int
    loudness: float  # LUFS, BS.1770 integrated, of the decoded mono stream
    peak_dbtp: float


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
    return Track(path, total, loudness, peak.dbtp())


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
            self.entries: dict[str, dict[str, float]] = dict(data["entries"])
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
            }
            self.entries[digest] = entry
        try:
            return Track(
                path, int(entry["samples"]), float(entry["loudness"]), float(entry["peak_dbtp"])
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
    settings: MusicSettings, cache_dir: Path, progress: Callable[[str, int], Any] | None = None
) -> list[Track]:
    """Every music file, measured (or found in the cache beside the clip cache)."""
    cache = LoudnessCache(cache_dir / CACHE_FILE)
    files = find_music(settings.paths)
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


# -- ducking ----------------------------------------------------------------------------


def duck_spans(timeline: Timeline, merge_gap_ms: int = MERGE_GAP_MS) -> list[tuple[int, int]]:
    """The stretches the music is fully down for: every cue, with cues closer than
    ``merge_gap_ms`` or inside the same rep joined into one stretch."""
    starts = [s.start_ms for s in timeline.segments]

    def rep_of(ms: int) -> tuple[object, ...] | None:
        index = bisect.bisect_right(starts, ms) - 1
        if index < 0:
            return None
        seg = timeline.segments[index]
        if seg.rep is None:
            return None
        return (seg.exercise, seg.set, seg.side, seg.rep)

    spans: list[tuple[int, int]] = []
    last_rep: tuple[object, ...] | None = None
    for cue in timeline.cues:
        rep = rep_of(cue.start_ms)
        if spans and (
            cue.start_ms - spans[-1][1] < merge_gap_ms or (rep is not None and rep == last_rep)
        ):
            spans[-1] = (spans[-1][0], max(spans[-1][1], cue.end_ms))
        else:
            spans.append((cue.start_ms, cue.end_ms))
        last_rep = rep
    return spans


def _rise(x: np.ndarray) -> np.ndarray:
    """0 -> 1 as x goes 0 -> 1, raised cosine (smooth at both ends), clipped outside."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(x, 0.0, 1.0))


class DuckEnvelope:
    """How far the music is ducked (0..1 of the duck depth) at any millisecond, computed
    for one block at a time from the spans around it."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.first = 0  # spans before this one have fully released (blocks go forward)

    def depth(self, ms: np.ndarray) -> np.ndarray:
        """Duck depth in [0, 1] at each of ``ms`` (increasing, one block's worth)."""
        out = np.zeros(len(ms))
        if not len(ms):
            return out
        low, high = float(ms[0]), float(ms[-1])
        while self.first < len(self.spans) and (
            self.spans[self.first][1] + HOLD_MS + RELEASE_MS < low
        ):
            self.first += 1
        for start, end in itertools.islice(self.spans, self.first, None):  # no copy
            if start - LEAD_MS > high:
                break
            down = _rise((ms - (start - LEAD_MS)) / ATTACK_MS)
            up = 1.0 - _rise((ms - (end + HOLD_MS)) / RELEASE_MS)
            np.maximum(out, np.minimum(down, up), out=out)
        return out


# -- the bed ----------------------------------------------------------------------------


@dataclass
class _Playing:
    track: Track
    start: int  # session sample where it starts
    gain: float  # linear, levelling the track to the bed
    fade_in: int  # samples of crossfade at its start (0 for the very first track)
    fade_out: int = 0  # set once the next track is scheduled
    decoder: Decoder | None = None
    position: int = 0  # samples of the track already read

    @property
    def end(self) -> int:
        return self.start + self.track.samples


@dataclass
class MusicBed:
    """The music under one session; ``block(start, end)`` gives its samples for that span
    of the session (blocks must be asked for in order). Use it as a context manager so the
    decoders stop whatever happens."""

    tracks: list[Track]
    settings: MusicSettings
    timeline: Timeline
    bed_lufs: float = -31.0  # set by ``fit_under`` from the voice's level
    ceiling_dbtp: float = -1.5
    _order: Iterator[int] = field(init=False, repr=False)
    _playing: list[_Playing] = field(init=False, default_factory=list, repr=False)
    _next_start: int = field(init=False, default=0, repr=False)
    _envelope: DuckEnvelope = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.tracks:
            raise MusicError("no music to play")
        self._order = _play_order(len(self.tracks), self.settings.shuffle_seed)
        self._envelope = DuckEnvelope(duck_spans(self.timeline))

    # levels -------------------------------------------------------------------------

    def track_gain_db(self, track: Track) -> float:
        """Bring the track to the bed level, but never let its peaks (two tracks adding up
        in a crossfade included) pass the ceiling on their own."""
        gain = self.bed_lufs - track.loudness
        return min(gain, self.ceiling_dbtp - CROSSFADE_PEAK_DB - track.peak_dbtp)

    def peak_dbtp(self, ducked: bool) -> float:
        """The highest true peak the bed can reach, in a crossfade, ducked or not."""
        peak = max(t.peak_dbtp + self.track_gain_db(t) for t in self.tracks) + CROSSFADE_PEAK_DB
        return peak - (self.settings.duck_db if ducked else 0.0)

    def fit_under(self, voice_lufs: float, voice_peak_dbtp: float, gain_db: float) -> float:
        """Set the bed ``level_lu`` under the voice, which ``gain_db`` brings to its target
        from ``voice_lufs``; return the voice gain, lowered only if the voice's peaks plus
        the ducked music under them (the music is fully down whenever a cue sounds) would
        pass the ceiling. The voice's level is the one that matters to the person: the
        music is placed relative to it, never the other way round."""
        for _ in range(4):
            self.bed_lufs = voice_lufs + gain_db - self.settings.level_lu
            total = _add_db(voice_peak_dbtp + gain_db, self.peak_dbtp(ducked=True))
            if total <= self.ceiling_dbtp:
                break
            gain_db -= total - self.ceiling_dbtp + 0.01
        return gain_db

    def mix_peak_dbtp(self, voice_peak_dbtp: float) -> float:
        """A bound on the mixed track's true peak, for the build's report."""
        return max(
            _add_db(voice_peak_dbtp, self.peak_dbtp(ducked=True)), self.peak_dbtp(ducked=False)
        )

    # playing ------------------------------------------------------------------------

    def _schedule(self, until: int) -> None:
        """Start every track whose turn comes before sample ``until``."""
        while self._next_start < until:
            track = self.tracks[next(self._order)]
            previous = self._playing[-1] if self._playing else None
            start, fade = self._next_start, 0
            if previous is not None:
                fade = min(
                    ms_to_samples(CROSSFADE_MS), previous.track.samples // 2, track.samples // 2
                )
                start = previous.end - fade
                previous.fade_out = fade
            playing = _Playing(track, start, 10 ** (self.track_gain_db(track) / 20), fade)
            self._playing.append(playing)
            # The next one starts a crossfade before this one ends; its length is known
            # only once it is chosen, so the schedule stays one track ahead.
            self._next_start = playing.end - min(ms_to_samples(CROSSFADE_MS), track.samples // 2)

    def block(self, first: int, last: int) -> np.ndarray:
        """The bed for session samples [first, last), levelled, crossfaded, ducked, faded."""
        self._schedule(last)
        out = np.zeros(last - first, dtype=np.float32)
        still: list[_Playing] = []
        for playing in self._playing:
            lo, hi = max(first, playing.start), min(last, playing.end)
            if lo < hi:
                if playing.decoder is None:
                    playing.decoder = Decoder(playing.track.path)
                samples = playing.decoder.read(hi - lo).astype(np.float64)
                where = np.arange(lo - playing.start, hi - playing.start, dtype=np.float64)
                gain = np.full(hi - lo, playing.gain)
                if playing.fade_in:  # equal power: sin up, cos down
                    gain *= np.sin(0.5 * np.pi * np.clip(where / playing.fade_in, 0.0, 1.0))
                if playing.fade_out:
                    left = (playing.track.samples - where) / playing.fade_out
                    gain *= np.sin(0.5 * np.pi * np.clip(left, 0.0, 1.0))
                out[lo - first : hi - first] += (samples * gain).astype(np.float32)
            if playing.end > last or playing.fade_out == 0:
                still.append(playing)
            elif playing.decoder is not None:
                playing.decoder.close()
        self._playing = still
        return out * self._gain(first, last)

    def _gain(self, first: int, last: int) -> np.ndarray:
        """Duck and session fades, computed per millisecond and interpolated per sample."""
        first_ms, last_ms = first // SAMPLES_PER_MS, -(-last // SAMPLES_PER_MS)
        ms = np.arange(first_ms, last_ms + 1, dtype=np.float64)
        duration = self.timeline.duration_ms
        depth = self._envelope.depth(ms)
        fade_in = _rise(ms / FADE_IN_MS)
        fade_out = _rise((duration - ms) / FADE_OUT_MS)
        db = -self.settings.duck_db * depth + FADE_FLOOR_DB * (1.0 - np.minimum(fade_in, fade_out))
        gain = 10 ** (db / 20)
        positions = np.arange(first, last, dtype=np.float64) / SAMPLES_PER_MS
        return np.interp(positions, ms, gain).astype(np.float32)

    def close(self) -> None:
        for playing in self._playing:
            if playing.decoder is not None:
                playing.decoder.close()
        self._playing = []

    def __enter__(self) -> MusicBed:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _play_order(count: int, seed: int | None) -> Iterator[int]:
    """Track numbers forever: in order, or shuffled afresh each round with ``seed`` (never
    the same track twice in a row where there is a choice)."""
    shuffler = random.Random(seed) if seed is not None else None
    last = -1
    while True:
        order = list(range(count))
        if shuffler is not None:
            shuffler.shuffle(order)
            if count > 1 and order[0] == last:
                order[0], order[-1] = order[-1], order[0]
        yield from order
        last = order[-1]


def _add_db(a: float, b: float) -> float:
    """The bound on the peak of two signals' sum: amplitudes add."""
    return 20 * math.log10(10 ** (a / 20) + 10 ** (b / 20))
