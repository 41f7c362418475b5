"""The next session renders itself: how long after a session is logged on the page the
next one is in the served feed, against a warm ``voicecoach build --next`` of it.

In one run, so the ratio compares like with like on these noisy shared machines:

1. ``publish --weeks 1`` into a fresh site (warms the clip cache with week 1's phrases);
2. in a separate log, the foundation's F sessions logged as prescribed, and
   ``build --next`` run once against it, untimed: session F+1's phrases are in the
   cache now (warm). (The foundation sessions themselves are never rendered: they
   share the week's track, docs/publish.md.)
3. ``build --next`` again into a new file, timed: a whole process (start, speech from
   the cache, render, encode), what a person would run on the computer;
4. ``voicecoach serve`` started on the site and a log of F-1 sessions; session F logged
   by POSTing the top card's form as the page's HTML builds it (as prescribed); timed
   from the POST until the served feed carries session F+1, the session the build
   rendered.

Each measure is repeated ``--rounds`` times (a fresh site and log each time, the same
warm cache) and the median ratio printed.

    .venv/bin/python benchmarks/next_session_benchmark.py [--program P] [--engine espeak]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "tests" / "cases" / "log_short.yaml"
sys.path.insert(0, str(ROOT / "src"))

from voicecoach.log import LogRule  # noqa: E402
from voicecoach.program import load_program  # noqa: E402


def cli(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"voicecoach {' '.join(args)} failed:\n{result.stderr}")


def form_body(page: str, section: str) -> tuple[str, bytes]:
    start = page.index(f'<details class="log" id="log-{section}"')
    form = page[start : page.index("</form>", start)]
    action = html.unescape(re.search(r'action="([^"]*)"', form).group(1))  # type: ignore[union-attr]
    fields = []
    for tag in re.findall(r"<input [^>]*>", form):
        if 'type="checkbox"' in tag:
            continue
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields.append(
                (html.unescape(name.group(1)), html.unescape(value.group(1) if value else ""))
            )
    return action, urllib.parse.urlencode(fields).encode()


def one_round(program: Path, work: Path, cache: Path, engine: list[str]) -> tuple[float, float]:
    site, db = work / "site", work / "log.sqlite3"
    render = ["--cache-dir", str(cache), *engine]
    cli("publish", str(program), "--weeks", "1", "--site", str(site), "-q", *render)
    foundation = max(1, LogRule.of(load_program(str(program))).foundation_sessions)
    for _ in range(foundation - 1):
        cli("log", str(program), "--db", str(db), "--as-prescribed")
    # What the page will log (session F, as prescribed), in a copy of the log, so build
    # --next plans the same session F+1 the server will render.
    other = work / "build-log.sqlite3"
    for _ in range(foundation):
        cli("log", str(program), "--db", str(other), "--as-prescribed")
    build = ["build", str(program), "--next", "--db", str(other), "-q", *render]
    cli(*build, "-o", str(work / "warm-up.mp3"))  # the cache is warm after this one
    started = time.monotonic()
    cli(*build, "-o", str(work / "timed.mp3"))
    built = time.monotonic() - started

    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "serve", str(site), "--host", "127.0.0.1",
         "--port", "0", "--no-qr", "--db", str(db), *render],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        while not process.stdout.readline().startswith("Press Ctrl-C"):
            pass
        secret = json.loads((site / ".voicecoach-site.json").read_text())["secret"]
        url = f"http://{first.rsplit(' ', 1)[1].strip()}/{secret}/"
        page = urllib.request.urlopen(url, timeout=30).read().decode()
        action, body = form_body(page, "next")
        started = time.monotonic()
        urllib.request.urlopen(urllib.request.Request(url + action, body), timeout=30).read()
        feed = url + "feed.xml"
        guid = f":session-{foundation + 1}</guid>"
        while guid not in urllib.request.urlopen(feed, timeout=30).read().decode():
            if time.monotonic() - started > 600:
                raise SystemExit(f"session {foundation + 1} never appeared in the feed")
            time.sleep(0.05)
        ready = time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    return built, ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--program", type=Path, default=PROGRAM)
    parser.add_argument("--engine", default="espeak")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = ["--engine", args.engine] if args.engine else []
    with tempfile.TemporaryDirectory(prefix="voicecoach-next-bench-") as folder:
        cache = Path(folder) / "cache"
        rows = []
        for index in range(args.rounds):
            work = Path(folder) / f"round-{index}"
            work.mkdir()
            built, ready = one_round(args.program, work, cache, engine)
            rows.append((built, ready, ready / built))
            print(f"round {index + 1}: warm build --next {built:.2f} s, "
                  f"next session in the served feed {ready:.2f} s after the POST, "
                  f"ratio {ready / built:.2f}x", flush=True)  # fmt: skip
            shutil.rmtree(work / "site", ignore_errors=True)
        ratio = statistics.median(r[2] for r in rows)
        print(f"median ratio (next session ready / warm build): {ratio:.2f}x")


if __name__ == "__main__":
    main()
