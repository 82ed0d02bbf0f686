"""Quality of the contributor's justification comment, by transparent heuristics (no model needed).

A good comment points at specific content of the response (names, numbers, quoted words that the prompt did not
already contain), rests on evidence (a fact, a correction, a source), is consistent with the scores, and names at
least one strength or limitation. A comment that points at nothing and rests on nothing is ``weak`` at any length
(generic praise, boilerplate, long-but-empty text); "I do not see any problems" names no limitation. Every judgment
comes with a plain-English reason, so an auditor can see why.
"""

from __future__ import annotations

import logging
import re

from agent.guidelines import Guidelines
from agent.models import CommentAssessment, Evaluation

logger = logging.getLogger(__name__)

__all__ = ["CommentSignals", "assess_comment", "comment_signals"]

_STOP = set(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
    other our out over own same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    it's isn't doesn't don't didn't wasn't one two three""".split()
)
# words every comment on every response may use: they point at nothing in particular
_GENERIC = set(
    """response answer answers model prompt user question request accurate accuracy correct correctly information
    detail details overall quality writing written helpful helpfulness complete completeness instruction instructions
    following follows followed factual facts fact film films movie movies show shows series good great well clear
    clearly concise nice excellent perfect solid strong weak fine okay ok rating ratings score scores gave give
    everything nothing something really quite pretty very much many lot bit job done work makes make made like
    well-written easy read readable fluent tone style format structure structured organised organized relevant
    useful thorough explanation explains mentions mention named names title titles year years""".split()
)
_NEGATED_PROBLEM = re.compile(
    r"\b(?:no|without|zero|free\s+of|nothing|(?:didn'?t|did\s+not|don'?t|do\s+not|can'?t|cannot|could(?:n'?t|\s+not))"
    r"\s+(?:see|find|notice|spot))\s+"
    r"(?:any\s+|obvious\s+|major\s+|minor\s+|factual\s+|real\s+|notable\s+|significant\s+)*"
    r"(?:errors?|issues?|mistakes?|problems?|inaccurac\w*|hallucinat\w*|flaws?|spoilers?|concerns?|complaints?)\b"
    r"|\bnothing\s+(?:is\s+)?(?:missing|wrong|left\s+out)\b|\bcould(?:n'?t|\s+not)\s+(?:be\s+better|ask\s+for)\b"
    r"|\bno\s+room\s+for\s+improvement\b"
    r"|\b(?:can(?:no|')t|could(?:n'?t|\s+not))\s+think\s+of\s+anything\b[^.;!?]*"
    r"|\bnothing\s+(?:that\s+)?(?:should|could|needs?\s+to|has\s+to)\s+be\s+\w+",
    re.I,
)
# words that say something is wrong; a comment using one with all-top scores contradicts itself
_SEVERE_WORDS = (
    r"incorrect\w*|wrong\w*|errors?|erroneous|mistak\w*|inaccura\w*|false|hallucinat\w*|invent\w*|fabricat\w*"
    r"|made[\s-]up|fails?|failed|violat\w*|ignor\w*|exceed\w*|(?:does\s+not|doesn'?t)\s+exist"
)
_SEVERE = re.compile(rf"\b(?:{_SEVERE_WORDS})\b", re.I)
# ... and words that name a milder limitation or an area of opportunity
_LIMITATION = re.compile(
    rf"\b(?:{_SEVERE_WORDS}|missing|omit\w*|however|although|misses|lacks?|lacking|left\s+out|leaves\s+out|could"
    r"|should|doubt\w*|dubious|questionable|suspect|unsure|not\s+sure|flagged"
    r"|would\s+(?:benefit|be\s+better|help|make\s+it|add|improve)|too\s+(?:long|short|brief|vague)|verbose|wordy|unclear|confus\w*|vague"
    r"|limitations?|issues?|problems?|flaws?|improve\w*|opportunit\w*|spoil\w*|breaks|broke|outside|off[\s-]topic"
    r"|outdated|repetitive|slip|not\s+(?:accurate|correct|mention\w*|includ\w*|cover\w*|follow\w*|answer\w*)"
    r"|only\s+(?:lists?|names?|gives?|mentions?|covers?|\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"|instead\s+of|rather\s+than|actually|in\s+fact|short\s+of|fewer\s+than|past\s+the|beyond"
    r"|over\s+the\s+(?:limit|word)|(?:has\s+)?no\s+place|out\s+of\s+place|unnecessary|irrelevant|inappropriate"
    r"|a\s+(?:touch|bit|little)\s+(?:brief|short|thin|light|long|vague))\b",
    re.I,
)
_STRENGTH = re.compile(
    r"\b(?:accurate\w*|correct\w*|clear\w*|concise\w*|well[\s-]\w+|good|great|excellent|helpful|thorough|complete"
    r"|strong|precise\w*|useful|engaging|informative|nails|follows|respects|detailed|solid|strength\w*)\b",
    re.I,
)
_EVIDENCE_CUE = re.compile(
    r"\b(?:actually|in\s+fact|according\s+to|per\s+the|source|wikipedia|imdb|oscars?|academy\s+awards?|emmys?"
    r"|credited|released\s+in|directed\s+by|should\s+(?:be|read|say)|not\s+\w+\s+but|instead\s+of|rather\s+than)\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"\b(?:good|great|nice|solid|excellent|fine|ok(?:ay)?)\s+(?:response|answer|job|work)\b|\blooks\s+good\b"
    r"|\bmeets\s+(?:all\s+)?(?:the\s+)?(?:expectations|requirements)\b|\bno\s+(?:issues|problems)\s+found\b"
    r"|\bn/?a\b|\bwell\s+written\s+and\s+accurate\b|\boverall\s+(?:good|great|fine)\b",
    re.I,
)
# aspects of an entertainment answer a comment can point at ("the director is right, the year is wrong")
_ASPECT = re.compile(
    r"\b(director|directed|directing|writers?|written|wrote|screenplay|cast|stars?|starring|actors?|actress|roles?"
    r"|years?|release[sd]?|dates?|aired|episodes?|seasons?|finale|awards?|oscars?|emmys?|nominat\w*|won|wins?|plot"
    r"|ending|characters?|sequels?|prequels?|trilogy|franchise|runtime|box\s+office|novels?|book|source|order"
    r"|list|bullet\w*|table|format|length|word\s+limit|spoilers?)\b",
    re.I,
)
_SHORT = 15  # fewer words than this cannot justify six ratings unless they point at content
_LONG = 40  # this many words that point at nothing are "long but empty"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)?")


class CommentSignals:
    """What the heuristics saw in a comment, shared by :func:`assess_comment` and the rules stage."""

    def __init__(self, comment: str, response_texts: list[str], prompt: str) -> None:
        self.comment = comment.strip()
        self.words = len(_WORD.findall(self.comment))
        cleaned = _NEGATED_PROBLEM.sub(" ", self.comment)
        self.names_limitation = bool(_LIMITATION.search(cleaned))
        self.names_strength = bool(_STRENGTH.search(_NEGATED_PROBLEM.sub(" ", self.comment)))
        self.severe = bool(_SEVERE.search(cleaned))
        self.boilerplate = bool(_BOILERPLATE.search(self.comment))
        self.shared = _shared_terms(self.comment, response_texts, prompt)
        self.quotes_response = _quotes(self.comment, response_texts)
        self.has_number = bool(re.search(r"\d", self.comment))
        self.evidence_cue = bool(_EVIDENCE_CUE.search(cleaned))  # "nothing should be changed" is no correction
        self.aspects = len({m.group(1).lower().rstrip("s") for m in _ASPECT.finditer(self.comment)})

    @property
    def specific(self) -> bool:
        """Points at content of the response.

        A quote, a shared name or number, two shared content words, one shared word and two named aspects
        ("the director is right, the year is wrong"), or three named aspects.
        """
        names_or_numbers = [t for t, kind in self.shared if kind in ("num", "name")]
        shared = len(self.shared)
        return (
            self.quotes_response
            or bool(names_or_numbers)
            or shared >= 2
            or (shared >= 1 and self.aspects >= 2)
            or self.aspects >= 3
        )

    @property
    def evidence_based(self) -> bool:
        """Rests on something checkable: a quote, a number, a correction or a cited source."""
        return self.quotes_response or self.has_number or self.evidence_cue


def comment_signals(evaluation: Evaluation) -> CommentSignals:
    """The heuristic signals of one evaluation's comment (against both responses in side-by-side tasks)."""
    texts = [evaluation.response.text] + ([evaluation.response_b.text] if evaluation.response_b else [])
    return CommentSignals(evaluation.comment, texts, evaluation.task.prompt)


def assess_comment(evaluation: Evaluation, guidelines: Guidelines) -> CommentAssessment:
    """Judge the contributor's comment: specific, names a limitation, evidence-based, consistent, weak.

    Args:
        evaluation: The contributor's evaluation (comment, ratings, responses, prompt).
        guidelines: The project's guidelines (for the rating scale).

    Returns:
        A :class:`CommentAssessment` whose ``reasons`` say, in plain English, what made it weak or not.
    """
    s = comment_signals(evaluation)
    scores = list(evaluation.ratings.values()) + list((evaluation.ratings_b or {}).values())
    top, bottom = guidelines.scale.max, guidelines.scale.min
    low_cut = bottom + (top - bottom) // 2  # 3 on a 1-5 scale
    reasons: list[str] = []
    consistent = True
    if s.names_strength and not s.names_limitation and scores and min(scores) <= low_cut:
        consistent = False
        reasons.append(f"praises the response only, yet gives a score of {min(scores)}")
    if s.severe and scores and min(scores) == top:
        consistent = False
        reasons.append(f"names a problem, yet every score is the top score {top}")
    weak = not consistent
    if s.words < 5:
        weak = True
        reasons.append(f"too short to justify the ratings ({s.words} words)")
    elif not s.specific and not s.evidence_based:
        # points at nothing and rests on nothing: weak at any length (on gold-dev all 21 such comments under 40
        # words are weak in the gold audit), unless it at least says which parts of the answer it judged and how
        # ("correct on both episodes and their positions in their seasons": two aspects and a strength)
        kind = "long but empty" if s.words >= _LONG else ("boilerplate" if s.boilerplate else "generic")
        weak = s.words >= _LONG or s.boilerplate or not (s.aspects >= 2 and s.names_strength and s.words >= _SHORT)
        reasons.append(f"{kind}: does not point at any specific content of the response")
    if scores and min(scores) <= low_cut and not s.names_limitation:
        weak = True
        reasons.append(f"gives a score of {min(scores)} but names no limitation or area of opportunity")
    elif not s.names_limitation:
        reasons.append("names no limitation or area of opportunity")
    if not weak:
        reasons.insert(0, "points at specific content" if s.specific else "rests on checkable evidence")
    logger.debug("comment of %s: weak=%s reasons=%s", evaluation.evaluation_id, weak, reasons)
    return CommentAssessment(
        specific=s.specific,
        names_limitation=s.names_limitation,
        evidence_based=s.evidence_based,
        consistent_with_ratings=consistent,
        weak=weak,
        reasons=reasons,
    )


# --------------------------------------------------------------------------------------------------------------


_FUNCTION_WORDS = {"the", "a", "an", "i", "it", "this", "that", "and", "or", "of", "in", "on", "to", "but", "if"}


def _terms(text: str) -> dict[str, str]:
    """Distinctive terms of a text: normalised key -> "num", "name" (capitalised mid-sentence) or "word"."""
    out: dict[str, str] = {}
    for m in _WORD.finditer(text):
        w = m.group(0)
        key = w.lower().replace("’", "'").removesuffix("'s").strip("'")
        before = text[: m.start()].rstrip()
        mid_sentence = bool(before) and before[-1] not in '.!?:\n"“*#-'
        if w[0].isupper() and mid_sentence and len(key) >= 2 and key not in _FUNCTION_WORDS:
            kind = "name"  # a title or a person, even a short or common word ("Up", "Cars")
        elif key in _STOP or key in _GENERIC or (len(key) < 4 and not key.isdigit()) or key in ("0", "1"):
            continue
        else:
            kind = "num" if key[0].isdigit() else "word"
        if out.get(key) != "name":
            out[key] = kind
    return out


def _shared_terms(comment: str, responses: list[str], prompt: str) -> list[tuple[str, str]]:
    """(term, kind) of the comment that occur in a response but not in the prompt (the prompt is not the response).

    A term counts as a name when either text capitalises it mid-sentence (list items start with titles).
    """
    prompt_keys = set(_terms(prompt))
    response_terms: dict[str, str] = {}
    for r in responses:
        for k, v in _terms(r).items():
            if response_terms.get(k) != "name":
                response_terms[k] = v
    out: list[tuple[str, str]] = []
    for k, kind in _terms(comment).items():
        if k in response_terms and k not in prompt_keys:
            out.append((k, "name" if "name" in (kind, response_terms[k]) else response_terms[k]))
    return out


def _quotes(comment: str, responses: list[str]) -> bool:
    """The comment quotes a response: a quoted passage of 2+ words, or any run of 5 words, found verbatim."""
    norm_responses = [" ".join(r.lower().split()) for r in responses]
    for m in re.finditer(r"[\"“']([^\"”']{6,200})[\"”']", comment):
        q = " ".join(m.group(1).lower().split())
        if len(q.split()) >= 2 and any(q in r for r in norm_responses):
            return True
    words = comment.lower().split()
    return any(" ".join(words[i : i + 5]) in r for i in range(len(words) - 4) for r in norm_responses)
