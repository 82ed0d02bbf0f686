"""CSV exports from annotation platforms: the column mapping onto the input contract, read and write.

One row is one evaluation. Columns map onto :class:`~agent.models.Evaluation` fields as in :data:`CSV_COLUMNS`;
``rating_<dimension>`` and ``rating_b_<dimension>`` hold one integer each, ``issues`` holds a JSON array. Empty
cells of optional columns are left out. Cells may span lines (quoted), so a row's line number is the line it
starts on. The header must name only known columns, each once; otherwise the file is refused as a whole
(:class:`~agent.errors.InputError`), because no row could be mapped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from agent.errors import InputError
from agent.models import Evaluation
from agent.validate import (
    RAW_PREVIEW_CHARS,
    Outcome,
    Problem,
    Reject,
    Validator,
    iter_raw_lines,
)
from agent.validate_reasons import LINE

CSV_COLUMNS: dict[str, str] = {
    "evaluation_id": "evaluation_id",
    "contributor_id": "contributor_id",
    "project": "project",
    "submitted_at": "submitted_at",
    "prompt": "task.prompt",
    "task_category": "task.category",
    "response_text": "response.text",
    "response_model": "response.model",
    "response_b_text": "response_b.text",
    "response_b_model": "response_b.model",
    "preference": "preference",
    "issues": "issues",
    "comment": "comment",
}
"""CSV column -> field path. Ratings use ``rating_<dimension>`` and ``rating_b_<dimension>`` columns."""
RATING_PREFIX = "rating_"
RATING_B_PREFIX = "rating_b_"
_REQUIRED_TEXT = {"evaluation_id", "contributor_id", "project", "submitted_at", "prompt", "response_text"}
_REQUIRED_TEXT |= {"response_model", "comment"}
_FIELD_TO_COLUMN = {v: k for k, v in CSV_COLUMNS.items()}
_INTEGER = re.compile(r"[+-]?\d{1,9}")


def _column_of(path: str) -> str | None:
    for prefix, col in (("ratings_b.", RATING_B_PREFIX), ("ratings.", RATING_PREFIX)):
        if path.startswith(prefix):
            return col + path[len(prefix) :]
    return _FIELD_TO_COLUMN.get(path) or ("issues" if path.startswith("issues[") else None)


def check_header(header: list[str], source: str) -> None:
    """Raise :class:`InputError` for a header with unknown or repeated columns."""
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise InputError(f"{source}: CSV header: column {col!r} appears twice; keep one")
        seen.add(col)
        if col not in CSV_COLUMNS and not (col.startswith(RATING_PREFIX) and len(col) > len(RATING_PREFIX)):
            known = ", ".join(CSV_COLUMNS)
            raise InputError(
                f"{source}: CSV header: unknown column {col!r}; rename or drop it "
                f"(known columns: {known}, rating_<dimension>, rating_b_<dimension>)"
            )


def row_to_record(header: list[str], row: list[str]) -> tuple[dict[str, Any], list[Problem]]:
    """Map one CSV row onto the input contract's JSON shape, with the problems the mapping itself found."""
    obj: dict[str, Any] = {}
    problems: list[Problem] = []
    if len(row) != len(header):
        problems.append(Problem(field=LINE, reason=f"row has {len(row)} cells but the header has {len(header)}"))
    for col, cell in zip(header, row, strict=False):
        if not cell.strip() and col not in _REQUIRED_TEXT:
            continue
        if col.startswith(RATING_PREFIX):
            b_side = col.startswith(RATING_B_PREFIX)
            key = "ratings_b" if b_side else "ratings"
            dim = col[len(RATING_B_PREFIX if b_side else RATING_PREFIX) :]
            value = cell.strip()
            obj.setdefault(key, {})[dim] = int(value) if _INTEGER.fullmatch(value) else value
        elif col == "issues":
            try:
                obj["issues"] = json.loads(cell)
            except (ValueError, RecursionError) as e:
                problems.append(Problem(field="issues", reason=f"the issues column must hold a JSON array [...]: {e}"))
        else:
            parent, _, leaf = CSV_COLUMNS[col].rpartition(".")
            (obj.setdefault(parent, {}) if parent else obj)[leaf] = cell
    return obj, problems


