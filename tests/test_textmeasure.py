"""Text measurement: counts as a human reader would make them, as ranges where conventions differ."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.textmeasure import (
    list_shape,
    paragraph_count,
    parse_number,
    release_years,
    season_mentions,
    sentence_count_range,
    strip_markdown,
    word_count_range,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("five", 5), ("Ten", 10), ("twenty-five", 25), ("twenty five", 25), ("a hundred", 100),
     ("two hundred and fifty", 250), ("a dozen", 12), ("zillion", None), ("", None)],
)  # fmt: skip
def test_parse_number_digits_and_words(text: str, value: int | None) -> None:
    assert parse_number(text) == value


def test_word_count_ignores_markdown_and_ranges_hyphens() -> None:
    text = "- **Toy Story** (1995) — Pixar's first feature-length film.\n- *Up* (2009)"
    # Toy Story (1995) Pixar's first feature-length film. Up (2009): 9 as word processors count; 10 if the
    # hyphenated word counts twice. The dash and the bullets are not words.
    assert word_count_range(text) == (9, 10)


def test_word_count_numbered_markers_and_headings_are_not_words() -> None:
    assert word_count_range("## Picks\n1. Inception\n2. Interstellar\n10. Up") == (4, 4)


def test_strip_markdown_keeps_link_text() -> None:
    assert strip_markdown("See [Inception](https://en.wikipedia.org/wiki/Inception) **now**").split() == [
        "See",
        "Inception",
        "now",
    ]


def test_sentences_abbreviations_and_initials_do_not_split() -> None:
    text = "Dr. Strange met J. R. R. Tolkien. It was odd... really. The U.S. release came later."
    assert sentence_count_range(text) == (3, 3)


def test_sentences_ambiguous_abbreviation_widens_the_range() -> None:
    # "Inc." may end the first sentence or be part of it: 1 or 2 sentences
    assert sentence_count_range("It was made by Monsters, Inc. It was released in 2001.") == (1, 2)


def test_sentences_unknown_for_lists() -> None:
    assert sentence_count_range("Picks:\n- Up\n- Cars") is None


def test_paragraphs() -> None:
    assert paragraph_count("One.\n\nTwo.\n   \nThree.") == 3
    assert paragraph_count("One line\nsame paragraph") == 1


def test_list_shape_numbered_list_survives_description_paragraphs() -> None:
    text = (
        "Here are five:\n\n1. **Toy Story** (1995)\nThe first Pixar feature.\n\n2. Up (2009)\n   - a nested note\n"
        "3. Cars (2006)\n\nHonourable mentions:\n- Ratatouille\n- WALL-E"
    )
    shape = list_shape(text)
    assert shape.blocks == [3, 2]
    assert (shape.numbered, shape.bulleted) == (3, 2)


def test_list_shape_nested_bullets_not_counted_and_rules_split_lists() -> None:
    text = "* Inception\n  * dream heist\n* Interstellar\n\n* * *\n* Dunkirk"
    shape = list_shape(text)
    assert shape.blocks == [2, 1]  # the horizontal rule is not an item; it separates two lists
    assert shape.bulleted == 3


def test_list_shape_heading_numbers() -> None:
    assert list_shape("### 1. Up\ntext\n### 2. Cars\ntext").blocks == [2]


def test_list_shape_prose_has_no_list() -> None:
    assert list_shape("Toy Story, Up and Cars are all Pixar films.").blocks == []


def test_release_years_only_unambiguous_forms() -> None:
    text = (
        "Toy Story (1995), Up (2009 film), Lost (TV series, 2004–2010), her grandmother (born 1921), "
        "Inception (dir. Christopher Nolan, 2010), the 1994 film Forrest Gump, released in 2001. Set in 1912, it..."
    )
    assert release_years(text) == [(1995, 1995), (2009, 2009), (2004, 2010), (2010, 2010), (1994, 1994), (2001, 2001)]


def test_release_years_open_run() -> None:
    assert release_years("The Simpsons (1989–present)") == [(1989, 2100)]


def test_season_mentions_forms_and_hedges() -> None:
    text = (
        'In season 3 "The Job" closes the year. S06E04 is "Niagara: Part 1". The fourth season is shorter. '
        "I won't spoil season 6."
    )
    assert [n for n, _ in season_mentions(text)] == [3, 6, 4]


def test_season_mentions_range() -> None:
    assert [n for n, _ in season_mentions("Seasons 2-4 are the best.")] == [2, 4]


_words = st.lists(st.from_regex(r"[A-Za-z][a-z]{0,9}", fullmatch=True), min_size=1, max_size=30)


@settings(max_examples=60)
@given(_words)
def test_markdown_never_changes_the_word_count(words: list[str]) -> None:
    plain = " ".join(words)
    bulleted = "\n".join(f"- **{w}**" for w in words)
    numbered = "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))
    assert word_count_range(plain) == word_count_range(bulleted) == word_count_range(numbered) == (len(words),) * 2


@settings(max_examples=60)
@given(_words, _words)
def test_hyphenation_only_widens_the_range(left: list[str], right: list[str]) -> None:
    text = " ".join(left) + "-" + " ".join(right)  # the two inner words joined by a hyphen
    low, high = word_count_range(text)
    assert (low, high) == (len(left) + len(right) - 1, len(left) + len(right))
