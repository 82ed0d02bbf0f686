"""The versioned prompt loader: latest/explicit versions, strict variables, strict file shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent.errors import PromptError
from agent.feedback import load_templates
from agent.prompts import RenderedPrompt, load_prompt, prompt_versions
from agent.settings import REPO_ROOT


def write(folder: Path, name: str, number: int, **overrides: object) -> Path:
    data: dict[str, object] = {
        "name": name,
        "version": str(number),
        "description": "test prompt",
        "system": "You judge $topic.",
        "user": "Claim: ${claim}. Costs $$5.",
    }
    data.update(overrides)
    path = folder / name / f"v{number}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_latest_version_is_chosen_numerically(tmp_path: Path) -> None:
    for n in (1, 2, 10):
        write(tmp_path, "judge", n, description=f"release {n}")
    assert prompt_versions("judge", prompts_dir=tmp_path) == ["1", "2", "10"]
    assert load_prompt("judge", prompts_dir=tmp_path).version == "10"
    assert load_prompt("judge", "2", prompts_dir=tmp_path).description == "release 2"
    assert load_prompt("judge", "v2", prompts_dir=tmp_path).version == "2"


def test_v_prefixed_version_in_the_file_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, "judge", 3, version="v3")
    assert load_prompt("judge", prompts_dir=tmp_path).render(topic="t", claim="c").version == "3"


def test_render_fills_both_messages(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1)
    rendered = load_prompt("judge", prompts_dir=tmp_path).render(topic="films", claim="Alien is from 1979")
    assert rendered == RenderedPrompt(
        name="judge",
        version="1",
        messages=[
            {"role": "system", "content": "You judge films."},
            {"role": "user", "content": "Claim: Alien is from 1979. Costs $5."},
        ],
    )


def test_missing_variable_fails(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1)
    with pytest.raises(PromptError, match="missing claim"):
        load_prompt("judge", prompts_dir=tmp_path).render(topic="films")


def test_unused_variable_fails(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1)
    with pytest.raises(PromptError, match="unused extra.*it takes exactly: claim, topic"):
        load_prompt("judge", prompts_dir=tmp_path).render(topic="films", claim="c", extra="x")


def test_non_string_value_fails(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1)
    with pytest.raises(PromptError, match="values must be str: claim"):
        load_prompt("judge", prompts_dir=tmp_path).render(topic="films", claim=3)  # type: ignore[arg-type]


def test_unknown_key_in_file_fails(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1, temperature=0.7)
    with pytest.raises(PromptError, match="v1.yaml: field temperature: Extra inputs are not permitted"):
        load_prompt("judge", prompts_dir=tmp_path)


def test_missing_key_in_file_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "judge", 1)
    data = yaml.safe_load(path.read_text())
    del data["user"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PromptError, match="field user: Field required"):
        load_prompt("judge", prompts_dir=tmp_path)


def test_file_must_agree_with_its_place(tmp_path: Path) -> None:
    write(tmp_path, "judge", 2, version="1")
    with pytest.raises(PromptError, match="declares judge version 1 but lives at judge/v2.yaml"):
        load_prompt("judge", prompts_dir=tmp_path)


def test_invalid_placeholder_fails_at_load(tmp_path: Path) -> None:
    write(tmp_path, "judge", 1, user="Pay $5 for ${claim}")
    with pytest.raises(PromptError, match="invalid placeholder.*\\$\\$"):
        load_prompt("judge", prompts_dir=tmp_path)


def test_unknown_prompt_and_version(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="no prompt 'nope'"):
        load_prompt("nope", prompts_dir=tmp_path)
    write(tmp_path, "judge", 1)
    with pytest.raises(PromptError, match="no version '3'.*it has 1"):
        load_prompt("judge", "v3", prompts_dir=tmp_path)


def test_unreadable_yaml_fails(tmp_path: Path) -> None:
    path = tmp_path / "judge" / "v1.yaml"
    path.parent.mkdir()
    path.write_text("name: [unclosed\n")
    with pytest.raises(PromptError, match="cannot read the prompt"):
        load_prompt("judge", prompts_dir=tmp_path)


def test_every_shipped_chat_prompt_loads() -> None:
    # Chat prompts (system + user); other template kinds under prompts/ (feedback notes) have their own loaders.
    root = REPO_ROOT / "prompts"
    checked = []
    for path in sorted(root.glob("*/v*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and {"system", "user"} <= set(data):
            template = load_prompt(path.parent.name, path.stem)
            assert template.variables, f"{path} takes no variables"
            checked.append(path.parent.name)
    assert "ping" in checked


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "feedback templates not found"),
        ("opening: [unclosed\n", "cannot read the feedback templates: not valid YAML"),
        ("- a list\n", "expected a mapping at the top level"),
        ("opening: hi\nunknown_key: 1\n", "field "),
    ],
)
def test_feedback_templates_fail_with_the_file_and_field(tmp_path: Path, content: str | None, expected: str) -> None:
    load_templates.cache_clear()
    if content is not None:
        (tmp_path / "v9.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(PromptError, match=expected) as info:
        load_templates("9", tmp_path)
    assert str(tmp_path / "v9.yaml") in str(info.value)
