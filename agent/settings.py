"""The one settings object. Values come from ``AUDIT_*`` environment variables, an optional settings file, then
CLI flags.

Secrets (API keys) are read here and nowhere else: from the environment or from the settings file
(``AUDIT_SETTINGS_FILE``, default ``~/.config/audit-agent/settings.env``, dotenv format), which must not be readable
by group or others (``chmod 600``). ``SecretStr`` keeps them out of ``repr`` and logs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.errors import ConfigError

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
    # Generous: a busy 2-core machine needs minutes for one long prompt to the local model, and a timed-out
    # request to a single-slot local server is work thrown away.
    llm_timeout_s: float = Field(default=300.0, gt=0)
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


def settings_file() -> Path:
    """Where the optional settings file is: ``AUDIT_SETTINGS_FILE`` or ``~/.config/audit-agent/settings.env``."""
    explicit = os.environ.get("AUDIT_SETTINGS_FILE")
    return Path(explicit) if explicit else Path.home() / ".config" / "audit-agent" / "settings.env"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and the settings file (checked to be 0600), with ``overrides`` on top.

    Raises:
        ConfigError: the settings file is readable by others, or a value is invalid.
    """
    path = settings_file()
    kwargs: dict[str, Any] = {}
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(
                f"{path}: permissions {mode:o} is readable by others and may hold API keys; run `chmod 600 {path}`"
            )
        kwargs["_env_file"] = path
    try:
        return Settings(**kwargs, **overrides)
    except ValidationError as e:
        first = e.errors()[0]
        where = f" (from {path})" if kwargs else ""
        loc = ".".join(map(str, first["loc"]))
        raise ConfigError(f"bad setting {loc}{where}: {first['msg']}") from None
