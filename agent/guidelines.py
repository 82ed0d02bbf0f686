"""Project guidelines as data: ``prompts/guidelines/<project>.yaml``.

A guideline file holds the rubric (dimensions, scale, anchor descriptions per score), the issue types
contributors may flag, and machine-checkable rules. It is validated on load; a bad file fails with the file and
the field path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.errors import ConfigError
from agent.models import IssueSeverity, IssueType
from agent.yamlfile import load_yaml_model

GUIDELINES_DIR = Path(__file__).resolve().parent.parent / "prompts" / "guidelines"

# Dimensions whose anchors name errors and gaps as their low points, so they follow factual accuracy and the
# constraint / completeness checks: the judge caps them by the evidence, and the compare stage raises one flag on
# the root dimension rather than one per follower.
FOLLOWS_EVIDENCE = ("helpfulness", "overall")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("scale.min must be below scale.max")
        return self


class Dimension(_Strict):
    description: str = Field(min_length=1)
    anchors: dict[int, str] = Field(description="One description per score of the scale.")


class CapWhenIssue(_Strict):
    """A flagged/confirmed issue of these types (and severity) caps a dimension's score."""

    id: str
    kind: Literal["cap_when_issue"]
    description: str
    issue_types: list[IssueType]
    severity: IssueSeverity | None = None
    dimension: str
    max_score: int


class CommentRequiredBelow(_Strict):
    """A score at or below ``threshold`` on any (or the listed) dimension needs a comment naming the problem."""

    id: str
    kind: Literal["comment_required_below"]
    description: str
    threshold: int
    dimensions: list[str] | None = None
    min_words: int = 8


class CommentSpecific(_Strict):
    """The comment must name a strength or limitation and point at specific content of the response."""

    id: str
    kind: Literal["comment_specific"]
    description: str
    min_words: int = 15


class IssueRequiresLowerScore(_Strict):
    """Flagging an issue of these types means the dimension cannot get the top score."""

    id: str
    kind: Literal["issue_requires_lower_score"]
    description: str
    issue_types: list[IssueType]
    dimension: str
    max_score: int


class OverallConsistent(_Strict):
    """``overall`` may not be further than ``max_gap`` from the lowest/highest other dimension."""

    id: str
    kind: Literal["overall_consistent"]
    description: str
    dimension: str = "overall"
    max_gap: int


Rule = Annotated[
    CapWhenIssue | CommentRequiredBelow | CommentSpecific | IssueRequiresLowerScore | OverallConsistent,
    Field(discriminator="kind"),
]


class Guidelines(_Strict):
    project: str
    version: str
    title: str
    description: str = ""
    scale: Scale
    dimensions: dict[str, Dimension]
    issue_types: list[IssueType]
    side_by_side: bool = False
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Guidelines:
        scores = set(range(self.scale.min, self.scale.max + 1))
        for name, dim in self.dimensions.items():
            if set(dim.anchors) != scores:
                raise ValueError(f"dimensions.{name}.anchors must describe every score {sorted(scores)}")
        for i, rule in enumerate(self.rules):
            dims: list[str] = []
            if isinstance(rule, CapWhenIssue | IssueRequiresLowerScore | OverallConsistent):
                dims = [rule.dimension]
            elif isinstance(rule, CommentRequiredBelow) and rule.dimensions:
                dims = rule.dimensions
            for d in dims:
                if d not in self.dimensions:
                    raise ValueError(f"rules.{i} ({rule.id}) names unknown dimension {d!r}")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        return self

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def available_projects(directory: Path = GUIDELINES_DIR) -> list[str]:
    """Names of the projects that have a guideline file."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_guidelines_file(path: Path) -> Guidelines:
    """Load and validate one guideline file; errors name the file and the field."""
    g = load_yaml_model(path, Guidelines, ConfigError, "guideline file")
    if g.project != path.stem:
        raise ConfigError(f"{path}: field project: {g.project!r} must match the file name {path.stem!r}")
    return g


@cache
def load_guidelines(project: str, directory: Path = GUIDELINES_DIR) -> Guidelines:
    """The guidelines of one project (cached)."""
    path = directory / f"{project}.yaml"
    if not path.exists():
        known = ", ".join(available_projects(directory)) or "none"
        raise ConfigError(f"unknown project {project!r}: no {path} (known projects: {known})")
    return load_guidelines_file(path)
