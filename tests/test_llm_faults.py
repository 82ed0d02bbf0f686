"""Fault tests of the LLM seam against a real scripted HTTP server (tests/fake_openai_server.py); no cassettes.

Every scenario must end in a validated answer or a clear LLMError, within a bounded time.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from agent.errors import LLMError, ModelUnavailableError
from agent.llm import LLM, ModelSpec, StructuredMethod
from agent.llm_retry import RetryPolicy
from agent.prompts import RenderedPrompt
from agent.settings import Settings
from tests.fake_openai_server import FakeOpenAIServer, Step, answer, content, drop, error, hang

FAST = RetryPolicy(max_attempts=4, max_total_s=30.0, initial_s=0.01, max_wait_s=0.05, jitter_s=0.01)
GOOD = {"verdict": "supported", "confidence": 4}


class Answer(BaseModel):
    """A verdict with a bounded confidence."""

    model_config = ConfigDict(extra="forbid")

    verdict: str = Field(pattern="^(supported|refuted)$")
    confidence: int = Field(ge=1, le=5)


def prompt(text: str = "Is the claim supported?") -> RenderedPrompt:
    return RenderedPrompt(
        name="fault_test",
        version="v1",
        messages=[{"role": "system", "content": "x"}, {"role": "user", "content": text}],
    )


def make_llm(
    server: FakeOpenAIServer,
    tmp_path: Path,
    *,
    timeout_s: float = 5.0,
    policy: RetryPolicy = FAST,
    method: StructuredMethod | None = None,
) -> LLM:
    settings = Settings(data_dir=tmp_path, llm_timeout_s=timeout_s)
    spec = ModelSpec("openai-compatible", "fake", server.base_url, f"openai-compatible:fake@{server.base_url}",
                     "function_calling")  # fmt: skip
    return LLM(spec, settings, retry=policy, method=method)


def run(steps: list[Step], tmp_path: Path, **kwargs: object) -> tuple[FakeOpenAIServer, LLM]:
    server = FakeOpenAIServer(steps).__enter__()
    return server, make_llm(server, tmp_path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def scripted(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened: list[tuple[FakeOpenAIServer, LLM]] = []

    def start(steps: list[Step], **kwargs: object) -> tuple[FakeOpenAIServer, LLM]:
        pair = run(steps, tmp_path, **kwargs)
        opened.append(pair)
        return pair

    yield start
    for server, llm in opened:
        llm.close()
        server.__exit__()


def test_429_with_retry_after_is_honoured_then_succeeds(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(429, "slow down", {"Retry-After": "1"}), answer(GOOD)])
    started = time.monotonic()
    result = llm.structured(prompt(), Answer)
    assert result == Answer(verdict="supported", confidence=4)
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 1.0, "Retry-After: 1 was not honoured"
    assert llm.stats.requests == 2 and llm.stats.calls == 1


def test_503_twice_then_success(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(503), error(503), answer(GOOD)])
    assert llm.structured(prompt(), Answer).verdict == "supported"
    assert len(server.requests) == 3
    row = llm.cache.calls(limit=1)[0]
    assert (row.attempts, row.cache_hit, row.error) == (3, False, None)


def test_hung_response_times_out_and_is_retried(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([hang(30), answer(GOOD)], timeout_s=0.5)
    started = time.monotonic()
    assert llm.structured(prompt(), Answer).confidence == 4
    assert time.monotonic() - started < 10
    assert len(server.requests) == 2


def test_always_hanging_server_ends_in_a_clear_error(scripted) -> None:  # type: ignore[no-untyped-def]
    policy = RetryPolicy(max_attempts=2, max_total_s=30.0, initial_s=0.01, max_wait_s=0.05, jitter_s=0.01)
    server, llm = scripted([hang(30)], timeout_s=0.5, policy=policy)
    started = time.monotonic()
    with pytest.raises(LLMError, match="no answer within 0.5 s") as caught:
        llm.structured(prompt(), Answer)
    assert time.monotonic() - started < 10
    assert caught.value.attempts == 2 and len(server.requests) == 2
    assert not isinstance(caught.value, ModelUnavailableError)


def test_malformed_function_arguments_are_reasked_with_the_error(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer('{"verdict": "supported", "confidence": '), answer(GOOD)])
    assert llm.structured(prompt(), Answer).verdict == "supported"
    second = server.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"verdict": "supported", "confidence": '}
    assert "did not match the required JSON schema" in second[-1]["content"]
    assert "Invalid JSON" in second[-1]["content"] or "EOF" in second[-1]["content"]


def test_schema_violation_twice_raises_llmerror_with_raw_output(scripted) -> None:  # type: ignore[no-untyped-def]
    bad = json.dumps({"verdict": "maybe", "confidence": 9})
    server, llm = scripted([answer(bad)])
    with pytest.raises(LLMError, match="did not validate as Answer after 2 answers") as caught:
        llm.structured(prompt(), Answer)
    assert caught.value.last_output == bad and caught.value.attempts == 2
    assert len(server.requests) == 2
    row = llm.cache.calls(limit=1)[0]
    assert row.error and row.output == bad
    assert llm.cache.get(row.input_hash) is None, "an invalid answer must never be cached"


def test_other_4xx_is_never_retried(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(400, "bad request: unknown field"), answer(GOOD)])
    with pytest.raises(LLMError, match="unknown field") as caught:
        llm.structured(prompt(), Answer)
    assert len(server.requests) == 1 and caught.value.attempts == 1


def test_structured_output_500_is_not_retried(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(500, "response_format json_schema is not supported")], method="json_schema")
    with pytest.raises(LLMError, match="needs forced function calling"):
        llm.structured(prompt(), Answer)
    assert len(server.requests) == 1
    assert server.requests[0]["response_format"]["type"] == "json_schema"
    assert "tools" not in server.requests[0]


def test_json_schema_method_reads_message_content(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([content(json.dumps(GOOD))], method="json_schema")
    assert llm.structured(prompt(), Answer).confidence == 4


def test_total_time_bound_stops_before_a_long_retry_after(scripted) -> None:  # type: ignore[no-untyped-def]
    policy = RetryPolicy(max_attempts=5, max_total_s=2.0, initial_s=0.01, max_wait_s=0.05, jitter_s=0.01)
    server, llm = scripted([error(429, "quota", {"Retry-After": "30"})], policy=policy)
    started = time.monotonic()
    with pytest.raises(LLMError, match="quota"):
        llm.structured(prompt(), Answer)
    assert time.monotonic() - started < 5 and len(server.requests) == 1


def test_dropped_connections_end_in_model_unavailable(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([drop()])
    with pytest.raises(ModelUnavailableError, match="make setup-local") as caught:
        llm.structured(prompt(), Answer)
    assert caught.value.attempts == FAST.max_attempts == len(server.requests)


def test_request_is_deterministic_and_forces_the_function(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer(GOOD)])
    llm.structured(prompt(), Answer)
    body = server.requests[0]
    assert body["temperature"] == 0 and body["seed"] == Settings().llm_seed
    assert body["max_tokens"] >= 1024
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}
    assert body["tools"][0]["function"]["parameters"]["properties"]["confidence"]["maximum"] == 5


def test_second_identical_call_is_a_cache_hit(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer(GOOD)])
    first = llm.structured(prompt(), Answer, tag="rec-1")
    second = llm.structured(prompt(), Answer, tag="rec-1")
    assert first == second and len(server.requests) == 1
    assert (llm.stats.calls, llm.stats.cache_hits) == (1, 1)
    rows = llm.cache.calls(tag="rec-1")
    assert [r.cache_hit for r in rows] == [True, False]
    assert rows[0].input_hash == rows[1].input_hash and rows[0].output == rows[1].output


def test_cache_survives_a_new_llm_object(scripted, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer(GOOD)])
    llm.structured(prompt(), Answer)
    llm.close()
    again = make_llm(server, tmp_path)
    try:
        assert again.structured(prompt(), Answer).verdict == "supported"
        assert again.stats.cache_hits == 1 and len(server.requests) == 1
    finally:
        again.close()


def test_concurrent_async_calls_share_the_cache(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer(GOOD)])

    async def batch() -> list[Answer]:
        return list(await asyncio.gather(*(llm.astructured(prompt(f"claim {i}"), Answer) for i in range(12))))

    assert len(asyncio.run(batch())) == 12 and len(server.requests) == 12
    assert len(asyncio.run(batch())) == 12 and len(server.requests) == 12, "re-run must make zero model calls"
    stats = llm.stats
    assert (stats.calls, stats.cache_hits, stats.prompt_tokens) == (12, 12, 12 * 11)


def test_async_retries_503_then_succeeds(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(503), answer(GOOD)])
    assert asyncio.run(llm.astructured(prompt(), Answer)).verdict == "supported"
    assert len(server.requests) == 2


def test_threads_share_one_llm(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([error(503), answer(GOOD)])
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda i: llm.structured(prompt(f"claim {i}"), Answer), range(12)))
    assert len(results) == 12 and all(r.verdict == "supported" for r in results)
    assert len(server.requests) == 13  # one 503 retried once
    assert llm.stats.calls == 12 and len(llm.cache.calls(limit=100)) == 12


def test_local_provider_sends_one_request_at_a_time(tmp_path: Path) -> None:
    with FakeOpenAIServer([answer(GOOD, after_s=0.2)]) as server:
        spec = ModelSpec("local", "fake", server.base_url, "local:fake", "function_calling")
        with LLM(spec, Settings(data_dir=tmp_path), retry=FAST) as llm:

            async def batch() -> list[Answer]:
                return list(await asyncio.gather(*(llm.astructured(prompt(f"c{i}"), Answer) for i in range(4))))

            assert len(asyncio.run(batch())) == 4
            assert len(asyncio.run(batch())) == 4  # a second event loop gets its own queue
            with ThreadPoolExecutor(max_workers=4) as pool:
                assert len(list(pool.map(lambda i: llm.structured(prompt(f"t{i}"), Answer), range(4)))) == 4
        assert len(server.requests) == 8 and server.max_in_flight == 1


def test_remote_providers_send_concurrently(scripted) -> None:  # type: ignore[no-untyped-def]
    server, llm = scripted([answer(GOOD, after_s=0.3)])

    async def batch() -> list[Answer]:
        return list(await asyncio.gather(*(llm.astructured(prompt(f"c{i}"), Answer) for i in range(4))))

    assert len(asyncio.run(batch())) == 4 and server.max_in_flight > 1
