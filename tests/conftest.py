"""Shared test helpers: paths, the golden-file flag, and a program builder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: in `make test` and CI every run tries the same examples (derandomized,
# no example database), so a property fails a submission only when the code is wrong,
# never by the luck of the draw. `make test-properties` searches many more, at random
# (VOICECOACH_PROPERTY_SCALE times each test's count), and keeps what it finds in
# .hypothesis/ so a failure found there is replayed until it is fixed.
# Piper without its random noise (src/voicecoach/render/engines/piper.py): a phrase is
# said the same way in every run, so loudness and timing measured in a test do not move by
# the luck of the draw. Set at import, before any engine runs; build subprocesses inherit it.
os.environ["VOICECOACH_PIPER_NOISE"] = "0"

PROPERTY_SCALE = max(1, int(os.environ.get("VOICECOACH_PROPERTY_SCALE", "1")))
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.register_profile("search", deadline=None)
settings.load_profile("repeatable" if PROPERTY_SCALE == 1 else "search")


def examples(count: int) -> int:
    """How many examples a property test runs: ``count`` in `make test`, more in a search."""
    return count * PROPERTY_SCALE


ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
GOLDENS = ROOT / "tests" / "goldens"
PROGRAMS = ROOT / "programs"
SHIPPED = PROGRAMS / "alleviating-back-pain.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-screenshots",
        action="store_true",
        help="save the browser test's screenshot of the published page into docs/",
    )
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/cases/*.timeline.txt from the compiler (review the diff)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/cases/tempo_basic.yaml weeks 1-2 published with --split (read-only for tests:
    copy it to change it), plus a symlink that leads out of the site."""
    from publishing import publish

    root = tmp_path_factory.mktemp("published")
    folder = root / "site"
    publish(folder, root / "cache", "1-2", "--split")
    (folder / "escape.mp3").symlink_to("/etc/hostname")
    return folder


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One headless Chromium at a phone's size for every browser test (tests/browsing.py)."""
    from browsing import start_chromium

    yield from start_chromium(tmp_path_factory.mktemp("chromium-profile"))
