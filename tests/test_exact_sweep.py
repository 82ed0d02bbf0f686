"""evals.exact_sweep: every exact-check measure in one run, and what moved between two runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.errors import InputError
from evals.exact_sweep import compare, main, sweep


def test_a_test_half_gives_metrics_and_never_its_cases() -> None:
    measured = sweep(["blind-test", "blind-dev"])
    assert set(measured) == {"blind-test", "blind-dev"}
    assert measured["blind-test"]["cases"] == {} and measured["blind-test"]["metrics"]["n"] == 30
    dev = measured["blind-dev"]
    assert len(dev["cases"]) == dev["metrics"]["n"] == 30
    assert all(line.startswith("flags [") for line in dev["cases"].values())


def test_compare_names_moved_metrics_and_changed_cases() -> None:
    old = {"x": {"metrics": {"verdict": 0.5, "n": 2}, "cases": {"c1": "flags []", "c2": "flags [false_flag]"}}}
    new = {
        "x": {"metrics": {"verdict": 1.0, "n": 2}, "cases": {"c1": "flags [missed_error]", "c2": "flags [false_flag]"}},
        "y": {"metrics": {"n": 1}, "cases": {}},
    }
    assert compare(old, new) == [
        "x: verdict 0.5 -> 1.0 (1 changed)",
        "  - c1: flags []",
        "  + c1: flags [missed_error]",
        "y: new measure",
    ]
    assert compare(new, new) == ["x: unchanged", "y: unchanged"]


def test_unknown_measure_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="unknown measure"):
        sweep(["gold-everything"])
    assert main(["--only", "nope", "--out", str(tmp_path / "x.json")]) == 1
    assert "unknown measure(s) nope" in capsys.readouterr().err and not (tmp_path / "x.json").exists()


def test_cli_writes_json_and_compares_with_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep.json"
    assert main(["--only", "blind-3-test", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["blind-3-test"]["metrics"]["n"] == 30
    capsys.readouterr()
    assert main(["--only", "blind-3-test", "--compare", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "blind-3-test: unchanged"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read an earlier sweep"), ("{not json", "cannot read an earlier sweep"), ('{"x": 1}', "not a file")],
)
def test_a_bad_compare_file_is_one_clear_line_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    old = tmp_path / "old.json"
    if content is not None:
        old.write_text(content)
    assert main(["--only", "blind-test", "--compare", str(old)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {old}") and message in err
