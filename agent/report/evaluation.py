"""One evaluation's section of the report: prompt, highlighted responses, ratings, flags, claims, feedback.

Every piece of content is untrusted and goes through :func:`esc` (``html.escape`` with quotes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from agent.compare.ratings import judge_only
from agent.models import AuditReport, Evaluation, Flag, ResponseSide
from agent.report.queue import flag_summary, top_flags
from agent.validate import ValidRecord


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


# ----------------------------------------------------------------------------------------------------------------
# Highlighting


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``: exactly, or with any run of whitespace matching any other."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def highlight(text: str, marks: Sequence[tuple[int, int, str, str]]) -> str:
    """Escaped ``text`` with ``<mark>`` around each ``(start, end, css_class, title)``; overlaps combine classes."""
    cuts = {0, len(text)}
    valid = [(s, e, c, t) for s, e, c, t in marks if 0 <= s < e <= len(text)]
    for s, e, _, _ in valid:
        cuts.update((s, e))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        active = [(c, t) for s, e, c, t in valid if s <= a and b <= e]
        piece = esc(text[a:b])
        if not active:
            out.append(piece)
            continue
        classes = " ".join(sorted({c for c, _ in active}))
        title = " | ".join(dict.fromkeys(t for _, t in active))
        out.append(f'<mark class="{classes}" title="{esc(title)}">{piece}</mark>')
    return "".join(out)


def response_marks(evaluation: Evaluation, report: AuditReport, side: ResponseSide) -> list[tuple[int, int, str, str]]:
    """Contributor-flagged quotes (class ``c``) and the agent's contradicted claims (class ``x``) on one side."""
    text = evaluation.response_for(side).text
    marks = []
    for issue in evaluation.issues:
        if issue.response == side and (span := find_span(text, issue.quote)):
            marks.append((*span, "c", f"contributor: {issue.type} ({issue.severity}) {issue.note}".strip()))
    for claim in report.claims:
        if claim.response != side or claim.status != "contradicted":
            continue
        span = claim.span if claim.span and 0 <= claim.span[0] < claim.span[1] <= len(text) else None
        span = span or find_span(text, claim.text)
        if span:
            fix = f"; evidence says: {claim.correction}" if claim.correction else ""
            marks.append((*span, "x", f"agent: contradicted{fix}"))
    return marks


# ----------------------------------------------------------------------------------------------------------------
# Parts


def _flag(flag: Flag, evaluation_id: str) -> str:
    evidence = "".join(
        f'<div class="evidence"><q>{esc(e.quote)}</q> — <span class="muted">{esc(e.source)} '
        f"[{esc(e.passage_id)}]</span></div>"
        for e in flag.evidence
    )
    dim = f" · {esc(flag.dimension)}" if flag.dimension else ""
    rule = f" · rule {esc(flag.rule_id)}" if flag.rule_id else ""
    return (
        f'<li class="flag sev-{esc(flag.severity)}" data-flag-type="{esc(flag.type)}" data-eval="{esc(evaluation_id)}">'
        f"<b>{esc(flag.type)}</b> ({esc(flag.severity)}{dim}{rule}, confidence {flag.confidence:.2f}) "
        f'<span class="msg">{esc(flag.message)}</span>{evidence}</li>'
    )


