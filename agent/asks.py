"""What a prompt asks for, part by part, and which parts a response leaves unanswered (exact, no model).

A multi-part question ("Who directed The Departed, and which Oscars did it win?") is answered half surprisingly
often, and a contributor who reads a fluent, correct half rates completeness 5. The judge model is asked about
completeness too, but a 1.5B model does not notice a missing half reliably; this check does not need it.

Each :data:`ASPECTS` entry pairs the way a prompt asks for something (a question phrase: "who wrote", "which
Oscars", "when was it released") with the words any answer to it must use (a writer's verb, an award word, a
year). A part counts as unanswered only when the prompt clearly asks it, alongside another part, and the response
has none of its answer words, so a wrong answer is left to the fact checks and a vague ask is left to the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ASPECTS", "Aspect", "UnansweredPart", "unanswered_parts"]

_I = re.IGNORECASE
# "who" opens a question (start, after punctuation, "and", "say"), not a relative clause ("the actors who played")
_WHO = r"(?:^|[,.;:?!]\s*|\b(?:and|also|say|tell\s+me|explain)\s+)who\s+"
_NAME = r"\b(?:name|give|list|say)\s+(?:me\s+)?(?:the\s+|its\s+|their\s+)?[\w\s,]{0,30}?\b"


@dataclass(frozen=True)
class Aspect:
    """One kind of thing a prompt can ask for: how it is asked, and what any answer must contain."""

    name: str
    asked: re.Pattern[str]
    answered: re.Pattern[str]
    what: str  # how a finding names it: "who wrote it"


@dataclass(frozen=True)
class UnansweredPart:
    """A part of the prompt the response does not answer, with the prompt's own words."""

    aspect: str
    what: str
    asked_by: str  # the phrase of the prompt that asks it


ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "director",
        re.compile(
            _WHO
            + r"(?:\w+\s+)?directed\b|"
            + _WHO
            + r"(?:was|were|is)\s+(?:the\s+)?directors?\b|"
            + _NAME
            + r"directors?\b",
            _I,
        ),
        re.compile(
            r"\bdirect(?:ed|or|ors|s|ing)\b|\bhelm(?:ed|s)?\b|\bfilmmakers?\b|\b(?:film|movie|picture)\s+by\b", _I
        ),
        "who directed it",
    ),
    Aspect(
        "writer",
        re.compile(
            _WHO
            + r"(?:\w+\s+)?wrote\b|"
            + _WHO
            + r"(?:was|were|is)\s+(?:the\s+)?(?:screen)?writers?\b|"
            + _NAME
            + r"(?:screen)?writers?\b",
            _I,
        ),
        re.compile(
            r"\bwr(?:ote|itten|iter|iters|iting)\b|\bscreenplay\b|\bteleplay\b|\bscript(?:ed)?\b|\bpenned\b", _I
        ),
        "who wrote it",
    ),
    Aspect(
        "awards",
        re.compile(
            r"\b(?:which|what|how\s+many)\s+(?:\w+\s+){0,2}(?:oscars?|academy\s+awards?|emmys?|awards?|golden\s+globes?)"
            r"\b[^?.;]{0,60}\b(?:win|won|receive|received|get|got)\b",
            _I,
        ),
        re.compile(
            r"\boscars?\b|\bacademy\s+awards?\b|\bemmys?\b|\bawards?\b|\bgolden\s+globes?\b|\bwon\b|\bwins?\b"
            r"|\bnominat\w*|\bbest\s+(?:picture|director|actor|actress|screenplay|film|drama|comedy)\b",
            _I,
        ),
        "which awards it won",
    ),
    Aspect(
        "release",
        re.compile(
            r"\bwhen\s+(?:was|were|did|is)\b[^?.;]{0,80}?\b(?:released|release|premiered?|air(?:ed)?|come\s+out"
            r"|debut(?:ed)?)\b|\b(?:what|which)\s+year\b|\brelease\s+(?:date|year)\b",
            _I,
        ),
        re.compile(r"\b(?:1[89]|20)\d\d\b"),
        "when it came out",
    ),
    Aspect(
        "cast",
        re.compile(
            # not "name the cast": a list of names answers it without any cast word
            _WHO + r"(?:\w+\s+)?(?:starred|stars|played|plays|voiced|voices|portrayed)\b",
            _I,
        ),
        re.compile(
            # "Harrison Ford as Han Solo" answers "who played Han Solo"
            r"\b(?i:star(?:s|red|ring)?|play(?:s|ed|ing)?|cast|portray\w*|voic\w+|roles?)\b|\bas\s+[A-Z]"
        ),
        "who is in it",
    ),
    Aspect(
        "seasons",
        re.compile(r"\bhow\s+many\s+seasons\b", _I),
        re.compile(r"\bseasons?\b|\bseries\s+\d+\b", _I),
        "how many seasons it ran",
    ),
)


def unanswered_parts(prompt: str, response: str) -> list[UnansweredPart]:
    """The parts ``prompt`` clearly asks for that ``response`` does not answer at all, in prompt order.

    Only a prompt that asks two or more of the :data:`ASPECTS` is checked: the failure is answering one half of a
    multi-part question. A one-part question is answered by any answer, however terse ("Who directed Jaws?" ->
    "Steven Spielberg."); whether the answer is right is for the fact checks.
    """
    asked = [(m.start(), aspect, m.group(0)) for aspect in ASPECTS if (m := aspect.asked.search(prompt))]
    if len(asked) < 2:
        return []
    answer = _without_title_years(prompt, response)
    return [
        UnansweredPart(aspect.name, aspect.what, phrase)
        for _, aspect, phrase in sorted(asked, key=lambda x: x[0])
        if not aspect.answered.search(answer)
    ]


# a year that is part of a title the prompt names: "2001: A Space Odyssey", "Blade Runner 2049"
_TITLE_YEAR = re.compile(r"\b(?:1[89]|20)\d\d:\s+[A-Z][\w'’-]*|\b[A-Z][\w'’-]*\s+(?:1[89]|20)\d\d\b(?!\))")


def _without_title_years(prompt: str, response: str) -> str:
    """The response with the prompt's year-bearing titles blanked: repeating a title gives no release year."""
    for fragment in {m.group(0) for m in _TITLE_YEAR.finditer(prompt)}:
        response = response.replace(fragment, " ")
    return response
