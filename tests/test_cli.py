"""``audit validate`` as a real subprocess: the summary line, the rejects file, the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
GOOD_LINES = (DATA / "good.jsonl").read_bytes().splitlines()


def audit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_mixed_file_accounts_for_every_line(tmp_path: Path) -> None:
    qa = json.loads(GOOD_LINES[0])
    bad_scale = json.dumps({**qa, "evaluation_id": "qa-9", "ratings": {**qa["ratings"], "overall": 6}}).encode()
    lines = [
        GOOD_LINES[0],  # 1 valid
        b"{broken",  # 2 malformed JSON
        GOOD_LINES[1],  # 3 valid
        b"",  # 4 blank: skipped
        bad_scale,  # 5 out of scale
        b"\xff\xfe\x00garbage",  # 6 not UTF-8
        GOOD_LINES[0],  # 7 duplicate of line 1
        b"[1, 2]",  # 8 not an object
        GOOD_LINES[2],  # 9 valid
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = audit("validate", path, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == "read 8 = valid 3 + rejected 5\n"
    assert "Traceback" not in result.stderr
    assert "line 2: (line): not valid JSON" in result.stderr
    assert "skipped 1 blank line(s)" in result.stderr
    rejects = [json.loads(r) for r in (tmp_path / "mixed.jsonl.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["line"], r["field"]) for r in rejects] == [
        (2, "(line)"),
        (5, "ratings.overall"),
        (6, "(line)"),
        (7, "evaluation_id"),
        (8, "(line)"),
    ]
    assert rejects[1]["evaluation_id"] == "qa-9" and rejects[1]["reason"] == "6 is outside the scale 1-5"
    assert rejects[3]["reason"].endswith("already used by the valid record on line 1; give each evaluation its own id")
    assert all(set(r) >= {"line", "evaluation_id", "field", "reason", "raw"} for r in rejects)


def test_all_valid_json_summary_custom_rejects_path_and_stale_rejects_removed(tmp_path: Path) -> None:
    stale = tmp_path / "r.jsonl"
    stale.write_text('{"line": 1}\n', encoding="utf-8")
    result = audit("validate", DATA / "good.csv", "--rejects", stale, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary == {
        "file": str(DATA / "good.csv"),
        "format": "csv",
        "read": 3,
        "valid": 3,
        "rejected": 0,
        "blank_lines_skipped": 0,
        "rejects_file": None,
    }
    assert not stale.exists()


@pytest.mark.parametrize(("name", "content"), [("empty.jsonl", b""), ("blank.jsonl", b"\n \n")])
def test_empty_file_is_a_clear_error_not_a_crash(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    result = audit("validate", name, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "read 0 = valid 0 + rejected 0\n")
    assert "no evaluations in the file" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_bad_csv_header_exit_3(tmp_path: Path) -> None:
    missing = audit("validate", "nope.jsonl", cwd=tmp_path)
    assert missing.returncode == 3
    assert missing.stderr == "audit: error: nope.jsonl: file not found; check the path\n"
    (tmp_path / "h.csv").write_text("evaluation_id,reviewer\nx,y\n", encoding="utf-8")
    header = audit("validate", "h.csv", cwd=tmp_path)
    assert header.returncode == 3 and "unknown column 'reviewer'" in header.stderr
    assert not (tmp_path / "nope.jsonl.rejects.jsonl").exists()
