"""Model strings and call statistics: the plain data of the LLM seam (no SDK here; see ``agent.llm``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent import local_model
from agent.errors import ModelUnavailableError

StructuredMethod = Literal["function_calling", "json_schema"]


class CallStats(BaseModel):
    """Running totals for one :class:`LLM` object. ``calls`` are model calls (cache misses), ``requests`` HTTP
    requests including retries and re-asks."""

    model_config = ConfigDict(extra="forbid")

    calls: int = 0
    cache_hits: int = 0
    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model string."""

    provider: Literal["local", "openai", "openai-compatible"]
    name: str
    base_url: str | None
    model_id: str
    method: StructuredMethod


def parse_model(model: str) -> ModelSpec:
    """Parse ``local``, ``local:<gguf>``, ``openai:<m>`` or ``openai-compatible:<m>@<url>``.

    Raises:
        ModelUnavailableError: the string has none of these shapes.
    """
    if model == "local" or model.startswith("local:"):
        path = model.partition(":")[2]
        stem = path.rsplit("/", 1)[-1].removesuffix(".gguf") if path else local_model.DEFAULT_MODEL_ID
        return ModelSpec("local", local_model.MODEL_ALIAS, None, f"local:{stem}", "function_calling")
    if model.startswith("openai:") and len(model) > len("openai:"):
        return ModelSpec("openai", model.removeprefix("openai:"), None, model, "json_schema")
    if model.startswith("openai-compatible:"):
        name, at, url = model.removeprefix("openai-compatible:").partition("@")
        if name and at and url.startswith(("http://", "https://")):
            return ModelSpec("openai-compatible", name, url.rstrip("/"), model, "function_calling")
    raise ModelUnavailableError(
        f"bad model {model!r}: use local, openai:<model> or openai-compatible:<model>@http://host:port/v1 "
        "(AUDIT_MODEL or --model)"
    )
