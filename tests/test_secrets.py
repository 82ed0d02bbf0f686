"""Secrets: an API key comes only from the environment or a 0600 settings file, and never leaves the process.

A whole ``audit run`` (a real subprocess, debug logging on) runs with a canary key against the stand-in model server
(some requests fail, one kind with the masked key in the error body, as OpenAI's 401 has); then every file the
run wrote (reports, failed.jsonl, report.html, CSVs, the call log and cache SQLite files, logs), the cassettes
folder, stdout and stderr are searched for the canary. The server must have received the key, so the key was in
use and the search means something.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest

from agent.commands.llm import PingReply
from agent.errors import ConfigError, LLMError
from agent.kb.facts import FactIndex
from agent.kb.passages import build_passages
from agent.kb.store import KnowledgeBase
from agent.llm import open_llm
from agent.prompts import load_prompt
from agent.settings import REPO_ROOT, Settings, load_settings
from tests.fake_openai_server import FakeOpenAIServer, Step, drop, error
from tests.standin_model import FaultMix, StandInModel, model_string, standin_server

CANARY = "sk-canary-5d0c2f8e41b7a96e3c1f0d2a7b84e6c9"
SECRET_PART = CANARY.removeprefix("sk-canary-")
MASKED = f"Incorrect API key provided: sk-canar{'*' * 28}{CANARY[-4:]}. You can find your API key in the dashboard."


class KeyCheckingModel(StandInModel):
    """The stand-in model, answering every fifth request with OpenAI's 401 (the key masked)."""

    def __init__(self) -> None:
        super().__init__(FaultMix(rate_5xx=0.1, rate_malformed=0.05), seed=3)
        self.seen = 0

    def __call__(self, body: dict[str, Any]) -> Step:
        self.seen += 1
        if self.seen % 5 == 0:
            return error(401, MASKED)
        return super().__call__(body)


def _leaks(data: bytes) -> bool:
    return CANARY.encode() in data or SECRET_PART.encode() in data


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in sorted(root.rglob("*")) if p.is_file()]


@pytest.fixture
def small_kb(tmp_path: Path, fact_index: FactIndex) -> Path:
    """A data folder with a small real KB (real passages, the real embedding model)."""
    data = tmp_path / "data"
    passages = [p for p in build_passages(fact_index, "default") if p.type == "film"][:20]
    KnowledgeBase(Settings(data_dir=data, embedding_threads=1), create=True).build(
        passages, profile="default", progress=False
    )
    return data


def test_a_whole_run_leaks_the_key_nowhere(tmp_path: Path, small_kb: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = (REPO_ROOT / "evals" / "datasets" / "sample_batch.jsonl").read_text(encoding="utf-8").splitlines()[:8]
    batch.write_text("\n".join([*lines, '{"evaluation_id": "broken"']) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    model = KeyCheckingModel()
    with standin_server(model) as server:
        env = {
            **os.environ,
            "OPENAI_API_KEY": CANARY,
            "AUDIT_DATA_DIR": str(small_kb),
            "AUDIT_LLM_MAX_ATTEMPTS": "1",  # so that some evaluations fail and failed.jsonl has reasons
            "AUDIT_LLM_TIMEOUT_S": "30",
            "AUDIT_EMBEDDING_THREADS": "1",
        }
        done = subprocess.run(
            [sys.executable, "-m", "agent", "-v", "run", str(batch), "--out", str(out), "--model",
             model_string(server), "--no-progress"],
            env=env, capture_output=True, timeout=900, cwd=tmp_path,
        )  # fmt: skip
    stderr = done.stderr.decode(errors="replace")
    assert done.returncode == 1, stderr[-3000:]  # some evaluations failed, one line was rejected
    assert server.authorizations and set(server.authorizations) == {f"Bearer {CANARY}"}

    failed = [json.loads(line) for line in (out / "failed.jsonl").read_text().splitlines()]
    assert failed and any("401" in f["reason"] for f in failed), failed
    assert (out / "reports.jsonl").read_text().strip() and (out / "rejects.jsonl").read_text().strip()
    written = _files(out, small_kb)
    names = {p.name for p in written}
    assert {"report.html", "reports.jsonl", "failed.jsonl", "summary.json", "llm_cache.sqlite"} <= names, names

    leaked = [str(p) for p in [*written, *_files(REPO_ROOT / "tests" / "cassettes")] if _leaks(p.read_bytes())]
    assert leaked == []
    assert not _leaks(done.stdout) and not _leaks(done.stderr)
    assert "DEBUG" in stderr  # the debug log was on, and still holds no key


def test_errors_and_settings_never_show_the_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, openai_api_key=CANARY, llm_max_attempts=2, llm_timeout_s=5)  # type: ignore[call-arg]
    for text in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert not _leaks(text.encode())

    steps = [error(401, MASKED), error(500, "boom"), error(429, "slow down", headers={"Retry-After": "0"}), drop()]
    for step in steps:
        with FakeOpenAIServer([step]) as server:
            llm = open_llm(f"openai-compatible:standin@{server.base_url}", settings)
            try:
                with pytest.raises(LLMError) as caught:
                    llm.structured(load_prompt("ping").render(word="pong", a="1", b="2"), PingReply, tag="ping")
                logged = [f"{row.error} {row.output}" for row in llm.cache.calls(tag="ping")]
            finally:
                llm.close()
            assert server.authorizations[-1] == f"Bearer {CANARY}"
        e = caught.value
        shown = "".join(traceback.format_exception(e)) + repr(e) + str(e.last_output) + " ".join(logged)
        assert logged and not _leaks(shown.encode()), shown[-2000:]


def test_the_key_comes_from_the_environment_or_a_private_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    path = tmp_path / "settings.env"
    path.write_text(f"OPENAI_API_KEY={CANARY}\n", encoding="utf-8")
    monkeypatch.setenv("AUDIT_SETTINGS_FILE", str(path))

    path.chmod(0o600)
    key = load_settings().openai_api_key
    assert key is not None and key.get_secret_value() == CANARY

    path.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "chmod 600" in str(caught.value) and not _leaks(str(caught.value).encode())

    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("AUDIT_SETTINGS_FILE", str(tmp_path / "none.env"))
    key = load_settings().openai_api_key
    assert key is not None and key.get_secret_value() == CANARY


def test_cassettes_hold_no_credentials() -> None:
    for path in _files(REPO_ROOT / "tests" / "cassettes"):
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        assert "authorization:" not in text and "bearer " not in text, path
        assert re.search(r"\bsk-[a-z0-9-]{8,}", text) is None, path
