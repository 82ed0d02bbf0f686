"""Versioned YAML files (guidelines, prompts, feedback templates) read into their pydantic schema, one way.

Every failure is the caller's own error type naming the file and the first bad field, so a typo in a prompt or a
guideline file says where it is instead of surfacing as a pydantic or YAML traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from agent.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def load_yaml_model(path: Path, model: type[M], error: type[ConfigError], what: str) -> M:
    """``path`` parsed as YAML and validated as ``model``.

    Raises:
        ``error``: the file is missing or unreadable, is not YAML, is not a mapping, or does not fit ``model``
        (the message names ``what`` the file is, its path, the first bad field and how many are bad).
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise error(f"{path}: {what} not found") from e
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise error(f"{path}: cannot read the {what}: not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise error(f"{path}: expected a mapping at the top level (the {what}'s fields)")
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise error(f"{path}: field {where}: {first['msg']} ({e.error_count()} error(s) in all)") from e
