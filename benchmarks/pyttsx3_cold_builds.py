"""Cold pyttsx3 builds of one week in a row, counting the ones that fail.

Each build starts from an empty clip cache, so every phrase of the week goes through the
pyttsx3 espeak driver (the one that now and then writes no file or a silent one).

usage: python benchmarks/pyttsx3_cold_builds.py [N] [--week 3] [--program PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=20)
    parser.add_argument("--week", type=int, default=3)
    parser.add_argument("--program", default=str(ROOT / "programs/alleviating-back-pain.yaml"))
    args = parser.parse_args()
    failures = 0
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="voicecoach-cold-") as folder:
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "voicecoach", "build", args.program,
                 "--week", str(args.week), "--engine", "pyttsx3", "-q",
                 "--cache-dir", f"{folder}/clips", "-o", f"{folder}/week.mp3"],
                capture_output=True,
                text=True,
            )  # fmt: skip
            seconds = time.monotonic() - started
            ok = result.returncode == 0 and Path(f"{folder}/week.mp3").exists()
            failures += not ok
            detail = "" if ok else " " + (result.stderr.strip().splitlines() or ["?"])[-1]
            print(f"run {run:2}/{args.runs}: {'ok' if ok else 'FAILED'} in {seconds:.1f} s{detail}",
                  flush=True)  # fmt: skip
    print(f"{failures} of {args.runs} cold pyttsx3 builds failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
