"""The seeded generator of the gold set's generated part: ``python -m evals.gold --seed 7``.

A correct response is built from KB facts (:mod:`evals.gold_cases`), then variants with one or two planted errors
of known kinds, a missing requested item or a broken word limit, crossed with contributor behaviours (caught it,
missed it, flagged a correct claim, ratings inconsistent with their own flags, generic or long-but-empty comment,
good comment). The expected audit is derived by :func:`label` from the parts and the behaviour with fixed rules
(see ``evals/datasets/gold/README.md``); the same seed gives the same file byte for byte.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.guidelines import Guidelines, load_guidelines
from agent.models import ContributorIssue, Evaluation, ModelResponse, Task
from evals import gold_facts
from evals.gold_cases import Draft, ErrorKind, Part, award_draft, cast_draft, episode_draft, film_draft, order_draft
from evals.gold_facts import FactPools, load_pools
from evals.gold_rules import EXPLAINS, rule_breaks
from evals.gold_schema import GOLD_DIR, GoldCase, GoldClaim, GoldFlag, GoldLabel, PlantedError, split_of

logger = logging.getLogger(__name__)

PROJECT = "entertainment_qa"
MODELS = ("gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "gemini-1.5-pro-002", "llama-3.1-70b-instruct")
CONTRIBUTORS = tuple(f"c-{n}" for n in range(301, 313))
GENERIC_SHORT = ("Great response, very helpful!", "Good answer.", "Looks fine to me.", "Nice job, accurate and clear.")
EMPTY_LONG = (
    "This response does a really good job of answering the question that was asked, and overall I think it is a "
    "solid, well written answer that most users would be happy to receive.",
    "Overall the answer is of good quality. It addresses the prompt, it is written in a clear way, and it provides "
    "the kind of information a user would expect. I do not see major problems with it.",
)

DOUBT = "Something about the details in this answer seems a bit off to me, so I went lower on accuracy to be safe."


@dataclass
class Side:
    """What the contributor did: issues, ratings, comment, and which correct parts they flagged."""

    issues: list[ContributorIssue]
    ratings: dict[str, int]
    comment: str
    missed: list[Part]
    false_flags: list[Part]
    weak_comment: str | None = None
    comment_empty: bool = False  # names no content, strength, limitation or problem (breaks comment rules)
    comment_vague: bool = False  # names a problem only vaguely: a comment rule_violation is acceptable


def gold_ratings(draft: Draft) -> dict[str, int]:
    """The ratings the guideline anchors give the response (see the gold README for the mapping)."""
    n_err = len(draft.errors)
    factual = 5 if n_err == 0 else 2 if n_err == 1 else 1
    instruction = 2 if draft.breaks_limit else 5
    completeness = 2 if draft.missing else 5
    helpful = min(5 if n_err == 0 else 2 if n_err == 1 else 1, 3 if draft.breaks_limit or draft.missing else 5)
    overall = min(factual, 3 if draft.breaks_limit or draft.missing else 5)
    return {
        "factual_accuracy": factual,
        "instruction_following": instruction,
        "completeness": completeness,
        "helpfulness": helpful,
        "writing_quality": 4,
        "overall": overall,
    }


def _clamp(v: int) -> int:
    return max(1, min(5, v))


def contributor(draft: Draft, behaviour: str, rng: random.Random) -> Side:
    """The contributor's side of the evaluation for one behaviour."""
    gold = gold_ratings(draft)
    ratings = dict(gold)
    ratings["writing_quality"] = rng.choice((4, 5))
    caught = draft.errors if behaviour in ("caught", "inconsistent", "generic") else []
    if behaviour == "partial":
        caught = draft.errors[:1]
    missed = [p for p in draft.errors if p not in caught]
    noticed = behaviour != "missed"
    issues = _issues(draft, caught, rng, minor_ok=behaviour == "inconsistent", noticed=noticed)
    limit_noticed = draft.breaks_limit and noticed
    missing_noticed = bool(draft.missing) and noticed
    false_flags: list[Part] = []
    if behaviour == "false_flag":
        target = draft.supported[rng.randrange(len(draft.supported))]
        false_flags.append(target)
        issues.append(
            ContributorIssue(type="factual_error", quote=target.text, note="I believe this is wrong.", severity="major")
        )
        ratings.update(factual_accuracy=2, helpfulness=3, overall=3)
    if missed and not caught:
        ratings.update(factual_accuracy=5, helpfulness=rng.choice((4, 5)), overall=rng.choice((4, 5)))
    if draft.breaks_limit and not limit_noticed:
        ratings.update(instruction_following=5, overall=max(ratings["overall"], 4))
    if draft.missing and not missing_noticed:
        ratings.update(completeness=5, overall=max(ratings["overall"], 4))
    if behaviour == "inconsistent":
        if caught:  # flags the error, then scores factual accuracy as if there were none
            ratings.update(factual_accuracy=4 if issues[0].severity == "major" else 5, helpfulness=3, overall=3)
        else:  # overall far from every other score
            ratings.update({d: 5 for d in ratings}, overall=2)
    elif behaviour == "harsh":  # a correct, complete answer scored as if it were thin
        ratings.update(helpfulness=2, overall=3)
    elif behaviour == "doubt":  # low accuracy with no error named
        ratings.update(factual_accuracy=3, overall=4)
    comment, weak = _comment_for(draft, behaviour, rng, caught, missed, false_flags)
    return Side(
        issues,
        {k: _clamp(v) for k, v in ratings.items()},
        comment,
        missed,
        false_flags,
        weak,
        comment_empty=behaviour in ("generic", "empty_long", "doubt"),
        comment_vague=behaviour == "harsh",
    )


