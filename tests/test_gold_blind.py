"""The blind hand-written cases: halves by id parity, quotes verbatim, the committed files valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent.commands.eval import DATASET_CHOICES
from agent.errors import InputError
from evals.gold_blind import (
    BLIND2_GLOB,
    BLIND3_GLOB,
    BLIND_DIR,
    BLIND_GLOB,
    load_blind,
    load_blind2,
    load_blind3,
    main,
    misses,
    part_of,
)
from evals.harness import DATASETS

CASE = {
    "id": "bh-0001",
    "cat": "missed_error",
    "prompt": "When did Chinatown come out, and who directed it?",
    "resp": "Chinatown came out in 1976 and was directed by Roman Polanski.",
    "ratings": {d: 5 for d in ("factual_accuracy", "instruction_following", "completeness", "helpfulness")}
    | {"writing_quality": 4, "overall": 5},
    "gold": {"factual_accuracy": 2, "instruction_following": 5, "completeness": 5, "helpfulness": 2}
    | {"writing_quality": 4, "overall": 2},
    "comment": "Polanski is right and the answer is short and clear; it could name the stars.",
    "exp": [["missed_error", "factual_accuracy", "Chinatown is a 1974 film"]],
    "planted": [["came out in 1976", "1974", "wikipedia_movies Chinatown 1974", "wrong_year"]],
    "claims": [["was directed by Roman Polanski", "supported"]],
    "notes": "test case",
}


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "handwritten_blind_t.yaml"
    path.write_text(yaml.safe_dump(rows, sort_keys=False), encoding="utf-8")
    return path


def test_halves_by_id_parity() -> None:
    assert (part_of("bh-0001"), part_of("bh-0002"), part_of("bh-0059")) == ("dev", "heldout", "dev")
    with pytest.raises(InputError, match="bh-NNNN"):
        part_of("gh-0001")


def test_split_is_set_and_one_half_can_be_loaded(tmp_path: Path) -> None:
    path = _write(tmp_path, [CASE, CASE | {"id": "bh-0002"}])
    assert [c.gold.split for c in load_blind(paths=[path])] == ["dev", "heldout"]
    assert [c.evaluation.evaluation_id for c in load_blind("heldout", paths=[path])] == ["bh-0002"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"planted": [["came out in 1977", "1974", "row", "wrong_year"]]}, "planted quote not in response a"),
        ({"claims": [["directed by Polanski", "supported"]]}, "claim quote not in response a"),
        ({"exp": []}, "no expected missed_error flag"),
        ({"id": "bh-1"}, "bh-NNNN"),
    ],
)
def test_a_broken_case_is_refused_with_its_id(tmp_path: Path, change: dict, message: str) -> None:
    path = _write(tmp_path, [CASE | change])
    with pytest.raises(InputError, match=message):
        load_blind(paths=[path])


def test_a_repeated_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="repeats"):
        load_blind(paths=[_write(tmp_path, [CASE, CASE])])


def test_check_command_prints_counts_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(_write(tmp_path, [CASE]))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 cases valid (1 dev, 0 test), 1 planted errors") and "Chinatown" not in out


def test_committed_blind_files_are_valid_and_both_halves_are_datasets() -> None:
    assert sorted(BLIND_DIR.glob(BLIND_GLOB)), "no blind files committed"
    cases = load_blind()
    halves = {c.gold.split for c in cases}
    assert halves == {"dev", "heldout"} and len(cases) >= 40
    assert {"blind-dev", "blind-test"} <= set(DATASETS) and set(DATASETS) == set(DATASET_CHOICES)


def test_the_second_set_is_all_dev_material_and_its_absence_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no second blind set"):
        load_blind2(tmp_path)
    (tmp_path / "handwritten_blind2_a.yaml").write_text(
        yaml.safe_dump([CASE | {"id": "bh-0101"}, CASE | {"id": "bh-0102"}], sort_keys=False), encoding="utf-8"
    )
    _write(tmp_path, [CASE | {"id": "bh-0002"}])  # a first-set file beside it is not part of the second set
    assert [(c.evaluation.evaluation_id, c.gold.split) for c in load_blind2(tmp_path)] == [
        ("bh-0101", "dev"),
        ("bh-0102", "dev"),
    ]


def test_committed_second_set_is_valid_and_a_dataset() -> None:
    assert sorted(BLIND_DIR.glob(BLIND2_GLOB)), "no second blind set committed"
    cases = load_blind2()
    assert len(cases) >= 50 and {c.gold.split for c in cases} == {"dev"}
    assert not {c.evaluation.evaluation_id for c in cases} & {c.evaluation.evaluation_id for c in load_blind()}
    assert "blind-2" in DATASETS


def test_the_third_set_is_split_by_id_like_the_first_and_its_absence_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no third blind set"):
        load_blind3(directory=tmp_path)
    (tmp_path / "handwritten_blind3_a.yaml").write_text(
        yaml.safe_dump([CASE | {"id": "bh-0201"}, CASE | {"id": "bh-0202"}], sort_keys=False), encoding="utf-8"
    )
    _write(tmp_path, [CASE | {"id": "bh-0003"}])  # a first-set file beside it is not part of the third set
    assert [c.evaluation.evaluation_id for c in load_blind3(directory=tmp_path)] == ["bh-0201", "bh-0202"]
    assert [c.evaluation.evaluation_id for c in load_blind3("dev", tmp_path)] == ["bh-0201"]
    assert [c.evaluation.evaluation_id for c in load_blind3("heldout", tmp_path)] == ["bh-0202"]


def test_misses_refuses_a_test_half_case_before_auditing_anything(tmp_path: Path) -> None:
    heldout = load_blind(paths=[_write(tmp_path, [CASE | {"id": "bh-0202"}])])
    with pytest.raises(InputError, match="dev half only"):
        misses(heldout)


def test_committed_third_set_is_valid_has_both_halves_and_is_two_datasets() -> None:
    assert sorted(BLIND_DIR.glob(BLIND3_GLOB)), "no third blind set committed"
    cases = load_blind3()
    assert len(cases) >= 50 and {c.gold.split for c in cases} == {"dev", "heldout"}
    ids = {c.evaluation.evaluation_id for c in cases}
    assert not ids & {c.evaluation.evaluation_id for c in [*load_blind(), *load_blind2()]}
    assert {"blind-3-dev", "blind-3-test"} <= set(DATASETS)
