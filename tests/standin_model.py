"""A deterministic stand-in model server for the soak, bounds and secrets tests, with faults injected at random.

It runs on :class:`tests.fake_openai_server.FakeOpenAIServer` (a real HTTP server speaking the OpenAI
chat-completions protocol) and answers the agent's real structured-output requests: forced function calls for
``ClaimVerification`` (``agent.claims``) and ``JudgeAnswer`` (``agent.judge``) with arguments that validate, built
from the request itself (the sentence labels and the rubric dimensions in the prompt). Every claim is
``unverifiable`` and every score is the same, so these tests measure the pipeline's handling of faults, bounds and
secrets, never the model's judgment (that is what the cassette tests and ``evals/`` are for).

When a request draws a fault (seeded, so a run is reproducible) the server answers 429 with ``Retry-After``, a 5xx,
hangs past the client's timeout, drops the connection, or returns a malformed tool call (broken JSON or arguments
that break the schema).
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tests.fake_openai_server import FakeOpenAIServer, Step, answer, drop, error, hang

_SENTENCE_LINE = re.compile(r"^([AB]\d+)\. (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class FaultMix:
    """How often each fault is injected (a probability per request) and its parameters."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_hang: float = 0.0
    rate_drop: float = 0.0
    rate_malformed: float = 0.0
    retry_after_s: float = 0.2
    hang_s: float = 4.0

    @classmethod
    def soak(cls) -> FaultMix:
        """About one request in four fails, each kind in turn."""
        return cls(rate_429=0.07, rate_5xx=0.06, rate_hang=0.03, rate_drop=0.04, rate_malformed=0.05)


class StandInModel:
    """The responder: a valid answer for the schema asked for, or a fault drawn from :class:`FaultMix`."""

    def __init__(
        self, faults: FaultMix | None = None, *, seed: int = 7, usage: tuple[int, int] = (120, 40), score: int = 4
    ) -> None:
        self.faults = faults or FaultMix()
        self.usage = usage
        self.score = score
        self.counts: Counter[str] = Counter()  # answers and faults served, by kind
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        # every enabled fault kind is served at least once early on (every third request), then chance decides
        f = self.faults
        rates = {"429": f.rate_429, "5xx": f.rate_5xx, "hang": f.rate_hang, "drop": f.rate_drop}
        self._forced = [kind for kind, rate in (rates | {"malformed": f.rate_malformed}).items() if rate > 0]
        self._served = 0

    def __call__(self, body: dict[str, Any]) -> Step:
        with self._lock:
            roll = self._rng.random()
            kind = self._fault(roll)
            self._served += 1
            if self._forced and self._served % 3 == 0:
                kind = self._forced.pop(0)
            self.counts[kind] += 1
            malformed_variant = self._rng.random() < 0.5
        f = self.faults
        if kind == "429":
            return error(429, "rate limited (injected)", headers={"Retry-After": f"{f.retry_after_s:g}"})
        if kind == "5xx":
            return error(503 if roll < 0.5 else 500, "server error (injected)")
        if kind == "hang":
            return hang(f.hang_s)
        if kind == "drop":
            return drop()
        if kind == "malformed":
            return answer('{"claims": [{"sentence": ' if malformed_variant else '{"scores": "five", "claims": 3}')
        step = answer(self.arguments(body))
        prompt_tokens, completion_tokens = self.usage
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
        return Step(step.kind, arguments=step.arguments, usage=usage | {"total_tokens": sum(self.usage)})

    def _fault(self, roll: float) -> str:
        f = self.faults
        edge = 0.0
        for kind, rate in (
            ("429", f.rate_429),
            ("5xx", f.rate_5xx),
            ("hang", f.rate_hang),
            ("drop", f.rate_drop),
            ("malformed", f.rate_malformed),
        ):
            edge += rate
            if roll < edge:
                return kind
        return "answer"

    def arguments(self, body: dict[str, Any]) -> str:
        """Valid function-call arguments for the schema the request forces."""
        name = body["tools"][0]["function"]["name"]
        user = "\n".join(str(m.get("content") or "") for m in body["messages"] if m.get("role") == "user")
        if name == "ClaimVerification":
            # one unverifiable claim per sentence, restating it (the agent drops claims that do not)
            sentences = dict(_SENTENCE_LINE.findall(user))
            claims = [{"sentence": label, "claim": text, "status": "unverifiable"} for label, text in sentences.items()]
            return json.dumps({"claims": claims})
        if name == "JudgeAnswer":
            # one required field per rubric dimension (agent.judge.judge_schema), read from the forced schema
            schema = body["tools"][0]["function"]["parameters"]
            dimensions = [d for d in schema.get("required", []) if d not in ("missing_parts", "broken_constraints")]
            answer = {d: {"score": self.score, "rationale": "stand-in score"} for d in dimensions}
            return json.dumps({**answer, "missing_parts": [], "broken_constraints": []})
        raise ValueError(f"the stand-in model does not know the schema {name!r}")


def standin_server(model: StandInModel) -> FakeOpenAIServer:
    """The HTTP server answering with ``model`` (use it as a context manager)."""
    return FakeOpenAIServer([answer("{}")], responder=model)


def model_string(server: FakeOpenAIServer) -> str:
    """The ``--model`` string that points the agent at ``server``."""
    return f"openai-compatible:standin@{server.base_url}"
