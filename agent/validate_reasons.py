"""Plain-English reasons for pydantic validation errors on the input contract.

A reason says what is wrong with the value and what would be right, without pydantic's vocabulary
("Input should be a valid integer" becomes "must be a whole number like 4, got text \"4\"").
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from agent.models import ContributorIssue, Evaluation, ModelResponse, Task

LINE = "(line)"
"""The field path of a problem with the whole line (encoding, size, JSON syntax)."""

_MODELS_AT: dict[str, type[BaseModel]] = {
    "": Evaluation,
    "task": Task,
    "response": ModelResponse,
    "response_b": ModelResponse,
    "issues": ContributorIssue,
}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            out += f".{part}" if out else str(part)
    return out or "(record)"


def _got(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"got {kind.get(type(value), type(value).__name__)} {shown}" if value is not None else "got null"


def plain_reason(err: Any) -> tuple[str, str]:
    """(field path, reason) for one pydantic error dict."""
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    path = _path(loc)
    if kind == "missing":
        return path, "required field is missing"
    if kind == "extra_forbidden":
        parent = next((p for p in loc[:-1] if isinstance(p, str)), "")
        allowed = ", ".join(_MODELS_AT.get(parent, Evaluation).model_fields)
        return path, f"unknown field {loc[-1]!r}; allowed here: {allowed}"
    if "[key]" in loc:
        return path, f"key {value!r} may only use letters, digits and _ . : - (1-200 characters)"
    simple = {
        "string_too_short": "must not be empty",
        "string_too_long": "is too long (at most 200 characters)",
        "string_pattern_mismatch": "may only use letters, digits and _ . : - (no spaces)",
        "int_type": f"must be a whole number like 4, {_got(value)}",
        "string_type": f"must be text (a JSON string), {_got(value)}",
        "dict_type": f"must be an object {{...}}, {_got(value)}",
        "model_type": f"must be an object {{...}}, {_got(value)}",
        "list_type": f"must be a list [...], {_got(value)}",
        "datetime_type": f"must be an ISO 8601 date-time text like 2024-05-01T14:30:00Z, {_got(value)}",
        "datetime_parsing": f"must be an ISO 8601 date-time like 2024-05-01T14:30:00Z, {_got(value)}",
        "datetime_from_date_parsing": f"must be an ISO 8601 date-time like 2024-05-01T14:30:00Z, {_got(value)}",
        "timezone_aware": f"must say its timezone (2024-05-01T14:30:00Z or ...+02:00), {_got(value)}",
    }
    if kind in simple:
        return path, simple[kind]
    if kind == "literal_error":
        return path, f"must be one of {err['ctx']['expected']}, {_got(value)}"
    if kind == "string_unicode":
        return LINE, "text is not valid Unicode (an escaped lone surrogate such as \\ud800)"
    if kind == "json_invalid":
        return LINE, f"not valid JSON: {err['ctx']['error']}"
    message = str(err["msg"]).removeprefix("Value error, ")
    quoted = re.match(r"(issues)\[(\d+)\]\.(\w+)", message)
    if quoted:
        path = f"{quoted[1]}[{quoted[2]}].{quoted[3]}"
    elif "response_b and preference" in message:
        path = "preference" if isinstance(value, dict) and value.get("response_b") is not None else "response_b"
    elif message.startswith("ratings_b"):
        path = "ratings_b"
    return path, message
