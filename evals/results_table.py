"""The results files of ``audit eval``: ``evals/results/<date>-<model>-<dataset>.md`` and ``.json``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from agent.models import FLAG_TYPES
from evals.harness import PEER, RESULTS_DIR, AblationResult, EvalRun, slug, targets
from evals.peer_baseline import PEER_ABLATIONS

ABLATION_LABELS = {
    "exact": "exact checks only",
    "model-only": "model only (no retrieval, no exact checks)",
    "retrieval-model": "retrieval + model (no exact checks)",
    "full": "full pipeline",
    "peer": "peer baseline: DeepEval HallucinationMetric, as shipped (fails below 0.5)",
    "peer-any": "peer baseline: DeepEval HallucinationMetric, any contradicted context",
}


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _prf(flags: dict[str, Any], flag: str) -> str:
    s = flags[flag]
    return f"{_f(s['precision'])} / {_f(s['recall'])} / {_f(s['f1'])}"


def _mean_kappa(ratings: dict[str, Any]) -> float | None:
    values = [r["kappa"] for r in ratings.values() if r["kappa"] is not None]
    return sum(values) / len(values) if values else None


def ablation_table(results: list[AblationResult]) -> list[str]:
    """The headline table: one row per ablation."""
    lines = [
        "| ablation | verdict acc | missed_error P / R / F1 | false_flag P / R / F1 | other flag F1 "
        "(rating, rule, constraint, incomplete, comment) | rating QWK (mean) | claims: contradicted / supported acc "
        "| calls / tokens / s per eval |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        label = ABLATION_LABELS.get(r.ablation, r.ablation)
        if r.not_run is not None:
            lines.append(f"| {label} | not run: {r.not_run[:120]} | | | | | | |")
            continue
        s = r.summary
        flags = s["flags"]
        others = " / ".join(
            _f(flags[t]["f1"])
            for t in ("rating_misaligned", "rule_violation", "constraint_missed", "incomplete_missed", "weak_comment")
        )
        contradicted = s["claims"].get("contradicted", {}).get("accuracy")
        supported = s["claims"].get("supported", {}).get("accuracy")
        cost = s["cost"]
        hits = cost["cache_hits_per_eval"]
        cached = f" (+{_f(hits, 1)} cached)" if hits else ""  # cache hits cost no tokens and almost no time
        per_eval = f"{_f(cost['llm_calls_per_eval'], 1)}{cached} / {_f(cost['tokens_per_eval'], 0)} / "
        per_eval += _f(cost["seconds_per_eval"], 2)
        lines.append(
            f"| {label} | {_f(s['verdict']['accuracy'])} | {_prf(flags, 'missed_error')} | "
            f"{_prf(flags, 'false_flag')} | {others} | {_f(_mean_kappa(s['ratings']))} | "
            f"{_f(contradicted)} / {_f(supported)} | {per_eval} |"
        )
    return lines


def _details(r: AblationResult) -> list[str]:
    s = r.summary
    lines = [f"### {ABLATION_LABELS.get(r.ablation, r.ablation)}", ""]
    lines += [f"Audited {s['evaluations']}, failed {s['failed']}.", ""]
    lines += [
        "| flag type | TP | FP | FN | precision | recall | F1 | KB-covered P / R |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in FLAG_TYPES:
        f, k = s["flags"][t], s["flags_kb_covered"][t]
        lines.append(
            f"| {t} | {f['tp']} | {f['fp']} | {f['fn']} | {_f(f['precision'])} | {_f(f['recall'])} | {_f(f['f1'])} "
            f"| {_f(k['precision'])} / {_f(k['recall'])} |"
        )
    m = s["verdict"]["matrix"]
    lines += [
        "",
        "Verdict confusion (rows gold, columns agent): "
        f"pass->pass {m['pass']['pass']}, pass->needs_review {m['pass']['needs_review']}, "
        f"needs_review->pass {m['needs_review']['pass']}, "
        f"needs_review->needs_review {m['needs_review']['needs_review']}.",
        "",
    ]
    if s["ratings"]:
        lines += ["| dimension | n | no agent score | QWK | exact | within 1 |", "|---|---|---|---|---|---|"]
        for dim, a in s["ratings"].items():
            lines.append(
                f"| {dim} | {a['n']} | {a['missing']} | {_f(a['kappa'])} | {_f(a['exact'])} | {_f(a['within_1'])} |"
            )
        lines.append("")
    claims = s["claims"]
    if claims:
        parts = [f"{status} (n={c['n']}): {c['outcomes']}" for status, c in claims.items()]
        lines += ["Claim verification, agent status per gold status: " + "; ".join(parts) + ".", ""]
    for split, part in r.by_split.items():
        lines.append(
            f"- {split}: n={part['evaluations']}, verdict accuracy {_f(part['verdict']['accuracy'])}, "
            f"missed_error P/R/F1 {_prf(part['flags'], 'missed_error')}, false_flag P/R/F1 "
            f"{_prf(part['flags'], 'false_flag')}, rating_misaligned P/R/F1 {_prf(part['flags'], 'rating_misaligned')}"
        )
    for subset, d in r.detection.items():
        lines.append(
            f"- hallucination detection, {subset}: n={d['n']} (hallucinated {d['positives']}), accuracy "
            f"{_f(d['accuracy'])}, precision {_f(d['precision'])}, recall {_f(d['recall'])}, F1 {_f(d['f1'])}"
        )
    return lines + [""]


def rerun_command(run: EvalRun) -> str:
    """The ``audit eval`` command that reruns this run, in the CLI's own ablation names: ``peer`` yields two result
    rows (``PEER_ABLATIONS``, two readings of the same calls) but is one ablation to ask for, and a partial file's
    pending ablations belong to the same command."""
    names: list[str] = []
    for name in [r.ablation for r in run.results] + list(run.pending):
        name = PEER if name in PEER_ABLATIONS else name
        if name not in names:
            names.append(name)
    limit = f" --limit {run.limit}" if run.limit else ""
    return f"audit eval --dataset {run.dataset} --ablation {','.join(names)}{limit}"


def render_markdown(run: EvalRun) -> str:
    """The results file: header, ablation table, targets, per-ablation details."""
    limit = f" (slice of {run.limit} records)" if run.limit else ""
    lines = [
        f"# Evaluation: {run.dataset}{limit}",
        "",
        f"- date: {run.date}",
        f"- commit: {run.commit}",
        f"- model: {run.model}",
        f"- records: {run.n}",
        *([f"- **partial**: written mid-run; still to run: {', '.join(run.pending)}"] if run.pending else []),
        f"- command: `{rerun_command(run)}`",
        "",
        *ablation_table(run.results),
        "",
    ]
    met = targets(run)
    if met:
        lines += ["Targets (full pipeline):", ""]
        lines += [
            f"- {what}: {_f(value)} (target {goal:.2f}) - {'met' if ok else 'NOT met'}" for what, value, goal, ok in met
        ]
        lines.append("")
    lines += ["## Details", ""]
    for r in run.results:
        if r.not_run is None:
            lines += _details(r)
    return "\n".join(lines).rstrip() + "\n"


def write_results(run: EvalRun, results_dir: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """Write the .md and .json results files; returns their paths. A run with ablations still pending is written
    as ``<stem>.partial.md`` / ``.json``, never over a finished file."""
    results_dir.mkdir(parents=True, exist_ok=True)
    model = "no-model" if run.model.startswith("no model") else slug(run.model)
    dataset = run.dataset + (f"-slice{run.limit}" if run.limit else "")
    stem = f"{run.date}-{model}-{slug(dataset)}" + (".partial" if run.pending else "")
    md, js = results_dir / f"{stem}.md", results_dir / f"{stem}.json"
    md.write_text(render_markdown(run), encoding="utf-8")
    js.write_text(json.dumps(asdict(run), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return md, js
