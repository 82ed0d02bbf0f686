"""The peer baseline (DeepEval's HallucinationMetric through the LLM seam): comparison rules, a recorded run over
two gold items with the real test KB, resume, and failures accounted for."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.llm import LLM, open_llm
from agent.models import ContributorIssue, Evaluation, ModelResponse, Task
from agent.settings import Settings
from evals import metrics
from evals.gold_schema import load_gold
from evals.peer_baseline import PEER_ABLATIONS, Judgment, run_peer, to_report
from tests.eval_cli import audit_eval
from tests.fixtures_kb import KBFixture

# In the test KB (see test_eval_regression): a wrong actor the contributor missed; a correct release order the
# contributor flagged as wrong.
SLICE = ("gg-0070", "gg-0238")
USAGE = {"model": "m", "deepeval": "4.3.1", "calls": 1, "cache_hits": 0, "prompt_tokens": 10, "completion_tokens": 2}


def _evaluation(flagged: bool) -> Evaluation:
    text = "Heat (1995) was directed by Michael Mann."
    issues = [ContributorIssue(type="factual_error", quote="Michael Mann", severity="major")] if flagged else []
    return Evaluation(
        evaluation_id="ev-1",
        contributor_id="c-1",
        project="p",
        submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        task=Task(prompt="Who directed Heat?"),
        response=ModelResponse(text=text, model="x"),
        ratings={"factual_accuracy": 3, "helpfulness": 3},
        issues=issues,
        comment="Checked the director.",
    )


@pytest.mark.parametrize(
    ("flagged", "score", "peer", "peer_any"),
    [
        (False, 0.0, ["missed_error"], ["missed_error"]),  # every context contradicted, nothing flagged
        (False, 0.6, [], ["missed_error"]),  # passes the shipped threshold, one context contradicted
        (False, 1.0, [], []),
        (True, 1.0, ["false_flag"], ["false_flag"]),  # flagged, but consistent with every context
        (True, 0.6, ["false_flag"], []),
        (True, 0.0, [], []),  # flagged and contradicted: the contributor caught it
        (True, None, [], []),  # no evidence: nothing to judge against, no flag either way
    ],
)
def test_judgment_against_contributor(flagged: bool, score: float | None, peer: list[str], peer_any: list[str]) -> None:
    ev = _evaluation(flagged)
    for rule, expected in zip(PEER_ABLATIONS, (peer, peer_any), strict=True):
        report = to_report(ev, [Judgment("a", score, 0 if score is None else 3)], rule, {**USAGE, "seconds": 1.0})
        assert [f.type for f in report.flags] == expected, rule
        assert report.verdict == ("needs_review" if expected else "pass")
        assert report.provenance.llm_calls == 1 and report.provenance.agent_version == f"peer-baseline ({rule})"


@pytest.mark.vcr
def test_recorded_peer_run_over_gold_items(recorded_llm: LLM, kb_fixture: KBFixture, tmp_path: Path) -> None:
    by_id = {c.evaluation.evaluation_id: c for c in load_gold()}
    cases = [by_id[i] for i in SLICE]
    out, failed = run_peer(cases, recorded_llm, kb_fixture.retriever, tmp_path / "run", progress=False)
    assert failed == 0 and set(out) == set(PEER_ABLATIONS)
    rows = [json.loads(line) for line in (tmp_path / "run" / "judgments.jsonl").read_text().splitlines()]
    assert [r["evaluation_id"] for r in rows] == list(SLICE)
    for row in rows:
        (judgment,) = row["judgments"]  # one response each
        assert judgment["contexts"] > 0, "the test KB holds evidence for both items"
        assert 0.0 <= judgment["score"] <= 1.0
        assert row["usage"]["calls"] == 1 and row["usage"]["prompt_tokens"] > 0  # one DeepEval call, via the seam
    calls = recorded_llm.stats.calls
    assert calls == 2
    for rule, pairs in out.items():
        assert [c.evaluation.evaluation_id for c, _ in pairs] == list(SLICE)
        summary = metrics.summarize(pairs)
        assert summary["evaluations"] == 2 and summary["cost"]["llm_calls_per_eval"] == 1.0, rule
        # it can only raise fact flags
        assert {f.type for _, r in pairs for f in r.flags} <= {"missed_error", "false_flag"}
    again, failed_again = run_peer(cases, recorded_llm, kb_fixture.retriever, tmp_path / "run", progress=False)
    assert failed_again == 0 and recorded_llm.stats.calls == calls, "a finished run resumes without calls"
    flags = {r: [report.flags for _, report in pairs] for r, pairs in out.items()}
    assert {r: [report.flags for _, report in pairs] for r, pairs in again.items()} == flags


def test_unreachable_model_is_counted_as_failed(kb_fixture: KBFixture, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, llm_max_attempts=1, llm_timeout_s=5.0)
    llm = open_llm("openai-compatible:nobody@http://127.0.0.1:9/v1", settings)
    cases = [c for c in load_gold() if c.evaluation.evaluation_id in SLICE]
    try:
        out, failed = run_peer(cases, llm, kb_fixture.retriever, tmp_path / "run", progress=False)
    finally:
        llm.close()
    assert failed == 2 and all(pairs == [] for pairs in out.values())
    lines = (tmp_path / "run" / "failed.jsonl").read_text().splitlines()
    assert [json.loads(line)["evaluation_id"] for line in lines] == list(SLICE)


def test_audit_eval_peer_without_a_model_reports_not_run(tmp_path: Path) -> None:
    done = audit_eval(tmp_path, "--dataset", "sample", "--ablation", "exact,peer", "--limit", "2")
    assert done.returncode == 1, "an ablation that did not run makes the exit code 1"
    assert "ablation peer did not run" in done.stderr and "ablation peer-any did not run" in done.stderr
    (md,) = (tmp_path / "results").glob("*-sample-slice2.md")
    text = md.read_text(encoding="utf-8")
    assert "| exact checks only | " in text and "| peer baseline: DeepEval HallucinationMetric, as shipped" in text
    assert "not run: " in text
    # mid-run, the finished ablations were written as a partial file; the final file replaces it
    assert "partial results (peer still to run): " in done.stderr
    assert not list((tmp_path / "results").glob("*.partial.*"))
