"""Loading with nothing lost: every input line becomes a valid :class:`~agent.models.Evaluation` or a reject.

Input is JSONL (one evaluation per line) or a CSV export (one evaluation per row, columns in
:data:`CSV_COLUMNS`). The file is read in binary with bounded reads, so an oversized line (over
``settings.max_line_bytes``) is rejected without ever being held in memory. Blank (whitespace-only) lines are
skipped and counted separately; every other line is *read* and ends up either *valid* or *rejected*, so
``read == valid + rejected`` always holds.

A reject carries the line number, the evaluation_id when it can be seen, the field path, a plain-English reason
and the raw line (truncated). A valid record carries its line number and a content hash (sha256 of the
canonical JSON of the validated record) that the batch runner uses to resume.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import ValidationError

from agent.errors import InputError
from agent.guidelines import Guidelines, available_projects, load_guidelines
from agent.models import Evaluation, Strict
from agent.settings import Settings
from agent.validate_reasons import LINE, plain_reason

logger = logging.getLogger(__name__)

RAW_PREVIEW_CHARS = 500
_DISCARD_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_ID_IN_HEAD = re.compile(rb'"evaluation_id"\s*:\s*"([A-Za-z0-9_.:\-]{1,200})"')

InputFormat = Literal["jsonl", "csv"]


class Problem(Strict):
    """One thing wrong with one input line."""

    field: str
    reason: str


class Reject(Strict):
    """An input line that did not become an evaluation, and why. Written to the rejects file as JSONL."""

    line: int
    evaluation_id: str | None = None
    field: str
    reason: str
    raw: str
    more: list[Problem] = []


class ValidRecord(Strict):
    """A validated evaluation with where it came from and its content hash."""

    line: int
    evaluation: Evaluation
    content_hash: str


@dataclass
class Counts:
    """Line accounting: ``read == valid + rejected``; blank lines are not read, only counted."""

    read: int = 0
    valid: int = 0
    rejected: int = 0
    blank: int = 0

    def summary(self) -> str:
        """The one-line summary ``read N = valid V + rejected R``."""
        return f"read {self.read} = valid {self.valid} + rejected {self.rejected}"


@dataclass
class ValidationResult:
    """Everything :func:`validate_file` found in one file."""

    path: Path
    format: InputFormat
    records: list[ValidRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


Outcome = ValidRecord | Reject


def content_hash(evaluation: Evaluation) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of a validated evaluation."""
    canonical = json.dumps(
        evaluation.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return sha256(canonical.encode("utf-8")).hexdigest()


def detect_format(path: Path) -> InputFormat:
    """``csv`` for a ``.csv`` file, ``jsonl`` for anything else."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


# --------------------------------------------------------------------------------------------------------------
# Bounded line reading


@dataclass
class RawLine:
    """One physical line, without its terminator; ``data`` is only the head when the line is oversized."""

    number: int
    data: bytes
    size: int
    oversized: bool = False
    odd_quotes: bool = False  # an odd number of '"' in the whole line (keeps CSV quoting in step)


def iter_raw_lines(stream: BinaryIO, max_line_bytes: int) -> Iterator[RawLine]:
    """Physical lines of a binary stream; never holds more than ``max_line_bytes + 1`` bytes of one line."""
    number = 0
    while True:
        chunk = stream.readline(max_line_bytes + 1)
        if not chunk:
            return
        number += 1
        if number == 1 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :]
        if len(chunk) > max_line_bytes and not chunk.endswith(b"\n"):
            head, size, quotes = chunk[: RAW_PREVIEW_CHARS * 4], len(chunk), chunk.count(b'"')
            del chunk
            while True:  # skip the rest of the line in bounded reads
                more = stream.readline(_DISCARD_CHUNK)
                size += len(more)
                quotes += more.count(b'"')
                if not more or more.endswith(b"\n"):
                    break
            size -= 1 if more.endswith(b"\n") else 0
            yield RawLine(number, head, size, oversized=True, odd_quotes=quotes % 2 == 1)
            continue
        data = chunk.rstrip(b"\r\n") if chunk.endswith(b"\n") else chunk
        yield RawLine(number, data, len(data))


def _oversized_problem(size: int, limit: int) -> Problem:
    return Problem(
        field=LINE,
        reason=f"line is {size:,} bytes, over the limit of {limit:,} bytes (setting AUDIT_MAX_LINE_BYTES); "
        "shorten the record or raise the limit",
    )


def _preview(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")[:RAW_PREVIEW_CHARS]


def _decode(data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        bad = data[e.start : e.start + 1].hex()
        return None, Problem(
            field=LINE,
            reason=f"line is not valid UTF-8 (byte 0x{bad} at byte offset {e.start}); save the file as UTF-8",
        )


# --------------------------------------------------------------------------------------------------------------
# The validator


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


def parse_json_object(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """One JSONL line as a dict, or the problem that stops it being one."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as e:
        return None, Problem(field=LINE, reason=f"not valid JSON: {e.msg} at column {e.colno}")
    except RecursionError:
        return None, Problem(field=LINE, reason="not valid JSON here: nested too deeply")
    except ValueError as e:  # duplicate keys, NaN/Infinity, integers too long to convert
        reason = str(e) if "digits" not in str(e) else "a number has too many digits (over 4300)"
        return None, Problem(field=LINE, reason=f"not usable JSON: {reason}")
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")
        return None, Problem(field=LINE, reason=f"each line must be one JSON object {{...}}, got {kind}")
    return value, None


class Validator:
    """Validates records one by one; remembers valid evaluation_ids so a duplicate is caught."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.counts = Counts()
        self._known = available_projects(settings.guidelines_dir)
        self._first_line: dict[str, int] = {}

    def check(self, line: int, obj: dict[str, Any], raw: str) -> Outcome:
        """A valid record, or a reject listing every problem found (first one in ``field``/``reason``)."""
        problems: list[Problem] = []
        evaluation: Evaluation | None = None
        try:
            evaluation = Evaluation.model_validate_json(json.dumps(obj, ensure_ascii=False), strict=True)
        except ValidationError as e:
            problems += [Problem(field=f, reason=r) for f, r in map(plain_reason, e.errors())]
        problems += self._project_problems(obj)
        problems = _first_per_field(problems)
        eid = obj.get("evaluation_id")
        eid = eid[:200] if isinstance(eid, str) else None
        if not problems and eid in self._first_line:
            problems.append(
                Problem(
                    field="evaluation_id",
                    reason=f"duplicate: {eid!r} is already used by the valid record on line "
                    f"{self._first_line[eid]}; give each evaluation its own id",
                )
            )
        if problems or evaluation is None:
            return self.reject(line, problems or [Problem(field="(record)", reason="invalid")], raw, eid)
        self._first_line[evaluation.evaluation_id] = line
        self.counts.read += 1
        self.counts.valid += 1
        return ValidRecord(line=line, evaluation=evaluation, content_hash=content_hash(evaluation))

    def reject(self, line: int, problems: list[Problem], raw: str, eid: str | None = None) -> Reject:
        """Count and build a reject."""
        self.counts.read += 1
        self.counts.rejected += 1
        first = problems[0]
        logger.debug("line %d rejected: %s: %s", line, first.field, first.reason)
        return Reject(
            line=line,
            evaluation_id=eid,
            field=first.field,
            reason=first.reason,
            raw=raw[:RAW_PREVIEW_CHARS],
            more=problems[1:],
        )

    def _project_problems(self, obj: dict[str, Any]) -> list[Problem]:
        project = obj.get("project")
        if not isinstance(project, str):
            return []
        if project not in self._known:
            known = ", ".join(self._known) or "none"
            return [
                Problem(
                    field="project",
                    reason=f"unknown project {project!r}; known projects: {known} "
                    f"(each has a guideline file in {self.settings.guidelines_dir})",
                )
            ]
        g = load_guidelines(project, self.settings.guidelines_dir)
        problems = _rating_problems("ratings", obj.get("ratings"), g)
        if g.side_by_side:
            for key in ("response_b", "preference", "ratings_b"):
                if obj.get(key) is None:
                    problems.append(Problem(field=key, reason=f"required: project {project} is side by side"))
            problems += _rating_problems("ratings_b", obj.get("ratings_b"), g)
        else:
            for key in ("response_b", "preference", "ratings_b"):
                if obj.get(key) is not None:
                    problems.append(
                        Problem(field=key, reason=f"not allowed: project {project} rates a single response")
                    )
        issues = obj.get("issues")
        for i, issue in enumerate(issues if isinstance(issues, list) else []):
            kind = issue.get("type") if isinstance(issue, dict) else None
            if isinstance(kind, str) and kind not in g.issue_types:
                problems.append(
                    Problem(
                        field=f"issues[{i}].type",
                        reason=f"{kind!r} is not an issue type of project {project} "
                        f"(allowed: {', '.join(g.issue_types)})",
                    )
                )
        return problems


def _first_per_field(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for p in problems:
        if p.field not in seen:
            seen.add(p.field)
            out.append(p)
    return out


def _rating_problems(key: str, ratings: Any, g: Guidelines) -> list[Problem]:
    if not isinstance(ratings, dict):
        return []
    dims = list(g.dimensions)
    problems = [
        Problem(field=f"{key}.{d}", reason=f"missing: project {g.project} rates every dimension ({', '.join(dims)})")
        for d in dims
        if d not in ratings
    ]
    lo, hi = g.scale.min, g.scale.max
    for name, score in ratings.items():
        if name not in g.dimensions:
            problems.append(
                Problem(
                    field=f"{key}.{name}",
                    reason=f"not a dimension of project {g.project} (its dimensions: {', '.join(dims)})",
                )
            )
        elif isinstance(score, int) and not isinstance(score, bool) and not lo <= score <= hi:
            problems.append(Problem(field=f"{key}.{name}", reason=f"{score} is outside the scale {lo}-{hi}"))
    return problems


# --------------------------------------------------------------------------------------------------------------
# Files


class ValidationStream:
    """Iterate over the outcomes of one file, one at a time; ``counts`` is up to date after each step.

    The file is opened here, so a missing or unreadable file raises :class:`InputError` at once.
    """

    def __init__(self, path: Path, settings: Settings, fmt: InputFormat | None = None) -> None:
        self.path = path
        self.format: InputFormat = fmt or detect_format(path)
        self.validator = Validator(settings)
        self._limit = settings.max_line_bytes
        try:
            self._stream: BinaryIO = path.open("rb")
        except FileNotFoundError as e:
            raise InputError(f"{path}: file not found; check the path") from e
        except IsADirectoryError as e:
            raise InputError(f"{path}: is a directory; give the path of a .jsonl or .csv file") from e
        except OSError as e:
            raise InputError(f"{path}: cannot be read: {e.strerror}") from e

    @property
    def counts(self) -> Counts:
        return self.validator.counts

    def __iter__(self) -> Iterator[Outcome]:
        if self._stream.closed:
            raise InputError(f"{self.path}: this stream was already read; open a new ValidationStream")
        try:
            with self._stream:
                if self.format == "csv":
                    # imported here because agent.validate_csv builds on this module
                    from agent.validate_csv import iter_csv_outcomes

                    yield from iter_csv_outcomes(self._stream, self.validator, self._limit, str(self.path))
                else:
                    yield from self._jsonl()
        except OSError as e:
            raise InputError(f"{self.path}: read failed after {self.counts.read} lines: {e}") from e

    def _jsonl(self) -> Iterator[Outcome]:
        v = self.validator
        for raw in iter_raw_lines(self._stream, self._limit):
            if raw.oversized:
                match = _ID_IN_HEAD.search(raw.data)
                eid = match[1].decode("ascii") if match else None
                yield v.reject(raw.number, [_oversized_problem(raw.size, self._limit)], _preview(raw.data), eid)
                continue
            if not raw.data.strip():
                v.counts.blank += 1
                continue
            text, problem = _decode(raw.data)
            obj: dict[str, Any] | None = None
            if text is not None:
                obj, problem = parse_json_object(text)
            if obj is None or text is None:
                assert problem is not None
                yield v.reject(raw.number, [problem], _preview(raw.data))
                continue
            yield v.check(raw.number, obj, text)


def validate_file(path: Path, settings: Settings | None = None, fmt: InputFormat | None = None) -> ValidationResult:
    """Validate a whole JSONL or CSV file; holds every valid record (use :class:`ValidationStream` to stream)."""
    stream = ValidationStream(path, settings or Settings(), fmt)
    result = ValidationResult(path=path, format=stream.format, counts=stream.counts)
    for outcome in stream:
        if isinstance(outcome, Reject):
            result.rejects.append(outcome)
        else:
            result.records.append(outcome)
    return result
