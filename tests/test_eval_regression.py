"""The agent's measured quality on the gold set must not drop below the committed baseline.

Two guards, both against ``evals/results/regression_baseline.json``:

1. the exact checks (no model) over the whole dev split of the gold set: verdict accuracy and F1 per flag type;
2. the full agent (exact checks, retrieval from the real test KB, the embedded model) on a fixed slice of four gold
   items, replayed from a cassette recorded against the real llama.cpp server (``make record``). Until a recording
   exists the test is skipped and says so; the exact-checks guard above always runs.

Recording (``--record-mode=rewrite``) writes the slice's measured numbers into the baseline; the dev-split numbers
are rewritten with ``UPDATE_REGRESSION_BASELINE=1``. Do either only on purpose, and say why in the commit.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from agent.audit import Auditor
from agent.kb.facts import FactIndex
from agent.llm import LLM
from agent.models import AuditReport
from agent.settings import Settings
from evals import metrics
from evals.gold_schema import GoldCase, load_gold
from tests.eval_cli import audit_eval
from tests.fixtures_kb import KBFixture
from tests.fixtures_llm import recording_settings

BASELINE = Path(__file__).resolve().parent.parent / "evals" / "results" / "regression_baseline.json"
# Items whose evidence is in the test KB (franchise notes and Game of Thrones episodes are always in it): swapped
# episode credits missed, a wrong actor missed, a clean cast answer, a correct release order flagged as wrong.
SLICE = ("gg-0058", "gg-0070", "gg-0256", "gg-0238")
CASSETTE = (
    Path(__file__).resolve().parent
    / "cassettes"
    / "test_eval_regression"
    / "test_full_agent_on_a_recorded_gold_slice_does_not_regress.yaml"
)
TOLERANCE = 1e-9


def _baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def _save(section: str, values: dict[str, Any]) -> None:
    data = _baseline() if BASELINE.exists() else {}
    data[section] = values
    BASELINE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _audit(auditor: Auditor, cases: list[GoldCase]) -> list[tuple[GoldCase, AuditReport]]:
    async def run() -> list[AuditReport]:
        return [await auditor.audit(c.evaluation) for c in cases]  # in order: the cassette replays one call at a time

    return list(zip(cases, asyncio.run(run()), strict=True))


def _headline(pairs: list[tuple[GoldCase, AuditReport]]) -> dict[str, float | None]:
    summary = metrics.summarize(pairs)
    values: dict[str, float | None] = {"verdict_accuracy": summary["verdict"]["accuracy"]}  # type: ignore[index]
    for flag_type, scores in summary["flags"].items():  # type: ignore[attr-defined]
        values[f"f1.{flag_type}"] = scores["f1"]
    values["claims.contradicted_accuracy"] = summary["claims"].get("contradicted", {}).get("accuracy")  # type: ignore[attr-defined]
    return values


def _no_drop(measured: dict[str, float | None], committed: dict[str, float | None]) -> list[str]:
    drops = []
    for key, floor in committed.items():
        value = measured.get(key)
        if floor is not None and (value is None or value < floor - TOLERANCE):
            drops.append(f"{key}: {value} < committed {floor}")
    return drops


def test_exact_checks_on_the_dev_split_do_not_regress(fact_index: FactIndex, tmp_path: Path) -> None:
    cases = load_gold(split="dev")
    assert len(cases) >= 200
    measured = _headline(_audit(Auditor(Settings(data_dir=tmp_path), facts=fact_index), cases))
    if os.environ.get("UPDATE_REGRESSION_BASELINE") == "1":
        _save("exact_dev", measured)
    drops = _no_drop(measured, _baseline()["exact_dev"])
    assert drops == [], "the exact checks got worse on the gold dev split:\n" + "\n".join(drops)


def test_the_guard_can_fail() -> None:
    committed = {"verdict_accuracy": 0.8, "f1.missed_error": 0.7, "f1.false_flag": None}
    assert _no_drop({"verdict_accuracy": 0.8, "f1.missed_error": 0.71, "f1.false_flag": None}, committed) == []
    assert _no_drop({"verdict_accuracy": 0.79, "f1.missed_error": None}, committed) == [
        "verdict_accuracy: 0.79 < committed 0.8",
        "f1.missed_error: None < committed 0.7",
    ]


def test_audit_eval_cli_writes_the_results_table(tmp_path: Path) -> None:
    done = audit_eval(tmp_path, "--dataset", "sample", "--ablation", "exact", "--limit", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    (md,) = (tmp_path / "results").glob("*-no-model-sample-slice5.md")
    text = md.read_text(encoding="utf-8")
    assert "| exact checks only |" in text and "- commit: " in text and "- model: no model" in text
    data = json.loads(md.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["n"] == 5 and data["results"][0]["summary"]["evaluations"] == 5
    bad = audit_eval(tmp_path, "--dataset", "sample", "--ablation", "bogus")
    assert bad.returncode != 0 and "--ablation 'bogus'" in bad.stderr


@pytest.mark.vcr
def test_full_agent_on_a_recorded_gold_slice_does_not_regress(
    recorded_llm: LLM, kb_fixture: KBFixture, fact_index: FactIndex, record_mode: str, tmp_path: Path
) -> None:
    if record_mode == "none" and not CASSETTE.exists():
        pytest.skip("no recording of the gold slice yet: `make record` records it from the real llama.cpp server")
    by_id = {c.evaluation.evaluation_id: c for c in load_gold()}
    cases = [by_id[eid] for eid in SLICE]
    auditor = Auditor(
        recording_settings(tmp_path, record_mode),
        llm=recorded_llm,
        facts=fact_index,
        retriever=kb_fixture.retriever,
        ablation="full",
    )
    pairs = _audit(auditor, cases)
    assert all(r.provenance.llm_calls + r.provenance.cache_hits >= 1 for _, r in pairs), "the model stages ran"
    measured = _headline(pairs)
    if record_mode != "none":  # a new recording from the real server is the new baseline
        _save("cassette_slice", {"ids": list(SLICE), "values": measured})
    committed = _baseline()["cassette_slice"]
    assert committed["ids"] == list(SLICE)
    drops = _no_drop(measured, committed["values"])
    assert drops == [], "the full agent got worse on the recorded gold slice:\n" + "\n".join(drops)


def test_a_run_with_ablations_pending_is_written_as_a_partial_file(tmp_path: Path) -> None:
    from evals.harness import EvalRun
    from evals.results_table import write_results

    run = EvalRun(dataset="gold", n=3, date="2026-11-29", commit="abc1234", model="m", limit=None, results=[])
    partial = EvalRun(**{**run.__dict__, "pending": ["full", "peer"]})
    md, js = write_results(partial, tmp_path)
    assert md.name == "2026-11-29-m-gold.partial.md" and js.name == "2026-11-29-m-gold.partial.json"
    assert "- **partial**: written mid-run; still to run: full, peer" in md.read_text(encoding="utf-8")
    final, _ = write_results(run, tmp_path)
    assert final.name == "2026-11-29-m-gold.md" and "partial" not in final.read_text(encoding="utf-8")


def test_the_command_in_a_results_file_reruns_the_run() -> None:
    """The peer ablation yields two rows (peer, peer-any) but is asked for once; pending ablations are part of the
    command; and every name in it is one ``audit eval --ablation`` accepts."""
    from agent.commands.eval import _ablations
    from evals.harness import AblationResult, EvalRun
    from evals.results_table import render_markdown, rerun_command

    rows = [AblationResult(ablation=a, model="m") for a in ("exact", "peer", "peer-any")]
    run = EvalRun(dataset="gold-dev", n=3, date="2026-11-30", commit="abc1234", model="m", limit=12, results=rows)
    assert rerun_command(run) == "audit eval --dataset gold-dev --ablation exact,peer --limit 12"
    partial = EvalRun(**{**run.__dict__, "results": rows[:1], "pending": ["full", "peer"]})
    assert rerun_command(partial) == "audit eval --dataset gold-dev --ablation exact,full,peer --limit 12"
    nothing_run_yet = EvalRun(**{**run.__dict__, "results": [], "pending": ["exact", "peer"]})
    assert "- command: `audit eval --dataset gold-dev --ablation exact,peer --limit 12`" in render_markdown(
        nothing_run_yet
    )
    assert _ablations("exact,peer") == ["exact", "peer"]
