"""agent.guidelines: the real guideline files load; a bad file fails with the file and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.errors import ConfigError
from agent.guidelines import (
    CapWhenIssue,
    CommentRequiredBelow,
    available_projects,
    load_guidelines,
    load_guidelines_file,
)

GUIDES = Path(__file__).parent.parent / "prompts" / "guidelines"
QA_RAW: dict[str, Any] = yaml.safe_load((GUIDES / "entertainment_qa.yaml").read_text(encoding="utf-8"))
DIMENSIONS = ["factual_accuracy", "instruction_following", "completeness", "helpfulness", "writing_quality", "overall"]


def test_shipped_guidelines_load() -> None:
    assert available_projects(GUIDES) == ["entertainment_qa", "entertainment_sxs"]
    qa, sxs = load_guidelines("entertainment_qa", GUIDES), load_guidelines("entertainment_sxs", GUIDES)
    assert list(qa.dimensions) == list(sxs.dimensions) == DIMENSIONS
    assert (qa.scale.min, qa.scale.max) == (1, 5)
    assert (qa.side_by_side, sxs.side_by_side) == (False, True)
    cap = qa.rule("major_error_caps_factual")
    assert isinstance(cap, CapWhenIssue) and (cap.dimension, cap.max_score, cap.severity) == (
        "factual_accuracy",
        2,
        "major",
    )
    low = qa.rule("low_score_needs_reason")
    assert isinstance(low, CommentRequiredBelow) and low.threshold == 3
    with pytest.raises(KeyError):
        qa.rule("no_such_rule")


def test_unknown_project_lists_the_known_ones() -> None:
    with pytest.raises(
        ConfigError, match="unknown project 'trivia'.*known projects: entertainment_qa, entertainment_sxs"
    ):
        load_guidelines("trivia", GUIDES)


def _drop_scale(g: dict[str, Any]) -> None:
    del g["scale"]


def _drop_anchor(g: dict[str, Any]) -> None:
    del g["dimensions"]["completeness"]["anchors"][3]


def _rule_on_unknown_dimension(g: dict[str, Any]) -> None:
    g["rules"][0]["dimension"] = "acting"


def _bad_rule_kind(g: dict[str, Any]) -> None:
    g["rules"][1]["kind"] = "cap_always"


def _extra_field(g: dict[str, Any]) -> None:
    g["dimensions"]["overall"]["weight"] = 2


def _bad_issue_type(g: dict[str, Any]) -> None:
    g["issue_types"] = ["factual_error", "typo"]


def _inverted_scale(g: dict[str, Any]) -> None:
    g["scale"] = {"min": 5, "max": 1}


def _duplicate_rule_ids(g: dict[str, Any]) -> None:
    g["rules"][1]["id"] = g["rules"][0]["id"]


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("missing field", _drop_scale, ["field scale", "Field required"]),
    ("anchors not covering the scale", _drop_anchor, ["dimensions.completeness.anchors", "[1, 2, 3, 4, 5]"]),
    ("unknown dimension in a rule", _rule_on_unknown_dimension, ["rules.0 (major_error_caps_factual)", "'acting'"]),
    ("unknown rule kind", _bad_rule_kind, ["field rules.1", "cap_always"]),
    ("unknown field", _extra_field, ["field dimensions.overall.weight"]),
    ("issue type outside the vocabulary", _bad_issue_type, ["field issue_types.1"]),
    ("inverted scale", _inverted_scale, ["field scale", "scale.min must be below scale.max"]),
    ("duplicate rule ids", _duplicate_rule_ids, ["rule ids must be unique"]),
]


@pytest.mark.parametrize(("case", "breaks", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_bad_guideline_file_names_file_and_field(
    tmp_path: Path, case: str, breaks: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    raw = yaml.safe_load(yaml.safe_dump(QA_RAW))
    breaks(raw)
    path = tmp_path / "entertainment_qa.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_guidelines_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for part in expected:
        assert part in message, message


def test_project_name_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "entertainment_movies.yaml"
    path.write_text(yaml.safe_dump(QA_RAW), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"entertainment_movies\.yaml: field project: 'entertainment_qa' must match"):
        load_guidelines_file(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"project: [unclosed\n", "not valid YAML"),
        (b"project: caf\xe9\n", "not valid YAML"),
        (b"- just\n- a list\n", "expected a mapping at the top level"),
        (b"", "expected a mapping at the top level"),
    ],
)
def test_unreadable_guideline_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "entertainment_qa.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=expected) as info:
        load_guidelines_file(path)
    assert str(path) in str(info.value)


def test_missing_guideline_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="guideline file not found"):
        load_guidelines_file(tmp_path / "entertainment_qa.yaml")