def _comment_for(
    draft: Draft, behaviour: str, rng: random.Random, caught: list[Part], missed: list[Part], false_flags: list[Part]
) -> tuple[str, str | None]:
    """The comment, and why it is weak (None when it is not)."""
    if behaviour == "harsh":
        return (
            f"I checked {draft.checks[0]} and it is right, but the answer feels thin and not very useful to me.",
            None,
        )
    if behaviour == "doubt":
        return DOUBT, "vague doubt: names no specific problem for the lowered accuracy score"
    if behaviour == "generic":
        return rng.choice(GENERIC_SHORT), "generic praise; names no content of the response and no limitation"
    if behaviour == "empty_long":
        return rng.choice(EMPTY_LONG), "long but empty: points at no specific content, names no limitation"
    return _comment(draft, behaviour, rng, caught, missed, false_flags), None


def _issues(
    draft: Draft, caught: list[Part], rng: random.Random, *, minor_ok: bool, noticed: bool
) -> list[ContributorIssue]:
    issues: list[ContributorIssue] = []
    for part in caught:
        severity = "minor" if minor_ok and rng.random() < 0.5 else "major"
        kind = "hallucination" if part.kind == "existence" else "factual_error"
        issues.append(
            ContributorIssue(type=kind, quote=part.text, note=f"Should be: {part.correct}.", severity=severity)
        )
    if draft.breaks_limit and noticed:
        note = f"{draft.words} words; the prompt asked for under {draft.word_limit}."
        issues.append(
            ContributorIssue(type="instruction_violation", quote=draft.parts[-1].text, note=note, severity="major")
        )
    if draft.missing and noticed:
        note = f"Incomplete: {draft.missing}."
        issues.append(
            ContributorIssue(type="missing_information", quote=draft.parts[0].text, note=note, severity="major")
        )
    return issues


def _comment(
    draft: Draft, behaviour: str, rng: random.Random, caught: list[Part], missed: list[Part], false_flags: list[Part]
) -> str:
    checks = draft.checks
    if false_flags:
        return (
            f'The response states "{false_flags[0].text}" and I think that is not right, so I marked it as a '
            f"factual error and lowered accuracy. {checks[-1].capitalize()} looks fine."
        )
    sentences: list[str] = []
    for part in caught:
        sentences.append(f'Factual error: "{part.text}" is wrong (correct: {part.correct}).')
    if draft.breaks_limit and behaviour != "missed":
        sentences.append(f"It runs to {draft.words} words against the under-{draft.word_limit}-words limit.")
    if draft.missing and behaviour != "missed":
        sentences.append(f"It is incomplete: {draft.missing}.")
    if missed and not caught:
        sentences.append(f'I checked "{missed[0].text}" and the rest of the answer, and it all looks right.')
        sentences.append(f"Clear and direct. One limitation: {draft.limitation}.")
    elif behaviour == "missed" or (not caught and not sentences):
        sentences.append(f"I checked {', '.join(checks[:2])} and they look right.")
        sentences.append(f"Clear and direct. One limitation: {draft.limitation}.")
    else:
        sentences.append(f"The rest ({checks[-1]}) is fine. Also, {draft.limitation}.")
    return " ".join(sentences)


