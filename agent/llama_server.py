"""The embedded model's server: llama-cpp-python's OpenAI-protocol server, with answers that do not depend on order.

``python -m agent.llama_server <llama_cpp.server arguments>`` is what :class:`agent.local_model.LocalServer` starts.
It is ``python -m llama_cpp.server`` with one change. The stock server keeps the longest prompt prefix a request
shares with the one before it in the KV cache and evaluates only the rest, so the same temperature-0 request is
computed in batches of different shapes depending on what came before, and its answer can change
(``python -m evals.server_order --stock``: 4 different answers to 5 identical requests). Here a request reuses only
whole batches of the previous request's prompt, counted from its first token (:func:`reusable_prefix`), so every
token is computed in the same batches as on a freshly started server: one answer per request, whatever the order
or concurrency (``python -m evals.server_order``). The price is re-evaluating under one batch of prompt per request
(``--n_batch``; ``LocalServer`` passes ``local_model.BATCH_TOKENS`` = 128: on the 2-core machine 1,000-token prompts
evaluate at 95.6 tokens/s in batches of 128, 96.4 in the library's default 512, 92.5 in 64), so under 1.4 s.

Runs only in the server's own process (it imports ``llama_cpp``, which the agent never does). Written against
llama-cpp-python 0.3.36 (``local_model.RUNTIME_VERSION``); it relies on ``Llama.generate`` starting from
``n_tokens`` cached tokens and keeping the longest prefix of them the new prompt shares, and refuses to start with
any other version.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Sequence
from typing import Any

from agent.local_model import RUNTIME_VERSION


def reusable_prefix(cached: Sequence[int], prompt: Sequence[int], previous_prompt: int, batch: int) -> int:
    """How many cached tokens a new ``prompt`` may keep so that it is computed as on a fresh server.

    ``cached`` are the tokens in the KV cache, ``previous_prompt`` the length of the prompt that put them there
    (the tokens after it were generated one at a time, so their cache entries differ from a batched evaluation).
    A fresh server evaluates ``prompt`` in batches of ``batch`` from position 0; a cached batch is the same
    computation only when the whole batch was shared and part of the previous prompt. At least one prompt token
    is always left to evaluate (its logits give the first answer token), again on a batch boundary.
    """
    if batch < 1:
        raise ValueError(f"batch must be positive, got {batch}")
    shared = 0
    for old, new in zip(cached, prompt, strict=False):
        if old != new:
            break
        shared += 1
    keep = min(shared, previous_prompt) // batch * batch
    if keep >= len(prompt):
        keep = max(len(prompt) - 1, 0) // batch * batch
    return keep


def order_free_llama(base: type[Any]) -> type[Any]:
    """``base`` (``llama_cpp.Llama``) with ``generate`` trimming the cache to :func:`reusable_prefix` first."""

    class OrderFreeLlama(base):  # type: ignore[misc]
        _previous_prompt = 0

        def generate(
            self, tokens: Sequence[int], *args: Any, **kwargs: Any
        ) -> Generator[int, Sequence[int] | None, None]:
            tokens = list(tokens)
            if kwargs.get("reset", True):
                # With n_tokens == keep the library keeps exactly keep cached tokens (0: it resets the context).
                self.n_tokens = reusable_prefix(self._input_ids, tokens, self._previous_prompt, self.n_batch)
                self._previous_prompt = len(tokens)
            generated: Generator[int, Sequence[int] | None, None] = super().generate(tokens, *args, **kwargs)
            return generated

    OrderFreeLlama.__name__ = OrderFreeLlama.__qualname__ = "OrderFreeLlama"
    return OrderFreeLlama


def main() -> None:
    """Run llama-cpp-python's server (its command line, unchanged) with :func:`order_free_llama` models."""
    import llama_cpp  # noqa: PLC0415 - only in the server's process
    from llama_cpp.server.__main__ import main as serve  # noqa: PLC0415

    if llama_cpp.__version__ != RUNTIME_VERSION:
        sys.exit(
            f"agent.llama_server is written against llama-cpp-python {RUNTIME_VERSION}, found {llama_cpp.__version__}; "
            "run `make setup-local`"
        )

    # The server builds its model as ``llama_cpp.Llama(...)`` (llama_cpp/server/model.py), looked up at call time.
    llama_cpp.Llama = order_free_llama(llama_cpp.Llama)  # type: ignore[misc]
    serve()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
