"""What a prompt asks for, part by part: agent/asks.py."""

from __future__ import annotations

import pytest

from agent.asks import unanswered_parts


@pytest.mark.parametrize(
    ("prompt", "response", "expected"),
    [
        # one half of a two-part question answered
        ("Who directed The Departed, and which Oscars did it win?", "It was directed by Martin Scorsese.", ["awards"]),
        ("Who directed and who wrote the pilot?", "It was directed by Tim Van Patten.", ["writer"]),
        ("Name the director and the writer of the episode.", "It was directed by Jim Reardon.", ["writer"]),
        ("When was Alien released, and who directed it?", "Ridley Scott directed it.", ["release"]),
        ("How many seasons did Friends run, and who played Rachel?", "Jennifer Aniston played Rachel.", ["seasons"]),
        ("Who directed and who wrote it?", "Spielberg.", ["director", "writer"]),
        ("Who starred in Heat, and who directed it?", "Michael Mann directed it.", ["cast"]),
        # every part answered, in whatever words
        ("Who directed The Departed, and which Oscars did it win?", "Scorsese directed it; it won Best Picture.", []),
        ("Who directed The Departed, and which Oscars did it win?", "Scorsese directed it. It won no Oscars.", []),
        (
            "Name the main cast of Inception and say who directed it.",
            "Inception is a 2010 film by Christopher Nolan.",
            [],
        ),
        (
            "When was The Empire Strikes Back released, and who played Han Solo?",
            "In 1980, with Harrison Ford as Han.",
            [],
        ),
        # a year inside a title the prompt names is no release year; a year of its own is
        (
            "Who directed 2001: A Space Odyssey, and in what year was it released?",
            "2001: A Space Odyssey was directed by Stanley Kubrick.",
            ["release"],
        ),
        (
            "Who directed Blade Runner 2049, and when was it released?",
            "Blade Runner 2049 was directed by Denis Villeneuve.",
            ["release"],
        ),
        (
            "Who directed Blade Runner 2049, and when was it released?",
            "Blade Runner 2049 (2017) was directed by Denis Villeneuve.",
            [],
        ),
        (
            "Who directed the 1999 film The Mummy, and when was it released?",
            "It was directed by Stephen Sommers, in 1999.",
            [],
        ),
        # not asked: relative clauses, a list of names, a mention that is not a question
        ("List the actors who played James Bond, in order.", "Sean Connery, George Lazenby, Roger Moore.", []),
        ("Tell me about the Oscar-winning film Parasite.", "Parasite is a 2019 film by Bong Joon Ho.", []),
        # a one-part question is answered by any answer, however terse
        ("Who directed Jaws?", "Steven Spielberg.", []),
        ("Who directed Jaws, and what is it about?", "Steven Spielberg.", []),
        ("Summarise the plot of Heat in two sentences.", "A thief and a detective circle each other.", []),
    ],
)
def test_unanswered_parts(prompt: str, response: str, expected: list[str]) -> None:
    assert [p.aspect for p in unanswered_parts(prompt, response)] == expected


def test_a_finding_quotes_the_prompt_and_keeps_prompt_order() -> None:
    parts = unanswered_parts("Which year did it come out, and who wrote it?", "A fine film.")
    assert [(p.aspect, p.asked_by) for p in parts] == [("release", "Which year"), ("writer", "and who wrote")]
    assert parts[1].what == "who wrote it"
