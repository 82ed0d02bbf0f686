"""Fixtures for tests that call a model: cassette replay by default, recording against the embedded llama.cpp server.

Use it like this::

    @pytest.mark.vcr
    def test_something(recorded_llm: LLM) -> None:
        answer = recorded_llm.structured(load_prompt("verify_claims").render(...), MySchema)

In replay (``make test``, ``record_mode=none``) ``recorded_llm`` points at a fixed local address that nothing
listens on; vcrpy answers from ``tests/cassettes/<test module>/<test name>.yaml``, matched on method, URL and the
exact JSON body, so a changed prompt, schema or setting fails loudly instead of replaying a stale answer. A
cassette that is only partly played fails the test too. ``make record`` (``--record-mode=rewrite``) first starts
the real embedded server on that same fixed port, so recorded and replayed requests are identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.llm import LLM, open_llm
from agent.local_model import MODEL_ALIAS, LocalServer, require_ready
from agent.settings import Settings, load_settings

RECORD_PORT = 18931
RECORD_BASE_URL = f"http://127.0.0.1:{RECORD_PORT}/v1"
RECORD_MODEL = f"openai-compatible:{MODEL_ALIAS}@{RECORD_BASE_URL}"
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "cookie", "openai-organization", "openai-project"]
SECRET_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project"}


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_RESPONSE_HEADERS:
            del headers[name]
    return response


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """pytest-recording settings for every cassette test."""
    return {
        "filter_headers": SECRET_HEADERS,
        "before_record_response": _scrub_response,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "allow_playback_repeats": False,
        "decode_compressed_response": True,
    }


@pytest.fixture(autouse=True)
def _cassette_fully_played(vcr: Any, record_mode: str) -> Iterator[None]:
    """A replayed cassette with interactions the test never made means the test changed: fail it."""
    yield
    if vcr is None or record_mode != "none" or vcr.record_mode != "none":
        return
    if not vcr.all_played:
        pytest.fail(
            f"cassette {vcr._path} was only partly played ({vcr.play_count} of {len(vcr.data)} interactions); "
            "the test no longer makes the recorded calls: re-record it with `make record`"
        )


@pytest.fixture(scope="session")
def _recording_server(record_mode: str) -> Iterator[None]:
    """While recording, the real embedded llama.cpp server on the fixed port (started once per session)."""
    if record_mode == "none":
        yield
        return
    settings = load_settings()
    server = LocalServer(require_ready(settings), log_dir=settings.data_dir / "logs", port=RECORD_PORT)
    with server:
        yield


def recording_settings(data_dir: Path, record_mode: str) -> Settings:
    """Settings for cassette tests. Everything that goes into a request body is pinned here, so AUDIT_* variables
    cannot break replay."""
    return Settings(
        data_dir=data_dir,
        model=RECORD_MODEL,
        llm_seed=7,
        llm_max_output_tokens=1024,
        llm_timeout_s=300.0 if record_mode == "none" else 1800.0,  # recording on a busy 2-core machine is slow
        llm_max_attempts=1 if record_mode == "none" else 3,  # in replay a retry would only repeat the mismatch
        prompts_dir=Path(__file__).resolve().parent.parent / "prompts",
    )


@pytest.fixture
def recorded_llm(vcr: Any, record_mode: str, _recording_server: None, tmp_path: Path) -> Iterator[LLM]:
    """An :class:`LLM` for cassette tests: the embedded model's requests, with a fresh cache per test."""
    if vcr is None:
        raise pytest.UsageError("recorded_llm needs the test to be marked @pytest.mark.vcr")
    llm = open_llm(RECORD_MODEL, recording_settings(tmp_path, record_mode))
    try:
        yield llm
    finally:
        llm.close()
