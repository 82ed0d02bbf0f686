"""`audit llm ping|calls|stats` end to end against the scripted OpenAI-protocol server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.cli import main
from tests.fake_openai_server import FakeOpenAIServer, answer

PING = {"status": "ok", "echo": "pong", "total": 42}


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with FakeOpenAIServer([answer(PING)]) as fake:
        monkeypatch.setenv("AUDIT_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("AUDIT_MODEL", f"openai-compatible:fake@{fake.base_url}")
        yield fake


def test_second_ping_is_a_cache_hit_shown_by_the_call_log(server: FakeOpenAIServer, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["llm", "ping"]) == 0
    first = capsys.readouterr()
    assert json.loads(first.out) == PING and "1 model call(s)" in first.err
    assert main(["llm", "ping"]) == 0
    second = capsys.readouterr()
    assert "cache hit, 0 model calls" in second.err
    assert len(server.requests) == 1

    assert main(["llm", "calls", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["cache_hit"], r["prompt_name"], r["prompt_version"], r["tag"]) for r in rows] == [
        (True, "ping", "1", "ping"),
        (False, "ping", "1", "ping"),
    ]
    assert rows[0]["input_hash"] == rows[1]["input_hash"] and rows[1]["prompt_tokens"] == 11

    assert main(["llm", "calls"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("id\t") and "\thit\t" in table[1] and "\tmiss\t" in table[2]

    assert main(["llm", "stats"]) == 0
    runs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["calls"], r["cache_hits"]) for r in runs] == [(1, 1), (1, 0)]


def test_a_different_word_is_a_new_call(server: FakeOpenAIServer, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["llm", "ping"]) == 0
    assert main(["llm", "ping", "--word", "other"]) == 1  # the fake echoes "pong": a wrong answer is exit 1
    assert len(server.requests) == 2
    assert "other" in server.requests[1]["messages"][1]["content"]


def test_unreachable_model_is_one_line_with_the_fix(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AUDIT_LLM_MAX_ATTEMPTS", "1")
    code = main(["llm", "ping", "--model", "openai-compatible:fake@http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err.strip()
    assert code == 6 and len(err.splitlines()) == 1
    assert "unreachable" in err and "make setup-local" in err and "--no-llm" in err
