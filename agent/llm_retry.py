"""Retrying transient model-call failures: tenacity, bounded attempts and total time, backoff with jitter.

SDK-neutral on purpose: ``agent.llm`` (the only module that knows the SDK's exceptions) passes in which errors
are transient and what ``Retry-After`` they carry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from agent.settings import Settings

logger = logging.getLogger(__name__)

R = TypeVar("R")
Classifier = Callable[[BaseException], bool]
RetryAfter = Callable[[BaseException], float | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one model request.

    Attributes:
        max_attempts: requests in all, the first included.
        max_total_s: no new attempt starts when its backoff would end past this many seconds.
        initial_s: first backoff; doubles each time, plus up to ``jitter_s`` of random jitter.
        max_wait_s: the longest backoff.
        retry_after_cap_s: the longest ``Retry-After`` honoured (a server asking for more gets this).
    """

    max_attempts: int = 4
    max_total_s: float = 600.0
    initial_s: float = 1.0
    max_wait_s: float = 30.0
    jitter_s: float = 1.0
    retry_after_cap_s: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy from ``AUDIT_LLM_MAX_ATTEMPTS`` and ``AUDIT_LLM_MAX_TOTAL_S``."""
        return cls(max_attempts=settings.llm_max_attempts, max_total_s=settings.llm_max_total_s)

    def _wait(self, retry_after: RetryAfter) -> Callable[[RetryCallState], float]:
        backoff = wait_exponential_jitter(initial=self.initial_s, max=self.max_wait_s, jitter=self.jitter_s)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            asked = retry_after(error) if error is not None else None
            seconds = min(asked, self.retry_after_cap_s) if asked is not None else backoff(state)
            logger.info(
                "model request failed (attempt %d/%d: %s); retrying in %.2fs",
                state.attempt_number,
                self.max_attempts,
                error.__class__.__name__ if error else "?",
                seconds,
            )
            return seconds

        return wait

    def _kwargs(self, transient: Classifier, retry_after: RetryAfter) -> dict[str, object]:
        return {
            "stop": stop_after_attempt(self.max_attempts) | stop_before_delay(self.max_total_s),
            "wait": self._wait(retry_after),
            "retry": retry_if_exception(transient),
            "reraise": True,
        }

    def run_sync(
        self, fn: Callable[[], R], *, on_attempt: Callable[[], None], transient: Classifier, retry_after: RetryAfter
    ) -> R:
        """Call ``fn`` until it succeeds, raises a non-transient error, or the bounds are reached (re-raised)."""
        for attempt in Retrying(**self._kwargs(transient, retry_after)):  # type: ignore[arg-type]
            with attempt:
                on_attempt()
                return fn()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def run_async(
        self,
        fn: Callable[[], Awaitable[R]],
        *,
        on_attempt: Callable[[], None],
        transient: Classifier,
        retry_after: RetryAfter,
    ) -> R:
        """The async :meth:`run_sync` (sleeps with asyncio, never blocks the loop)."""
        async for attempt in AsyncRetrying(**self._kwargs(transient, retry_after)):  # type: ignore[arg-type]
            with attempt:
                on_attempt()
                return await fn()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover
