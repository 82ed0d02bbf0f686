"""Contributor performance: what each contributor gets wrong, in figures a lead can act on."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from html import escape
from statistics import mean

from pydantic import Field

from agent.compare.ratings import judge_only
from agent.models import FLAG_TYPES, AuditReport, Strict
from agent.report.queue import csv_text
from agent.validate import ValidRecord


class ContributorStats(Strict):
    """One contributor's record over the audited evaluations."""

    contributor_id: str
    evaluations: int = Field(ge=0)
    flagged: int = Field(ge=0, description="Evaluations the agent sent to review.")
    share_flagged: float = Field(ge=0.0, le=1.0)
    missed_errors: int = Field(ge=0)
    false_flags: int = Field(ge=0)
    rule_violations: int = Field(ge=0)
    weak_comments: int = Field(ge=0, description="Evaluations whose comment the agent found weak.")
    mean_abs_diff: dict[str, float] = Field(
        default_factory=dict,
        description="Per rubric dimension: mean |contributor score - agent score|, over the agent's trusted ratings "
        "(evidence-based or confident; the judge's view alone is advice and left out).",
    )
    flag_counts: dict[str, int] = Field(default_factory=dict)
    most_frequent_issue: str = ""
    areas_for_improvement: list[str] = Field(default_factory=list)


def contributor_stats(pairs: Iterable[tuple[ValidRecord | None, AuditReport]]) -> list[ContributorStats]:
    """Per contributor, most flagged share first."""
    by_contributor: dict[str, list[tuple[ValidRecord | None, AuditReport]]] = defaultdict(list)
    for record, report in pairs:
        by_contributor[report.contributor_id].append((record, report))
    stats = [_one(cid, items) for cid, items in by_contributor.items()]
    stats.sort(key=lambda s: (-s.share_flagged, -s.evaluations, s.contributor_id))
    return stats


def _one(contributor_id: str, items: list[tuple[ValidRecord | None, AuditReport]]) -> ContributorStats:
    flags: Counter[str] = Counter()
    diffs: dict[str, list[int]] = defaultdict(list)
    flagged = weak = 0
    for record, report in items:
        flagged += report.verdict == "needs_review"
        flags.update(f.type for f in report.flags)
        assessment = report.comment_assessment
        weak += any(f.type == "weak_comment" for f in report.flags) or bool(assessment and assessment.weak)
        if record is not None:
            evaluation = record.evaluation
            for rating in report.agent_ratings:
                if judge_only(rating):
                    continue  # the judge's view alone is advice (agent.compare.policy): not a basis for coaching
                given = evaluation.ratings if rating.response == "a" else evaluation.ratings_b or {}
                if rating.dimension in given:
                    diffs[rating.dimension].append(abs(given[rating.dimension] - rating.score))
    most = max(FLAG_TYPES, key=lambda t: (flags[t], -FLAG_TYPES.index(t)))
    stats = ContributorStats(
        contributor_id=contributor_id,
        evaluations=len(items),
        flagged=flagged,
        share_flagged=flagged / len(items) if items else 0.0,
        missed_errors=flags["missed_error"],
        false_flags=flags["false_flag"],
        rule_violations=flags["rule_violation"],
        weak_comments=weak,
        mean_abs_diff={dim: round(mean(values), 2) for dim, values in sorted(diffs.items())},
        flag_counts={t: flags[t] for t in FLAG_TYPES if flags[t]},
        most_frequent_issue=most if flags[most] else "",
    )
    stats.areas_for_improvement = areas_for_improvement(stats)
    return stats


def areas_for_improvement(s: ContributorStats) -> list[str]:
    """Plain advice from the figures, most important first."""
    out = []
    if s.missed_errors:
        out.append(f"catch factual errors: {s.missed_errors} missed (check titles, years, people and credits)")
    if s.false_flags:
        out.append(f"verify before flagging: {s.false_flags} correct statement(s) flagged as errors")
    if s.mean_abs_diff:
        dim, gap = max(s.mean_abs_diff.items(), key=lambda kv: kv[1])
        if gap > 1.0:
            out.append(f"calibrate {dim} ratings against the rubric anchors (off by {gap:.1f} on average)")
    if s.rule_violations:
        out.append(f"apply the guideline rules: {s.rule_violations} violation(s)")
    if s.evaluations and s.weak_comments / s.evaluations >= 0.25:
        out.append(f"write specific comments naming a limitation: {s.weak_comments} weak")
    if s.flag_counts.get("constraint_missed") or s.flag_counts.get("incomplete_missed"):
        out.append("check every explicit constraint of the prompt and whether all of it was answered")
    return out


def dimensions_of(stats: Iterable[ContributorStats]) -> list[str]:
    """Every dimension that has a rating difference, in a stable order."""
    return sorted({dim for s in stats for dim in s.mean_abs_diff})


def contributors_csv(stats: list[ContributorStats]) -> str:
    """contributors.csv: one row per contributor, one ``mad_<dimension>`` column per dimension."""
    dims = dimensions_of(stats)
    fields = [
        "contributor_id",
        "evaluations",
        "flagged",
        "share_flagged",
        "missed_errors",
        "false_flags",
        "rule_violations",
        "weak_comments",
        *(f"mad_{d}" for d in dims),
        "most_frequent_issue",
        "areas_for_improvement",
    ]
    rows = []
    for s in stats:
        row: dict[str, object] = s.model_dump(exclude={"mean_abs_diff", "flag_counts", "areas_for_improvement"})
        row["share_flagged"] = f"{s.share_flagged:.3f}"
        for d in dims:
            row[f"mad_{d}"] = f"{s.mean_abs_diff[d]:.2f}" if d in s.mean_abs_diff else ""
        row["areas_for_improvement"] = "; ".join(s.areas_for_improvement)
        rows.append(row)
    return csv_text(fields, rows)


def chart_svg(stats: list[ContributorStats], *, width: int = 560) -> str:
    """An inline SVG bar chart: the share of each contributor's evaluations sent to review.

    Everything drawn is a number or an escaped contributor id, so the SVG is safe to inline.
    """
    bar_h, gap, label_w = 18, 6, 150
    plot_w = width - label_w - 60
    height = max(1, len(stats)) * (bar_h + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="Share of evaluations flagged per contributor">'
    ]
    for i, s in enumerate(stats):
        y = i * (bar_h + gap) + 4
        w = round(plot_w * s.share_flagged, 1)
        label = escape(s.contributor_id[:22])
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" class="lbl">{label}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" class="track"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" class="bar"><title>{label}: '
            f"{s.flagged}/{s.evaluations} flagged</title></rect>"
        )
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + 13}" class="val">{s.share_flagged:.0%}</text>')
    axis_y = len(stats) * (bar_h + gap) + 18
    parts.append(f'<text x="{label_w}" y="{axis_y}" class="lbl">share of evaluations sent to review</text>')
    parts.append("</svg>")
    return "".join(parts)
