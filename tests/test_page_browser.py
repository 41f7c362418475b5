"""The published page in a real browser: Debian's Chromium, headless, at a phone's size.

Driven with selenium through Debian's chromedriver (both from `make setup`): selenium
is one pure-Python wheel that talks to the driver the system already has, where
Playwright brings a Node.js driver of its own and expects to download its browsers.
"""

from __future__ import annotations

import io
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from audiotools import decode
from conftest import ROOT
from publishing import served

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844, "pixelRatio": 2}
SCREENSHOT = ROOT / "docs" / "publish-page.png"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "install Debian's chromium and chromium-driver (make setup)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()


def wait_for(chrome: webdriver.Chrome, script: str, ok, timeout: float = 30):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = chrome.execute_script(script)
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


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
        buttons[1].click()
        at = wait_for(
            browser,
            "return document.getElementById('audio-1').currentTime",
            lambda t: t >= start - 0.05,
        )
        assert start - 0.05 <= at < start + 3, (at, start)  # playing on from the chapter

        png = browser.get_screenshot_as_png()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (PHONE["width"] * PHONE["pixelRatio"], PHONE["height"] * 2)
    # Not blank: many distinct colours and real contrast (text, the cover, the player).
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50
    assert max(ImageStat.Stat(image).stddev) > 20
    (tmp_path / "page.png").write_bytes(png)
    if request.config.getoption("--update-screenshots"):
        SCREENSHOT.write_bytes(png)
