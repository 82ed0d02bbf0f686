"""Shared fixtures. Area-specific fixtures live in tests/fixtures_*.py and are imported here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_kb_facts import fact_index  # noqa: F401  (fixture)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
