"""Spoilers of later films, against the franchise notes' release order: agent/spoilers.py via the constraints."""

from __future__ import annotations

import pytest

from agent.constraints import check_response
from agent.kb.facts import FactIndex
from agent.kb.notes import FranchiseNote
from agent.spoilers import later_entry_spoiler

PROMPT = (
    "I'm on the third Harry Potter film. Without spoiling the later films, who plays Dumbledore in Prisoner of Azkaban?"
)


@pytest.fixture
def notes(fact_index: FactIndex) -> list[FranchiseNote]:
    if "wizarding_world" not in {n.meta.id for n in fact_index.notes}:
        pytest.skip("franchise note wizarding_world not available")
    return fact_index.notes


def test_a_plot_event_of_a_later_film_breaks_the_limit(notes: list[FranchiseNote]) -> None:
    text = "Michael Gambon plays Dumbledore in Prisoner of Azkaban. Later, Snape kills Dumbledore in Half-Blood Prince."
    found = later_entry_spoiler(PROMPT, text, notes)
    assert found is not None
    assert (found.limit, found.entry) == (
        "Harry Potter and the Prisoner of Azkaban",
        "Harry Potter and the Half-Blood Prince",
    )
    assert found.sentence == "Later, Snape kills Dumbledore in Half-Blood Prince."
    [check] = check_response(PROMPT, text, notes=notes)
    assert check.kind == "spoiler" and check.satisfied is False and "Half-Blood Prince" in check.detail


@pytest.mark.parametrize(
    "text",
    [
        "Michael Gambon plays Dumbledore in Prisoner of Azkaban (2004), and in every film through Deathly Hallows.",
        "Michael Gambon. Richard Harris, who played him before, died after Chamber of Secrets.",  # an earlier film
        "Michael Gambon plays Dumbledore in Prisoner of Azkaban (2004).",
    ],
)
def test_a_later_film_named_without_a_plot_event_or_an_earlier_one_is_no_spoiler(
    notes: list[FranchiseNote], text: str
) -> None:
    assert later_entry_spoiler(PROMPT, text, notes) is None
    [check] = check_response(PROMPT, text, notes=notes)
    assert check.satisfied is None  # still the model stage's to judge


def test_without_notes_or_a_named_entry_nothing_is_decided(notes: list[FranchiseNote]) -> None:
    text = "Later, Snape kills Dumbledore in Half-Blood Prince."
    [check] = check_response(PROMPT, text)  # no notes given
    assert check.satisfied is None
    assert later_entry_spoiler("No spoilers please: who plays Dumbledore?", text, notes) is None
