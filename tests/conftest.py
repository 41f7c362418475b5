"""Shared test helpers: paths, the golden-file flag, and a program builder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
GOLDENS = ROOT / "tests" / "goldens"
PROGRAMS = ROOT / "programs"
SHIPPED = PROGRAMS / "alleviating-back-pain.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/cases/*.timeline.txt from the compiler (review the diff)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
