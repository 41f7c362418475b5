"""Render benchmark: how close is a full session's render to the MP3 encoder alone?

Renders the shipped program's week 3 with a cold clip cache and with a warm one, times
ffmpeg/LAME encoding the same PCM at the same settings alone, and renders a generated
session four times as long to show how time and memory grow. Each render runs in its
own process, so its peak RSS is its own (os.wait4). Ratios are taken within one run:
these machines are noisy, absolute seconds are not comparable across runs.

    .venv/bin/python benchmarks/render_benchmark.py [--week 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "programs" / "alleviating-back-pain.yaml"

RENDER = """
import sys
from pathlib import Path
from voicecoach.render.build import RenderSettings, build_week
from voicecoach.compiler import CompileOptions
from voicecoach.program import load_program, parse_program
path, out, cache = sys.argv[1], sys.argv[3], sys.argv[4]
week, times = int(sys.argv[2]), int(sys.argv[5])
text = Path(path).read_text()
program = load_program(path) if times == 1 else parse_program(text, path)
if times > 1:
    import dataclasses
    # A session `times` as long: every phase repeated with its exercises renamed.
    phases = []
    for round_ in range(times):
        for phase in program.phases:
            exercises = tuple(
                dataclasses.replace(ex, name=f"{ex.name} round {round_ + 1}")
                for ex in phase.exercises
            )
            phases.append(dataclasses.replace(phase, exercises=exercises))
    program = dataclasses.replace(program, phases=tuple(phases))
options = CompileOptions(max_session_ms=24 * 3600 * 1000)
settings = RenderSettings(cache_dir=Path(cache), options=options)
result = build_week(program, week, Path(out), settings)
print(result.timeline.duration_ms, result.synthesized)
"""

PCM = """
import sys
from pathlib import Path
import numpy as np
from voicecoach.render.build import (
    RenderSettings, cue_sounds, open_library, prepare_timeline, no_progress,
)
from voicecoach.render.mixer import mix_blocks
from voicecoach.program import load_program
from voicecoach.render.tones import tone_bank
program = load_program(sys.argv[1])
settings = RenderSettings(cache_dir=Path(sys.argv[4]))
library = open_library(program, settings)
timeline = prepare_timeline(program, int(sys.argv[2]), settings, library, no_progress)
with open(sys.argv[3], "wb") as out:
    for block in mix_blocks(timeline, cue_sounds(library, tone_bank())):
        out.write(np.clip(np.round(block * 32768), -32768, 32767).astype("<i2").tobytes())
"""


def measured(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one process and everything it waited for.

    The RSS is wait4's ru_maxrss, which starts at this (the parent) process's resident
    size: fork copies its high-water mark and exec keeps it. Keep the parent small (no
    audio held in it) or the figure is the parent's, not the render's."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:3]} failed:\n{stderr}")
    return wall, usage.ru_maxrss / 1024, stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--week", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    python = sys.executable
    sys.path.insert(0, str(ROOT / "src"))
    from voicecoach.render.encoder import ffmpeg_command

    with tempfile.TemporaryDirectory(prefix="voicecoach-bench-") as folder:
        work = Path(folder)
        cache = work / "cache"
        render = [python, "-c", RENDER, str(PROGRAM), str(args.week)]
        cold = measured([*render, str(work / "cold.mp3"), str(cache), "1"])
        warm = measured([*render, str(work / "warm.mp3"), str(cache), "1"])
        duration_ms = int(warm[2].split()[0])
        measured(
            [python, "-c", PCM, str(PROGRAM), str(args.week), str(work / "session.pcm"), str(cache)]
        )
        with open(work / "session.pcm", "rb") as pcm:
            started = time.perf_counter()
            subprocess.run(ffmpeg_command(str(work / "encoder.mp3")), stdin=pcm, check=True)
            encoder = time.perf_counter() - started
        long_cold = measured([*render, str(work / "long-cold.mp3"), str(cache), "4"])
        long_warm = measured([*render, str(work / "long.mp3"), str(cache), "4"])
        long_ms = int(long_warm[2].split()[0])

    figures = {
        "session_minutes": round(duration_ms / 60_000, 1),
        "cold_s": round(cold[0], 2),
        "warm_s": round(warm[0], 2),
        "encoder_alone_s": round(encoder, 2),
        "warm_over_encoder": round(warm[0] / encoder, 3),
        "cold_peak_rss_mb": round(cold[1], 1),
        "warm_peak_rss_mb": round(warm[1], 1),
        "long_session_minutes": round(long_ms / 60_000, 1),
        "long_cold_s": round(long_cold[0], 2),
        "long_warm_s": round(long_warm[0], 2),
        "long_warm_over_warm_time": round(long_warm[0] / warm[0], 2),
        "long_peak_rss_mb": round(long_warm[1], 1),
        "long_over_warm_rss": round(long_warm[1] / warm[1], 3),
    }
    rows = [
        (f"Session (week {args.week})", f"{figures['session_minutes']} min"),
        ("Cold cache render", f"{figures['cold_s']} s, peak RSS {figures['cold_peak_rss_mb']} MB"),
        ("Warm cache render", f"{figures['warm_s']} s, peak RSS {figures['warm_peak_rss_mb']} MB"),
        ("Encoder alone (same PCM, same settings)", f"{figures['encoder_alone_s']} s"),
        ("Warm render / encoder alone", f"{figures['warm_over_encoder']}x (target <= 1.3x)"),
        ("4x session", f"{figures['long_session_minutes']} min"),
        ("4x session, cold / warm", f"{figures['long_cold_s']} s / {figures['long_warm_s']} s "
         f"({figures['long_warm_over_warm_time']}x the 1x warm time)"),
        ("4x session peak RSS", f"{figures['long_peak_rss_mb']} MB "
         f"({figures['long_over_warm_rss']}x the 1x; target <= 1.2x)"),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
