"""The next session renders itself: a real `voicecoach serve` process with its Huey
consumer (SqliteHuey in the site folder), a real SQLite training log, the page's form
posted as its HTML builds it, and the new episode read back from the served feed."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import podcastparser
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from audiotools import decode
from browsing import PHONE, wait_for
from conftest import CASES, ROOT
from feedrules import violations
from publishing import run_cli, start_serve, stop_serve

pytestmark = pytest.mark.slow

SHORT = CASES / "log_short.yaml"
ENGINE = ("--engine", "espeak")
WAIT_S = 120  # the bound on waiting for an episode (a poll, not a timed assertion)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """log_short.yaml week 1, published with espeak (copy it to change it)."""
    root = tmp_path_factory.mktemp("next")
    result = run_cli(
        "publish", str(SHORT), "--weeks", "1", "--site", str(root / "site"),
        "--cache-dir", str(root / "cache"), "-q", *ENGINE,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root / "site"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post(url: str, data: bytes) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def form_of(page: str, section: str) -> tuple[str, bytes]:
    """The form of ``section`` as the browser sends it: its action, and every named input
    with its value (text and hidden; an unchecked checkbox is not sent)."""
    start = page.index(f'<details class="log" id="log-{section}"')
    form = page[start : page.index("</form>", start)]
    action = html.unescape(re.search(r'<form [^>]*action="([^"]*)"', form).group(1))  # type: ignore[union-attr]
    fields = []
    for tag in re.findall(r"<input [^>]*>", form):
        kind = re.search(r'type="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox":
            continue
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields.append(
                (html.unescape(name.group(1)), html.unescape(value.group(1) if value else ""))
            )
    return action, urllib.parse.urlencode(fields).encode()


def wait_for_episode(page_url: str, guid: str) -> tuple[float, feedparser.FeedParserDict]:
    """Poll the served feed until it carries ``guid``; the seconds it took, and the feed."""
    started = time.monotonic()
    while time.monotonic() - started < WAIT_S:
        feed = feedparser.parse(get(page_url + "feed.xml")[1])
        if any(e.id == guid for e in feed.entries):
            return time.monotonic() - started, feed
        time.sleep(0.5)
    raise AssertionError(f"no {guid} in the feed after {WAIT_S} s")


def serve_args(db: Path, site: Path, *extra: str) -> list[str]:
    return ["--db", str(db), "--cache-dir", str(site.parent / "cache"), *ENGINE, *extra]


def plan_next(db: Path, site: Path) -> dict:  # type: ignore[type-arg]
    result = run_cli("plan", str(SHORT), "--next", "--json", *serve_args(db, site))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def own_copy(published: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A test's own copy of the published site and its clip cache, and a log path in it."""
    site = tmp_path / "site"
    shutil.copytree(published, site)
    shutil.copytree(published.parent / "cache", tmp_path / "cache")
    return site, tmp_path / "log.sqlite3"


def prescribed(timeline: dict) -> dict:  # type: ignore[type-arg]
    """A timeline without its render record: what the session prescribes, cue by cue."""
    return {key: value for key, value in timeline.items() if key != "render"}


