"""Test helpers for the real browser (Debian's Chromium, headless, through selenium and
Debian's chromedriver): a phone's viewport, and waiting for the page without sleeping
a fixed time. The ``browser`` fixture itself is in conftest.py."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PHONE = {"width": 390, "height": 844, "pixelRatio": 2}


def start_chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "install Debian's chromium and chromium-driver (make setup)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio",
        f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()


def wait_for(
    chrome: webdriver.Chrome, script: str, ok: Callable[[Any], bool], timeout: float = 30
) -> Any:
    """Run ``script`` until ``ok(result)`` or the timeout; returns the last result (the
    caller asserts on it, so a timeout fails with the value seen)."""
    deadline = time.monotonic() + timeout
    while True:
        value = chrome.execute_script(script)
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)
