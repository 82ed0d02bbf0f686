"""The one settings object. Values come from ``AUDIT_*`` environment variables, then CLI flags.

Secrets (API keys) are read here and nowhere else, and never appear in ``repr`` or logs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All configuration, passed explicitly to the stages that need it."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="forbid", validate_default=True)

    # Where things live
    data_dir: Path = Field(default=REPO_ROOT / ".audit", description="Caches, the KB, the local model.")
    guidelines_dir: Path = REPO_ROOT / "prompts" / "guidelines"
    prompts_dir: Path = REPO_ROOT / "prompts"
    kb_source_dir: Path = REPO_ROOT / "knowledge_base"

    # Model
    model: str = Field(default="local", description="local | openai:<model> | openai-compatible:<model>@<url>")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    llm_timeout_s: float = Field(default=120.0, gt=0)
    llm_max_attempts: int = Field(default=4, ge=1, le=10)
    llm_max_total_s: float = Field(default=600.0, gt=0)
    llm_seed: int = 7
    llm_max_output_tokens: int = Field(default=1024, ge=64)
    price_per_1k_tokens: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: {
            "openai:gpt-4o-mini": (0.00015, 0.0006),
            "openai:gpt-4o": (0.0025, 0.01),
        },
        description="model -> (USD per 1k prompt tokens, USD per 1k completion tokens); unknown models cost 0.",
    )

    # Knowledge base
    chroma_url: str | None = Field(default=None, description="http://host:port of a `chroma run` server.")
    embedding: str = Field(default="minilm-int8", description="minilm-int8 | openai:text-embedding-3-small")
    embedding_threads: int = Field(default=2, ge=1, le=64)
    kb_profile: str = Field(default="default", pattern="^(default|full)$")

    # Resource bounds
    max_line_bytes: int = Field(default=1_000_000, ge=1_000)
    max_response_chars: int = Field(default=20_000, ge=100)
    max_claims_per_response: int = Field(default=25, ge=1)
    max_evidence_per_claim: int = Field(default=4, ge=1)
    max_tokens_per_evaluation: int = Field(default=20_000, ge=1_000)

    @property
    def kb_dir(self) -> Path:
        return self.data_dir / "kb"

    @property
    def cache_path(self) -> Path:
        return self.data_dir / "llm_cache.sqlite"