def _ratings(evaluation: Evaluation | None, report: AuditReport) -> str:
    agent = {(r.response, r.dimension): r for r in report.agent_ratings}
    keys: list[tuple[ResponseSide, str]] = list(agent)
    if evaluation is not None:
        sides: list[tuple[ResponseSide, dict[str, int]]] = [("a", evaluation.ratings)]
        if evaluation.ratings_b:
            sides.append(("b", evaluation.ratings_b))
        keys = list(dict.fromkeys([(side, d) for side, given in sides for d in given] + keys))
    rows = []
    for side, dim in keys:
        given = None
        if evaluation is not None:
            given = (evaluation.ratings if side == "a" else evaluation.ratings_b or {}).get(dim)
        mine = agent.get((side, dim))
        note = ""
        if mine is not None and judge_only(mine):
            note = f"the judge's view alone (confidence {mine.confidence:.2f}), advice: no flag. "
        off = given is not None and mine is not None and abs(given - mine.score) >= 2
        cls = "advice" if note else "off" if off else ""
        rows.append(
            f"<tr><td>{side.upper()}</td><td>{esc(dim)}</td><td>{'' if given is None else given}</td>"
            f'<td class="{cls}">{"" if mine is None else mine.score}</td>'
            f"<td>{esc(note)}{esc(mine.rationale) if mine else ''}</td></tr>"
        )
    return (
        "<table><thead><tr><th>resp.</th><th>dimension</th><th>contributor</th><th>agent</th>"
        f"<th>agent's rationale</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _claims(report: AuditReport) -> str:
    if not report.claims:
        return ""
    rows = []
    for c in report.claims:
        sources = "; ".join(f"{e.source} [{e.passage_id}]: {e.quote}" for e in c.evidence)
        rows.append(
            f'<tr><td>{c.response.upper()}</td><td class="{"off" if c.status == "contradicted" else ""}">'
            f"{esc(c.status)}</td><td>{esc(c.text)}</td><td>{esc(c.correction or '')}</td>"
            f"<td>{esc(c.method)}</td><td>{esc(sources)}</td></tr>"
        )
    return (
        '<h4>Claims checked</h4><div class="scroll"><table><thead><tr><th>resp.</th><th>status</th>'
        "<th>claim</th><th>evidence says</th><th>method</th><th>evidence</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _constraints(report: AuditReport) -> str:
    if not report.constraints:
        return ""
    rows = "".join(
        f"<tr><td>{c.response.upper()}</td><td>{esc(c.constraint)}</td><td>{esc(c.kind)}</td>"
        f'<td class="{"off" if c.satisfied is False else ""}">'
        f"{'not measured' if c.satisfied is None else ('met' if c.satisfied else 'broken')}</td>"
        f"<td>{esc(c.detail)}</td></tr>"
        for c in report.constraints
    )
    return (
        "<h4>Prompt constraints</h4><table><thead><tr><th>resp.</th><th>constraint</th><th>kind</th>"
        f"<th>result</th><th>detail</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _contributor_side(evaluation: Evaluation, report: AuditReport) -> str:
    issues = "".join(
        f"<li><b>{esc(i.type)}</b> ({esc(i.severity)}, response {i.response.upper()}): "
        f"<q>{esc(i.quote)}</q> {esc(i.note)}</li>"
        for i in evaluation.issues
    )
    html = [f"<h4>Contributor's issues</h4><ul>{issues or '<li>none flagged</li>'}</ul>"]
    html.append(f'<h4>Contributor\'s comment</h4><div class="text">{esc(evaluation.comment)}</div>')
    a = report.comment_assessment
    if a is not None:
        verdict = "weak" if a.weak else "adequate"
        checks = ", ".join(
            f"{name}: {'yes' if ok else 'no'}"
            for name, ok in (
                ("specific", a.specific),
                ("names a limitation", a.names_limitation),
                ("evidence-based", a.evidence_based),
                ("consistent", a.consistent_with_ratings),
            )
        )
        reasons = "".join(f"<li>{esc(r)}</li>" for r in a.reasons)
        html.append(f"<p>Agent on the comment: <b>{verdict}</b> ({checks})</p><ul>{reasons}</ul>")
    return "".join(html)


def _responses(evaluation: Evaluation, report: AuditReport) -> str:
    sides: list[ResponseSide] = ["a", "b"] if evaluation.response_b is not None else ["a"]
    blocks = []
    for side in sides:
        response = evaluation.response_for(side)
        text = highlight(response.text, response_marks(evaluation, report, side))
        label = f"Response {side.upper()}" if len(sides) > 1 else "Response"
        blocks.append(
            f'<div><h4>{label} <span class="muted">({esc(response.model)})</span></h4>'
            f'<div class="text">{text}</div></div>'
        )
    pref = f"<p>Contributor's preference: <b>{esc(evaluation.preference)}</b></p>" if evaluation.preference else ""
    return f'<div class="grid2">{"".join(blocks)}</div>{pref}'


def _provenance(report: AuditReport) -> str:
    p = report.provenance
    prompts = ", ".join(f"{k} v{v}" for k, v in sorted(p.prompt_versions.items())) or "none"
    parts = [
        f"model {p.model or 'none (--no-llm)'}",
        f"prompts {prompts}",
        f"KB {p.kb_version or 'n/a'}",
        f"guidelines v{p.guidelines_version}",
        f"agent {p.agent_version}",
        f"{p.llm_calls} model call(s)",
        f"{p.prompt_tokens + p.completion_tokens} tokens",
        f"${p.cost_usd:.4f}",
        f"input {p.input_hash[:12]}",
    ]
    html = f'<p class="muted">{esc(" · ".join(parts))}</p>'
    if p.checks_skipped:
        html += '<p class="muted">Did not run: ' + esc("; ".join(p.checks_skipped)) + "</p>"
    if p.truncated:
        html += '<p class="sev-medium">Truncated: ' + esc("; ".join(p.truncated)) + "</p>"
    return html


def render_evaluation(record: ValidRecord | None, report: AuditReport) -> str:
    eid = report.evaluation_id
    evaluation = record.evaluation if record else None
    flag_types = " ".join(sorted({f.type for f in report.flags}))
    head = (
        f"<summary><b>{esc(eid)}</b><span>contributor {esc(report.contributor_id)}</span>"
        f'<span class="badge {esc(report.verdict)}">{esc(report.verdict.replace("_", " "))}</span>'
        f'<span>priority {report.priority}</span><span class="muted">{esc(flag_summary(report.flags))}</span>'
        "</summary>"
    )
    body = []
    if evaluation is not None:
        body.append(f'<h4>Prompt</h4><div class="text">{esc(evaluation.task.prompt)}</div>')
        body.append(
            '<p class="legend"><mark class="c">flagged by the contributor</mark>'
            '<mark class="x">contradicted by the evidence</mark><mark class="c x">both</mark></p>'
        )
        body.append(_responses(evaluation, report))
    else:
        body.append('<p class="sev-medium">The input record is not in this folder; showing the report only.</p>')
    flags = "".join(_flag(f, eid) for f in top_flags(report.flags))
    body.append(f'<h4>Agent\'s flags ({len(report.flags)})</h4><ul class="flags">{flags or "<li>none</li>"}</ul>')
    body.append(f'<h4>Ratings</h4><div class="scroll">{_ratings(evaluation, report)}</div>')
    if evaluation is not None:
        body.append(_contributor_side(evaluation, report))
    body.append(_claims(report) + _constraints(report))
    if report.feedback:
        body.append(
            f'<h4>Feedback draft</h4><textarea class="feedback" id="fb-{esc(eid)}" readonly>{esc(report.feedback)}'
            f'</textarea><br><button type="button" class="copy" data-target="fb-{esc(eid)}">Copy</button>'
        )
    body.append(_provenance(report))
    opened = " open" if report.verdict == "needs_review" else ""
    return (
        f'<article class="ev" id="ev-{esc(eid)}" data-ev data-contributor="{esc(report.contributor_id)}" '
        f'data-flags="{esc(flag_types)}" data-verdict="{esc(report.verdict)}"><details{opened}>{head}'
        f'<div class="body">{"".join(body)}</div></details></article>'
    )
