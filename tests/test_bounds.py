"""Resource bounds: an oversized input line is rejected, an oversized response or too many claims gives a truncated
and flagged audit, the token budget per evaluation holds, and ``--max-cost`` stops a run cleanly and resumably.

Model calls go to the stand-in model server (:mod:`tests.standin_model`), which reports the token counts the test
sets, so budgets and costs are exact.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from agent.audit import Auditor
from agent.commands.run import Scope, execute, read_batch
from agent.kb.facts import FactIndex
from agent.llm import open_llm
from agent.models import AuditReport, Evaluation
from agent.pipeline import RunOptions
from agent.settings import REPO_ROOT, Settings
from tests.standin_model import StandInModel, model_string, standin_server

SAMPLE = REPO_ROOT / "evals" / "datasets" / "sample_batch.jsonl"


def _sample(evaluation_id: str) -> Evaluation:
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if f'"evaluation_id": "{evaluation_id}"' in line:
            return Evaluation.model_validate_json(line)
    raise KeyError(evaluation_id)


def _audit(auditor: Auditor, evaluation: Evaluation) -> AuditReport:
    return asyncio.run(auditor.audit(evaluation))


def test_an_oversized_input_line_is_rejected_with_a_reason(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_line_bytes=2_000)
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    big = json.loads(good) | {"evaluation_id": "huge", "comment": "x" * 5_000}
    path = tmp_path / "batch.jsonl"
    path.write_text(good + "\n" + json.dumps(big) + "\n" + good.replace("eq-0001", "eq-0002b") + "\n")
    records, rejects = read_batch(path, settings, Scope())
    assert [r.evaluation.evaluation_id for r in records] == ["eq-0001", "eq-0002b"]
    assert len(rejects) == 1 and rejects[0].line == 2
    assert "2000" in rejects[0].reason or "2,000" in rejects[0].reason, rejects[0].reason


def test_an_oversized_response_is_truncated_flagged_and_never_passes(tmp_path: Path, fact_index: FactIndex) -> None:
    clean = _sample("eq-0005")  # a clean evaluation: passes when read whole
    auditor = Auditor(Settings(data_dir=tmp_path), llm=None, facts=fact_index)
    assert _audit(auditor, clean).verdict == "pass"
    padded = clean.model_copy(
        update={"response": clean.response.model_copy(update={"text": clean.response.text + " More." * 5_000})}
    )
    bounded = Auditor(Settings(data_dir=tmp_path, max_response_chars=1_000), llm=None, facts=fact_index)
    report = _audit(bounded, padded)
    assert report.provenance.truncated == [
        f"response a is {len(padded.response.text)} characters; checked the first 1000"
    ]
    assert report.verdict == "needs_review"


def test_claims_per_response_are_capped(tmp_path: Path, fact_index: FactIndex) -> None:
    listing = _sample("eq-0002")  # five Pixar films with years, and four Oscar wins
    settings = Settings(data_dir=tmp_path, max_claims_per_response=1, llm_max_attempts=1)
    with standin_server(StandInModel()) as server:
        auditor = Auditor(settings, llm=open_llm(model_string(server), settings), facts=fact_index)
        report = _audit(auditor, listing)
        auditor.close()
    notes = report.provenance.truncated
    assert any(n.endswith("exact claims; kept the first 2") for n in notes), notes
    exact = [c for c in report.claims if c.method == "exact"]
    assert len(exact) == 2
    verify = [r for r in server.requests if r["tools"][0]["function"]["name"] == "ClaimVerification"]
    for request in verify:  # at most max_claims_per_response sentences per response go to the model
        user = request["messages"][-1]["content"]
        assert sum(1 for line in user.splitlines() if line[:1] == "A" and line[1:2].isdigit()) <= 1


def test_the_token_budget_stops_model_calls_for_an_evaluation(tmp_path: Path, fact_index: FactIndex) -> None:
    evaluation = _sample("es-0001")  # side by side: up to three calls (claims, judge A, judge B)
    settings = Settings(data_dir=tmp_path, max_tokens_per_evaluation=1_000)
    with standin_server(StandInModel(usage=(4_000, 500))) as server:
        auditor = Auditor(settings, llm=open_llm(model_string(server), settings), facts=fact_index)
        report = _audit(auditor, evaluation)
        auditor.close()
    assert len(server.requests) == 1  # the first call spent the budget; no other call was made
    assert report.provenance.truncated == ["token budget 1000 reached: judge skipped"]
    assert report.provenance.prompt_tokens + report.provenance.completion_tokens == 4_500
    assert report.verdict == "needs_review"


def test_max_cost_stops_cleanly_and_the_same_command_finishes(tmp_path: Path, fact_index: FactIndex) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:10]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with standin_server(StandInModel(usage=(100, 100))) as server:
        model = model_string(server)
        # $1 per 1k tokens each way: every model call costs $0.20, an evaluation $0.40 (claims + judge)
        settings = Settings(data_dir=tmp_path / "data", price_per_1k_tokens={model: (1.0, 1.0)})
        auditor = Auditor(settings, llm=open_llm(model, settings), facts=fact_index)
        options = RunOptions(concurrency=1, max_cost_usd=1.0, progress=False)
        summary, _ = execute(batch, out, auditor, settings, options, Scope(), model)
        first_requests = len(server.requests)
        assert summary.stopped == "max_cost" and summary.failed == 0 and 0 < summary.audited < 10
        assert summary.pending == 10 - summary.audited and summary.read == 10
        costs = [
            json.loads(line)["provenance"]["cost_usd"] for line in (out / "reports.jsonl").read_text().splitlines()
        ]
        assert sum(costs[:-1]) < 1.0 <= sum(costs)  # one evaluation at a time: it stopped at the first past $1
        done_first = summary.audited

        summary, _ = execute(batch, out, auditor, settings, RunOptions(concurrency=1, progress=False), Scope(), model)
        auditor.close()
    assert (summary.stopped, summary.audited, summary.pending, summary.resumed) == ("complete", 10, 0, done_first)
    assert summary.audited_this_run == 10 - done_first and len(server.requests) > first_requests
    ids = Counter(json.loads(line)["evaluation_id"] for line in (out / "reports.jsonl").read_text().splitlines())
    assert len(ids) == 10 and set(ids.values()) == {1}
