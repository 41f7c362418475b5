"""Logging from the served page, and the log's next session in the feed, used as a person
would: a real `voicecoach serve` process, Debian's Chromium at a phone's size filling in
the form, a real SQLite file compared row by row with one the command line wrote, and
`publish --next` rendered through the real speech engine and encoder."""

from __future__ import annotations

import datetime
import html
import json
import re
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import feedparser
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from audiotools import decode, onset_ms
from browsing import PHONE, wait_for
from conftest import CASES, ROOT
from publishing import run_cli, served

pytestmark = pytest.mark.slow

SHORT = CASES / "log_short.yaml"
SCREENSHOT = ROOT / "docs" / "publish-log-form.png"


@pytest.fixture(scope="module")
def short_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/cases/log_short.yaml week 1, published (copy it to change it)."""
    root = tmp_path_factory.mktemp("short")
    result = run_cli(
        "publish", str(SHORT), "--weeks", "1", "--site", str(root / "site"),
        "--cache-dir", str(root / "cache"), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root / "site"


def table_rows(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every stored column of every session and set, but the row ids and ``logged_at``
    (when the row was written, which two logs of the same session never share)."""
    with sqlite3.connect(db) as connection:
        sessions = connection.execute(
            "SELECT program, program_hash, number, date, status, prescription FROM sessions "
            "ORDER BY number"
        ).fetchall()
        sets = connection.execute(
            "SELECT s.number, t.exercise, t.set_number, t.side, t.amount, t.measure, t.weight, "
            "t.unit, t.note FROM sets t JOIN sessions s ON s.id = t.session_id "
            "ORDER BY s.number, t.id"
        ).fetchall()
    return sessions, sets


def session_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM sessions").fetchone()[0])


def open_form(browser: webdriver.Chrome, section: str) -> None:
    box = browser.find_element(By.ID, f"log-{section}")
    if box.get_attribute("open") is None:
        box.find_element(By.TAG_NAME, "summary").click()


