"""Programs inside every per-field limit: how long `validate` and `plan` take, how much memory.

Each program is written to a file and checked by the real command line in a child process
(`python -m voicecoach validate P`, then `plan P --week W` on an empty clip cache); the
wall time is the child's, its peak RSS comes from os.wait4's rusage (ru_maxrss), so each
child is measured alone. The programs: the report's two (60 x 20 x 100 reps; 20 phases of
slow per-side sets), the densest week that fits the 4-hour limit on its floor (the most
beats a compile can be asked for), and random ones drawn with a seed. The target: every
command under 2 s and 300 MB.

    .venv/bin/python benchmarks/limits_benchmark.py [--count 60] [--seed 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 2.0
TARGET_MB = 300


def document(exercises: list[dict[str, Any]], per_phase: int = 3, **top: Any) -> str:
    phases = [
        {"name": f"Phase {n}", "exercises": exercises[i : i + per_phase]}
        for n, i in enumerate(range(0, len(exercises), per_phase), start=1)
    ]
    head = {"title": "Limits", "progression": {"foundation": {"weeks": 1}}, **top}
    return yaml.safe_dump({**head, "phases": phases}, sort_keys=False)


def fixed_cases() -> dict[str, tuple[str, int]]:
    slow = {"lower": 30, "bottom": 30, "lift": 30, "top": 30}
    return {
        "report: 60 x 20 sets x 100 reps": (
            document([{"name": f"E{i}", "sets": 20, "reps": 100} for i in range(60)]),
            1,
        ),
        "report: 20 phases, each side, 30-30-30-30, 10 min rests": (
            document(
                [
                    {"name": f"E{i}", "sets": 20, "reps": 100, "sides": "each",
                     "tempo": slow, "rest": "10 min"}
                    for i in range(60)
                ],
                setup="2 min",
            ),
            1,
        ),  # fmt: skip
        # Four beats in every second of work, for 3.9 hours: the most a compile that
        # passes the floor can be asked to place (phases of 0.5 s and 1 ms).
        "densest under the floor: 4 phases a second": (
            document(
                [
                    {"name": f"E{i}", "sets": 20, "reps": 100,
                     "tempo": {"lower": 0.5, "bottom": 0.001, "lift": 0.5, "top": 0.001}}
                    for i in range(6)
                ],
                per_phase=60,
                setup="4s",
            ),
            1,
        ),  # fmt: skip
    }


def random_exercise(rng: random.Random, number: int, scale: float) -> dict[str, Any]:
    """An exercise within every per-field limit; ``scale`` (0-1] shrinks the top of the
    draws, so that some programs fit the session's limit and some do not."""
    kind = rng.choice(["reps", "reps", "hold", "cycles"])
    low = rng.randint(1, max(1, round(100 * scale)))
    high = rng.randint(low, 100 if rng.random() < 0.2 else max(low, round(100 * scale)))
    sets = rng.randint(1, max(1, round(20 * scale)))
    exercise: dict[str, Any] = {"name": f"Exercise {number}", "sets": sets}
    if kind == "reps":
        exercise["reps"] = f"{low}-{high}"
        exercise["sides"] = rng.choice(["none", "each", "alternating"])
        if rng.random() < 0.3:
            exercise["tempo"] = "none"
            exercise["rep_time"] = f"{rng.randint(1, 30)}s"
        else:
            exercise["tempo"] = {"lower": rng.randint(1, 30), "bottom": rng.randint(0, 30),
                                 "lift": rng.randint(0, 30), "top": rng.randint(0, 30)}  # fmt: skip
    elif kind == "hold":
        short = rng.randint(5, 600)
        exercise["hold"] = f"{short}-{rng.randint(short, 600)}s"
        exercise["sides"] = rng.choice(["none", "each"])
    else:
        exercise["cycles"] = f"{low}-{high}"
        steps = rng.randint(1, 8)
        exercise["cycle"] = [{"say": f"Step {i}", "time": f"{rng.randint(1, 60)}s"}
                             for i in range(steps)]  # fmt: skip
        exercise["sides"] = rng.choice(["none", "each"])
    if rng.random() < 0.7:
        short = rng.randint(5, 600)
        exercise["rest"] = f"{short}-{rng.randint(short, 600)}s"
    exercise["weighted"] = rng.random() < 0.5
    return exercise


def random_case(rng: random.Random) -> tuple[str, int]:
    count = rng.choice([rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 60), 60])
    scale = rng.choice([0.1, 0.25, 0.5, 1.0])
    exercises = [random_exercise(rng, i, scale) for i in range(count)]
    top = {
        "setup": f"{rng.randint(4, 120)}s",
        "switch": f"{rng.randint(4, 120)}s",
        "transition": f"{rng.randint(4, 120)}s",
        "talk": rng.choice(["brief", "normal", "full"]),
        "counts": rng.choice(["words", "tones"]),
    }
    return document(exercises, per_phase=rng.randint(3, 60), **top), rng.randint(1, 520)


def measure(args: list[str]) -> dict[str, Any]:
    """One child: its wall time, its own peak RSS, its exit code and last line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    # wait4 reaps this child alone and gives its rusage; communicate() first would reap
    # it through waitpid and lose the numbers, so read the pipes and then wait4.
    assert child.stdout is not None and child.stderr is not None
    out, err = child.stdout.read(), child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = (err or out).decode(errors="replace").strip().splitlines()
    return {
        "seconds": round(seconds, 2),
        "rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "exit": child.returncode,
        "said": lines[-1][:160] if lines else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60, help="random programs [60]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write every measurement here")
    options = parser.parse_args()

    rng = random.Random(options.seed)
    cases = fixed_cases()
    for number in range(options.count):
        cases[f"random {number} (seed {options.seed})"] = random_case(rng)

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "empty-cache"
        for name, (text, week) in cases.items():
            path = Path(folder) / "program.yaml"
            path.write_text(text)
            plan = ["plan", str(path), "--week", str(week), "--cache-dir", str(cache)]
            for command in (["validate", str(path)], plan):
                result = {"case": name, "command": command[0], "week": week, **measure(command)}
                results.append(result)
                print(
                    f"{result['seconds']:5.2f} s {result['rss_mb']:6.1f} MB  exit {result['exit']}"
                    f"  {command[0]:<8} {name}: {result['said'][:90]}",
                    flush=True,
                )

    slowest = max(results, key=lambda r: r["seconds"])
    largest = max(results, key=lambda r: r["rss_mb"])
    refused = sum(1 for r in results if r["exit"] == 2)
    print()
    print(f"{len(results)} commands on {len(cases)} programs, {refused} refused")
    print(
        f"worst time: {slowest['seconds']:.2f} s ({slowest['command']} {slowest['case']}, "
        f"week {slowest['week']})"
    )
    print(
        f"worst peak RSS: {largest['rss_mb']:.1f} MB ({largest['command']} {largest['case']}, "
        f"week {largest['week']})"
    )
    within = slowest["seconds"] < TARGET_S and largest["rss_mb"] < TARGET_MB
    print(f"target < {TARGET_S:g} s and < {TARGET_MB} MB: {'met' if within else 'MISSED'}")
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=1))
    sys.exit(0 if within else 1)


if __name__ == "__main__":
    main()
