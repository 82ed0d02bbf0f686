"""Versioned prompt templates: ``prompts/<name>/v<N>.yaml``, rendered with ``string.Template``.

A template file has exactly the keys ``name``, ``version``, ``description``, ``system`` and ``user``; ``system`` and
``user`` use ``$var`` / ``${var}`` placeholders; ``version`` is the file's number as a string (``"1"`` for
``v1.yaml``; ``"v1"`` is accepted too). Rendering fails on a missing variable *and* on an unused one, so a
renamed placeholder can never silently send a blank to the model. A released version is never edited: add ``v2``.
"""

from __future__ import annotations

import logging
import re
import string
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import PromptError
from agent.settings import REPO_ROOT
from agent.yamlfile import load_yaml_model

logger = logging.getLogger(__name__)

DEFAULT_PROMPTS_DIR = REPO_ROOT / "prompts"
_VERSION_FILE = re.compile(r"^v(?P<n>[1-9][0-9]*)\.yaml$")


class RenderedPrompt(BaseModel):
    """A prompt ready to send: its identity plus the exact chat messages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    messages: list[dict[str, str]] = Field(description="[{'role': 'system'|'user'|..., 'content': str}, ...]")


class _PromptFile(BaseModel):
    """The on-disk shape of one prompt version."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(pattern=r"^v?[1-9][0-9]*$")
    description: str = Field(min_length=1)
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)


class PromptTemplate:
    """One version of one prompt, loaded and checked; :meth:`render` fills it."""

    def __init__(self, spec: _PromptFile, path: Path) -> None:
        self.name = spec.name
        self.version = spec.version.removeprefix("v")
        self.description = spec.description
        self.path = path
        self._system = string.Template(spec.system)
        self._user = string.Template(spec.user)
        for part, template in (("system", self._system), ("user", self._user)):
            if not template.is_valid():
                raise PromptError(
                    f"{path}: the {part!r} text has an invalid placeholder; use $name or ${{name}}, "
                    "and write a literal dollar sign as $$"
                )
        self.variables: frozenset[str] = frozenset(self._system.get_identifiers() + self._user.get_identifiers())

    def __repr__(self) -> str:
        return f"PromptTemplate({self.name!r}, {self.version!r})"

    def render(self, **variables: str) -> RenderedPrompt:
        """Fill every placeholder.

        Raises:
            PromptError: a placeholder has no value, or a value matches no placeholder.
        """
        given = set(variables)
        missing = sorted(self.variables - given)
        unused = sorted(given - self.variables)
        if missing or unused:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if unused:
                problems.append(f"unused {', '.join(unused)}")
            raise PromptError(
                f"prompt {self.name} {self.version} ({self.path}): {'; '.join(problems)}; "
                f"it takes exactly: {', '.join(sorted(self.variables)) or '(nothing)'}"
            )
        not_text = sorted(k for k, v in variables.items() if not isinstance(v, str))
        if not_text:
            raise PromptError(f"prompt {self.name} {self.version}: values must be str: {', '.join(not_text)}")
        return RenderedPrompt(
            name=self.name,
            version=self.version,
            messages=[
                {"role": "system", "content": self._system.substitute(variables)},
                {"role": "user", "content": self._user.substitute(variables)},
            ],
        )


def prompt_versions(name: str, *, prompts_dir: Path | None = None) -> list[str]:
    """The versions of a prompt on disk, oldest first (``["1", "2", ...]``)."""
    folder = (prompts_dir or DEFAULT_PROMPTS_DIR) / name
    if not folder.is_dir():
        return []
    numbers = sorted(int(m["n"]) for p in folder.iterdir() if (m := _VERSION_FILE.match(p.name)))
    return [str(n) for n in numbers]


def load_prompt(name: str, version: str | None = None, *, prompts_dir: Path | None = None) -> PromptTemplate:
    """Load ``prompts/<name>/v<version>.yaml``; the latest version when ``version`` is None (``"2"`` or ``"v2"``).

    Raises:
        PromptError: no such prompt/version, unreadable YAML, wrong keys, or a name/version that does not match
            the file's place.
    """
    base = prompts_dir or DEFAULT_PROMPTS_DIR
    versions = prompt_versions(name, prompts_dir=base)
    if not versions:
        raise PromptError(f"no prompt {name!r}: expected files like {base / name / 'v1.yaml'}")
    chosen = (version or versions[-1]).removeprefix("v")
    if chosen not in versions:
        raise PromptError(f"prompt {name!r} has no version {chosen!r} in {base / name}; it has {', '.join(versions)}")
    path = base / name / f"v{chosen}.yaml"
    spec = load_yaml_model(path, _PromptFile, PromptError, "prompt")
    declared = spec.version.removeprefix("v")
    if spec.name != name or declared != chosen:
        raise PromptError(
            f"{path}: declares {spec.name} version {declared} but lives at {name}/v{chosen}.yaml; make them agree"
        )
    logger.debug("loaded prompt %s %s from %s", spec.name, spec.version, path)
    return PromptTemplate(spec, path)