def label(draft: Draft, side: Side, g: Guidelines) -> tuple[list[GoldFlag], list[GoldFlag]]:
    """Expected and acceptable flags for one generated evaluation (rules in the gold README)."""
    flags = [
        GoldFlag(
            type="missed_error", dimension="factual_accuracy", about=f"unflagged error: {p.text} (correct: {p.correct})"
        )
        for p in side.missed
    ]
    flags += [
        GoldFlag(type="false_flag", dimension="factual_accuracy", about=f"flagged a correct claim: {p.text}")
        for p in side.false_flags
    ]
    noticed = {i.type for i in side.issues}
    if draft.breaks_limit and "instruction_violation" not in noticed and side.ratings["instruction_following"] >= 4:
        flags.append(
            GoldFlag(
                type="constraint_missed",
                dimension="instruction_following",
                about=f"{draft.words} words against an under-{draft.word_limit}-words limit",
            )
        )
    if draft.missing and "missing_information" not in noticed and side.ratings["completeness"] >= 4:
        flags.append(GoldFlag(type="incomplete_missed", dimension="completeness", about=draft.missing))
    if side.weak_comment:
        flags.append(GoldFlag(type="weak_comment", about=side.weak_comment))
    flags += rule_breaks(g, side.ratings, side.issues, side.comment, comment_empty=side.comment_empty)
    explained = {d for f in flags for d in EXPLAINS.get(f.type, {f.dimension} if f.dimension else set())}
    gold = gold_ratings(draft)
    expected, acceptable = list(flags), list[GoldFlag]()
    if side.comment_vague:
        acceptable.append(GoldFlag(type="rule_violation", about="the comment names its problem only vaguely"))
        acceptable.append(GoldFlag(type="weak_comment", about="the comment names its problem only vaguely"))
    for dim, score in side.ratings.items():
        if abs(score - gold[dim]) >= 2:
            flag = GoldFlag(
                type="rating_misaligned", dimension=dim, about=f"{dim}: contributor {score}, gold {gold[dim]}"
            )
            (acceptable if dim in explained else expected).append(flag)
    return expected, acceptable


Maker = Callable[[FactPools, random.Random], Draft | None]


@dataclass(frozen=True)
class Recipe:
    """One cell of the design: which draft, which behaviour, how many."""

    category: str
    behaviour: str
    count: int
    make: Maker


def recipes() -> list[Recipe]:
    """The design of the generated part (counts per cell); see the gold README."""

    def fd(errors: frozenset[str] = frozenset(), missing: bool = False, word_limit: bool = False) -> Maker:
        return lambda p, r: film_draft(p, r.choice(p.films), r, errors, missing=missing, word_limit=word_limit)

    def ed(error: ErrorKind | None = None, missing: bool = False, word_limit: bool = False) -> Maker:
        return lambda p, r: episode_draft(p, r.choice(p.episodes), r, error, missing=missing, word_limit=word_limit)

    def ad(won: bool, claim: bool = False) -> Maker:
        return lambda p, r: award_draft(r.choice(p.awards_won if won else p.awards_lost), r, claim_win=claim)

    def od(mix: bool = False) -> Maker:
        return lambda p, r: order_draft(r.choice(p.orders), r, mixup=mix)

    def cd(wrong: bool = False) -> Maker:
        return lambda p, r: cast_draft(r.choice(p.casts), r, wrong_actor=wrong)

    errors = {
        "wrong_year": fd(frozenset({"wrong_year"})),
        "wrong_director": fd(frozenset({"wrong_director"})),
        "invented_sequel": fd(frozenset({"invented_sequel"})),
        "award_not_won": ad(False, claim=True),
        "swapped_credits": ed("swapped_credits"),
        "wrong_actor": cd(wrong=True),
        "order_mixup": od(mix=True),
    }
    out: list[Recipe] = []
    for kind, make in errors.items():
        out += [
            Recipe(f"caught:{kind}", "caught", 3, make),
            Recipe(f"missed_error:{kind}", "missed", 6, make),
            Recipe(f"rule_violation:{kind}", "inconsistent", 2, make),
            Recipe(f"weak_comment:{kind}", "generic", 2, make),
        ]
    out += [
        Recipe("missed_error:wrong_director_episode", "missed", 3, ed("wrong_director")),
        Recipe("caught:wrong_director_episode", "caught", 1, ed("wrong_director")),
    ]
    two = fd(frozenset({"wrong_year", "wrong_director"}))
    out += [
        Recipe("missed_error:two_errors", "missed", 5, two),
        Recipe("missed_error:caught_one_of_two", "partial", 5, two),
        Recipe("caught:two_errors", "caught", 3, two),
    ]
    for name, make in (("film", fd(missing=True)), ("episode", ed(missing=True))):
        out += [
            Recipe(f"caught:missing_{name}", "caught", 2, make),
            Recipe(f"incomplete_missed:{name}", "missed", 6, make),
        ]
    for name, make in (("film", fd(word_limit=True)), ("episode", ed(word_limit=True))):
        out += [
            Recipe(f"caught:word_limit_{name}", "caught", 2, make),
            Recipe(f"constraint_missed:{name}", "missed", 6, make),
        ]
    clean = {"film": fd(), "award_won": ad(True), "award_lost": ad(False), "episode": ed(), "order": od(), "cast": cd()}
    for name, make in clean.items():
        out += [
            Recipe(f"clean:{name}", "good", 9, make),
            Recipe(f"false_flag:{name}", "false_flag", 5, make),
            Recipe(f"weak_comment:{name}", "generic", 2, make),
            Recipe(f"weak_comment_long:{name}", "empty_long", 2, make),
            Recipe(f"rule_violation:overall_{name}", "inconsistent", 1, make),
            Recipe(f"rating_misaligned:harsh_{name}", "harsh", 2, make),
            Recipe(f"rating_misaligned:doubt_{name}", "doubt", 1, make),
        ]
    return out


