"""Rating flags: ``rating_misaligned`` per dimension, and a side-by-side preference against ratings or evidence."""

from __future__ import annotations

from agent.compare.context import Context, confidence_of, make_flag, short
from agent.compare.policy import (
    ACCOUNTED_SCORE,
    BY_RANK,
    CENTRAL_KINDS,
    CONFIDENCE_COMMENT,
    JUDGE_ONLY_MIN_GAP,
    MODEL_RATING_TRUST,
    UNBACKED_DIMENSIONS,
)
from agent.errors import AuditError
from agent.guidelines import FOLLOWS_EVIDENCE
from agent.models import AgentRating, Claim, Evidence, Flag, FlagSeverity, Ratings, ResponseSide


def misaligned_ratings(ctx: Context) -> list[tuple[Flag, float]]:
    """``rating_misaligned`` per dimension: the agent's rating 2+ apart (not the judge's view alone), or a low score
    nothing backs."""
    unbacked = unbacked_low_scores(ctx)
    out: list[tuple[Flag, float]] = []
    for r in ctx.f.agent_ratings:
        if not ctx.g.scale.min <= r.score <= ctx.g.scale.max:
            raise AuditError(
                f"evaluation {ctx.ev.evaluation_id}: agent rating {r.dimension}={r.score} is outside the "
                f"{ctx.g.project} scale {ctx.g.scale.min}-{ctx.g.scale.max}; the ratings stage must keep to it"
            )
        theirs = ctx.ratings(r.response).get(r.dimension)
        if theirs is None or abs(theirs - r.score) < 2:
            continue
        if judge_only(r):
            continue  # the judge's view alone: shown in the report's ratings table, not a flag (policy)
        gap = abs(theirs - r.score)
        rank = 1 if gap == 2 else 2
        unbacked.pop((r.response, r.dimension), None)
        message = (
            f"{ctx.label(r.response)}contributor rated {r.dimension} {theirs}, the agent {r.score}: "
            f"{short(r.rationale, 240) or 'no rationale given'}"
        )
        evidence = _rating_evidence(ctx, r)
        flag = make_flag("rating_misaligned", BY_RANK[rank], message, evidence, r.confidence, dimension=r.dimension)
        out.append((flag, gap / ctx.span))
    if any(f.dimension == "factual_accuracy" for f, _ in [*out, *unbacked.values()]):
        for dim in FOLLOWS_EVIDENCE:  # lowered along with an accuracy doubt: one flag, on its root
            unbacked.pop(("a", dim), None)
    return out + list(unbacked.values())


def unbacked_low_scores(ctx: Context) -> dict[tuple[ResponseSide, str], tuple[Flag, float]]:
    """A low score that nothing backs: the contributor scored a dimension ``ACCOUNTED_SCORE`` or below, flagged no
    issue and names no problem in the comment, and the agent's own checks find none either (claims checked and
    supported, no contradicted claim, no broken constraint, no missing part).

    Single-response evaluations only (side by side, the preference flags judge ``overall``), and only dimensions
    the agent's checks speak to (``UNBACKED_DIMENSIONS``: not writing quality, which nothing here measures).
    """
    ev, f = ctx.ev, ctx.f
    assessment = f.comment_assessment
    if ev.response_b is not None or ev.issues or assessment is None or assessment.names_limitation:
        return {}
    supported = [c for c in f.claims if c.status == "supported"]
    if not supported or any(c.status == "contradicted" for c in f.claims):
        return {}
    if any(c.satisfied is False for c in f.constraints) or f.completeness:
        return {}
    met = sum(1 for c in f.constraints if c.satisfied)
    out: dict[tuple[ResponseSide, str], tuple[Flag, float]] = {}
    for dim in ctx.g.dimensions:
        score = ev.ratings.get(dim)
        if dim not in UNBACKED_DIMENSIONS or score is None or score > ACCOUNTED_SCORE:
            continue
        message = (
            f"contributor rated {dim} {score} but names no specific problem for it (no issue flagged, none in the "
            f"comment), and the agent's checks find none: {len(supported)} claim(s) supported, none contradicted"
            + (f", {met} constraint(s) met" if met else "")
            + ", no part of the prompt left out."
        )
        evidence = [e for c in supported for e in c.evidence][:2]
        flag = make_flag("rating_misaligned", "medium", message, evidence, CONFIDENCE_COMMENT, dimension=dim)
        out[("a", dim)] = (flag, ctx.norm(ctx.g.scale.max) - ctx.norm(score))
    return out


