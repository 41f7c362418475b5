"""The page's coach screen in a real browser (Chromium at 390 × 844): the track is seeked
to moments the timeline names (mid-rep, mid-rest, mid-hold, just after a chapter jump)
and the screen must say what the timeline says at the time the player is at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from browsing import wait_for
from conftest import CASES, ROOT
from publishing import run_cli, served

pytestmark = pytest.mark.slow

PROGRAM = CASES / "sides_holds_cycles.yaml"
WORDS = {"lower": "Down", "bottom": "Pause", "lift": "Up", "top": "Hold"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coach-site")
    folder = root / "site"
    result = run_cli(
        "publish", str(PROGRAM), "--weeks", "1", "--site", str(folder),
        "--cache-dir", str(root / "cache"), "--engine", "espeak", "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder


def expected(timeline: dict, ms: int) -> dict[str, str]:  # type: ignore[type-arg]
    """What the timeline says at ``ms``, worked out here from the segments and cues."""
    segments = timeline["segments"]
    index = max(i for i, s in enumerate(segments) if s["start_ms"] <= ms)
    seg = segments[index]
    chapters = [c["start_ms"] for c in timeline["chapters"]]

    def chapter(at: int) -> int:
        return max(i for i, start in enumerate(chapters) if start <= at)

    same = [s for s in segments if chapter(s["start_ms"]) == chapter(seg["start_ms"])]
    title = timeline["chapters"][chapter(seg["start_ms"])]["title"]
    out = {"exercise": seg["exercise"] or title}
    where = []
    if seg["set"]:
        where.append(f"Set {seg['set']} of {max(s['set'] or 0 for s in same)}")
    if seg["side"]:
        where.append(f"{seg['side'].capitalize()} side")
    if seg["rep"] and seg["activity"] != "cycle":
        reps = max(
            s["rep"] or 0 for s in same if (s["set"], s["side"]) == (seg["set"], seg["side"])
        )
        where.append(f"Rep {seg['rep']} of {reps}")
    out["where"] = " · ".join(where)
    count = (ms - seg["start_ms"]) // 1000 + 1
    left = -((ms - seg["end_ms"]) // 1000)  # whole seconds left, rounded up
    if seg["activity"] in WORDS:
        out["now"] = f"{WORDS[seg['activity']]} {count}"
    elif seg["activity"] == "hold":
        out["now"], out["next"] = f"Hold {count}", f"{left} s left"
    elif seg["activity"] == "rest":
        out["now"] = f"Rest {left} s"
        after = next(s for s in segments[index + 1 :] if s["set"])
        out["next"] = f"Next: {after['exercise']}"
    said = [
        c["text"] for c in timeline["cues"]
        if c["kind"] == "speech" and c["start_ms"] <= ms and not c["text"].rstrip(".").isdigit()
    ]  # fmt: skip
    out["said"] = said[-1]
    return out


def screen(browser: webdriver.Chrome) -> dict[str, str]:
    return browser.execute_script(
        "const s = document.querySelector('#week-1 .coach'); const out = {ms: s.dataset.ms};"
        "for (const n of ['top', 'exercise', 'where', 'now', 'next', 'said'])"
        " out[n] = s.querySelector('.c-' + n).textContent;"
        "return out;"
    )


def seek(browser: webdriver.Chrome, seconds: float) -> dict[str, str]:
    """Pause, seek, and wait until the screen shows the time the player landed on."""
    browser.execute_script(
        "const a = document.getElementById('audio-1'); a.pause(); window.landed = null;"
        "a.addEventListener('seeked', () => { window.landed = a.currentTime; }, {once: true});"
        "a.currentTime = arguments[0];",
        seconds,
    )
    landed = wait_for(browser, "return window.landed", lambda t: t is not None, timeout=60)
    assert landed is not None and abs(landed - seconds) < 0.1, (landed, seconds)
    at = str(round(landed * 1000))
    shows = "return document.querySelector('#week-1 .coach').dataset.ms"
    assert wait_for(browser, shows, lambda ms: ms == at) == at
    return screen(browser)


def check(shown: dict[str, str], timeline: dict) -> None:  # type: ignore[type-arg]
    want = expected(timeline, int(shown["ms"]))
    assert {key: shown[key] for key in want} == want, shown


def middle(timeline: dict, activity: str, nth: int = 0) -> float:  # type: ignore[type-arg]
    seg = [s for s in timeline["segments"] if s["activity"] == activity][nth]
    return (seg["start_ms"] + seg["end_ms"]) / 2000


def test_the_coach_screen_follows_the_timeline(
    browser: webdriver.Chrome, site: Path, request: pytest.FixtureRequest
) -> None:
    timeline = json.loads((site / "sides-holds-cycles-week-01.timeline.json").read_text())
    shots = {}
    with served(site) as (url, _):
        browser.get(url)
        coach = browser.find_element(By.CSS_SELECTOR, "#week-1 .coach")
        assert coach.size["width"] >= 330  # the screen's width at 390 px
        # The whole panel plays and pauses: one thumb, anywhere on it.
        coach.click()
        assert wait_for(browser, "return !document.getElementById('audio-1').paused", bool)
        coach.click()
        assert wait_for(browser, "return document.getElementById('audio-1').paused", bool)
        for name, at in (
            ("rep", middle(timeline, "lower", 1)),
            ("rest", middle(timeline, "rest")),
            ("hold", middle(timeline, "hold", 1)),
        ):
            shown = seek(browser, at)
            check(shown, timeline)
            browser.execute_script(
                "document.getElementById('audio-1').scrollIntoView({block: 'start'})"
            )
            shots[name] = browser.get_screenshot_as_png()
        rest = seek(browser, middle(timeline, "rest"))
        assert rest["now"].startswith("Rest ") and rest["next"] == "Next: Hip Flexor Stretch"
        hold = seek(browser, middle(timeline, "hold", 1))
        assert hold["exercise"] == "Hip Flexor Stretch" and "Right side" in hold["where"]
        # A chapter jump: the last chapter's button, then the screen at that time.
        buttons = browser.find_elements(By.CSS_SELECTOR, "#week-1 ol.chapters button")
        browser.execute_script(
            "const a = document.getElementById('audio-1'); window.landed = null;"
            "a.addEventListener('seeked', () => { window.landed = a.currentTime; },"
            " {once: true});"
        )
        buttons[-1].click()
        landed = wait_for(browser, "return window.landed", lambda t: t is not None, timeout=60)
        assert landed is not None
        browser.execute_script("document.getElementById('audio-1').pause()")
        start = timeline["chapters"][-1]["start_ms"]
        wait_for(browser, "return window.landed", lambda t: t is not None)
        shown = screen(browser)
        assert abs(int(shown["ms"]) - start) < 1500, (shown, start)
        check(shown, timeline)
        assert shown["said"].startswith(("Cat-Cow", "Next up"))
    if request.config.getoption("--update-screenshots"):
        for name, png in shots.items():
            (ROOT / "docs" / f"coach-{name}.png").write_bytes(png)