def generate(seed: int, pools: FactPools | None = None) -> list[GoldCase]:
    """The generated part of the gold set; deterministic for a seed (``pools`` defaults to the committed KB)."""
    rng = random.Random(seed)
    pools = pools or load_pools()
    g = load_guidelines(PROJECT)
    cases: list[GoldCase] = []
    start = datetime(2024, 12, 2, 8, 0, tzinfo=UTC)
    seen_texts: set[tuple[str, str]] = set()
    for recipe in recipes():
        made = 0
        while made < recipe.count:
            draft = recipe.make(pools, rng)
            if draft is None or (draft.text, recipe.behaviour) in seen_texts:
                continue
            seen_texts.add((draft.text, recipe.behaviour))
            made += 1
            eid = f"gg-{len(cases) + 1:04d}"
            cases.append(_case(eid, draft, recipe, rng, g, start + timedelta(minutes=37 * len(cases))))
    return cases


def _case(eid: str, draft: Draft, recipe: Recipe, rng: random.Random, g: Guidelines, when: datetime) -> GoldCase:
    side = contributor(draft, recipe.behaviour, rng)
    evaluation = Evaluation(
        evaluation_id=eid,
        contributor_id=rng.choice(CONTRIBUTORS),
        project=PROJECT,
        submitted_at=when,
        task=Task(prompt=draft.prompt, category=draft.scenario),
        response=ModelResponse(text=draft.text, model=rng.choice(MODELS)),
        ratings=side.ratings,
        issues=side.issues,
        comment=side.comment,
    )
    expected, acceptable = label(draft, side, g)
    planted = [
        PlantedError(quote=p.text, correct=p.correct, source=p.source, kind=p.error or "other") for p in draft.errors
    ]
    claims = [
        GoldClaim(quote=p.text, status="contradicted" if p.status == "contradicted" else "supported", kind=p.kind)
        for p in draft.parts
        if p.status != "neutral"
    ]
    gold = GoldLabel(
        expected_verdict="needs_review" if expected else "pass",
        expected_flags=expected,
        acceptable_flags=acceptable,
        gold_ratings=gold_ratings(draft),
        planted_errors=planted,
        claims=claims,
        split=split_of(eid),
        category=recipe.category.split(":")[0],
        source="generated",
        notes=f"recipe {recipe.category}, behaviour {recipe.behaviour}",
    )
    return GoldCase(evaluation=evaluation, gold=gold)


def write_jsonl(cases: list[GoldCase], path: Path) -> None:
    """One gold case per line, keys in model order (byte-stable for a seed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(c.model_dump(mode="json"), ensure_ascii=False) for c in cases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """CLI: rebuild ``generated.jsonl`` (seeded) and ``handwritten.jsonl`` (from ``handwritten.yaml``)."""
    from evals.gold_handwritten import build_handwritten  # imports this module's siblings only

    parser = argparse.ArgumentParser(prog="python -m evals.gold", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out-dir", type=Path, default=GOLD_DIR)
    args = parser.parse_args(argv)
    fingerprint = {"seed": args.seed, "kb": gold_facts.fingerprint()}
    (args.out_dir / "generated.kb.json").write_text(json.dumps(fingerprint, indent=1) + "\n", encoding="utf-8")
    for name, cases in (("generated", generate(args.seed)), ("handwritten", build_handwritten())):
        path = args.out_dir / f"{name}.jsonl"
        write_jsonl(cases, path)
        heldout = sum(c.gold.split == "heldout" for c in cases)
        print(f"wrote {len(cases)} {name} gold cases ({heldout} held out) to {path}")  # CLI output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
