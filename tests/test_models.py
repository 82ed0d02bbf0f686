"""agent.models: the input and output contracts, and the README's examples of both."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agent.models import FLAG_TYPES, AuditReport, Claim, Evaluation, Flag
from agent.settings import Settings
from agent.validate import Validator, content_hash

DEMME = {"type": "other", "quote": "Jonathan Demme", "severity": "minor"}

ROOT = Path(__file__).parent.parent
GOOD = [json.loads(line) for line in (ROOT / "tests" / "data" / "good.jsonl").read_text("utf-8").splitlines()]
QA, QA_ERR, SXS = GOOD


def readme_json(section: str) -> dict[str, Any]:
    """The first ```json block after the README heading ``section``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n{section}\n")
    block = re.search(r"```json\n(.*?)\n```", text[start:], re.S)
    assert block is not None, f"no JSON example under {section}"
    value: dict[str, Any] = json.loads(block[1])
    return value


def test_fixture_evaluations_validate() -> None:
    for raw in GOOD:
        assert Evaluation.model_validate(raw).evaluation_id == raw["evaluation_id"]
    sxs = Evaluation.model_validate(SXS)
    assert sxs.response_for("b").model == "model-y-7b"
    assert [i.response for i in sxs.issues] == ["b", "b"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"task": {"prompt": "p", "language": "en"}}, "Extra inputs are not permitted"),
        ({"preference": "a"}, "needs both response_b and preference"),
        ({"ratings_b": {"overall": 3}}, "ratings_b is only allowed with response_b"),
        (
            {"issues": [{**DEMME, "response": "b"}]},
            "no response_b",
        ),
        (
            {"issues": [{**DEMME, "quote": "Jonathan Demmy"}]},
            "does not occur in response.text",
        ),
        ({"issues": [{**DEMME, "type": "typo"}]}, "issues.0.type"),
        ({"evaluation_id": "has space"}, "evaluation_id"),
    ],
)
def test_evaluation_rejects(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Evaluation.model_validate({**QA, **changes})


def test_quote_check_ignores_whitespace_differences() -> None:
    issue = {"type": "other", "quote": "directed  by\nJonathan Demme", "severity": "minor"}
    assert Evaluation.model_validate({**QA, "issues": [issue]}).issues[0].quote == issue["quote"]


def test_response_for_b_on_a_single_response_evaluation() -> None:
    with pytest.raises(ValueError, match="qa-0001 has no response_b"):
        Evaluation.model_validate(QA).response_for("b")


def test_contradicted_claim_needs_evidence_and_flag_types_are_fixed() -> None:
    with pytest.raises(ValidationError, match="must cite contradicting evidence"):
        Claim(text="Jurassic Park is based on a Stephen King novel.", status="contradicted")
    assert FLAG_TYPES == (
        "missed_error",
        "false_flag",
        "rating_misaligned",
        "rule_violation",
        "constraint_missed",
        "incomplete_missed",
        "weak_comment",
    )
    with pytest.raises(ValidationError):
        Flag.model_validate({"type": "bad_vibes", "severity": "low", "message": "m"})
    with pytest.raises(ValidationError):
        Flag.model_validate({"type": "missed_error", "severity": "low", "message": "m", "confidence": 1.5})


def test_readme_input_example_is_valid_and_matches_the_fixture(tmp_path: Path) -> None:
    example = readme_json("## Input contract")
    outcome = Validator(Settings()).check(1, example, json.dumps(example))
    assert not hasattr(outcome, "reason"), outcome
    assert example == QA_ERR


def test_readme_output_example_is_an_audit_report_of_the_input_example() -> None:
    report = AuditReport.model_validate(readme_json("## Output contract"))
    evaluation = Evaluation.model_validate(readme_json("## Input contract"))
    assert report.evaluation_id == evaluation.evaluation_id
    assert report.provenance.input_hash == content_hash(evaluation)
    assert {r.dimension for r in report.agent_ratings} == set(evaluation.ratings)
    for claim in report.claims:
        assert claim.span is not None
        start, end = claim.span
        quoted = evaluation.response.text[start:end].rstrip(".").split()
        assert quoted[-2:] == claim.text.rstrip(".").split()[-2:]  # the span ends on the claim's subject
    assert AuditReport.model_validate_json(report.model_dump_json()) == report
