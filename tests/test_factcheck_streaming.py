"""Where a title streams, against the 2021 catalogues (agent/factcheck/streaming.py): supported only, since a title
missing from a catalogue may have arrived since."""

from __future__ import annotations

import pytest

from agent.factcheck import check_claims
from agent.kb.facts import FactIndex


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Stranger Things streams on Netflix.", ["Stranger Things streams on Netflix"]),
        ("- **The Office (U.S.)** — on Netflix, all 9 seasons.", ["The Office (U.S.)** — on Netflix"]),
        # the title as the service lists it, named after the service
        (
            "The UK original is on Hulu, and it's also on Amazon Prime Video, "
            'where it\'s listed simply as "The Office".',
            ['on Amazon Prime Video, where it\'s listed simply as "The Office"'],
        ),
        # a service the catalogue does not list the title on: nothing (never contradicted)
        ("Stranger Things is on Hulu.", []),
        ("The Crown is on Netflix and Hulu.", ["The Crown is on Netflix"]),
        # not a statement that it streams there now
        ("Stranger Things is no longer on Netflix.", []),
        ("Frasier was on Hulu until 2020.", []),
        ("Stranger Things is a Netflix original, on Netflix since 2016.", []),
    ],
)
def test_a_title_on_a_service_whose_catalogue_lists_it(fact_index: FactIndex, text: str, claims: list[str]) -> None:
    found = [c for c in check_claims(text, fact_index) if c.kind == "streaming"]
    assert all(c.status == "supported" for c in found)
    assert all(c.evidence and "catalogue (2021)" in c.evidence[0].quote for c in found)
    assert [c.text for c in found] == claims
