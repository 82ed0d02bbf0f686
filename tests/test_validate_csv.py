"""agent.validate_csv: CSV exports map onto the input contract; bad rows are rejected, the rest survive."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from agent.errors import InputError
from agent.models import Evaluation
from agent.settings import Settings
from agent.validate import validate_file
from agent.validate_csv import CSV_COLUMNS, evaluation_to_row, write_csv

DATA = Path(__file__).parent / "data"
GOOD = [Evaluation.model_validate_json(line) for line in (DATA / "good.jsonl").read_text("utf-8").splitlines()]


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    columns = header or list(evaluation_to_row(GOOD[2]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def row(i: int = 0, **changes: str) -> dict[str, str]:
    out = evaluation_to_row(GOOD[i])
    out.update(changes)
    return out


def test_round_trip_jsonl_to_csv_keeps_records_and_hashes(tmp_path: Path) -> None:
    from_jsonl = validate_file(DATA / "good.jsonl")
    assert write_csv([r.evaluation for r in from_jsonl.records], tmp_path / "rt.csv") == 3
    from_csv = validate_file(tmp_path / "rt.csv")
    assert from_csv.format == "csv"
    assert from_csv.counts.summary() == "read 3 = valid 3 + rejected 0"
    assert [r.evaluation for r in from_csv.records] == [r.evaluation for r in from_jsonl.records]
    assert [r.content_hash for r in from_csv.records] == [r.content_hash for r in from_jsonl.records]


def test_committed_csv_fixture_is_valid_and_uses_the_documented_columns() -> None:
    result = validate_file(DATA / "good.csv")
    assert result.counts.valid == 3
    header = (DATA / "good.csv").read_text("utf-8").splitlines()[0].split(",")
    assert header[: len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    assert all(c.startswith("rating_") for c in header[len(CSV_COLUMNS) :])


def test_multiline_cells_report_the_line_a_row_starts_on(tmp_path: Path) -> None:
    first = row(0, comment=GOOD[0].comment.replace(". ", ".\n"), evaluation_id="ml-1")
    second = row(1, rating_overall="9", evaluation_id="ml-2")
    (tmp_path / "m.csv").write_bytes(csv_bytes([first, second]))
    result = validate_file(tmp_path / "m.csv")
    assert result.records[0].line == 2
    assert "\n" in result.records[0].evaluation.comment
    reject = result.rejects[0]
    assert (reject.line, reject.field) == (2 + GOOD[0].comment.count(". ") + 1, "ratings.overall")
    assert reject.reason == "9 is outside the scale 1-5 (CSV column rating_overall)"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"rating_overall": "4.5"},
            "ratings.overall",
            'whole number like 4, got text "4.5" (CSV column rating_overall)',
        ),
        ({"rating_overall": ""}, "ratings.overall", "missing"),
        ({"issues": "[{not json"}, "issues", "the issues column must hold a JSON array"),
        ({"issues": '{"type": "other"}'}, "issues", "must be a list"),
        ({"prompt": ""}, "task.prompt", "must not be empty (CSV column prompt)"),
        ({"submitted_at": "02/05/2024"}, "submitted_at", "ISO 8601"),
        (
            {"response_b_text": "Another answer.", "response_b_model": "m", "preference": "a"},
            "response_b",
            "not allowed",
        ),
    ],
)
def test_bad_cells_are_rejected_with_field_and_column(
    tmp_path: Path, changes: dict[str, str], field: str, reason: str
) -> None:
    rows = [row(0, evaluation_id="ok-1"), row(1, evaluation_id="bad-1", **changes), row(2)]
    (tmp_path / "b.csv").write_bytes(csv_bytes(rows))
    result = validate_file(tmp_path / "b.csv")
    assert result.counts.summary() == "read 3 = valid 2 + rejected 1"
    reject = result.rejects[0]
    assert (reject.line, reject.evaluation_id) == (3, "bad-1")
    problems = [(reject.field, reject.reason), *((p.field, p.reason) for p in reject.more)]
    assert any(f == field and reason in r for f, r in problems), problems


def test_non_utf8_row_short_row_and_blank_rows(tmp_path: Path) -> None:
    body = csv_bytes([row(0), row(1), row(2)]).split(b"\n")
    body[2] = body[2].replace(b"Jurassic", b"Jur\xe4ssic")
    body.insert(3, b"")
    body.insert(3, b",,,")
    body.append(b"short-1,c-1,entertainment_qa")
    (tmp_path / "u.csv").write_bytes(b"\n".join(body) + b"\n")
    result = validate_file(tmp_path / "u.csv")
    assert (result.counts.read, result.counts.valid, result.counts.rejected, result.counts.blank) == (4, 2, 2, 3)
    utf, short = result.rejects
    assert (utf.line, utf.field) == (3, "(line)") and "not valid UTF-8" in utf.reason
    assert short.evaluation_id == "short-1" and "row has 3 cells but the header has" in short.reason


@pytest.mark.parametrize("tail", [" done", " and the cell goes on\non the next line"])
def test_oversized_line_in_a_quoted_cell_keeps_the_next_rows(tmp_path: Path, tail: str) -> None:
    huge = row(1, evaluation_id="big-1", comment='He said "' + "x" * 5000 + tail)
    (tmp_path / "o.csv").write_bytes(csv_bytes([row(0), huge, row(2)]))
    result = validate_file(tmp_path / "o.csv", Settings(max_line_bytes=2000))
    assert [r.evaluation.evaluation_id for r in result.records] == ["qa-0001", "sxs-0001"]
    assert result.counts.summary() == "read 3 = valid 2 + rejected 1"
    assert result.rejects[0].line == 3 and "over the limit of 2,000 bytes" in result.rejects[0].reason


def test_unterminated_quote_at_the_end_is_rejected(tmp_path: Path) -> None:
    body = csv_bytes([row(0)]) + b'bad-1,"never closed\n'
    (tmp_path / "q.csv").write_bytes(body)
    result = validate_file(tmp_path / "q.csv")
    assert result.counts.summary() == "read 2 = valid 1 + rejected 1"
    assert "not valid CSV" in result.rejects[0].reason


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["evaluation_id", "reviewer"], "unknown column 'reviewer'; rename or drop it"),
        (["evaluation_id", "comment", "comment"], "column 'comment' appears twice"),
    ],
)
def test_bad_header_refuses_the_file(tmp_path: Path, header: list[str], message: str) -> None:
    (tmp_path / "h.csv").write_text(",".join(header) + "\nx,y,z\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        validate_file(tmp_path / "h.csv")


@pytest.mark.parametrize("body", [b"", b"\n\n", csv_bytes([])])
def test_empty_csv_and_header_only_give_zero_records(tmp_path: Path, body: bytes) -> None:
    (tmp_path / "e.csv").write_bytes(body)
    assert validate_file(tmp_path / "e.csv").counts.read == 0


def test_issues_cell_round_trips_side_b(tmp_path: Path) -> None:
    cell = evaluation_to_row(GOOD[2])["issues"]
    assert [i["response"] for i in json.loads(cell)] == ["b", "b"]


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garbage=st.lists(st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ")), max_size=8))
def test_random_garbage_rows_never_escape(tmp_path_factory: pytest.TempPathFactory, garbage: list[bytes]) -> None:
    lines = csv_bytes([row(0), row(1), row(2)]).splitlines()
    body = lines[:2] + garbage + lines[2:]  # header, a good row, garbage, two good rows
    path = tmp_path_factory.mktemp("csvgarbage") / "g.csv"
    path.write_bytes(b"\n".join(body) + b"\n")
    result = validate_file(path)
    c = result.counts
    assert c.read == c.valid + c.rejected == len(result.records) + len(result.rejects)
    assert result.records and result.records[0].line == 2  # rows before the garbage always survive
    assert c.read + c.blank <= len(body) - 1
    assert all(r.reason and len(r.raw) <= 500 for r in result.rejects)