def test_a_session_logged_on_the_page_brings_the_next_one_into_the_feed(
    published: Path, tmp_path: Path
) -> None:
    site, db = own_copy(published, tmp_path)
    process, page_url, printed = start_serve(site, *serve_args(db, site))
    try:
        assert "Next: each session logged is followed by the next one in the feed" in printed
        status, page = get(page_url)
        # The top of the page is the next session (the first), with week 1's track and
        # its own form, before any other section.
        assert page.index('id="next"') < page.index('id="log-next"') < page.index('id="week-1"')
        assert "Next: session 1" in page
        action, body = form_of(page, "next")
        assert action == "log?at=next"
        status, after = post(page_url + action, body)  # 303, followed to the page
        assert status == 200
        # Session 2 is the foundation again, the same session as week 1: it shares its
        # track, so nothing renders and the feed gains no copy of it.
        deadline = time.monotonic() + WAIT_S
        while 'id="audio-next"' not in (page := get(page_url)[1]):
            assert time.monotonic() < deadline, "session 2 never got its track"
            time.sleep(0.3)
        assert "Next: session 2" in page
        assert re.search(r'<audio id="audio-next"[^>]* src="log-short-week-01.mp3"', page)
        feed = feedparser.parse(get(page_url + "feed.xml")[1])
        assert [e.id for e in feed.entries] == ["voicecoach:log-short:week-1"]

        action, body = form_of(page, "next")
        status, after = post(page_url + action, body)
        assert status == 200
        assert 'id="next-job"' in after and "Preparing session 3…" in after, after
        took, feed = wait_for_episode(page_url, "voicecoach:log-short:session-3")
        print(f"session 3 appeared in the served feed {took:.1f} s after the POST")

        # The same form again: the log has moved on, one line, nothing written.
        status, again = post(page_url + action, body)
        assert status == 422
        lines = re.findall(r'<p class="error"[^>]*>(.*?)</p>', again)
        assert [html.unescape(line) for line in lines] == [
            "this form was for session 2, but the log has moved on: it is at session 3 now; "
            "check the boxes and send again"
        ]

        entry = next(e for e in feed.entries if e.id == "voicecoach:log-short:session-3")
        mp3_name = entry.enclosures[0].href.rsplit("/", 1)[1]
        assert mp3_name == "log-short-session-003.mp3"
        with urllib.request.urlopen(entry.enclosures[0].href, timeout=30) as response:
            (tmp_path / "got.mp3").write_bytes(response.read())
        served_timeline = json.loads(get(page_url + "log-short-session-003.timeline.json")[1])
        # The MP3 decodes, as long as its timeline to the sample (24 per ms).
        assert len(decode(str(tmp_path / "got.mp3"))) == served_timeline["duration_ms"] * 24
        # Its targets (every segment, every cue spoken) are what `plan --next` decides.
        assert prescribed(served_timeline) == prescribed(plan_next(db, site))
        assert get(page_url + ".voicecoach-jobs.sqlite3")[0] == 404  # the queue is hidden
        assert (site / ".voicecoach-jobs.sqlite3").is_file()
        # The page now has the track on top, and no longer says it is preparing; the
        # sessions logged are below it with what was logged.
        page = get(page_url)[1]
        assert 'id="next-job"' not in page and "Next: session 3" in page
        assert re.search(r'<audio id="audio-next"[^>]* src="log-short-session-003.mp3"', page)
        assert page.index('id="next"') < page.index('id="session-2"') < page.index('id="week-1"')
        assert "Logged on " in page[page.index('id="session-2"') :]

        # The loop goes on: sessions 3-6 logged from the page, each brings the next.
        for number in (3, 4, 5, 6):
            action, body = form_of(get(page_url)[1], "next")
            assert post(page_url + action, body)[0] == 200
            guid = f"voicecoach:log-short:session-{number + 1}"
            took, feed = wait_for_episode(page_url, guid)
            print(f"session {number + 1} appeared in the served feed {took:.1f} s after the POST")
        ids = [e.id for e in feed.entries]
        assert ids == [f"voicecoach:log-short:session-{n}" for n in (7, 6, 5, 4, 3)] + [
            "voicecoach:log-short:week-1"
        ]
        # Read as gPodder does too, and against the rules written down for feeds.
        served_feed = get(page_url + "feed.xml")[1]
        parsed = podcastparser.parse(page_url + "feed.xml", io.BytesIO(served_feed.encode()))
        assert [e["guid"] for e in parsed["episodes"]] == ids
        assert violations(served_feed, lambda url: urllib.request.urlopen(url).read()) == []
    finally:
        stop_serve(process)


def test_a_form_under_a_program_week_logs_that_weeks_targets(
    published: Path, tmp_path: Path
) -> None:
    """Trained to week 1's track after the log moved past the foundation: "as prescribed"
    means what that track asked, not what the log would have."""
    site, db = own_copy(published, tmp_path)
    for _ in range(2):  # the foundation done: the log's next session is a build one
        assert run_cli("log", str(SHORT), "--db", str(db), "--as-prescribed").returncode == 0
    process, page_url, _ = start_serve(site, *serve_args(db, site, "--no-render-next"))
    try:
        page = get(page_url)[1]
        action, body = form_of(page, "week-1")
        assert action == "log?at=week-1"
        assert post(page_url + action, body)[0] == 200
    finally:
        stop_serve(process)
    from voicecoach.log import LogStore

    with LogStore(db, readonly=True) as store:
        third = store.sessions("Log Short")[2]
    # Week 1 asks for the bottom of every range: 2 reps of the split squat, per side; the
    # log's own third session would have asked for 3.
    assert third.targets["Split Squat"].amount == 2
    squat = [s for s in third.sets if s.exercise == "Split Squat"]
    assert squat and {s.amount for s in squat} == {2}


