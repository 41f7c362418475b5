"""Weeks side by side: publish and `build --weeks` timing, speed-up and memory.

Runs, on the shipped program (weeks 1-12 by default), in this order and in one run so
the ratios compare like with like on these noisy shared machines:

1. ``voicecoach publish`` with a cold clip cache into a fresh site (speech + render);
2. the same publish again, nothing changed (every week kept);
3. the warm weeks rendered one after the other (``build_weeks(workers=1)``);
4. the warm weeks rendered side by side (``build_weeks(workers=cores)``);
5. one warm week alone (``build_week``), for its memory.

Memory is the peak over time of the whole process tree (the Python processes and their
ffmpeg encoders), sampled every 0.2 s: the sum of PSS (each shared page counted once,
split between its users) and, for reference, the sum of RSS.

    .venv/bin/python benchmarks/weeks_benchmark.py [--weeks 1-12] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "programs" / "alleviating-back-pain.yaml"

BATCH = """
import sys
from pathlib import Path
from voicecoach.program import load_program
from voicecoach.render import EngineSpec, RenderSettings, build_weeks, build_week
program, out, cache, weeks, workers, engine, command = sys.argv[1:8]
speech = EngineSpec(engine=engine or None, command=command or None)
settings = RenderSettings(speech=speech, cache_dir=Path(cache))
first, _, last = weeks.partition("-")
numbers = list(range(int(first), int(last or first) + 1))
loaded = load_program(program)
if workers == "single":
    build_week(loaded, numbers[0], Path(out) / "week.mp3", settings)
else:
    build_weeks(loaded, numbers, Path(out), settings, workers=int(workers))
"""


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pids: list[int]) -> tuple[int, int]:
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


def measure(command: list[str]) -> dict[str, float]:
    """Run ``command``; its wall time and the peak PSS/RSS of its process tree in MB."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            pss, rss = memory_kb(tree(process.pid))
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    return {
        "seconds": round(time.monotonic() - started, 1),
        "peak_pss_mb": round(peak[0] / 1024, 1),
        "peak_rss_mb": round(peak[1] / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--program", default=str(PROGRAM))
    parser.add_argument("--weeks", default="1-12")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument(
        "--engine",
        default="command",
        help="speech engine for every run ('' = the program's or the default); the command "
        "engine running espeak-ng directly is the steadiest on a loaded machine",
    )
    parser.add_argument("--command", default="espeak-ng -w {output} -f {text_file}")
    args = parser.parse_args()
    python = sys.executable
    results: dict[str, object] = {"program": args.program, "weeks": args.weeks}
    with tempfile.TemporaryDirectory(prefix="voicecoach-weeks-") as scratch:
        base = Path(scratch)
        cache, site = base / "cache", base / "site"
        publish = [python, "-m", "voicecoach", "publish", args.program, "--weeks", args.weeks,
                   "--site", str(site), "--cache-dir", str(cache), "-q"]  # fmt: skip
        speech = [args.engine, args.command if args.engine == "command" else ""]
        if args.engine:
            publish += ["--engine", args.engine]
        if args.engine == "command":
            publish += ["--command", args.command]
        results["publish_cold"] = measure(publish)
        print("publish, cold cache:", results["publish_cold"], flush=True)
        results["publish_unchanged"] = measure(publish)
        print("publish, nothing changed:", results["publish_unchanged"], flush=True)
        runs = [("serial", "1"), ("parallel", str(args.workers))]
        for name, workers in runs:
            out = base / name
            results[name] = measure(
                [
                    python,
                    "-c",
                    BATCH,
                    args.program,
                    str(out),
                    str(cache),
                    args.weeks,
                    workers,
                    *speech,
                ]
            )
            print(f"{args.weeks} warm weeks, {name}:", results[name], flush=True)
        results["single_week"] = measure(
            [
                python,
                "-c",
                BATCH,
                args.program,
                str(base / "one"),
                str(cache),
                "1",
                "single",
                *speech,
            ]
        )
        print("one warm week alone:", results["single_week"], flush=True)
    serial, parallel, single = results["serial"], results["parallel"], results["single_week"]
    assert isinstance(serial, dict) and isinstance(parallel, dict) and isinstance(single, dict)
    results["parallel_over_serial"] = round(parallel["seconds"] / serial["seconds"], 3)
    results["parallel_pss_over_single"] = round(parallel["peak_pss_mb"] / single["peak_pss_mb"], 2)
    print(
        f"parallel / serial time: {results['parallel_over_serial']} (target <= 0.6); "
        f"parallel peak PSS / one week's: {results['parallel_pss_over_single']} (target <= 2)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
