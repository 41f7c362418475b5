"""Encode PCM to MP3 with ffmpeg's LAME encoder, streamed through a pipe.

Mono, 24 kHz, constant bitrate (64 kbps by default: transparent for one voice, and CBR
lets phone players seek to a chapter exactly). ffmpeg writes a Xing/LAME header with
the encoder delay and padding, so players show the right length and decode without an
offset; it needs a seekable file for that, which the atomic output gives it.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import subprocess
import tempfile
from types import TracebackType
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

import numpy as np

from voicecoach.errors import OutputError, ToolMissingError
from voicecoach.render.audio import RATE, to_int16

DEFAULT_BITRATE_KBPS = 64
PIPE_BYTES = 1 << 20  # Linux's default most for an unprivileged pipe (fs.pipe-max-size)


def widen_pipe(stream: IO[bytes] | None) -> None:
    """Let ``stream``'s pipe hold PIPE_BYTES (about 20 s of the encoder's input, 10 s of
    a decoder's output) instead of 64 KB, so ffmpeg and the mixer each work ahead of the
    other on the two cores instead of waiting turn by turn. Linux only; elsewhere, or if
    refused, the pipe keeps its size and only the speed differs."""
    setter = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if stream is None or setter is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(stream.fileno(), setter, PIPE_BYTES)


def ffmpeg_command(path: str, bitrate_kbps: int = DEFAULT_BITRATE_KBPS) -> list[str]:
    """The ffmpeg command that reads s16le PCM on stdin and writes ``path`` as MP3."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0",
        "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(RATE), "-ac", "1",
        "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0",
        "-f", "mp3", path,
    ]  # fmt: skip


def require_ffmpeg() -> None:
    """Raise ToolMissingError, with what to install, when ffmpeg is not on PATH."""
    if shutil.which("ffmpeg") is None:
        raise ToolMissingError(
            "ffmpeg is not installed (it encodes the MP3): sudo apt-get install ffmpeg, "
            "or run `make setup`"
        )


def fix_end_padding(path: str, samples: int) -> bool:
    """Make the LAME tag's end padding say what the file holds; True if it had to.

    Players trim the encoder's delay and padding by the LAME tag in the first frame
    (the gapless playback every exact length here depends on). ffmpeg 5's muxer writes a
    padding one encoder flush short when the last frame is nearly full (about one length
    in twelve: the padding under ~50 samples), and ffmpeg and mpg123 then decode up to
    48 samples too many. With the frame count from the Info tag and the samples we sent,
    the right padding is known: written in place with the tag's CRC (CRC-16/ARC over the
    frame's first 190 bytes, the CRC field zeroed; mpg123 checks it)."""
    with open(path, "r+b") as handle:
        frame = bytearray(handle.read(_TAG_BYTES))
        if len(frame) < _TAG_BYTES or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
            return False
        per_frame = 1152 if (frame[1] >> 3) & 3 == 3 else 576  # MPEG-1, else 2 and 2.5
        info = max(frame.find(b"Info", 0, 64), frame.find(b"Xing", 0, 64))
        if info < 0:
            return False
        flags = int.from_bytes(frame[info + 4 : info + 8], "big")
        if not flags & 1:  # no frame count
            return False
        frames = int.from_bytes(frame[info + 8 : info + 12], "big")
        lame = (
            info + 8 + sum(size for bit, size in ((1, 4), (2, 4), (4, 100), (8, 4)) if flags & bit)
        )
        crc_at = lame + 34
        if crc_at + 2 > _TAG_BYTES:
            return False
        delays = int.from_bytes(frame[lame + 21 : lame + 24], "big")
        start_pad, end_pad = delays >> 12, frames * per_frame - (delays >> 12) - samples
        if end_pad == delays & 0xFFF or not 0 <= end_pad <= 0xFFF:
            return False
        frame[lame + 21 : lame + 24] = ((start_pad << 12) | end_pad).to_bytes(3, "big")
        frame[crc_at : crc_at + 2] = b"\0\0"
        frame[crc_at : crc_at + 2] = _crc16(bytes(frame[:190])).to_bytes(2, "big")
        handle.seek(0)
        handle.write(frame)
    return True


_TAG_BYTES = 192  # the first frame's header, side info, Info tag and LAME tag


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005 reflected, start 0), as the LAME tag uses."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


class Mp3Encoder:
    """``with Mp3Encoder(path) as enc: enc.write(float_block)``; raises OutputError on failure."""

    def __init__(
        self, path: str, bitrate_kbps: int = DEFAULT_BITRATE_KBPS, shown_as: str | None = None
    ) -> None:
        require_ffmpeg()
        self.path = path
        self.shown_as = shown_as or path  # the file the user asked for, not the temporary
        self.process = subprocess.Popen(
            ffmpeg_command(path, bitrate_kbps),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches us; we stop ffmpeg ourselves
        )
        widen_pipe(self.process.stdin)
        self.samples = 0

    def write(self, block: np.ndarray) -> None:
        """Encode the next float block; raises OutputError if ffmpeg has failed."""
        data = to_int16(block).astype("<i2").tobytes()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
        except BrokenPipeError:
            self._fail()
        self.samples += len(block)

    def close(self) -> None:
        """Finish the file; raises OutputError if ffmpeg did not end cleanly."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        if self.process.wait() != 0:
            self._fail()
        self._close_pipes()
        fix_end_padding(self.path, self.samples)

    def abort(self) -> None:
        """Stop ffmpeg at once (the caller discards the partial file)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stderr):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except BrokenPipeError:
                    pass

    def _fail(self) -> None:
        self.abort()
        assert self.process.stderr is not None
        detail = self.process.stderr.read().decode(errors="replace").strip().splitlines()
        self._close_pipes()
        message = detail[-1] if detail else f"exit code {self.process.returncode}"
        if "No space left" in message:
            raise OutputError(f"the disk is full: cannot write {self.shown_as}")
        raise OutputError(f"ffmpeg could not encode {self.shown_as}: {message}")

    def __enter__(self) -> Mp3Encoder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
            self._close_pipes()


_calibration: dict[int, float] = {}


def encoder_gain_db(bitrate_kbps: int = DEFAULT_BITRATE_KBPS) -> float:
    """How much louder (+) or quieter (-) the encoder's output decodes than its input.

    LAME at these settings decodes about 0.5 dB quieter than it was fed (measured on
    pure sines and on whole sessions alike). Rather than trust a constant, encode two
    seconds of a reference sine with the same settings, decode it, and compare levels;
    the renderer adds the difference back so the file meets the loudness target.
    """
    if bitrate_kbps in _calibration:
        return _calibration[bitrate_kbps]
    t = np.arange(3 * RATE) / RATE
    reference = (0.3 * np.sin(2 * np.pi * 440 * t) * 32768).astype("<i2")
    with tempfile.TemporaryDirectory(prefix="voicecoach-cal-") as folder:
        path = os.path.join(folder, "reference.mp3")
        subprocess.run(ffmpeg_command(path, bitrate_kbps), input=reference.tobytes(), check=True)
        decoded = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-"],
            capture_output=True,
            check=True,
        ).stdout
    out = np.frombuffer(decoded, dtype="<i2").astype(np.float64)
    middle = slice(RATE // 2, RATE * 5 // 2)

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(x * x)))

    gain = 20 * math.log10(rms(out[middle]) / rms(reference[middle].astype(np.float64)))
    _calibration[bitrate_kbps] = gain
    return gain
