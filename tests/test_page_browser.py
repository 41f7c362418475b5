"""The published page in a real browser: Debian's Chromium, headless, at a phone's size.

Driven with selenium through Debian's chromedriver (both from `make setup`): selenium
is one pure-Python wheel that talks to the driver the system already has, where
Playwright brings a Node.js driver of its own and expects to download its browsers.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import quote

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


def test_the_lock_screen_and_headset_follow_the_chapters(
    browser: webdriver.Chrome, published_site: Path
) -> None:
    """On a phone the page is the iPhone's player: once a track plays, the Media Session
    names it with its cover, and next / previous (what a headset or the lock screen sends)
    move by chapter. A download link keeps the file; the home screen gets the cover."""
    timeline = json.loads((published_site / "tempo-basic-week-01.timeline.json").read_text())
    starts = [c["start_ms"] / 1000 for c in timeline["chapters"]]
    assert len(starts) == 2
    with served(published_site) as (page_url, _):
        browser.get(page_url)
        browser.execute_script("document.getElementById('audio-1').play()")
        metadata = wait_for(
            browser,
            "const m = navigator.mediaSession.metadata;"
            "return m && {title: m.title, artist: m.artist, album: m.album,"
            " art: m.artwork.map(a => a.src)}",
            lambda m: bool(m),
        )
        assert metadata == {
            "title": "Tempo Basic — week 1",
            "artist": "voicecoach",
            "album": "Tempo Basic",
            "art": [page_url + "cover.png"],
        }
        audio = "document.getElementById('audio-1')"
        landed = (
            "const [step, done] = arguments; const a = " + audio + ";"
            "a.addEventListener('seeked', () => done(a.currentTime), {once: true});"
            "window.voicecoach[step](a);"
        )
        browser.execute_script(f"{audio}.pause(); {audio}.currentTime = 0.2")
        wait_for(browser, f"return {audio}.currentTime", lambda t: abs(t - 0.2) < 0.05)
        assert abs(browser.execute_async_script(landed, "nextChapter") - starts[1]) < 0.05
        browser.execute_script(f"{audio}.currentTime = {starts[1] + 5}")
        wait_for(browser, f"return {audio}.currentTime", lambda t: abs(t - starts[1] - 5) < 0.1)
        # More than 3 s into a chapter, "previous" goes back to its start; then the one before.
        assert abs(browser.execute_async_script(landed, "previousChapter") - starts[1]) < 0.05
        browser.execute_script(f"{audio}.currentTime = {starts[1] + 1}")
        wait_for(browser, f"return {audio}.currentTime", lambda t: abs(t - starts[1] - 1) < 0.1)
        assert abs(browser.execute_async_script(landed, "previousChapter") - starts[0]) < 0.05

        download = browser.find_element(By.CSS_SELECTOR, "#week-1 a[download]")
        assert download.get_attribute("href") == page_url + "tempo-basic-week-01.mp3"
        icons = browser.find_elements(By.CSS_SELECTOR, "link[rel='apple-touch-icon']")
        assert [i.get_attribute("href") for i in icons] == [page_url + "cover.png"]
        antenna = browser.find_element(By.ID, "subscribe-antennapod").get_attribute("href")
        assert antenna == (
            "https://antennapod.org/deeplink/subscribe?url="
            + quote(page_url + "feed.xml", safe="")
            + "&title=Tempo%20Basic"
        )
