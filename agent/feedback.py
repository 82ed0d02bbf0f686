"""Feedback draft to the contributor (stage 6).

Built by code from the flags and their evidence, with wording from ``prompts/feedback/v<N>.yaml``: the draft cites
the guideline clause and the evidence of every flag and never states a fact that is not in that evidence.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import PromptError
from agent.guidelines import Guidelines
from agent.models import FLAG_TYPES, Flag, FlagType
from agent.yamlfile import load_yaml_model

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts" / "feedback"
VERSION = "1"
_FLAG_VARS = {"message", "citation", "guideline"}


class FeedbackTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    description: str
    opening: str
    opening_clean: str
    closing: str
    flags: dict[FlagType, str]


def _variables(template: str) -> set[str]:
    return {
        m.group("named") or m.group("braced")
        for m in string.Template.pattern.finditer(template)
        if m.group("named") or m.group("braced")
    }


@cache
def load_templates(version: str = VERSION, directory: Path = PROMPTS_DIR) -> FeedbackTemplates:
    """Load and check the feedback templates: every flag type present, exactly the allowed variables."""
    path = directory / f"v{version}.yaml"
    t = load_yaml_model(path, FeedbackTemplates, PromptError, "feedback templates")
    missing = set(FLAG_TYPES) - set(t.flags)
    if missing:
        raise PromptError(f"{path}: field flags: no template for {sorted(missing)}")
    for flag_type, text in t.flags.items():
        if _variables(text) != _FLAG_VARS:
            raise PromptError(f"{path}: field flags.{flag_type}: must use exactly ${', $'.join(sorted(_FLAG_VARS))}")
    for field in ("opening", "opening_clean", "closing"):
        if not _variables(getattr(t, field)) <= {"evaluation_id"}:
            raise PromptError(f"{path}: field {field}: only $evaluation_id may be used")
    return t


def _guideline_clause(flag: Flag, guidelines: Guidelines) -> str:
    if flag.rule_id:
        try:
            return f"{flag.rule_id}: {guidelines.rule(flag.rule_id).description}"
        except KeyError:
            return flag.rule_id
    if flag.dimension and flag.dimension in guidelines.dimensions:
        return f"{flag.dimension}: {guidelines.dimensions[flag.dimension].description}"
    return f"{guidelines.title} v{guidelines.version}"


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _citation(flag: Flag) -> str:
    if not flag.evidence:
        return ""
    ev = flag.evidence[0]
    quote = " ".join(ev.quote.split())
    if len(quote) > 200:
        quote = quote[:197] + "..."
    return f'Evidence ({ev.source}): "{quote}".'


def draft_feedback(evaluation_id: str, flags: list[Flag], guidelines: Guidelines, version: str = VERSION) -> str:
    """The feedback note: an opening, one numbered point per flag (highest severity first), a closing."""
    t = load_templates(version)
    if not flags:
        return string.Template(t.opening_clean).substitute(evaluation_id=evaluation_id)
    order = {"high": 0, "medium": 1, "low": 2}
    points = []
    for i, flag in enumerate(sorted(flags, key=lambda f: order[f.severity]), start=1):
        text = string.Template(t.flags[flag.type]).substitute(
            message=_sentence(flag.message), citation=_citation(flag), guideline=_guideline_clause(flag, guidelines)
        )
        points.append(f"{i}. " + " ".join(text.split()))
    opening = string.Template(t.opening).substitute(evaluation_id=evaluation_id)
    return "\n".join([opening, *points, t.closing.strip()])