class _Lines:
    """Physical lines as text for :mod:`csv`, noting what is wrong with the lines of the current row."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._raw = iter_raw_lines(stream, limit)
        self.limit = limit
        self.number = 0
        self.begin()

    def begin(self) -> None:
        self.preview = ""
        self.problem: Problem | None = None

    def __iter__(self) -> Iterator[str]:
        for raw in self._raw:
            self.number = raw.number
            if raw.oversized:
                self.problem = self.problem or Problem(
                    field=LINE,
                    reason=f"line {raw.number} is {raw.size:,} bytes, over the limit of {self.limit:,} bytes "
                    "(setting AUDIT_MAX_LINE_BYTES)",
                )
                text = '"' if raw.odd_quotes else ""  # keep the quoting state of the skipped line
            else:
                try:
                    text = raw.data.decode("utf-8")
                except UnicodeDecodeError as e:
                    self.problem = self.problem or Problem(
                        field=LINE,
                        reason=f"line {raw.number} is not valid UTF-8 (byte offset {e.start}); save the file as UTF-8",
                    )
                    text = raw.data.decode("utf-8", errors="replace")
            if len(self.preview) < RAW_PREVIEW_CHARS:
                shown = raw.data.decode("utf-8", errors="replace") if raw.oversized else text
                self.preview = (self.preview + shown + "\n")[:RAW_PREVIEW_CHARS]
            yield text + "\n"


def iter_csv_outcomes(stream: BinaryIO, validator: Validator, limit: int, source: str) -> Iterator[Outcome]:
    """Outcomes of a CSV export, one per data row; blank rows are skipped and counted."""
    lines = _Lines(stream, limit)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, previous_limit))  # process-wide; restored when the file is done
    try:
        while True:
            start = lines.number + 1
            lines.begin()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                if header is None:
                    raise InputError(f"{source}: CSV header on line {start} is not valid CSV: {e}") from e
                yield validator.reject(start, [Problem(field=LINE, reason=f"not valid CSV: {e}")], lines.preview)
                continue
            if header is None and lines.problem is not None:
                raise InputError(f"{source}: CSV header unusable: {lines.problem.reason}")
            if lines.problem is None and not any(cell.strip() for cell in row):
                validator.counts.blank += 1
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                check_header(header, source)
                continue
            if lines.problem is not None:
                yield validator.reject(start, [lines.problem], lines.preview)
                continue
            obj, problems = row_to_record(header, row)
            if problems:
                eid = obj.get("evaluation_id")
                eid = eid if isinstance(eid, str) else None
                yield _with_columns(validator.reject(start, problems, lines.preview, eid))
                continue
            yield _with_columns(validator.check(start, obj, lines.preview))
    finally:
        csv.field_size_limit(previous_limit)


def _with_columns(outcome: Outcome) -> Outcome:
    """Name the CSV column next to each field path, so the fix is easy to find in the spreadsheet."""
    if not isinstance(outcome, Reject):
        return outcome
    col = _column_of(outcome.field)
    if col:
        outcome.reason += f" (CSV column {col})"
    for p in outcome.more:
        pcol = _column_of(p.field)
        if pcol:
            p.reason += f" (CSV column {pcol})"
    return outcome


def evaluation_to_row(evaluation: Evaluation) -> dict[str, str]:
    """The CSV row of one evaluation (the inverse of :func:`row_to_record`)."""
    data = evaluation.model_dump(mode="json")
    row: dict[str, str] = {}
    for col, path in CSV_COLUMNS.items():
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if col == "issues":
            row[col] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            row[col] = "" if value is None else str(value)
    for key, prefix in (("ratings", RATING_PREFIX), ("ratings_b", RATING_B_PREFIX)):
        for dim, score in (data.get(key) or {}).items():
            row[prefix + dim] = str(score)
    return row


def write_csv(evaluations: Iterable[Evaluation], path: Path) -> int:
    """Write evaluations as a CSV export; returns the number of rows."""
    rows = [evaluation_to_row(e) for e in evaluations]
    extra = {c: None for r in rows for c in r if c.startswith(RATING_PREFIX) and not c.startswith(RATING_B_PREFIX)}
    extra |= {c: None for r in rows for c in r if c.startswith(RATING_B_PREFIX)}
    columns = list(CSV_COLUMNS) + list(extra)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
