"""The batch runner: accounting, resume, changed records, failures, retry, shards and merge, cost stop."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.commands.merge import merge_folders, missing_shards
from agent.commands.run import Scope, execute, read_batch
from agent.errors import ConfigError, InputError
from agent.models import AuditReport, Evaluation
from agent.pipeline import RunOptions, folder_lock, parse_shard, run_batch, shard_of
from agent.results import FailedEvaluation, RunSummary, load_state, read_jsonl
from agent.settings import Settings
from agent.validate import ValidRecord
from tests.fixtures_pipeline import RuleAuditor, canonical_reports, evaluation_record, write_batch

QUIET = RunOptions(concurrency=4, progress=False)


def run(batch: Path, out: Path, auditor: RuleAuditor, options: RunOptions = QUIET, scope: Scope | None = None):
    summary, _ = execute(batch, out, auditor, Settings(), options, scope or Scope(), None)
    return summary


def report_ids(out: Path) -> list[str]:
    return [r.evaluation_id for r in read_jsonl(out / "reports.jsonl", AuditReport)]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    bad = [
        '{"evaluation_id": "ev-bad-1", "contributor_id": "c-1"}',  # missing fields
        "{not json",
    ]
    return write_batch(tmp_path / "batch.jsonl", [evaluation_record(i) for i in range(1, 21)], bad)


def test_every_record_is_accounted_for(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(batch, out, RuleAuditor())
    assert (summary.read, summary.audited, summary.rejected, summary.failed, summary.pending) == (22, 20, 2, 0, 0)
    assert summary.read == summary.audited + summary.rejected + summary.failed
    assert report_ids(out) == [f"ev-{i:05d}" for i in range(1, 21)]  # compacted into input order
    assert len((out / "rejects.jsonl").read_text().splitlines()) == 2
    saved = RunSummary.model_validate_json((out / "summary.json").read_text())
    assert saved.audited == 20 and saved.needs_review == summary.needs_review > 0
    assert summary.llm_calls == 40 and summary.cache_hits == 20 and summary.cost_usd == pytest.approx(0.002)
    for name in ("report.html", "review_queue.csv", "review_queue.jsonl", "contributors.csv", "evaluations.jsonl"):
        assert (out / name).stat().st_size > 0, name


def test_rerun_audits_nothing_that_finished(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(batch, out, RuleAuditor())
    before = canonical_reports(out / "reports.jsonl")
    again = RuleAuditor()
    summary = run(batch, out, again)
    assert again.calls == []
    assert (summary.resumed, summary.audited_this_run, summary.audited) == (20, 0, 20)
    assert canonical_reports(out / "reports.jsonl") == before


def test_changed_record_is_audited_again_and_replaces_the_old_report(tmp_path: Path) -> None:
    records = [evaluation_record(i) for i in range(1, 11)]
    batch = write_batch(tmp_path / "b.jsonl", records)
    out = tmp_path / "out"
    run(batch, out, RuleAuditor())
    old_hash = load_state(out).reports["ev-00004"].provenance.input_hash
    records[3]["comment"] = "Good answer."  # ev-00004 now has a weak comment
    write_batch(batch, records)
    again = RuleAuditor()
    summary = run(batch, out, again)
    assert again.calls == ["ev-00004"]
    assert (summary.audited, summary.resumed, summary.audited_this_run) == (10, 9, 1)
    ids = report_ids(out)
    assert ids == sorted(set(ids)) and len(ids) == 10  # no duplicate line for the changed record
    new = load_state(out).reports["ev-00004"]
    assert new.provenance.input_hash != old_hash
    assert any(f.type == "weak_comment" for f in new.flags)
    saved = [r.evaluation for r in read_jsonl(out / "evaluations.jsonl", ValidRecord)]
    assert saved[3].comment == "Good answer."


def test_a_failing_evaluation_is_recorded_and_the_batch_goes_on(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(batch, out, RuleAuditor(fail_ids={"ev-00002", "ev-00005"}))
    assert (summary.audited, summary.failed, summary.rejected, summary.read) == (18, 2, 2, 22)
    failures = read_jsonl(out / "failed.jsonl", FailedEvaluation)
    assert sorted(f.evaluation_id for f in failures) == ["ev-00002", "ev-00005"]
    assert all(f.error == "LLMError" and "503" in f.reason and f.attempts == 4 and f.line > 0 for f in failures)

    plain = RuleAuditor()
    assert run(batch, out, plain).failed == 2 and plain.calls == []  # a plain rerun does not retry

    retry = RuleAuditor()
    summary = run(batch, out, retry, RunOptions(concurrency=2, retry_failed=True, progress=False))
    assert sorted(retry.calls) == ["ev-00002", "ev-00005"]
    assert (summary.audited, summary.failed) == (20, 0)
    assert (out / "failed.jsonl").read_text() == ""
    assert report_ids(out) == [f"ev-{i:05d}" for i in range(1, 21)]


def test_torn_last_line_is_cut_off_and_that_evaluation_audited_again(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(batch, out, RuleAuditor())
    path = out / "reports.jsonl"
    data = path.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(data[: last_start + 57])  # a kill -9 in the middle of the last write
    again = RuleAuditor()
    summary = run(batch, out, again)
    assert again.calls == ["ev-00020"]
    assert summary.audited == 20
    assert report_ids(out) == [f"ev-{i:05d}" for i in range(1, 21)]


def test_a_bad_line_in_the_middle_is_an_error_naming_the_line(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(batch, out, RuleAuditor())
    lines = (out / "reports.jsonl").read_text().splitlines()
    lines[4] = lines[4][:30]
    (out / "reports.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"reports\.jsonl:5: not a valid AuditReport"):
        run(batch, out, RuleAuditor())


def test_shards_split_deterministically_and_merge_back(batch: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    run(batch, whole, RuleAuditor())
    shards = [tmp_path / f"s{i}" for i in (1, 2, 3)]
    seen: list[str] = []
    for i, out in enumerate(shards, start=1):
        summary = run(batch, out, RuleAuditor(), scope=Scope(shard=(i, 3)))
        assert summary.shard == f"{i}/3"
        seen += report_ids(out)
        assert all(shard_of(eid, 3) == i for eid in report_ids(out))
    assert sorted(seen) == sorted(report_ids(whole))  # disjoint and complete

    merged = tmp_path / "merged"
    _, summary = merge_folders(shards, merged)
    assert canonical_reports(merged / "reports.jsonl") == canonical_reports(whole / "reports.jsonl")
    assert (summary.audited, summary.rejected, summary.failed, summary.read) == (20, 2, 0, 22)
    assert missing_shards([RunSummary.model_validate_json((d / "summary.json").read_text()) for d in shards[:2]]) == [
        "3/3"
    ]
    with pytest.raises(InputError, match="also an input"):
        merge_folders(shards, shards[0])


@pytest.mark.parametrize("text", ["3", "0/2", "3/2", "a/b", "1/0"])
def test_bad_shard_is_a_clear_error(text: str) -> None:
    with pytest.raises(InputError, match="--shard"):
        parse_shard(text)


def test_limit_takes_the_first_records(batch: Path, tmp_path: Path) -> None:
    auditor = RuleAuditor()
    summary = run(batch, tmp_path / "out", auditor, scope=Scope(limit=5))
    assert (summary.read, summary.audited) == (5, 5)
    assert sorted(auditor.calls) == [f"ev-{i:05d}" for i in range(1, 6)]


def test_max_cost_stops_cleanly_and_the_rest_runs_later(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(batch, out, RuleAuditor(), RunOptions(concurrency=1, max_cost_usd=0.00035, progress=False))
    assert (summary.stopped, summary.audited, summary.pending) == ("max_cost", 4, 16)
    assert summary.read == summary.audited + summary.rejected + summary.failed + summary.pending
    summary = run(batch, out, RuleAuditor())
    assert (summary.stopped, summary.audited, summary.pending, summary.resumed) == ("complete", 20, 0, 4)


class CountingAuditor(RuleAuditor):
    def __init__(self) -> None:
        super().__init__(delay=0.01)
        self.in_flight = self.peak = 0

    async def audit(self, evaluation: Evaluation) -> AuditReport:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await super().audit(evaluation)
        finally:
            self.in_flight -= 1


def test_concurrency_is_bounded(batch: Path, tmp_path: Path) -> None:
    auditor = CountingAuditor()
    run(batch, tmp_path / "out", auditor, RunOptions(concurrency=3, progress=False))
    assert auditor.peak == 3


def test_one_run_per_folder(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    records, _ = read_batch(batch, Settings(), Scope())
    with folder_lock(out), pytest.raises(ConfigError, match="another `audit run`"):
        asyncio.run(run_batch(records, RuleAuditor(), out, QUIET))


def test_rejects_keep_line_and_reason(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(batch, out, RuleAuditor())
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [21, 22]
    assert rejects[0]["evaluation_id"] == "ev-bad-1" and rejects[0]["reason"]


def test_audit_merge_command(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shards = [tmp_path / f"s{i}" for i in (1, 2)]
    for i, out in enumerate(shards, start=1):
        run(batch, out, RuleAuditor(), scope=Scope(shard=(i, 3)))
    assert main(["merge", *map(str, shards), "--out", str(tmp_path / "m")]) == 0
    captured = capsys.readouterr()
    assert "shard(s) 3/3 not among the folders merged" in captured.err
    assert str(tmp_path / "m" / "report.html") in captured.out
    assert main(["merge", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m2")]) == 3


def test_audit_run_rejects_a_bad_shard_before_loading_anything(batch: Path, tmp_path: Path) -> None:
    assert main(["run", str(batch), "--out", str(tmp_path / "o"), "--shard", "4/3", "--no-llm"]) == 3
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("flag", [["--concurrency", "0"], ["--limit", "-1"], ["--max-cost", "abc"]])
def test_audit_run_bad_numbers_are_usage_errors(flag: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "batch.jsonl", "--out", str(tmp_path / "o"), *flag])
    assert exit_info.value.code == 2
