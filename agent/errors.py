"""The project's one error hierarchy. Only ``agent.cli`` turns these into exit codes.

A message says what failed, where (file:line, record id) and how to fix it.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base of every error this project raises on purpose."""

    exit_code = 1


class ConfigError(AuditError):
    """Bad settings, a bad guideline file, a missing optional part."""

    exit_code = 2


class InputError(AuditError):
    """An input file or record that cannot be used."""

    exit_code = 3


class KnowledgeBaseError(AuditError):
    """The knowledge base is missing, corrupt, or built with another embedding model."""

    exit_code = 4


class LLMError(AuditError):
    """A model call failed after its retries, or returned output that never validated."""

    exit_code = 5

    def __init__(self, message: str, *, attempts: int = 0, last_output: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output


class ModelUnavailableError(LLMError):
    """No model is reachable, or the local model is not set up."""

    exit_code = 6


class PromptError(ConfigError):
    """A prompt template is missing, malformed, or rendered with missing/unused variables."""