def test_a_server_killed_mid_render_publishes_the_episode_once_after_a_restart(
    published: Path, tmp_path: Path
) -> None:
    site, db = own_copy(published, tmp_path)
    # The foundation logged first: its second session shares week 1's track.
    assert run_cli("log", str(SHORT), "--db", str(db), "--as-prescribed").returncode == 0
    process, page_url, _ = start_serve(site, *serve_args(db, site))
    try:
        # Logged on the command line against the same log: the server notices by itself.
        result = run_cli("log", str(SHORT), "--db", str(db), "--as-prescribed")
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + WAIT_S
        while "Preparing session 3… (" not in get(page_url)[1]:  # a render step shown
            assert time.monotonic() < deadline, "the server never started on session 3"
            time.sleep(0.2)
    finally:
        stop_serve(process, kill=True)  # SIGKILL: nothing of the server runs on
    assert not (site / "log-short-session-003.mp3").exists()
    assert "session-3" not in (site / "feed.xml").read_text()

    process, page_url, _ = start_serve(site, *serve_args(db, site))
    try:
        took, feed = wait_for_episode(page_url, "voicecoach:log-short:session-3")
        print(f"session 3 appeared {took:.1f} s after the restart")
        time.sleep(2 * 3.0)  # two of the poller's rounds: nothing more is rendered
        feed = feedparser.parse(get(page_url + "feed.xml")[1])
    finally:
        stop_serve(process)
    assert [e.id for e in feed.entries] == [
        "voicecoach:log-short:session-3",
        "voicecoach:log-short:week-1",
    ]
    state = json.loads((site / ".voicecoach-site.json").read_text())
    assert [s["session"] for s in state["sessions"]] == [2, 3]  # 2 shares week 1's file
    assert state["sessions"][0]["file"] == "log-short-week-01.mp3"
    assert sorted(p.name for p in site.glob("*session*.mp3")) == ["log-short-session-003.mp3"]
    assert not list(site.glob(".*.part"))  # the killed render's temporaries are gone


def test_a_failed_render_shows_its_line_and_leaves_the_site_as_it_was(
    published: Path, tmp_path: Path
) -> None:
    site, db = own_copy(published, tmp_path)
    before = {p.name: p.read_bytes() for p in site.iterdir() if p.is_file()}
    missing = tmp_path / "no-such-music"
    process, page_url, _ = start_serve(site, *serve_args(db, site, "--music", str(missing)))
    try:
        for _ in range(2):  # the foundation (session 2 shares week 1's track, renders nothing)
            action, body = form_of(get(page_url)[1], "next")
            assert post(page_url + action, body)[0] == 200
        deadline = time.monotonic() + WAIT_S
        while 'class="job failed"' not in (page := get(page_url)[1]):
            assert time.monotonic() < deadline, "the render never failed"
            time.sleep(0.3)
        line = re.search(r'<p class="job failed"[^>]*>(.*?)</p>', page).group(1)  # type: ignore[union-attr]
        assert html.unescape(line).startswith("Session 3 could not be prepared: ")
        assert str(missing) in html.unescape(line) and "\n" not in line
        feed = feedparser.parse(get(page_url + "feed.xml")[1])
        assert [e.id for e in feed.entries] == ["voicecoach:log-short:week-1"]
    finally:
        stop_serve(process)
    after = {
        p.name: p.read_bytes()
        for p in site.iterdir()
        if p.is_file() and not p.name.startswith(".voicecoach-jobs")
    }
    assert after == before


LOOP_SHOTS = {
    "next": ROOT / "docs" / "loop-next-card.png",
    "preparing": ROOT / "docs" / "loop-preparing.png",
    "progress": ROOT / "docs" / "loop-progress.png",
}


