"""The published page in a real browser: Debian's Chromium, headless, at a phone's size.

Driven with selenium through Debian's chromedriver (both from `make setup`): selenium
is one pure-Python wheel that talks to the driver the system already has, where
Playwright brings a Node.js driver of its own and expects to download its browsers.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.common.by import By

from audiotools import decode
from browsing import PHONE, wait_for
from conftest import ROOT
from publishing import served

pytestmark = pytest.mark.slow

SCREENSHOT = ROOT / "docs" / "publish-page.png"


def test_page_plays_and_chapters_seek_on_a_phone(
    browser: webdriver.Chrome, published_site: Path, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with served(published_site) as (page_url, _):
        browser.get(page_url)
        assert browser.title == "Tempo Basic"
        # No request leaves the server: every resource the page loaded is on its origin.
        origins = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
        )
        assert set(origins) <= {page_url.rsplit("/", 2)[0]}
        feed_text = browser.find_element(By.ID, "feed-url").text
        assert feed_text == page_url + "feed.xml"

        timeline = json.loads((published_site / "tempo-basic-week-01.timeline.json").read_text())
        decoded_s = len(decode(str(published_site / "tempo-basic-week-01.mp3"))) / 24000
        duration = wait_for(
            browser,
            "return document.getElementById('audio-1').duration",
            lambda d: isinstance(d, (int, float)) and d > 0,
        )
        assert abs(duration - decoded_s) < 0.1, (duration, decoded_s)
        assert abs(duration - timeline["duration_ms"] / 1000) < 0.1

        buttons = browser.find_elements(By.CSS_SELECTOR, "#week-1 ol.chapters button")
        assert [b.text.split("\n")[-1] for b in buttons] == [
            c["title"] for c in timeline["chapters"]
        ]
        start = timeline["chapters"][1]["start_ms"] / 1000
        # Where the seek landed is read when it lands (the 'seeked' event), not some time
        # later while it plays on: the check is of position, however slow this machine is.
        browser.execute_script(
            "const audio = document.getElementById('audio-1');"
            "audio.addEventListener('seeked', () => { window.seekedAt = audio.currentTime; },"
            " {once: true});"
        )
        buttons[1].click()
        seeked_at = wait_for(
            browser, "return window.seekedAt ?? null", lambda t: t is not None, timeout=60
        )
        assert seeked_at is not None, "the chapter button never seeked"
        assert abs(seeked_at - start) < 0.05, (seeked_at, start)
        # Playing on from the chapter: it moves forward, and what it played starts there.
        playing = wait_for(
            browser,
            "const audio = document.getElementById('audio-1');"
            "const played = [...Array(audio.played.length).keys()]"
            ".map(i => [audio.played.start(i), audio.played.end(i)]);"
            "return {paused: audio.paused, time: audio.currentTime, played: played};",
            lambda state: not state["paused"] and state["time"] > seeked_at,
            timeout=60,
        )
        assert not playing["paused"] and playing["time"] > seeked_at, playing
        assert any(abs(begin - start) < 0.05 for begin, _ in playing["played"]), playing

        png = browser.get_screenshot_as_png()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (PHONE["width"] * PHONE["pixelRatio"], PHONE["height"] * 2)
    # Not blank: many distinct colours and real contrast (text, the cover, the player).
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50
    assert max(ImageStat.Stat(image).stddev) > 20
    (tmp_path / "page.png").write_bytes(png)
    if request.config.getoption("--update-screenshots"):
        SCREENSHOT.write_bytes(png)
