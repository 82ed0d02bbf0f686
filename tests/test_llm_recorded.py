"""Model calls replayed from cassettes recorded against the embedded llama.cpp server (`make record`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field

from agent.commands.llm import PingReply
from agent.errors import LLMError
from agent.llm import LLM, parse_model
from agent.prompts import load_prompt
from agent.settings import REPO_ROOT
from tests.fixtures_llm import RECORD_MODEL, recording_settings

TEST_PROMPTS = Path(__file__).resolve().parent / "llm_prompts"


class Item(BaseModel):
    """One item and how many of it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    quantity: int = Field(ge=1, le=1000)


class Items(BaseModel):
    """Every item in the text, and the one with the largest quantity."""

    model_config = ConfigDict(extra="forbid")

    items: list[Item] = Field(min_length=1, max_length=10)
    largest: str


@pytest.mark.vcr
def test_ping_structured_answer_then_cache_hit(recorded_llm: LLM) -> None:
    prompt = load_prompt("ping").render(word="pong", a="17", b="25")
    reply = recorded_llm.structured(prompt, PingReply, tag="ping")
    assert reply == PingReply(status="ok", echo="pong", total=42)
    again = recorded_llm.structured(prompt, PingReply, tag="ping")  # the cassette holds one request only
    assert again == reply
    stats = recorded_llm.stats
    assert (stats.calls, stats.cache_hits, stats.requests) == (1, 1, 1)
    assert stats.prompt_tokens > 0 and stats.completion_tokens > 0
    rows = recorded_llm.cache.calls(tag="ping")
    assert [(r.cache_hit, r.prompt_version) for r in rows] == [(True, "1"), (False, "1")]


@pytest.mark.vcr
def test_nested_schema_async(recorded_llm: LLM) -> None:
    template = load_prompt("extract_items", prompts_dir=TEST_PROMPTS)
    prompt = template.render(text="The crate holds 3 apples, 12 pears and 7 plums.")
    result = asyncio.run(recorded_llm.astructured(prompt, Items))
    assert [(i.name.lower().rstrip("s"), i.quantity) for i in result.items] == [("apple", 3), ("pear", 12), ("plum", 7)]
    assert result.largest.lower().startswith("pear")


@pytest.mark.vcr
def test_langchain_chat_model(recorded_llm: LLM) -> None:
    model = recorded_llm.chat_model()
    answer = model.invoke(
        [SystemMessage("You answer with exactly one lowercase word."), HumanMessage("Say the word: ready")]
    )
    assert "ready" in str(answer.content).lower()


@pytest.mark.vcr
def test_llama_cpp_rejects_json_schema_with_500_and_it_is_not_retried(
    recorded_llm: LLM, record_mode: str, tmp_path: Path
) -> None:
    # The reason local servers get forced function calling: recorded from the real server's answer.
    settings = recording_settings(tmp_path / "js", record_mode).model_copy(update={"llm_max_attempts": 3})
    with LLM(parse_model(RECORD_MODEL), settings, method="json_schema") as llm:
        prompt = load_prompt("ping").render(word="pong", a="17", b="25")
        with pytest.raises(LLMError, match="needs forced function calling") as caught:
            llm.structured(prompt, PingReply)
        assert caught.value.attempts == 1 and llm.stats.requests == 1


INNER_TESTS = """
import pytest
from agent.commands.llm import PingReply
from agent.prompts import load_prompt

CASSETTE = {cassette!r}

@pytest.mark.vcr(CASSETTE)
def test_plays_nothing(recorded_llm):
    pass

@pytest.mark.vcr(CASSETTE)
def test_changed_prompt(recorded_llm):
    recorded_llm.structured(load_prompt("ping").render(word="changed", a="17", b="25"), PingReply)

@pytest.mark.vcr(CASSETTE)
def test_same_prompt(recorded_llm):
    assert recorded_llm.structured(load_prompt("ping").render(word="pong", a="17", b="25"), PingReply).total == 42
"""


def test_cassette_rules_fail_partial_playback_and_changed_requests(tmp_path: Path) -> None:
    cassette = (
        Path(__file__).parent / "cassettes" / "test_llm_recorded" / "test_ping_structured_answer_then_cache_hit.yaml"
    )
    (tmp_path / "conftest.py").write_text(
        "from tests.fixtures_llm import _cassette_fully_played, _recording_server, recorded_llm, vcr_config  # noqa\n"
    )
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS.format(cassette=str(cassette))))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        # -p no:deepeval as in pyproject.toml's addopts, which this inner run (rootdir tmp_path) does not read
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:deepeval", "--record-mode=none",
         "-rA", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = done.stdout
    assert "PASSED test_inner.py::test_same_prompt" in out, out[-3000:]
    assert "ERROR test_inner.py::test_plays_nothing" in out and "only partly played (0 of 1" in out, out[-3000:]
    assert "FAILED test_inner.py::test_changed_prompt" in out, out[-3000:]
    assert "CannotOverwriteExistingCassetteException" in out, out[-3000:]
