"""The loop on the phone, with the shipped program and the default voice: four sessions
logged on the served page, and how long each next session took to be on the page (and
in the feed) after the form was sent. Also draws docs/loop-*.png from the result.

    publish --weeks 1-3 into a fresh site (the clip cache given, or a fresh one)
    -> log the foundation's first F-1 sessions as prescribed
    -> serve the site with that log; four times: send the top card's form as the page's
       HTML builds it (as prescribed), and wait until the page's top card is the next
       session with its track (not "Preparing") and the feed carries it

    .venv/bin/python benchmarks/loop_on_the_phone.py [--cache-dir DIR] [--pictures]

The figures are in docs/performance.md. --pictures needs Chromium (make setup).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from next_session_benchmark import cli, form_body  # noqa: E402

from voicecoach.log import LogRule  # noqa: E402
from voicecoach.program import load_program  # noqa: E402

PROGRAM = ROOT / "programs" / "alleviating-back-pain.yaml"
SESSIONS = 4


def serve(
    site: Path, db: Path, render: list[str], *extra: str
) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "serve", str(site), "--host", "127.0.0.1",
         "--port", "0", "--no-qr", "--db", str(db), *render, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    while not process.stdout.readline().startswith("Press Ctrl-C"):
        pass
    secret = json.loads((site / ".voicecoach-site.json").read_text())["secret"]
    return process, f"http://{first.rsplit(' ', 1)[1].strip()}/{secret}/"


def read(url: str) -> str:
    return str(urllib.request.urlopen(url, timeout=60).read().decode())


def loop(site: Path, db: Path, render: list[str], first: int) -> None:
    process, url = serve(site, db, render)
    try:
        for number in range(first, first + SESSIONS):
            page = read(url)
            assert f"Next: session {number}" in page, number
            action, body = form_body(page, "next")
            started = time.monotonic()
            urllib.request.urlopen(urllib.request.Request(url + action, body), timeout=60).read()
            while True:
                page = read(url)
                ready = f"Next: session {number + 1}" in page and 'id="next-job"' not in page
                if ready and 'id="audio-next"' in page:
                    break
                if time.monotonic() - started > 900:
                    raise SystemExit(f"session {number + 1} never appeared")
                time.sleep(0.2)
            took = time.monotonic() - started
            in_feed = f":session-{number + 1}</guid>" in read(url + "feed.xml")
            print(f"session {number} logged on the page -> session {number + 1} on the page "
                  f"{took:.1f} s later (in the feed: {in_feed})", flush=True)  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=10)


def pictures(site: Path, db: Path, render: list[str], profile: Path) -> None:
    from browsing import start_chromium, wait_for

    process, url = serve(site, db, render, "--no-render-next")
    try:
        for chrome in start_chromium(profile):
            chrome.get(url)
            (ROOT / "docs" / "loop-next-card.png").write_bytes(chrome.get_screenshot_as_png())
            earlier = chrome.execute_script("return document.querySelector('#next ~ section').id")
            chrome.execute_script(f"document.getElementById('{earlier}').scrollIntoView()")
            (ROOT / "docs" / "loop-earlier.png").write_bytes(chrome.get_screenshot_as_png())
            chrome.execute_script("document.getElementById('progress').scrollIntoView()")
            wait_for(chrome, "const i = document.querySelector('#progress img');"
                     "return i && i.complete && i.naturalWidth", bool)  # fmt: skip
            (ROOT / "docs" / "loop-progress.png").write_bytes(chrome.get_screenshot_as_png())
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--pictures", action="store_true", help="draw docs/loop-*.png too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voicecoach-loop-") as folder:
        work = Path(folder)
        site, db = work / "site", work / "log.sqlite3"
        render = ["--cache-dir", str(args.cache_dir or work / "cache")]
        started = time.monotonic()
        cli("publish", str(PROGRAM), "--weeks", "1-3", "--site", str(site), "-q", *render)
        print(f"publish --weeks 1-3: {time.monotonic() - started:.0f} s", flush=True)
        foundation = LogRule.of(load_program(str(PROGRAM))).foundation_sessions
        for _ in range(foundation - 1):
            cli("log", str(PROGRAM), "--db", str(db), "--as-prescribed")
        loop(site, db, render, foundation)
        if args.pictures:
            pictures(site, db, render, work / "chromium")


if __name__ == "__main__":
    main()
