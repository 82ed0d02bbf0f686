"""Explicit prompt constraints that code can measure, checked against each response (no model needed).

Kinds: ``word_limit`` ("in under 80 words", "50 words or fewer"), ``sentence_limit`` ("at most 3 sentences"),
``list_count`` ("name five", "top 10"), ``format`` (bulleted/numbered list, table, one word, JSON, one paragraph),
``year_range`` ("released between 2000 and 2010", "from the 1990s", "before 1980") and ``spoiler`` ("no spoilers
past season 2"; "I'm on Prisoner of Azkaban, no spoilers" against the franchise notes, :mod:`agent.spoilers`).
Every measurement is a range (a hyphenated word may count as one word or two); a check is ``satisfied=True``/
``False`` only when the whole range agrees, otherwise ``None``, which hands the constraint to the model stage. The
code never flags on an uncertain measurement.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence

from agent.kb.notes import FranchiseNote
from agent.models import ConstraintCheck, Evaluation, ResponseSide
from agent.prompt_constraints import PromptConstraint, extract_constraints
from agent.spoilers import later_entry_spoiler
from agent.textmeasure import (
    ListShape,
    list_shape,
    paragraph_count,
    release_years,
    season_mentions,
    sentence_count_range,
    word_count_range,
)

logger = logging.getLogger(__name__)

__all__ = ["PromptConstraint", "check_constraints", "check_response", "extract_constraints"]


def check_response(
    prompt: str, text: str, side: ResponseSide = "a", notes: Sequence[FranchiseNote] = ()
) -> list[ConstraintCheck]:
    """Check every measurable constraint of ``prompt`` against one response text.

    Args:
        prompt: The user's request.
        text: The response text.
        side: Which response this is ("a", or "b" in side-by-side tasks).
        notes: The franchise notes, for spoilers of later films (:mod:`agent.spoilers`); without them such a
            constraint is left to the model stage.

    Returns:
        One :class:`ConstraintCheck` per constraint (``method="exact"``); ``satisfied=None`` where code cannot tell.
    """
    constraints = extract_constraints(prompt)
    several_counts = sum(c.kind == "list_count" for c in constraints) > 1
    checks: list[ConstraintCheck] = []
    for c in constraints:
        if c.kind == "list_count" and several_counts:
            check = _check(c, None, "the prompt asks for several lists; which list each count applies to is unclear")
        elif c.kind == "spoiler" and c.high is None and (later := later_entry_spoiler(prompt, text, notes)):
            detail = f"tells what happens in {later.entry}, after {later.limit}: {later.sentence}"
            check = _check(c, False, detail)
        else:
            check = _CHECKERS[c.kind](c, text)
        checks.append(check.model_copy(update={"response": side}))
    logger.debug("constraints side %s: %s", side, [(c.kind, c.satisfied) for c in checks])
    return checks


def check_constraints(evaluation: Evaluation, notes: Sequence[FranchiseNote] = ()) -> list[ConstraintCheck]:
    """Check the prompt's measurable constraints against the response (and response B in side-by-side tasks)."""
    checks = check_response(evaluation.task.prompt, evaluation.response.text, "a", notes)
    if evaluation.response_b is not None:
        checks += check_response(evaluation.task.prompt, evaluation.response_b.text, "b", notes)
    return checks


def _check(c: PromptConstraint, satisfied: bool | None, detail: str, margin: float | None = None) -> ConstraintCheck:
    return ConstraintCheck(constraint=c.text, kind=c.kind, satisfied=satisfied, detail=detail, margin=margin)


def _bounded(c: PromptConstraint, lo_count: int, hi_count: int, unit: str) -> ConstraintCheck:
    """Judge a measured range [lo_count, hi_count] against the constraint's bounds."""
    measured = (
        f"{lo_count} {unit}" if lo_count == hi_count else f"{lo_count}-{hi_count} {unit} (counting conventions differ)"
    )
    if c.high is not None:
        allowed = c.high * 1.2 if c.approx else c.high
        if lo_count > allowed:
            return _check(c, False, f"{measured}; the limit is {c.high}", margin=round((lo_count - c.high) / c.high, 3))
        if hi_count > allowed:
            return _check(c, None, f"{measured}; at the limit of {c.high}, uncertain")
    if c.low is not None:
        if hi_count < c.low:
            return _check(c, False, f"{measured}; at least {c.low} asked", margin=round((c.low - hi_count) / c.low, 3))
        if lo_count < c.low:
            return _check(c, None, f"{measured}; at the minimum of {c.low}, uncertain")
    return _check(c, True, measured)


def _check_words(c: PromptConstraint, text: str) -> ConstraintCheck:
    lo, hi = word_count_range(text)
    return _bounded(c, lo, hi, "words")


def _check_sentences(c: PromptConstraint, text: str) -> ConstraintCheck:
    measured = sentence_count_range(text)
    if measured is None:
        return _check(c, None, "the response is a list or table; sentences cannot be counted reliably")
    return _bounded(c, measured[0], measured[1], "sentences")