def fill(browser: webdriver.Chrome, section: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = browser.find_element(By.ID, f"log-{section}-{name}")
        field.clear()
        field.send_keys(value)


def submit(browser: webdriver.Chrome, section: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#log-{section} button[type=submit]").click()


def test_the_form_on_a_phone_adds_the_same_rows_as_the_command_line(
    browser: webdriver.Chrome, short_site: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    page_db, cli_db = tmp_path / "page.sqlite3", tmp_path / "cli.sqlite3"
    with served(short_site, "--db", str(page_db), "--no-render-next") as (page_url, printed):
        assert f"Log: sessions logged on the page go to {page_db}" in printed
        browser.get(page_url)
        assert not page_db.exists()  # showing the page writes nothing, not even a new log
        # The top card's form is open already: the next session's, the first on the page.
        assert browser.find_element(By.ID, "log-next").get_attribute("open") is not None
        open_form(browser, "next")
        # Readable on a 390 px phone: nothing wider than the screen, every box full width
        # inside it, text at 16 px or more (phones zoom into smaller inputs), big targets.
        layout = browser.execute_script(
            """const boxes = [...document.querySelectorAll(
                 '#log-next input:not([type=hidden]), #log-next button')];
            return {page: document.documentElement.scrollWidth, screen: innerWidth,
                    boxes: boxes.map(b => {const r = b.getBoundingClientRect();
                      return [b.name || b.textContent, r.left, r.right, r.height,
                              parseFloat(getComputedStyle(b).fontSize)];})};"""
        )
        assert layout["screen"] == PHONE["width"] and layout["page"] <= layout["screen"]
        assert len(layout["boxes"]) == 6  # date, three exercises, missed, the button
        for name, left, right, height, font_px in layout["boxes"]:
            assert 0 <= left and right <= layout["screen"], name
            if name == "missed":  # a checkbox: no text of its own, a thumb-sized box
                assert height >= 20, name
            else:
                assert font_px >= 16 and height >= 36 and right - left >= 300, name
        labels = browser.find_elements(By.CSS_SELECTOR, "#log-next form label")
        assert [label.text for label in labels][:4] == [
            "Date",
            "Split Squat 2 × 2 reps/side",
            "Floor Press 1 × 2 reps",
            "Plank 1 × 5 s",
        ]
        date = browser.find_element(By.ID, "log-next-date").get_attribute("value")
        assert date

        # Session 1: sets typed for one exercise, one skipped, one left as prescribed.
        fill(browser, "next", {"ex-1": "2/2,2/1@8kg; knee fine", "ex-3": "skip"})
        if request.config.getoption("--update-screenshots"):
            browser.execute_script(
                "document.getElementById('log-next').scrollIntoView({block: 'start'})"
            )
            SCREENSHOT.write_bytes(browser.get_screenshot_as_png())
        submit(browser, "next")
        url = wait_for(browser, "return location.href", lambda u: "logged=1" in u)
        assert urllib.parse.urlsplit(url).fragment == "log-next", url
        done = browser.find_element(By.CSS_SELECTOR, "#log-next .done").text
        assert done == f"Logged session 1 on {date} (2 exercises)."
        # The form is now the next session's.
        button = browser.find_element(By.CSS_SELECTOR, "#log-next button[type=submit]")
        assert button.text == "Log session 2"

        # Session 2: it did not happen.
        browser.find_element(By.CSS_SELECTOR, "#log-next input[name=missed]").click()
        submit(browser, "next")
        wait_for(browser, "return location.href", lambda u: "logged=2" in u)
        done = browser.find_element(By.CSS_SELECTOR, "#log-next .done").text
        assert done == f"Logged session 2 on {date} (missed)."

    for arguments in (
        ["--set", "Split Squat=2/2,2/1@8kg; knee fine", "--set", "Plank=skip"],
        ["--missed"],
    ):
        result = run_cli("log", str(SHORT), "--db", str(cli_db), "--date", date, *arguments)
        assert result.returncode == 0, result.stderr
    from_page, from_cli = table_rows(page_db), table_rows(cli_db)
    assert from_page == from_cli
    sessions, sets = from_page
    assert [(s[2], s[4]) for s in sessions] == [(1, "done"), (2, "missed")]
    assert len(sets) == 5  # 2 sets x 2 sides of Split Squat, 1 Floor Press, no Plank
    assert ("knee fine", 8.0) in {(s[8], s[6]) for s in sets}


def test_wrong_input_shows_the_form_again_with_one_line_and_writes_nothing(
    browser: webdriver.Chrome, short_site: Path, tmp_path: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    with served(short_site, "--db", str(db), "--no-render-next") as (page_url, _):
        browser.get(page_url)
        assert browser.find_element(By.ID, "log-week-1").get_attribute("open") is None
        open_form(browser, "week-1")
        fill(browser, "week-1", {"ex-1": "2/2,2/1@8kg", "ex-2": "two"})
        submit(browser, "week-1")
        errors = wait_for(
            browser,
            "return [...document.querySelectorAll('.error')].map(e => e.textContent)",
            lambda found: bool(found),
        )
        assert errors == ["Floor Press: reps must be whole numbers like 10, got 'two'"]
        assert session_count(db) == 0
        # The same form, open, with everything typed still in it.
        assert browser.find_element(By.ID, "log-week-1").get_attribute("open") is not None
        values = {
            name: browser.find_element(By.ID, f"log-week-1-{name}").get_attribute("value")
            for name in ("ex-1", "ex-2", "ex-3")
        }
        assert values == {"ex-1": "2/2,2/1@8kg", "ex-2": "two", "ex-3": ""}
        # Put right, it goes in.
        fill(browser, "week-1", {"ex-2": "2"})
        submit(browser, "week-1")
        wait_for(browser, "return location.href", lambda u: "logged=1" in u)
        assert not browser.find_elements(By.CSS_SELECTOR, ".error")
    assert session_count(db) == 1


def post(url: str, data: bytes | None = None, method: str = "POST") -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_only_the_form_address_takes_a_post_and_bodies_are_capped(
    short_site: Path, tmp_path: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    form = {"session": "1", "date": "", "ex-1": "", "ex-2": "", "ex-3": ""}
    with served(short_site, "--db", str(db), "--no-render-next") as (page_url, _):
        origin = page_url.rsplit("/", 2)[0]
        body = urllib.parse.urlencode(form).encode()
        assert post(page_url + "feed.xml", body)[0] == 405
        assert post(page_url, body)[0] == 405
        assert post(page_url + "index.html", body)[0] == 405
        assert post(origin + "/log", body)[0] == 404  # the secret path still rules
        assert post(origin + "/wrong-secret/log", body)[0] == 404
        assert post(page_url + "log", method="GET")[0] == 405
        assert post(page_url + "log", b"x=" + b"1" * 20_000)[0] == 413
        assert post(page_url + "log", b"ex-1=2")[0] == 400  # not the page's form
        # A form made for a session the log has moved past is refused, not logged twice.
        stale = urllib.parse.urlencode({**form, "session": "7"}).encode()
        status, text = post(page_url + "log", stale)
        assert status == 422 and "this form was for session 7" in text
        assert session_count(db) == 0
        assert post(page_url + "log?at=week-1", body)[0] == 200  # 303, followed to the page
    assert session_count(db) == 1


def error_lines(page: str) -> list[str]:
    return [html.unescape(line) for line in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page)]


# tests/cases/log_short.yaml: Split Squat 2-4 reps (top 4: at most 13), Floor Press 2-3
# (at most 11), Plank a 5-9 s hold (at most 23 s). Each is a POST body as a browser or a
# hand-made request would send it, so a field can be given twice.
# fmt: off
REFUSED = [
    ("date=0001-01-01", 422,
     "date: expected 2000-01-01 or later (no training log is older; check the year), "
     "got 0001-01-01"),
    ("date=2099-01-01", 422, f"date: expected today ({datetime.date.today().isoformat()}) "
     "or earlier, got 2099-01-01 (in the future)"),
    ("ex-2=1000", 422, "Floor Press: expected 0 to 11 reps in one set "
     "(twice the top of its range, 3, plus 5), got 1000"),
    ("ex-2=12", 422, "Floor Press: expected 0 to 11 reps in one set "
     "(twice the top of its range, 3, plus 5), got 12"),
    ("ex-1=2/14", 422, "Split Squat: expected 0 to 13 reps in one set "
     "(twice the top of its range, 4, plus 5), got 14"),
    ("ex-3=24s", 422, "Plank: expected 0 to 23 seconds in one set "
     "(twice the top of its range, 9, plus 5), got 24"),
    ("ex-1=2;%20knee%00fine", 422,
     "Split Squat: expected a note of one line of plain text, got a control character (U+0000)"),
    ("ex-2=2;%1B[31mred", 422,
     "Floor Press: expected a note of one line of plain text, got a control character (U+001B)"),
    ("ex-2=2;%20a%0Ab", 422,
     "Floor Press: expected a note of one line of plain text, got a control character (U+000A)"),
    ("date=2025-03-01&date=2099-01-01", 400,
     "the form has the field 'date' twice; send each field once"),
    ("ex-2=2&ex-2=1000", 400, "the form has the field 'ex-2' twice; send each field once"),
    ("session=1&session=2", 400, "the form has the field 'session' twice; send each field once"),
]
# fmt: on
BASE = {"session": "1", "date": "2025-03-02"}  # the fields a case does not give itself


def test_values_out_of_bounds_and_repeated_fields_are_refused_and_write_nothing(
    short_site: Path, tmp_path: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    with served(short_site, "--db", str(db), "--no-render-next") as (page_url, _):
        for fields, status, message in REFUSED:
            given = [f"{k}={v}" for k, v in BASE.items() if f"{k}=" not in fields]
            body = "&".join([*given, fields]).encode()
            answer, page = post(page_url + "log?at=week-1", body)
            assert (answer, error_lines(page)) == (status, [message]), fields
            assert session_count(db) == 0, fields
        # At the bounds, it goes in (and the CLI applies the same ones: test_log_cli.py).
        body = b"session=1&date=2025-03-02&ex-1=13/13,2&ex-2=11;%20all%20good&ex-3=23s"
        assert post(page_url + "log?at=week-1", body)[0] == 200  # 303, followed to the page
    assert session_count(db) == 1


def test_a_program_file_that_is_gone_shows_why_instead_of_a_form(
    short_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(short_site, site)
    state = json.loads((site / ".voicecoach-site.json").read_text())
    state["program_file"] = str(tmp_path / "moved.yaml")
    (site / ".voicecoach-site.json").write_text(json.dumps(state))
    with served(site, "--db", str(tmp_path / "log.sqlite3")) as (page_url, _):
        status, page = post(page_url, method="GET")
    assert status == 200 and "<form" not in page
    assert f'<p class="error">Logging is not available: {tmp_path / "moved.yaml"}' in page


def test_publish_next_adds_the_logs_next_session_as_an_episode(
    short_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(short_site, site)
    cache = short_site.parent / "cache"
    db = str(tmp_path / "log.sqlite3")
    nothing = run_cli("publish", str(SHORT), "--site", str(site))
    assert nothing.returncode == 2 and "give --weeks RANGE, --next, or both" in nothing.stderr
    for date, arguments in [
        ("2025-02-03", ["--set", "Split Squat=@10kg", "--set", "Floor Press=@20kg"]),
        ("2025-02-05", ["--as-prescribed"]),
        ("2025-02-07", ["--set", "Split Squat=3,3", "--set", "Plank=7s"]),
    ]:
        result = run_cli("log", str(SHORT), "--db", db, "--date", date, *arguments)
        assert result.returncode == 0, result.stderr

    result = run_cli(
        "publish", str(SHORT), "--next", "--site", str(site), "--db", db,
        "--cache-dir", str(cache), "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Published 2 episodes" in result.stdout
    assert "Next: session 4 of 'Log Short' (week 2, build; 3 done so far)" in result.stdout
    decisions = [line.strip().split(": ", 1)[1] for line in result.stdout.splitlines()[-3:]]
    assert decisions[0].startswith("Last time 3, 3")  # Split Squat, from session 3

    # The timeline sidecar says each decision, sentence by sentence.
    mp3 = site / "log-short-session-004.mp3"
    timeline = json.loads(mp3.with_name("log-short-session-004.timeline.json").read_text())
    said = [cue["text"] for cue in timeline["cues"] if cue["kind"] == "speech"]
    for decision in decisions:
        for sentence in decision.replace(". ", ".|").split("|"):
            assert sentence in said, (sentence, said)
    # The track is that timeline: as long to the sample (24 per ms), each decision heard
    # where its cue starts.
    samples = decode(str(mp3))
    assert len(samples) == timeline["duration_ms"] * 24
    spoken = [
        cue
        for cue in timeline["cues"]
        if cue["kind"] == "speech" and any(cue["text"] in decision for decision in decisions)
    ]
    assert len(spoken) >= len(decisions)
    unheard = []
    for cue in spoken:
        found = onset_ms(samples, cue["start_ms"], cue["end_ms"], threshold_dbfs=-45)
        if found is None or found - cue["start_ms"] > 20:
            unheard.append((cue["start_ms"], cue["text"], found))
    assert unheard == []

    # In the feed after the weeks: season 2, numbered by the session, a guid of its own;
    # publishing another week later renumbers nothing.
    result = run_cli(
        "publish", str(SHORT), "--weeks", "2", "--site", str(site), "--cache-dir", str(cache), "-q"
    )
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((site / "feed.xml").read_text())
    assert not feed.bozo, feed.bozo_exception
    assert [(e.id, e.itunes_season, e.itunes_episode) for e in feed.entries] == [
        ("voicecoach:log-short:session-4", "2", "4"),
        ("voicecoach:log-short:week-2", "1", "2"),
        ("voicecoach:log-short:week-1", "1", "1"),
    ]
    session = feed.entries[0]
    assert session.title == "Log Short — session 4 (week 2)"
    assert session.enclosures[0].href == mp3.name
    assert int(session.enclosures[0].length) == mp3.stat().st_size
    # And on the page, the newest session before the program's weeks, with its player.
    page = (site / "index.html").read_text()
    assert page.index('id="session-4"') < page.index('id="week-1"') < page.index('id="week-2"')
    assert f'<audio id="audio-session-4" controls preload="metadata" src="{mp3.name}"' in page
    assert "2 weeks · 1 session from the log" in page


def test_the_page_shows_the_progress_picture_once_something_is_logged(
    short_site: Path, tmp_path: Path
) -> None:
    """The same picture as `history --plot`, drawn from the log as it is at each request."""
    from PIL import Image

    db = tmp_path / "log.sqlite3"
    with served(short_site, "--db", str(db), "--no-render-next") as (page_url, _):
        assert 'src="progress.png"' not in post(page_url, method="GET")[1]  # nothing logged
        assert post(page_url + "progress.png", method="GET")[0] == 404
        form = {"session": "1", "date": "", "ex-1": "", "ex-2": "", "ex-3": ""}
        body = urllib.parse.urlencode(form).encode()
        assert post(page_url + "log?at=week-1", body)[0] == 200
        assert 'src="progress.png"' in post(page_url, method="GET")[1]
        with urllib.request.urlopen(page_url + "progress.png", timeout=60) as response:
            assert response.headers["Content-Type"] == "image/png"
            picture = tmp_path / "served.png"
            picture.write_bytes(response.read())
    result = run_cli("history", str(SHORT), "--db", str(db), "--plot", str(tmp_path / "cli.png"))
    assert result.returncode == 0, result.stderr
    with Image.open(picture) as served_image, Image.open(tmp_path / "cli.png") as cli_image:
        served_pixels, cli_pixels = served_image.convert("RGBA"), cli_image.convert("RGBA")
    assert served_pixels.size == cli_pixels.size and served_pixels.size[0] > 300
    # The same picture: pixel for pixel (the PNG files may differ in their metadata).
    assert served_pixels.tobytes() == cli_pixels.tobytes()
    assert len(served_pixels.getcolors(1 << 16) or []) > 10  # and not a blank one


def test_weeks_and_sessions_that_are_the_same_session_share_one_file(tmp_path: Path) -> None:
    """A two-week foundation: weeks 1 and 2 are one episode and one file, and the log's
    foundation sessions take that file instead of being rendered again."""
    program = tmp_path / "two-week-foundation.yaml"
    program.write_text(
        SHORT.read_text().replace("foundation: {weeks: 1,", "foundation: {weeks: 2,")
    )
    site, cache, db = tmp_path / "site", tmp_path / "cache", tmp_path / "log.sqlite3"
    common = ["--site", str(site), "--cache-dir", str(cache), "--engine", "espeak"]
    result = run_cli("publish", str(program), "--weeks", "1-3", *common)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Published 2 episodes"), result.stdout
    assert sorted(p.name for p in site.glob("*.mp3")) == [
        "log-short-week-01-02.mp3", "log-short-week-03.mp3",
    ]  # fmt: skip
    timeline = json.loads((site / "log-short-week-01-02.timeline.json").read_text())
    assert (timeline["week"], timeline["through"]) == (1, 2)
    assert timeline["cues"][0]["text"] == "Log Short. Weeks 1 and 2."

    for number in (1, 2, 3):  # the first three sessions of the foundation (weeks 1-2)
        result = run_cli("publish", str(program), "--next", "--db", str(db), *common)
        assert result.returncode == 0, result.stderr
        assert (
            f"Session {number} is the same session as weeks 1–2: "
            "it shares log-short-week-01-02.mp3"
        ) in result.stdout
        assert ": 0 rendered, 2 unchanged," in result.stdout
        assert run_cli("log", str(program), "--db", str(db), "--as-prescribed").returncode == 0
    assert not list(site.glob("*session*"))
    feed = feedparser.parse((site / "feed.xml").read_text())
    assert [e.id for e in feed.entries] == [
        "voicecoach:log-short:week-3", "voicecoach:log-short:week-1",
    ]  # fmt: skip
    assert [e.title for e in feed.entries][1] == "Log Short — weeks 1–2"
    state = json.loads((site / ".voicecoach-site.json").read_text())
    assert [s["file"] for s in state["sessions"]] == ["log-short-week-01-02.mp3"] * 3

    # Published again one week at a time, the run is still one episode: week 2 alone
    # is the same file, and no week-02 file appears.
    result = run_cli("publish", str(program), "--weeks", "2", *common)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in site.glob("*.mp3")) == [
        "log-short-week-01-02.mp3", "log-short-week-03.mp3",
    ]  # fmt: skip


def test_a_site_keeps_the_newest_sessions_and_removes_the_older_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KEEP_SESSIONS of the log's sessions stay in the site (12; 2 here, to keep the test
    short): an older one leaves the state, the feed and the folder, its sidecars too."""
    from voicecoach.log import LogStore, next_in_log, record_session
    from voicecoach.program import load_program
    from voicecoach.publish import SessionTrack, publish
    from voicecoach.publish import site as site_module
    from voicecoach.render import EngineSpec, RenderSettings

    monkeypatch.setattr(site_module, "KEEP_SESSIONS", 2)
    program = load_program(str(SHORT))
    folder = tmp_path / "site"
    settings = RenderSettings(speech=EngineSpec(engine="espeak"), cache_dir=tmp_path / "cache")
    publish(program, [1], folder, settings)
    with LogStore(tmp_path / "log.sqlite3") as store:
        for _ in range(2):  # the foundation: its sessions share week 1's track
            record_session(store, program)
        for _ in range(3):  # sessions 3, 4 and 5, each rendered
            upcoming = next_in_log(store, program)
            session = SessionTrack(upcoming.number, upcoming.week)
            publish(program, [], folder, settings, session=session)
            record_session(store, program)
    state = json.loads((folder / ".voicecoach-site.json").read_text())
    assert [s["session"] for s in state["sessions"]] == [4, 5]
    assert sorted(p.name for p in folder.iterdir() if "session" in p.name) == sorted(
        f"log-short-session-00{n}{suffix}"
        for n in (4, 5)
        for suffix in (".mp3", ".timeline.json", ".chapters.json", ".vtt", ".cards")
    )
    feed = feedparser.parse((folder / "feed.xml").read_text())
    assert [e.id for e in feed.entries] == [
        "voicecoach:log-short:session-5", "voicecoach:log-short:session-4",
        "voicecoach:log-short:week-1",
    ]  # fmt: skip


def test_a_german_program_gets_a_german_page_and_feed(tmp_path: Path) -> None:
    """The page's, the form's, the coach screen's and the feed's own words come from the
    catalogue in the program's language (tests/cases/deutsch.yaml: language de)."""
    from voicecoach.words import KEYS, catalogue

    program = CASES / "deutsch.yaml"
    site, db = tmp_path / "site", tmp_path / "log.sqlite3"
    result = run_cli(
        "publish", str(program), "--weeks", "1", "--site", str(site),
        "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((site / "feed.xml").read_text())
    assert feed.feed.language == "de"
    assert '<podcast:season name="Wochen">1</podcast:season>' in (site / "feed.xml").read_text()
    static = (site / "index.html").read_text()
    assert '<html lang="de">' in static and "Das Programm, Woche für Woche" in static
    with served(site, "--db", str(db), "--no-render-next") as (page_url, _):
        page = html.unescape(post(page_url, method="GET")[1])
    for text in ("Als Nächstes: Einheit 1", "Einheit 1 eintragen", "Datum", "MP3 herunterladen",
                 "Deine erste Einheit: das Programm, wie es geschrieben ist.", "Zuhören"):
        assert text in page, text  # fmt: skip
    # No English word of the page's own catalogue is left (the program's texts are its own).
    # (Words German spells the same, "Pause", are German too; scripts are not words.)
    english, german = catalogue("en"), catalogue("de")
    shown = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    own = [
        english.entries[key]
        for key in KEYS
        if key.startswith(("page_", "form_", "coach_", "feed_"))
        and isinstance(english.entries[key], str)
        and "{" not in str(english.entries[key])
        and english.entries[key] != german.entries[key]
    ]
    leaked = [text for text in own if text in shown]
    assert len(own) > 20 and leaked == []
