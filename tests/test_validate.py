"""agent.validate: every input line ends up a valid record or a reject; nothing is lost, nothing crashes."""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from agent.errors import InputError
from agent.settings import Settings
from agent.validate import Reject, ValidationStream, ValidRecord, content_hash, validate_file

DATA = Path(__file__).parent / "data"
GUIDES = Path(__file__).parent.parent / "prompts" / "guidelines"
GOOD = [json.loads(line) for line in (DATA / "good.jsonl").read_text(encoding="utf-8").splitlines()]
QA, QA_ERR, SXS = GOOD


def rec(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with top-level keys replaced (``None`` removes the key)."""
    out: dict[str, Any] = json.loads(json.dumps(base))
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def write(path: Path, lines: list[bytes], end: bytes = b"\n") -> Path:
    path.write_bytes(b"\n".join(lines) + end)
    return path


def only_reject(tmp_path: Path, bad: bytes, settings: Settings | None = None) -> Reject:
    """Validate good / bad / good; the two good lines survive and the bad one is the only reject."""
    a, b = rec(QA, evaluation_id="around-1"), rec(QA, evaluation_id="around-2")
    result = validate_file(write(tmp_path / "batch.jsonl", [line(a), bad, line(b)]), settings)
    assert (result.counts.read, result.counts.valid, result.counts.rejected) == (3, 2, 1)
    assert [r.line for r in result.records] == [1, 3]
    assert result.rejects[0].line == 2
    assert result.rejects[0].reason
    return result.rejects[0]


# ---------------------------------------------------------------------------------------------------------------
# Good input


def test_good_fixture_is_all_valid_with_line_numbers_and_hashes() -> None:
    result = validate_file(DATA / "good.jsonl")
    assert result.counts.summary() == "read 3 = valid 3 + rejected 0"
    assert [r.line for r in result.records] == [1, 2, 3]
    assert [r.evaluation.evaluation_id for r in result.records] == ["qa-0001", "qa-0002", "sxs-0001"]
    assert all(len(r.content_hash) == 64 for r in result.records)
    assert len({r.content_hash for r in result.records}) == 3


def test_content_hash_ignores_key_order_and_follows_content(tmp_path: Path) -> None:
    reordered = dict(reversed(list(QA.items())))
    changed = rec(QA, comment=QA["comment"] + " More.")
    result = validate_file(write(tmp_path / "h.jsonl", [line(reordered), line(rec(changed, evaluation_id="c2"))]))
    first = validate_file(DATA / "good.jsonl").records[0]
    assert result.records[0].content_hash == first.content_hash == content_hash(first.evaluation)
    assert result.records[1].content_hash != first.content_hash


def test_crlf_bom_no_final_newline_and_blank_lines(tmp_path: Path) -> None:
    body = b"\xef\xbb\xbf" + line(QA) + b"\r\n\r\n   \t\r\n" + line(QA_ERR) + b"\r\n\n" + line(SXS)
    (tmp_path / "w.jsonl").write_bytes(body)
    result = validate_file(tmp_path / "w.jsonl")
    assert (result.counts.read, result.counts.valid, result.counts.blank) == (3, 3, 3)
    assert [r.line for r in result.records] == [1, 4, 6]


def test_quote_matches_across_whitespace_differences(tmp_path: Path) -> None:
    issue = dict(QA_ERR["issues"][0], quote="based  on a\nnovel by Stephen King")
    result = validate_file(write(tmp_path / "q.jsonl", [line(rec(QA_ERR, issues=[issue]))]))
    assert result.counts.valid == 1


def test_stream_yields_in_line_order_and_keeps_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", [line(QA), b"oops", line(QA_ERR)])
    stream = ValidationStream(path, Settings())
    seen = []
    for outcome in stream:
        seen.append((type(outcome).__name__, outcome.line, stream.counts.read))
    assert seen == [("ValidRecord", 1, 1), ("Reject", 2, 2), ("ValidRecord", 3, 3)]
    with pytest.raises(InputError, match="already read"):
        list(stream)


# ---------------------------------------------------------------------------------------------------------------
# Bad records: one test per case


BAD_RECORDS: list[tuple[str, dict[str, Any], str, str]] = [
    ("rating as text", rec(QA, ratings={**QA["ratings"], "overall": "5"}), "ratings.overall", "whole number"),
    ("rating as float", rec(QA, ratings={**QA["ratings"], "overall": 4.0}), "ratings.overall", "whole number"),
    ("rating as bool", rec(QA, ratings={**QA["ratings"], "overall": True}), "ratings.overall", "whole number"),
    (
        "rating above scale",
        rec(QA, ratings={**QA["ratings"], "overall": 7}),
        "ratings.overall",
        "outside the scale 1-5",
    ),
    ("rating below scale", rec(QA, ratings={**QA["ratings"], "helpfulness": 0}), "ratings.helpfulness", "outside"),
    (
        "missing dimension",
        rec(QA, ratings={k: v for k, v in QA["ratings"].items() if k != "completeness"}),
        "ratings.completeness",
        "missing",
    ),
    ("unknown dimension", rec(QA, ratings={**QA["ratings"], "humour": 3}), "ratings.humour", "not a dimension"),
    ("unknown top-level field", rec(QA, reviewer="x"), "reviewer", "unknown field 'reviewer'"),
    ("unknown nested field", rec(QA, task={"prompt": "p", "lang": "en"}), "task.lang", "unknown field 'lang'"),
    ("missing field", rec(QA, comment=None), "comment", "required field is missing"),
    ("wrong type: text as number", rec(QA, comment=5), "comment", "must be text"),
    ("wrong type: task as text", rec(QA, task="who directed it"), "task", "must be an object"),
    ("wrong type: issues as object", rec(QA, issues={}), "issues", "must be a list"),
    ("empty prompt", rec(QA, task={"prompt": ""}), "task.prompt", "must not be empty"),
    ("id with spaces", rec(QA, evaluation_id="qa 1"), "evaluation_id", "letters, digits"),
    ("bad date", rec(QA, submitted_at="last Tuesday"), "submitted_at", "ISO 8601"),
    ("date as number", rec(QA, submitted_at=1714660200), "submitted_at", "ISO 8601"),
    ("date without a timezone", rec(QA, submitted_at="2024-05-01T14:30:00"), "submitted_at", "timezone"),
    ("bad preference", rec(SXS, preference="both"), "preference", "'a', 'b' or 'tie'"),
    (
        "bad issue severity",
        rec(QA_ERR, issues=[dict(QA_ERR["issues"][0], severity="huge")]),
        "issues[0].severity",
        "'minor' or 'major'",
    ),
    (
        "quote not in the response",
        rec(QA_ERR, issues=[dict(QA_ERR["issues"][0], quote="based on a novel by Stephen Kingsley")]),
        "issues[0].quote",
        "does not occur in response.text",
    ),
    (
        "quote names side b without response_b",
        rec(QA_ERR, issues=[dict(QA_ERR["issues"][0], response="b")]),
        "issues[0].response",
        "no response_b",
    ),
    (
        "unknown project",
        rec(QA, project="entertainment_trivia"),
        "project",
        "known projects: entertainment_qa, entertainment_sxs",
    ),
    ("side by side without ratings_b", rec(SXS, ratings_b=None), "ratings_b", "required: project entertainment_sxs"),
    (
        "side by side without response_b",
        rec(SXS, response_b=None, preference=None, ratings_b=None, issues=[]),
        "response_b",
        "required",
    ),
    (
        "side by side ratings_b out of scale",
        rec(SXS, ratings_b={**SXS["ratings_b"], "overall": 9}),
        "ratings_b.overall",
        "outside",
    ),
    (
        "response_b in a single-response project",
        rec(QA, response_b={"text": "Another answer.", "model": "m"}, preference="a"),
        "response_b",
        "not allowed: project entertainment_qa rates a single response",
    ),
    ("preference without response_b", rec(QA, preference="a"), "response_b", "needs both response_b and preference"),
    ("response_b without preference", rec(SXS, preference=None), "preference", "needs both response_b and preference"),
]


@pytest.mark.parametrize(("case", "obj", "field", "reason"), BAD_RECORDS, ids=[c[0] for c in BAD_RECORDS])
def test_bad_record_is_rejected_with_field_and_reason(
    tmp_path: Path, case: str, obj: dict[str, Any], field: str, reason: str
) -> None:
    reject = only_reject(tmp_path, line(obj))
    problems = [(reject.field, reject.reason)] + [(p.field, p.reason) for p in reject.more]
    assert any(f == field and reason in r for f, r in problems), problems
    assert reject.evaluation_id == obj.get("evaluation_id")
    assert "pydantic" not in reject.reason and "Value error" not in reject.reason


def test_every_problem_of_a_record_is_listed(tmp_path: Path) -> None:
    obj = rec(QA, ratings={**QA["ratings"], "overall": 9, "writing_quality": "4"}, extra_field=1)
    reject = only_reject(tmp_path, line(obj))
    fields = {reject.field, *(p.field for p in reject.more)}
    assert fields == {"ratings.overall", "ratings.writing_quality", "extra_field"}


def test_issue_type_outside_the_projects_issue_types(tmp_path: Path) -> None:
    gdir = tmp_path / "guidelines"
    gdir.mkdir()
    raw = yaml.safe_load((GUIDES / "entertainment_qa.yaml").read_text(encoding="utf-8"))
    raw["issue_types"] = ["hallucination", "missing_information"]
    (gdir / "entertainment_qa.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    reject = only_reject(tmp_path, line(QA_ERR), Settings(guidelines_dir=gdir))
    assert reject.field == "issues[0].type"
    assert "'factual_error' is not an issue type of project entertainment_qa" in reject.reason
    assert "hallucination, missing_information" in reject.reason


BAD_LINES: list[tuple[str, bytes, str]] = [
    ("malformed JSON", b'{"evaluation_id": "x", ', "not valid JSON"),
    ("truncated JSON", line(QA)[:-20], "not valid JSON"),
    ("JSON list", b"[1, 2, 3]", "must be one JSON object {...}, got a list"),
    ("JSON string", b'"hello"', "got a string"),
    ("JSON number", b"42", "got a number"),
    ("JSON null", b"null", "got null"),
    ("JSON true", b"true", "got true/false"),
    ("duplicate key", b'{"comment": "a", "comment": "b"}', "key 'comment' appears twice"),
    ("NaN", b'{"evaluation_id": NaN}', "NaN is not allowed"),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    ("huge integer", b"9" * 5000, "too many digits"),
    ("non-UTF-8 bytes", line(QA).replace(b"Demme", b"D\xe9mme"), "not valid UTF-8 (byte 0xe9"),
    ("lone surrogate escape", line(rec(QA, comment="\\ud800")).replace(b"\\\\ud800", b"\\ud800"), "not valid Unicode"),
]


@pytest.mark.parametrize(("case", "bad", "reason"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_bad_line_is_rejected_and_the_rest_survives(tmp_path: Path, case: str, bad: bytes, reason: str) -> None:
    reject = only_reject(tmp_path, bad)
    assert reject.field == "(line)"
    assert reason in reject.reason
    assert len(reject.raw) <= 500


def test_duplicate_evaluation_id_names_the_first_line(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", [line(QA), line(QA_ERR), line(rec(QA_ERR, comment="resubmitted"))])
    result = validate_file(path)
    assert result.counts.summary() == "read 3 = valid 2 + rejected 1"
    reject = result.rejects[0]
    assert (reject.line, reject.field, reject.evaluation_id) == (3, "evaluation_id", "qa-0002")
    assert "already used by the valid record on line 2" in reject.reason


def test_an_id_first_seen_on_a_rejected_line_is_not_a_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", [line(rec(QA, comment=None)), line(QA)])
    result = validate_file(path)
    assert [r.line for r in result.records] == [2]


# ---------------------------------------------------------------------------------------------------------------
# Files


def test_empty_file_gives_zero_records(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    result = validate_file(tmp_path / "empty.jsonl")
    assert result.counts.summary() == "read 0 = valid 0 + rejected 0"
    assert (result.records, result.rejects) == ([], [])


def test_blank_lines_only_are_counted_not_read(tmp_path: Path) -> None:
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n\t\n")
    result = validate_file(tmp_path / "blank.jsonl")
    assert (result.counts.read, result.counts.blank) == (0, 3)


def test_missing_file_and_directory_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.jsonl: file not found"):
        validate_file(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        validate_file(tmp_path)


def test_line_at_the_limit_is_read_and_one_byte_more_is_rejected(tmp_path: Path) -> None:
    settings = Settings(max_line_bytes=1000)
    pad = rec(QA, comment="")
    base = len(line(pad))
    at_limit = line(rec(pad, comment="x" * (1000 - base)))
    over = line(rec(pad, evaluation_id="qa-over", comment="x" * (1001 - base)))
    assert (len(at_limit), len(over)) == (1000, 1001)
    result = validate_file(write(tmp_path / "l.jsonl", [at_limit, over]), settings)
    assert [r.line for r in result.records] == [1]
    reject = result.rejects[0]
    assert (reject.line, reject.evaluation_id) == (2, "qa-over")
    assert "1,001 bytes, over the limit of 1,000" in reject.reason


@pytest.mark.slow
def test_50_mb_line_is_rejected_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as f:
        f.write(line(QA) + b"\n")
        head = b'{"evaluation_id": "big-1", "comment": "'
        f.write(head)
        block = b"x" * (1 << 20)
        for _ in range(50):
            f.write(block)
        f.write(b'"}\n')
        f.write(line(QA_ERR) + b"\n")
    tracemalloc.start()
    try:
        result = validate_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.counts.summary() == "read 3 = valid 2 + rejected 1"
    reject = result.rejects[0]
    assert (reject.line, reject.evaluation_id, reject.field) == (2, "big-1", "(line)")
    assert f"{len(head) + 50 * 2**20 + 2:,} bytes, over the limit of 1,000,000" in reject.reason
    assert len(reject.raw) == 500
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes: the long line was held in memory"


# ---------------------------------------------------------------------------------------------------------------
# Random garbage mixed with good lines


def _good_line(i: int) -> bytes:
    return line(rec(GOOD[i % 3], evaluation_id=f"good-{i}"))


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_keys = st.sampled_from([*QA.keys(), "response_b", "preference", "ratings_b", "junk"])


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    base = rec(draw(st.sampled_from(GOOD)), evaluation_id=f"mut-{draw(st.integers(0, 10**9))}")
    base[draw(_keys)] = draw(_json_values)
    return line(base)


_garbage = st.one_of(
    st.binary(max_size=120).map(lambda b: b.replace(b"\n", b" ")),
    _json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(_keys, _json_values, max_size=6).map(lambda d: json.dumps(d).encode()),
    _mutated(),
)


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=st.lists(st.one_of(st.just(None), _garbage), min_size=1, max_size=25))
def test_random_garbage_never_escapes_and_good_lines_survive(
    tmp_path_factory: pytest.TempPathFactory, plan: list[bytes | None]
) -> None:
    lines = [_good_line(i) if item is None else item for i, item in enumerate(plan)]
    good_numbers = {i + 1 for i, item in enumerate(plan) if item is None}
    path = write(tmp_path_factory.mktemp("garbage") / "g.jsonl", lines)
    result = validate_file(path)
    c = result.counts
    assert c.read == c.valid + c.rejected
    assert c.read + c.blank == len(lines)
    assert (len(result.records), len(result.rejects)) == (c.valid, c.rejected)
    assert good_numbers <= {r.line for r in result.records}
    outcomes: list[ValidRecord | Reject] = [*result.records, *result.rejects]
    assert len({o.line for o in outcomes}) == c.read
    assert all(r.reason and len(r.raw) <= 500 for r in result.rejects)


def test_guidelines_dir_setting_is_used(tmp_path: Path) -> None:
    gdir = tmp_path / "g"
    gdir.mkdir()
    shutil.copy(GUIDES / "entertainment_qa.yaml", gdir)
    reject = only_reject(tmp_path, line(rec(SXS, evaluation_id="s1")), Settings(guidelines_dir=gdir))
    assert reject.field == "project" and "known projects: entertainment_qa (" in reject.reason