def judge_only(r: AgentRating) -> bool:
    """The rating rests on the judge model's view alone, at a confidence too low to flag: advice for the auditor."""
    return r.basis == "model" and r.confidence < MODEL_RATING_TRUST


def _rating_evidence(ctx: Context, r: AgentRating) -> list[Evidence]:
    if r.dimension not in ("factual_accuracy", "overall"):
        return []
    return [e for c in ctx.f.claims if c.response == r.response and c.status == "contradicted" for e in c.evidence][:3]


def preference_flags(ctx: Context) -> list[tuple[Flag, float]]:
    """Side by side: the preference must agree with the contributor's own ratings and with the evidence."""
    pref = ctx.ev.preference
    if pref is None or ctx.ev.ratings_b is None:
        return []
    out: list[tuple[Flag, float]] = []
    own = {"a": _overall(ctx.ev.ratings), "b": _overall(ctx.ev.ratings_b)}
    agent = {r.response: r for r in ctx.f.agent_ratings if r.dimension == "overall"}
    bad = {s: [c for c in ctx.f.claims if c.response == s and c.status == "contradicted"] for s in ("a", "b")}
    if pref == "tie":
        if abs(own["a"] - own["b"]) >= 2:
            msg = f"preferred neither, yet rated overall A {own['a']:g} and B {own['b']:g}."
            out.append((make_flag("rating_misaligned", "medium", msg, [], 1.0, dimension="overall"), 0.5))
        worse = "a" if len(bad["a"]) > len(bad["b"]) else "b"
        if len(bad[worse]) > len(bad["b" if worse == "a" else "a"]):
            msg = f"preferred neither, yet response {worse.upper()} has more contradicted claims."
            out.append(
                (
                    make_flag(
                        "rating_misaligned", "low", msg, _ev(bad[worse]), _claims_conf(bad[worse]), dimension="overall"
                    ),
                    0.5,
                )
            )
        return out
    other = "b" if pref == "a" else "a"
    gap = own[other] - own[pref]
    if gap > 0:
        msg = f"preferred {pref.upper()} but rated overall {own[pref]:g} for it and {own[other]:g} for {other.upper()}."
        sev: FlagSeverity = "high" if gap >= 2 else "medium"
        out.append((make_flag("rating_misaligned", sev, msg, [], 1.0, dimension="overall"), gap / ctx.span))
    more = len(bad[pref]) - len(bad[other])
    if more > 0:
        central = any(c.kind in CENTRAL_KINDS for c in bad[pref]) and not bad[other]
        sev = "high" if more >= 2 or central else "medium"
        msg = (
            f"preferred {pref.upper()}, which has {len(bad[pref])} contradicted claim(s) against "
            f"{len(bad[other])} in {other.upper()}."
        )
        out.append(
            (
                make_flag("rating_misaligned", sev, msg, _ev(bad[pref]), _claims_conf(bad[pref]), dimension="overall"),
                1.0,
            )
        )
    if pref in agent and other in agent:
        a_pref, a_other = agent[pref], agent[other]
        advice = judge_only(a_pref) or judge_only(a_other)
        if a_other.score - a_pref.score >= (JUDGE_ONLY_MIN_GAP if advice else 2):
            msg = (
                f"preferred {pref.upper()}, but the agent rates overall {pref.upper()} {a_pref.score} and "
                f"{other.upper()} {a_other.score}: {short(a_other.rationale, 200)}"
            )
            conf = min(a_pref.confidence, a_other.confidence)
            sev = "low" if advice else "medium"
            out.append((make_flag("rating_misaligned", sev, msg, [], conf, dimension="overall"), 0.75))
    return out


def _overall(ratings: Ratings) -> float:
    if "overall" in ratings:
        return float(ratings["overall"])
    return sum(ratings.values()) / len(ratings) if ratings else 0.0


def _ev(claims: list[Claim]) -> list[Evidence]:
    return [e for c in claims for e in c.evidence][:4]


def _claims_conf(claims: list[Claim]) -> float:
    return max((confidence_of(c.method) for c in claims), default=1.0)
