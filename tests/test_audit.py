"""The orchestrator on the sample batch with the exact checks only (the --no-llm fallback).

Issue 5's bar for the exact checks: every planted missed error and false flag about a KB-covered fact is found
with the right evidence, and no clean evaluation is flagged needs_review by the exact checks alone.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.audit import Auditor
from agent.kb.facts import FactIndex
from agent.models import AuditReport, Evaluation
from agent.settings import load_settings
from agent.validate import content_hash, validate_file
from tests.audit_builders import check_planted_missed_errors

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "evals" / "datasets" / "sample_batch.jsonl"
EXPECTED = ROOT / "evals" / "datasets" / "sample_batch.expected.jsonl"


@pytest.fixture(scope="module")
def audited(fact_index: FactIndex) -> dict[str, tuple[Evaluation, AuditReport, dict[str, Any]]]:
    settings = load_settings()
    auditor = Auditor(settings, facts=fact_index)
    expected = {json.loads(line)["evaluation_id"]: json.loads(line) for line in EXPECTED.read_text().splitlines()}
    records = validate_file(BATCH, settings).records

    async def run_all() -> list[AuditReport]:
        return [await auditor.audit(r.evaluation) for r in records]

    reports = asyncio.run(run_all())
    return {
        r.evaluation.evaluation_id: (r.evaluation, rep, expected[r.evaluation.evaluation_id])
        for r, rep in zip(records, reports, strict=True)
    }


def test_no_clean_evaluation_needs_review(audited: dict[str, Any]) -> None:
    clean = [eid for eid, (_, _, exp) in audited.items() if exp["expected_verdict"] == "pass"]
    assert len(clean) >= 8
    wrongly = {eid: [f.message for f in audited[eid][1].flags] for eid in clean if audited[eid][1].verdict != "pass"}
    assert wrongly == {}


def test_every_planted_missed_error_is_found_with_evidence(audited: dict[str, Any]) -> None:
    assert check_planted_missed_errors(audited.values()) >= 7


def test_expected_false_flags_are_found(audited: dict[str, Any]) -> None:
    missing = []
    for eid, (_, report, exp) in audited.items():
        if any(f["type"] == "false_flag" for f in exp["expected_flags"]):
            found = [f for f in report.flags if f.type == "false_flag"]
            if not (found and all(f.evidence for f in found)):
                missing.append(eid)
    assert missing == []


def test_verdicts_on_the_sample_batch(audited: dict[str, Any]) -> None:
    wrong = {eid: rep.verdict for eid, (_, rep, exp) in audited.items() if rep.verdict != exp["expected_verdict"]}
    assert wrong == {}


def test_unanswered_parts_of_the_prompt_are_found_without_the_model(audited: dict[str, Any]) -> None:
    # the incomplete_missed cases answer one half of a two-part question and rate completeness 5
    for eid, (_, report, exp) in audited.items():
        if exp["category"] == "incomplete_missed":
            found = [f for f in report.flags if f.type == "incomplete_missed"]
            assert found and all(f.evidence and f.evidence[0].source == "prompt" for f in found), eid
            completeness = next(r for r in report.agent_ratings if r.dimension == "completeness")
            assert completeness.basis == "evidence" and completeness.score == 2, eid  # "leaves out a main part"


def test_report_says_which_checks_did_not_run(audited: dict[str, Any]) -> None:
    for ev, report, _ in audited.values():
        p = report.provenance
        assert p.model is None and p.llm_calls == 0
        assert any("model claim verification" in s for s in p.checks_skipped)
        assert p.input_hash == content_hash(ev)
        assert p.guidelines_version.startswith(ev.project)


def test_feedback_cites_every_flag(audited: dict[str, Any]) -> None:
    for _, report, _ in audited.values():
        lines = [x for x in report.feedback.splitlines() if x[:1].isdigit()]
        assert len(lines) == len(report.flags)


def test_audit_check_cli_json(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(BATCH.read_text().splitlines()[9], encoding="utf-8")  # eq-0010: a missed error
    out = subprocess.run(
        [sys.executable, "-m", "agent", "check", str(one), "--no-llm", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    report = AuditReport.model_validate_json(out.stdout)
    assert report.evaluation_id == "eq-0010" and report.verdict == "needs_review"
    assert any(f.type == "missed_error" for f in report.flags)


def test_audit_check_cli_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"evaluation_id": "x"}', encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "agent", "check", str(bad), "--no-llm"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 3
    assert "not a valid evaluation" in out.stderr and "Traceback" not in out.stderr
