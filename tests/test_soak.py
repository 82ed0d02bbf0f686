"""Fault soak: a batch through the real batch runner while the model server and the Chroma server misbehave.

1. The model: a real HTTP server speaking the OpenAI protocol (:mod:`tests.standin_model`) answers the agent's real
   structured-output requests and, for about one request in four, answers 429 with ``Retry-After``, a 5xx, hangs
   past the client's timeout, drops the connection or returns a malformed tool call.
2. The knowledge base: a real ``chroma run`` subprocess is stopped and restarted while the batch runs.

Each batch runs as ``audit run`` does (``agent.commands.run.execute``), then once more with ``--retry-failed``.
The figures: completed, retried, failed-with-reason, lost (must be 0), duplicated (must be 0), and the time
overhead against the same batch with no faults. The stand-in model's answers are fixed, so the soak measures the
pipeline's fault handling, not the model's judgment; it also checks that every report under faults equals the
fault-free run's. Size: ``--soak-size`` (CI default 60; ``make soak`` runs 1,000). The figures are written to
``out/soak/*.json``.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from agent.audit import Auditor
from agent.commands.run import Scope, execute
from agent.kb.facts import FactIndex
from agent.kb.passages import build_passages
from agent.kb.store import KnowledgeBase
from agent.llm import open_llm
from agent.models import AuditReport, Evaluation
from agent.pipeline import RunOptions
from agent.retrieval import Retriever
from agent.settings import REPO_ROOT, Settings
from tests.standin_model import FaultMix, StandInModel, model_string, standin_server

SAMPLE = REPO_ROOT / "evals" / "datasets" / "sample_batch.jsonl"
FIGURES = REPO_ROOT / "out" / "soak"
_MODEL_PREFIX = re.compile(r"openai-compatible:\S+( at \S+)?: ")


# -- helpers -----------------------------------------------------------------------------------------------------


def soak_batch(path: Path, size: int) -> list[str]:
    """``size`` evaluations cycled from the sample batch, each with its own id and prompt (no cache hits)."""
    sample = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    ids = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            record = json.loads(json.dumps(sample[i % len(sample)]))
            record["evaluation_id"] = f"soak-{i:05d}"
            record["task"]["prompt"] = f"(Request {_letters(i)}) " + record["task"]["prompt"]
            out.write(json.dumps(record) + "\n")
            ids.append(record["evaluation_id"])
    return ids


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
        if i == 0:
            return out.upper()


class CountingAuditor:
    """The real auditor, counting how often the runner asks for each evaluation (a duplicate is asked twice)."""

    def __init__(self, inner: Auditor, out: Path) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.had_report = {r["evaluation_id"] for r in _lines(out / "reports.jsonl")}

    async def audit(self, evaluation: Evaluation) -> AuditReport:
        self.calls[evaluation.evaluation_id] += 1
        return await self.inner.audit(evaluation)


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, llm_timeout_s=2.0, llm_max_attempts=5, embedding_threads=1)


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _judgment(report: dict[str, Any]) -> tuple[Any, ...]:
    return (report["verdict"], report["priority"], report["flags"], report["agent_ratings"], report["claims"])


def _run(batch: Path, out: Path, auditor: Any, settings: Settings, *, retry_failed: bool = False) -> float:
    started = time.monotonic()
    options = RunOptions(concurrency=8, retry_failed=retry_failed, progress=False)
    execute(batch, out, auditor, settings, options, Scope(), None)
    return time.monotonic() - started


def _accounting(ids: list[str], out: Path, *passes: CountingAuditor) -> dict[str, Any]:
    """What became of each evaluation after the given passes (a duplicate: audited twice in a pass, audited again
    after a report existed, or two report lines for one evaluation)."""
    reports = _lines(out / "reports.jsonl")
    failed = _lines(out / "failed.jsonl")
    report_ids = Counter(r["evaluation_id"] for r in reports)
    failed_ids = {f["evaluation_id"] for f in failed}
    return {
        "completed": len(report_ids),
        "failed": len(failed_ids - report_ids.keys()),
        "failed_reasons": dict(Counter(f"{f['error']}: {_MODEL_PREFIX.sub('', f['reason'])[:100]}" for f in failed)),
        "lost": len(set(ids) - report_ids.keys() - failed_ids),
        "duplicated": sum(n - 1 for p in passes for n in p.calls.values() if n > 1)
        + sum(n - 1 for n in report_ids.values() if n > 1)
        + sum(eid in p.had_report for p in passes for eid in p.calls),
    }


def _retried(auditor: Auditor) -> int:
    """Evaluations with at least one model call that took more than one request (retry or re-ask)."""
    assert auditor.llm is not None
    rows = auditor.llm.cache.calls(run_id=auditor.llm.run_id, limit=1_000_000)
    return len({(row.tag or "?").split("/")[0] for row in rows if row.attempts > 1})


def _save(name: str, figures: dict[str, Any]) -> None:
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\n{name}: {json.dumps(figures)}")


# -- 1. model server faults --------------------------------------------------------------------------------------


def test_soak_model_server_faults(tmp_path: Path, soak_size: int, fact_index: FactIndex) -> None:
    batch = tmp_path / "batch.jsonl"
    ids = soak_batch(batch, soak_size)

    with standin_server(StandInModel()) as server:
        # first, load the fact tables that load on first use, so that neither timed run pays for them
        warm_settings = _settings(tmp_path / "warm-data")
        warm = Auditor(warm_settings, llm=open_llm(model_string(server), warm_settings), facts=fact_index)
        soak_batch(tmp_path / "warm.jsonl", 41)
        _run(tmp_path / "warm.jsonl", tmp_path / "warm", warm, warm_settings)
        warm.close()
        settings = _settings(tmp_path / "clean-data")
        clean = Auditor(settings, llm=open_llm(model_string(server), settings), facts=fact_index)
        clean_s = _run(batch, tmp_path / "clean", clean, settings)
        clean.close()
    baseline = {r["evaluation_id"]: _judgment(r) for r in _lines(tmp_path / "clean" / "reports.jsonl")}
    assert len(baseline) == soak_size

    model = StandInModel(FaultMix.soak(), seed=soak_size)
    with standin_server(model) as server:
        settings = _settings(tmp_path / "fault-data")
        inner = Auditor(settings, llm=open_llm(model_string(server), settings), facts=fact_index)
        out = tmp_path / "faults"
        first_pass = CountingAuditor(inner, out)
        fault_s = _run(batch, out, first_pass, settings)
        first = _accounting(ids, out, first_pass)
        retried = _retried(inner)
        retry_pass = CountingAuditor(inner, out)
        retry_s = _run(batch, out, retry_pass, settings, retry_failed=True) if first["failed"] else 0.0
        final = _accounting(ids, out, first_pass, retry_pass)
        inner.close()

    figures = {
        "evaluations": soak_size,
        "requests": sum(model.counts.values()),
        "faults_injected": {k: v for k, v in model.counts.items() if k != "answer"},
        "completed_first_pass": first["completed"],
        "retried": retried,
        "failed_first_pass": first["failed"],
        "failed_reasons": first["failed_reasons"],
        "completed_after_retry_failed": final["completed"],
        "lost": final["lost"],
        "duplicated": final["duplicated"],
        "seconds_fault_free": round(clean_s, 1),
        "seconds_with_faults": round(fault_s, 1),
        "seconds_retry_failed_pass": round(retry_s, 1),
        "overhead": round((fault_s + retry_s) / clean_s - 1, 3),
    }
    _save(f"model-faults-{soak_size}", figures)

    assert all(model.counts[kind] > 0 for kind in ("429", "5xx", "hang", "drop", "malformed")), model.counts
    assert first["lost"] == 0 and first["duplicated"] == 0, first
    assert final["lost"] == 0 and final["duplicated"] == 0, final
    assert retried > 0
    assert final["completed"] == soak_size, final
    assert all(reason.split(":")[0] in ("LLMError", "ModelUnavailableError") for reason in first["failed_reasons"])
    # faults change nothing in what the agent concludes: every report equals the fault-free run's
    after = {r["evaluation_id"]: _judgment(r) for r in _lines(out / "reports.jsonl")}
    assert [eid for eid in ids if after[eid] != baseline[eid]] == []


# -- 2. the Chroma server stopped and restarted mid-run -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """A real ``chroma run`` subprocess on a fixed port and folder, which the test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: BinaryIO | None = None
        self.restarts = 0

    def start(self) -> None:
        cli = Path(REPO_ROOT / ".venv" / "bin" / "chroma")
        if not cli.exists():
            pytest.skip("the `chroma` CLI (installed with chromadb) is not in .venv")
        self.log = (self.folder.parent / "chroma.log").open("ab")
        self.proc = subprocess.Popen(
            [str(cli), "run", "--path", str(self.folder), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"chroma run exited with {self.proc.returncode}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                assert time.monotonic() < deadline, "chroma run did not open its port within 60 s"
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log is not None:
            self.log.close()
            self.log = None


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _finished(reports: Path) -> int:
    """Reports appended so far (complete lines only: the runner may be writing the next one)."""
    return reports.read_bytes().count(b"\n") if reports.exists() else 0


def _restart_when(server: ChromaServer, reports: Path, after: int, down_s: float, seen: dict[str, int]) -> None:
    deadline = time.monotonic() + 1800
    while _finished(reports) < after:
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    seen["reports_at_stop"] = _finished(reports)
    server.stop()
    time.sleep(down_s)
    server.start()
    seen["reports_at_restart"] = _finished(reports)
    server.restarts += 1


def test_soak_chroma_restart_mid_run(
    tmp_path: Path, soak_size: int, fact_index: FactIndex, chroma: ChromaServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent.audit")
    batch = tmp_path / "batch.jsonl"
    ids = soak_batch(batch, soak_size)
    settings = _settings(tmp_path / "data")
    passages = [p for p in build_passages(fact_index, "default") if p.type == "film"][:40]
    KnowledgeBase(settings, chroma_url=chroma.url, create=True).build(passages, profile="default", progress=False)

    with standin_server(StandInModel()) as server:
        inner = Auditor(
            settings,
            llm=open_llm(model_string(server), settings),
            facts=fact_index,
            retriever=Retriever(KnowledgeBase(settings, chroma_url=chroma.url), fact_index),
        )
        out = tmp_path / "out"
        first_pass = CountingAuditor(inner, out)
        seen: dict[str, int] = {}
        killer = threading.Thread(
            target=_restart_when, args=(chroma, out / "reports.jsonl", max(2, soak_size // 4), 3.0, seen), daemon=True
        )
        killer.start()
        run_s = _run(batch, out, first_pass, settings)
        killer.join(timeout=120)
        first = _accounting(ids, out, first_pass)
        retry_pass = CountingAuditor(inner, out)
        retry_s = _run(batch, out, retry_pass, settings, retry_failed=True) if first["failed"] else 0.0
        final = _accounting(ids, out, first_pass, retry_pass)
        inner.close()

    figures = {
        "evaluations": soak_size,
        "chroma_restarts": chroma.restarts,
        "kb_requests_retried": sum(r.getMessage().startswith("knowledge base request failed") for r in caplog.records),
        **seen,
        "completed_first_pass": first["completed"],
        "failed_first_pass": first["failed"],
        "failed_reasons": first["failed_reasons"],
        "completed_after_retry_failed": final["completed"],
        "lost": final["lost"],
        "duplicated": final["duplicated"],
        "seconds": round(run_s, 1),
        "seconds_retry_failed_pass": round(retry_s, 1),
    }
    _save(f"chroma-restart-{soak_size}", figures)

    assert chroma.restarts == 1 and seen["reports_at_stop"] < soak_size, seen
    kb_retries = [r for r in caplog.records if r.getMessage().startswith("knowledge base request failed")]
    assert kb_retries, "no audit ran into the outage"
    assert first["lost"] == 0 and first["duplicated"] == 0, first
    assert final["lost"] == 0 and final["duplicated"] == 0, final
    assert final["completed"] == soak_size, final
    assert all(reason.startswith("KnowledgeBaseError") for reason in first["failed_reasons"]), first
