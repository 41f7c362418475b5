"""Test helpers for a published site: publish once, run the real server in a process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import CASES

PROGRAM = CASES / "tempo_basic.yaml"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args], capture_output=True, text=True, timeout=300
    )


def publish(site: Path, cache: Path, weeks: str, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(
        "publish", str(PROGRAM), "--weeks", weeks, "--site", str(site),
        "--cache-dir", str(cache), "-q", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


# The library's serve() as the CLI calls it, with the idle timeout the CLI does not offer.
SERVE_WITH_TIMEOUT = (
    "import sys; from pathlib import Path; from voicecoach.publish.server import serve; "
    "serve(Path(sys.argv[1]), '127.0.0.1', 0, qr=False, idle_timeout_s=float(sys.argv[2]))"
)


def start_serve(
    site: Path, *extra: str, idle_timeout_s: float | None = None
) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``voicecoach serve`` on a free port, started: the process, the page's local address
    and the lines it printed on start (its stderr goes to serve.log beside the site)."""
    log = (site.parent / "serve.log").open("a")
    command = [sys.executable, "-m", "voicecoach", "serve", str(site), "--host", "127.0.0.1",
               "--port", "0", "--no-qr", *extra]  # fmt: skip
    if idle_timeout_s is not None:
        command = [sys.executable, "-c", SERVE_WITH_TIMEOUT, str(site), str(idle_timeout_s)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()  # the child holds it
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while not lines or not lines[-1].startswith("Press Ctrl-C"):
        if time.monotonic() > deadline or not (line := process.stdout.readline()):
            process.kill()
            process.wait(timeout=10)
            raise AssertionError(
                f"serve did not start: {lines} {(site.parent / 'serve.log').read_text()}"
            )
        lines.append(line.rstrip("\n"))
    listening = lines[0].rsplit(" ", 1)[1]  # "Serving SITE on 127.0.0.1:PORT"
    secret = json.loads((site / ".voicecoach-site.json").read_text())["secret"]
    return process, f"http://{listening}/{secret}/", lines


def stop_serve(process: subprocess.Popen[str], kill: bool = False) -> None:
    """End a server ``start_serve`` started: Ctrl-C's SIGTERM, or SIGKILL with ``kill``."""
    process.kill() if kill else process.terminate()
    process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def served(
    site: Path, *extra: str, idle_timeout_s: float | None = None
) -> Iterator[tuple[str, list[str]]]:
    """``voicecoach serve`` on a free port; yields the page's local address and the lines
    the server printed on start. With ``idle_timeout_s``, ``serve()`` itself with it."""
    (site.parent / "serve.log").write_text("")
    process, url, lines = start_serve(site, *extra, idle_timeout_s=idle_timeout_s)
    try:
        yield url, lines
    finally:
        stop_serve(process)
