"""Shared fixtures. Area-specific fixtures live in tests/fixtures_*.py and are imported here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures_kb import kb_fixture  # noqa: F401  (fixture)
from tests.fixtures_kb_facts import fact_index  # noqa: F401  (fixture)
from tests.fixtures_llm import _cassette_fully_played, _recording_server, recorded_llm, vcr_config  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent

# Tests never read a developer's own settings file (it may hold keys or another model); subprocesses inherit this.
os.environ["AUDIT_SETTINGS_FILE"] = str(REPO_ROOT / "tests" / "data" / "no-settings-file.env")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak-size", type=int, default=60, help="evaluations per fault soak in tests/test_soak.py (make soak: 1000)"
    )
    parser.addoption("--live", action="store_true", help="also run tests marked live (they need the local model)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--live"):
        return
    skip = pytest.mark.skip(reason="needs the local model; opt in with --live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def soak_size(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--soak-size"))
