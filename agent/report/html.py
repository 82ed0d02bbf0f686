"""The auditor's report: one self-contained HTML page (inline CSS, JS and SVG; no network).

Responses, comments, quotes and evidence are untrusted text: every piece of content goes through :func:`esc`
(``html.escape`` with quotes), including attribute values; nothing from the input is ever placed in the script.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent import __version__
from agent.models import FLAG_TYPES, AuditReport
from agent.report.assets import CSS, JS
from agent.report.contributors import ContributorStats, chart_svg, dimensions_of
from agent.report.evaluation import esc, render_evaluation
from agent.report.queue import QueueItem
from agent.results import FailedEvaluation, RunSummary
from agent.validate import ValidRecord


@dataclass
class ReportData:
    """Everything the page shows; built from a run folder by :mod:`agent.report.build`."""

    pairs: list[tuple[ValidRecord | None, AuditReport]]
    queue: list[QueueItem]
    contributors: list[ContributorStats]
    failures: list[FailedEvaluation] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    pending: list[ValidRecord] = field(default_factory=list)
    summary: RunSummary | None = None
    title: str = "Audit report"


# ----------------------------------------------------------------------------------------------------------------
# Sections


def _summary(data: ReportData) -> str:
    reports = [r for _, r in data.pairs]
    needs = sum(r.verdict == "needs_review" for r in reports)
    calls = sum(r.provenance.llm_calls for r in reports)
    cached = sum(r.provenance.cache_hits for r in reports)
    tokens = sum(r.provenance.prompt_tokens + r.provenance.completion_tokens for r in reports)
    cost = sum(r.provenance.cost_usd for r in reports)
    cards = [
        ("audited", len(reports)),
        ("needs review", needs),
        ("pass", len(reports) - needs),
        ("failed", len(data.failures)),
        ("rejected input", len(data.rejects)),
        ("pending", len(data.pending)),
        ("model calls", calls),
        ("answers from the cache", cached),
        ("tokens", f"{tokens:,}"),
        ("cost (USD)", f"{cost:.4f}"),
    ]
    html = ['<section id="summary"><h2>Batch summary</h2><div class="cards">']
    html += [f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in cards]
    html.append("</div>")
    if data.summary:
        s = data.summary
        html.append(
            f'<p class="muted">Last run: {esc(s.batch)}, read {s.read} = audited {s.audited} + rejected '
            f"{s.rejected} + failed {s.failed} + pending {s.pending}; stopped: {esc(s.stopped)}; "
            f"model: {esc(s.model or 'none (--no-llm)')}; {s.seconds:.1f} s.</p>"
        )
    skipped = Counter(item for r in reports for item in r.provenance.checks_skipped)
    if skipped:
        html.append("<p><b>Checks that did not run:</b></p><ul>")
        html += [f"<li>{esc(k)} ({n} evaluation(s))</li>" for k, n in skipped.most_common()]
        html.append("</ul>")
    flags = Counter(f.type for r in reports for f in r.flags)
    if flags:
        html.append("<p><b>Flags:</b> " + ", ".join(f"{esc(t)} {flags[t]}" for t in FLAG_TYPES if flags[t]) + "</p>")
    html.append("</section>")
    return "".join(html)


def _queue(data: ReportData) -> str:
    flags_of = {r.evaluation_id: " ".join(sorted({f.type for f in r.flags})) for _, r in data.pairs}
    html = [f'<section id="queue"><h2>Review queue ({len(data.queue)})</h2>']
    if not data.queue:
        return html[0] + "<p>Nothing needs review.</p></section>"
    html.append(
        '<div class="scroll"><table><thead><tr><th>#</th><th>priority</th><th>evaluation</th>'
        "<th>contributor</th><th>flags</th><th>most severe</th><th>prompt</th></tr></thead><tbody>"
    )
    for item in data.queue:
        html.append(
            f'<tr data-ev data-contributor="{esc(item.contributor_id)}" '
            f'data-flags="{esc(flags_of.get(item.evaluation_id, ""))}" data-verdict="needs_review">'
            f"<td>{item.rank}</td><td>{item.priority}</td>"
            f'<td><a href="#ev-{esc(item.evaluation_id)}">{esc(item.evaluation_id)}</a></td>'
            f"<td>{esc(item.contributor_id)}</td><td>{esc(item.flag_summary)}</td>"
            f'<td class="sev-{esc(item.top_severity)}">{esc(item.top_flag)}</td><td>{esc(item.prompt)}</td></tr>'
        )
    html.append("</tbody></table></div></section>")
    return "".join(html)


def _contributors(data: ReportData) -> str:
    stats = data.contributors
    dims = dimensions_of(stats)
    html = ['<section id="contributors"><h2>Contributor performance</h2>', chart_svg(stats)]
    head = "".join(f"<th>|Δ| {esc(d)}</th>" for d in dims)
    html.append(
        '<div class="scroll"><table><thead><tr><th>contributor</th><th>evaluations</th><th>flagged</th>'
        f"<th>missed errors</th><th>false flags</th><th>weak comments</th>{head}"
        "<th>most frequent issue</th><th>areas for improvement</th></tr></thead><tbody>"
    )
    for s in stats:
        cells = "".join(
            f'<td class="{"off" if s.mean_abs_diff.get(d, 0) >= 1 else ""}">{s.mean_abs_diff.get(d, "")}</td>'
            for d in dims
        )
        advice = "".join(f"<li>{esc(a)}</li>" for a in s.areas_for_improvement)
        html.append(
            f"<tr><td>{esc(s.contributor_id)}</td><td>{s.evaluations}</td>"
            f"<td>{s.flagged} ({s.share_flagged:.0%})</td><td>{s.missed_errors}</td><td>{s.false_flags}</td>"
            f"<td>{s.weak_comments}</td>{cells}<td>{esc(s.most_frequent_issue)}</td><td><ul>{advice}</ul></td></tr>"
        )
    html.append("</tbody></table></div></section>")
    return "".join(html)


def _problems(data: ReportData) -> str:
    if not (data.failures or data.rejects or data.pending):
        return ""
    html = ['<section id="problems"><h2>Not audited</h2>']
    if data.failures:
        html.append("<h3>Failed (retry with <code>audit run --retry-failed</code>)</h3><ul>")
        html += [
            f"<li>{esc(f.evaluation_id)} (line {f.line}): {esc(f.error)}: {esc(f.reason)}</li>" for f in data.failures
        ]
        html.append("</ul>")
    if data.rejects:
        html.append("<h3>Rejected input records</h3><ul>")
        for r in data.rejects:
            where = r.get("line", "?")
            why = r.get("reason") or r.get("error") or r.get("message") or r
            html.append(f"<li>line {esc(where)}: {esc(why)}</li>")
        html.append("</ul>")
    if data.pending:
        html.append(f"<h3>Pending ({len(data.pending)}): run the same command again to finish</h3>")
    html.append("</section>")
    return "".join(html)


def _options(values: Iterable[str]) -> str:
    return "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)


def render(data: ReportData) -> str:
    """The whole page as one string."""
    contributors = sorted({r.contributor_id for _, r in data.pairs})
    ordered = sorted(data.pairs, key=lambda pair: (pair[1].verdict != "needs_review", -pair[1].priority))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(data.title)}</title><style>{CSS}</style></head><body>",
            f'<header><h1>{esc(data.title)}</h1><p class="muted">audit-agent {esc(__version__)} · {generated} · '
            "responses and comments below are contributor data, shown as text</p></header>",
            '<nav class="top"><a href="#summary">Summary</a><a href="#queue">Queue</a>'
            '<a href="#contributors">Contributors</a><a href="#evaluations">Evaluations</a>',
            '<input id="q" type="search" placeholder="Search: title, contributor, id, any text" aria-label="Search">',
            f'<select id="who" aria-label="Contributor"><option value="">all contributors</option>'
            f"{_options(contributors)}</select>",
            f'<select id="kind" aria-label="Flag type"><option value="">all flag types</option>{_options(FLAG_TYPES)}'
            "</select>",
            '<label><input type="checkbox" id="only"> needs review only</label><span id="count" class="muted"></span>',
            "</nav><main>",
            _summary(data),
            _queue(data),
            _contributors(data),
            f'<section id="evaluations"><h2>Evaluations ({len(data.pairs)})</h2>',
            "".join(render_evaluation(record, report) for record, report in ordered),
            "</section>",
            _problems(data),
            f"</main><script>{JS}</script></body></html>",
        ]
    )
