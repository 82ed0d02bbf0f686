"""Fixtures for the fact index and the exact claim checks: the real index over the committed data, loaded once."""

from __future__ import annotations

import pytest

from agent.kb.facts import FactIndex, default_index


@pytest.fixture(scope="session")
def fact_index() -> FactIndex:
    return default_index()
