"""The embedded server's order-free prefix reuse (agent/llama_server.py).

The arithmetic is checked here against a model of how llama-cpp-python 0.3.36 evaluates a prompt (``Llama.eval``:
batches of ``n_batch`` tokens from the first uncached position); the real server is checked end to end by
``python -m evals.server_order`` (``--live`` below runs it: about a minute with the local model set up).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.llama_server import reusable_prefix
from agent.settings import REPO_ROOT


def test_keeps_whole_shared_batches_of_the_previous_prompt() -> None:
    previous = list(range(300))
    assert reusable_prefix(previous, [*range(250), 999], previous_prompt=300, batch=128) == 128
    assert reusable_prefix(previous, [*range(256), 999], previous_prompt=300, batch=128) == 256
    assert reusable_prefix(previous, [7, *range(1, 300)], previous_prompt=300, batch=128) == 0


def test_tokens_the_previous_request_generated_are_not_kept() -> None:
    # 200 prompt tokens, then 100 generated one at a time: only the prompt's whole batch is the fresh computation
    cached = list(range(300))
    assert reusable_prefix(cached, [*range(300), 5], previous_prompt=200, batch=128) == 128


def test_the_same_prompt_again_still_evaluates_its_last_batch() -> None:
    cached = list(range(256))
    assert reusable_prefix(cached, list(range(256)), previous_prompt=256, batch=128) == 128
    assert reusable_prefix(cached, list(range(200)), previous_prompt=256, batch=128) == 128
    assert reusable_prefix([], [1], previous_prompt=0, batch=128) == 0


def test_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch"):
        reusable_prefix([1], [1], previous_prompt=1, batch=0)


def _batches(start: int, tokens: list[int], batch: int) -> dict[int, tuple[int, tuple[int, ...]]]:
    """Position -> (batch start, batch tokens) as Llama.eval computes ``tokens`` from cached position ``start``."""
    out: dict[int, tuple[int, tuple[int, ...]]] = {}
    for i in range(start, len(tokens), batch):
        chunk = tuple(tokens[i : i + batch])
        out.update({p: (i, chunk) for p in range(i, i + len(chunk))})
    return out


@given(data=st.data(), batch=st.integers(1, 9))
def test_every_prompt_token_is_computed_in_the_batch_a_fresh_server_uses(data: st.DataObject, batch: int) -> None:
    """Across any sequence of requests, each prompt position's cache entry comes from the same batch (start and
    tokens) as when the prompt is evaluated on a fresh server: the answer cannot depend on the requests before.
    A request often starts with part of what is cached, generated tokens included (a retry quoting the last answer)."""
    cached: list[int] = []
    how: dict[int, tuple[int, tuple[int, ...]] | str] = {}  # position -> batch, or "generated" (one at a time)
    previous = 0
    for _ in range(data.draw(st.integers(1, 6), label="requests")):
        reused = data.draw(st.integers(0, len(cached)), label="starts with cached tokens")
        prompt = cached[:reused] + data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=30), label="then")
        keep = reusable_prefix(cached, prompt, previous, batch)
        assert keep % batch == 0 and keep < len(prompt) and cached[:keep] == prompt[:keep]
        how = {p: v for p, v in how.items() if p < keep} | _batches(keep, prompt, batch)
        assert {p: how[p] for p in range(len(prompt))} == _batches(0, prompt, batch)
        cached = prompt + data.draw(st.lists(st.integers(0, 3), max_size=30), label="generated")
        how |= {p: "generated" for p in range(len(prompt), len(cached))}
        previous = len(prompt)


@pytest.mark.live
def test_the_embedded_server_answers_a_request_the_same_whatever_came_before() -> None:
    """The real server (``LocalServer``, the local model): ``evals.server_order`` exits 0 when all 5 answers agree."""
    done = subprocess.run(
        [sys.executable, "-m", "evals.server_order"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
    )
    if done.returncode == 2:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 distinct answer(s) to 5" in done.stdout
