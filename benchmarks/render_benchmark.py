"""Render benchmark: how close is a full session's render to the MP3 encoder alone, per engine?

For each engine (Piper, the default, and espeak-ng through pyttsx3): renders the shipped
program's week 3 with a cold clip cache (every phrase synthesized, on both cores) and
with a warm one, and the 12-week batch cold and warm. Times ffmpeg/LAME encoding the same
PCM at the same settings alone (the yardstick), and with ``--long`` renders a generated
session four times as long to show how time and memory grow. Each render runs in its own
process, so its peak RSS is its own (os.wait4). Ratios are taken within one run: these
machines are noisy, absolute seconds are not comparable across runs.

    .venv/bin/python benchmarks/render_benchmark.py [--week 3] [--engines piper,pyttsx3]
        [--no-batch] [--long] [--json results.json]
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
from voicecoach.render import RenderSettings, build_week
from voicecoach.compiler import CompileOptions
from voicecoach.program import load_program, parse_program
from voicecoach.render import EngineSpec
path, out, cache = sys.argv[1], sys.argv[3], sys.argv[4]
week, times, engine = int(sys.argv[2]), int(sys.argv[5]), sys.argv[6]
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
settings = RenderSettings(
    cache_dir=Path(cache), options=options, speech=EngineSpec(engine=engine)
)
result = build_week(program, week, Path(out), settings)
print(result.timeline.duration_ms, result.synthesized)
"""

BATCH = """
import sys
from pathlib import Path
from voicecoach.program import load_program
from voicecoach.render import EngineSpec, RenderSettings, build_weeks
settings = RenderSettings(cache_dir=Path(sys.argv[3]), speech=EngineSpec(engine=sys.argv[4]))
results = build_weeks(load_program(sys.argv[1]), list(range(1, 13)), Path(sys.argv[2]), settings)
print(sum(r.timeline.duration_ms for r in results), sum(r.synthesized for r in results))
"""

PCM = """
import sys
from pathlib import Path
import numpy as np
from voicecoach.render import RenderSettings
from voicecoach.render.build import open_library, prepare_timeline, no_progress
from voicecoach.render.clips import cue_sounds
from voicecoach.render.mixer import mix_blocks
from voicecoach.program import load_program
from voicecoach.render.tones import tone_bank
program = load_program(sys.argv[1])
settings = RenderSettings(cache_dir=Path(sys.argv[4])).for_program(program)
library = open_library(settings)
timeline = prepare_timeline(program, int(sys.argv[2]), settings, library, no_progress).timeline
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
    parser.add_argument("--engines", default="piper,pyttsx3")
    parser.add_argument("--no-batch", action="store_true", help="skip the 12-week batch")
    parser.add_argument("--long", action="store_true", help="also the 4x session")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    python = sys.executable
    sys.path.insert(0, str(ROOT / "src"))
    from voicecoach.render.encoder import ffmpeg_command

    figures: dict[str, object] = {}
    rows: list[tuple[str, str]] = []

    def row(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"{name}: {value}", flush=True)

    with tempfile.TemporaryDirectory(prefix="voicecoach-bench-") as folder:
        work = Path(folder)
        for engine in args.engines.split(","):
            cache = work / f"cache-{engine}"
            render = [python, "-c", RENDER, str(PROGRAM), str(args.week)]
            cold = measured([*render, str(work / "cold.mp3"), str(cache), "1", engine])
            warm = measured([*render, str(work / "warm.mp3"), str(cache), "1", engine])
            minutes = int(warm[2].split()[0]) / 60_000
            new = int(cold[2].split()[1])
            figures[engine] = {
                "week_minutes": round(minutes, 1),
                "cold_s": round(cold[0], 1),
                "cold_phrases": new,
                "cold_peak_rss_mb": round(cold[1]),
                "warm_s": round(warm[0], 1),
                "warm_peak_rss_mb": round(warm[1]),
            }
            row(f"{engine}: week {args.week}", f"{minutes:.1f} min")
            row(f"{engine}: cold ({new} phrases)", f"{cold[0]:.1f} s, peak RSS {cold[1]:.0f} MB")
            row(f"{engine}: warm", f"{warm[0]:.1f} s, peak RSS {warm[1]:.0f} MB")
            if engine == args.engines.split(",")[0]:
                pcm_path = work / "session.pcm"
                pcm = [python, "-c", PCM, str(PROGRAM), str(args.week), str(pcm_path), str(cache)]
                measured(pcm)
                with open(pcm_path, "rb") as pcm_file:
                    started = time.perf_counter()
                    encoder_argv = ffmpeg_command(str(work / "encoder.mp3"))
                    subprocess.run(encoder_argv, stdin=pcm_file, check=True)
                    encoder = time.perf_counter() - started
                figures["encoder_alone_s"] = round(encoder, 1)
                row("encoder alone (same PCM, same settings)", f"{encoder:.1f} s")
                row(f"{engine}: warm / encoder alone", f"{warm[0] / encoder:.2f}x")
            if not args.no_batch:
                batch = [python, "-c", BATCH, str(PROGRAM)]
                out = str(work / f"batch-{engine}")
                batch_cold = measured([*batch, out, str(work / f"batch-cache-{engine}"), engine])
                batch_warm = measured([*batch, out, str(work / f"batch-cache-{engine}"), engine])
                made = int(batch_cold[2].split()[1])
                figures[engine] |= {  # type: ignore[operator]
                    "batch_cold_s": round(batch_cold[0], 1),
                    "batch_cold_phrases": made,
                    "batch_warm_s": round(batch_warm[0], 1),
                    "batch_peak_rss_mb": round(max(batch_cold[1], batch_warm[1])),
                }
                row(f"{engine}: 12 weeks cold ({made} phrases)", f"{batch_cold[0]:.1f} s, "
                    f"peak RSS {batch_cold[1]:.0f} MB")  # fmt: skip
                row(f"{engine}: 12 weeks warm", f"{batch_warm[0]:.1f} s, "
                    f"peak RSS {batch_warm[1]:.0f} MB")  # fmt: skip
            if args.long:
                long = measured([*render, str(work / "long.mp3"), str(cache), "4", engine])
                row(f"{engine}: 4x session", f"{long[0]:.1f} s, peak RSS {long[1]:.0f} MB")
                figures[engine] |= {"long_s": round(long[0], 1), "long_rss_mb": round(long[1])}  # type: ignore[operator]

    print()
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