def _check_count(c: PromptConstraint, text: str) -> ConstraintCheck:
    shape = list_shape(text)
    if not shape.blocks:
        return _check(c, None, "no list markup; the items cannot be counted reliably")
    total = sum(shape.blocks)
    if len(shape.blocks) == 1 or _within(c, total):
        return _bounded(c, total, total, "items")
    if any(_within(c, b) for b in shape.blocks):
        return _check(c, None, f"several lists ({shape.blocks} items); which one answers the request is unclear")
    return _check(c, False, f"lists of {shape.blocks} items; none has the {_bounds_text(c)} items asked")


def _within(c: PromptConstraint, n: int) -> bool:
    return (c.low is None or n >= c.low) and (c.high is None or n <= c.high)


def _bounds_text(c: PromptConstraint) -> str:
    if c.low == c.high:
        return str(c.low)
    return f"{c.low or 0}-{c.high}" if c.high is not None else f"at least {c.low}"


def _check_format(c: PromptConstraint, text: str) -> ConstraintCheck:
    shape = list_shape(text)
    fmt = c.fmt or ""
    if fmt in ("bulleted", "numbered", "list"):
        return _check_list_format(c, shape)
    if fmt == "table":
        has = bool(re.search(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$", text, re.M)) or "<table" in text
        return _check(c, has, "a markdown table is present" if has else "no table in the response")
    if fmt == "one_word":
        lo, hi = word_count_range(text)
        if hi <= 1:
            return _check(c, True, "one word")
        return _check(c, None if lo <= 2 else False, f"{lo} words")
    if fmt == "json":
        return _check_json(c, text)
    n = paragraph_count(text)
    limit = c.high or 1
    return _check(c, n <= limit, f"{n} paragraph(s); at most {limit} asked")


def _check_list_format(c: PromptConstraint, shape: ListShape) -> ConstraintCheck:
    want = c.fmt
    if shape.bulleted >= 2 and want in ("bulleted", "list"):
        return _check(c, True, f"a bulleted list of {shape.bulleted} items")
    if shape.numbered >= 2 and want in ("numbered", "list"):
        return _check(c, True, f"a numbered list of {shape.numbered} items")
    if shape.numbered >= 2 and want == "bulleted":
        return _check(c, None, "a numbered list where bullets were asked; a minor difference")
    if shape.bulleted >= 2 and want == "numbered":
        return _check(c, False, "a bulleted list where a numbered list was asked")
    return _check(c, False, f"no {want if want != 'list' else ''} list in the response".replace("  ", " "))


def _check_json(c: PromptConstraint, text: str) -> ConstraintCheck:
    body = text.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.S | re.I)
    if fence:
        body = fence.group(1)
    try:
        json.loads(body)
    except ValueError:
        if re.search(r"```(?:json)?\s*[\[{]", text, re.I):
            return _check(c, None, "JSON inside other text; the model stage decides")
        return _check(c, False, "the response is not valid JSON")
    return _check(c, True, "valid JSON")


def _check_years(c: PromptConstraint, text: str) -> ConstraintCheck:
    years = release_years(text)
    if c.low is None and c.high is None:
        return _check(c, None, "several year ranges in the prompt; the model stage decides")
    if not years:
        return _check(c, None, "no release years stated in the response")
    lo = c.low if c.low is not None else -10_000
    hi = c.high if c.high is not None else 10_000
    outside = [f"{a}" if a == b else f"{a}-{b}" for a, b in years if b < lo or a > hi]
    partial = [f"{a}-{b}" for a, b in years if a < lo <= b or a <= hi < b]
    if outside:
        return _check(c, False, f"release years outside the range: {', '.join(outside)}")
    if partial:
        return _check(c, None, f"runs that only overlap the range: {', '.join(partial)}")
    items = list_shape(text)
    if items.blocks and len(years) < sum(items.blocks):
        return _check(c, None, f"{len(years)} release years for {sum(items.blocks)} list items; the rest unknown")
    return _check(c, True, f"all stated release years in range: {', '.join(str(a) for a, _ in years)}")


def _check_spoilers(c: PromptConstraint, text: str) -> ConstraintCheck:
    if c.high is None:
        return _check(c, None, "a spoiler limit without a season number; the model stage judges the content")
    beyond = [(n, quote) for n, quote in season_mentions(text) if n > c.high]
    if beyond:
        quotes = "; ".join(q for _, q in beyond[:3])
        return _check(c, False, f"mentions seasons past {c.high}: {quotes}")
    return _check(c, None, f"no season past {c.high} named; plot spoilers need the model stage")


_CHECKERS: dict[str, Callable[[PromptConstraint, str], ConstraintCheck]] = {
    "word_limit": _check_words,
    "sentence_limit": _check_sentences,
    "list_count": _check_count,
    "format": _check_format,
    "year_range": _check_years,
    "spoiler": _check_spoilers,
}
