"""Measuring rendered audio independently of the renderer: decode with ffmpeg, then look."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np

RATE = 24_000


def decode(path: str) -> np.ndarray:
    """The MP3 as float samples at 24 kHz, decoded by ffmpeg (gapless, via the LAME tag)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def dbfs(x: np.ndarray) -> float:
    if x.size == 0:
        return -120.0
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))), 1e-9)))


def onset_ms(
    samples: np.ndarray, from_ms: int, to_ms: int, threshold_dbfs: float = -40.0
) -> int | None:
    """The first millisecond in [from_ms, to_ms) whose 2 ms window is louder than threshold."""
    for ms in range(from_ms, to_ms):
        window = samples[ms * 24 : ms * 24 + 48]
        if dbfs(window) > threshold_dbfs:
            return ms
    return None


def dominant_hz(samples: np.ndarray) -> float:
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window, n=1 << 16))
    return float(np.argmax(spectrum) * RATE / (1 << 16))


def ebur128(path: str) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) from ffmpeg's ebur128 filter: an independent meter."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            path,
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rfind("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def ffprobe_chapters(path: str) -> list[tuple[int, int, str]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (
            round(float(c["start_time"]) * 1000),
            round(float(c["end_time"]) * 1000),
            c["tags"]["title"],
        )
        for c in json.loads(out)["chapters"]
    ]