def test_on_a_phone_the_top_card_is_the_next_session_and_its_form_brings_the_one_after(
    browser: webdriver.Chrome,
    published: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """In Chromium at 390 x 844: the top card is the log's next session, its form is the
    first on the page and logs that session, and after sending, the page says the next
    track is being prepared and then shows it."""
    site, db = own_copy(published, tmp_path)
    logged = run_cli("log", str(SHORT), "--db", str(db), "--set", "Split Squat=2,2@10kg")
    assert logged.returncode == 0, logged.stderr
    process, page_url, _ = start_serve(site, *serve_args(db, site))
    shots: dict[str, bytes] = {}
    try:
        browser.get(page_url)
        card = browser.find_element(By.ID, "next")
        assert card.find_element(By.TAG_NAME, "h2").text == "Next: session 2"
        assert card.find_element(By.CSS_SELECTOR, "p.meta").text.startswith("Week 1 · foundation")
        # Its track is week 1's (the same session), and its form is the page's first.
        audio = card.find_element(By.ID, "audio-next")
        assert audio.get_attribute("src") == page_url + "log-short-week-01.mp3"
        first_form = browser.execute_script(
            "return document.querySelector('form.log').closest('section').id"
        )
        assert first_form == "next"
        # Reachable without scrolling past any other track's fields: the card's form
        # starts within the first two screens, above every other section.
        top = browser.execute_script(
            "return document.querySelector('#log-next').getBoundingClientRect().top"
        )
        assert top < 2 * PHONE["height"], top
        shots["next"] = browser.get_screenshot_as_png()

        squat = browser.find_element(By.CSS_SELECTOR, "#log-next input[name='ex-1']")
        squat.send_keys("2,2@10kg; felt easy")
        browser.find_element(By.CSS_SELECTOR, "#log-next button[type='submit']").click()
        # Logged: the confirmation, and session 3 (the first build one) being prepared.
        status = wait_for(
            browser,
            "return document.body.innerText",
            lambda text: "Logged session 2" in text,
        )
        assert "Logged session 2" in status
        assert "Next: session 3" in status
        preparing = browser.find_elements(By.ID, "next-job")
        if preparing:  # a fast machine may have rendered it already
            assert "Preparing session 3" in preparing[0].text
            browser.execute_script("document.getElementById('next-job').scrollIntoView()")
            shots["preparing"] = browser.get_screenshot_as_png()
        # The page looks again by itself until the track is there.
        src = wait_for(
            browser,
            "const a = document.getElementById('audio-next'); return a && a.src",
            lambda s: bool(s) and s.endswith("log-short-session-003.mp3"),
            timeout=WAIT_S,
        )
        assert src == page_url + "log-short-session-003.mp3"
        assert not browser.find_elements(By.ID, "next-job")
        changes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#next ul.changes li")]
        # What changed, each target with what it was, and the ones that stay.
        assert changes == [
            "Split Squat: 2 × 3 reps/side @ 10 kg (was 2)",
            "Floor Press: 1 × 3 reps (was 2)",
            "Plank: 1 × 7 s (was 5)",
        ], changes
        # What was logged for session 2 is under it, with the note.
        earlier = browser.find_element(By.ID, "session-2").text
        assert "Split Squat: 2 × 2/2, 2/2 at 10 kg; felt easy" in earlier, earlier
        browser.execute_script("window.scrollTo(0, 0)")
        shots["next"] = browser.get_screenshot_as_png()
        # Progress reads at a glance first: a line per exercise, then the picture.
        items = browser.find_elements(By.CSS_SELECTOR, "#progress ul.glance li")
        glance = [li.text for li in items]
        assert glance[0] == "Split Squat: 2 reps/side at 10 kg over 2 sessions; last: 2/2, 2/2"
        assert len(glance) == 3
        browser.execute_script("document.getElementById('progress').scrollIntoView()")
        wait_for(
            browser,
            "const i = document.querySelector('#progress img'); return i && i.naturalWidth",
            lambda w: bool(w),
        )
        shots["progress"] = browser.get_screenshot_as_png()
    finally:
        stop_serve(process)
    for name, png in shots.items():
        (tmp_path / f"{name}.png").write_bytes(png)
        if request.config.getoption("--update-screenshots"):
            LOOP_SHOTS[name].write_bytes(png)


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free port, for this test only (no disk, no config)."""
    import socket
    import subprocess

    import redis

    server = shutil.which("redis-server")
    assert server, "install Debian's redis-server (make setup)"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_same_jobs_run_on_redis(
    published: Path, tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VOICECOACH_QUEUE=redis://... puts serve's jobs on a real Redis: the next session
    still appears, and the site folder gets no SQLite queue."""
    import redis

    site, db = own_copy(published, tmp_path)
    (site / ".voicecoach-jobs.sqlite3").unlink(missing_ok=True)
    for _ in range(2):  # the foundation: the next session (3) must be rendered
        assert run_cli("log", str(SHORT), "--db", str(db), "--as-prescribed").returncode == 0
    monkeypatch.setenv("VOICECOACH_QUEUE", redis_url)
    process, page_url, _ = start_serve(site, *serve_args(db, site))
    try:
        took, feed = wait_for_episode(page_url, "voicecoach:log-short:session-3")
        print(f"session 3 appeared {took:.1f} s after serve started, jobs on Redis")
    finally:
        stop_serve(process)
    assert not (site / ".voicecoach-jobs.sqlite3").exists()
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert any(key.startswith("huey.") for key in keys), keys  # Huey's own keys were there
