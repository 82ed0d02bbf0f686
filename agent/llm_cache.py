"""The on-disk LLM cache and call log (one SQLite file, ``settings.cache_path``).

The cache maps a key (model + prompt name/version + exact messages + output schema) to the validated output, so
re-running a batch makes zero model calls. The call log keeps every call, cache hits included, so an auditor can
see which model and prompt version produced an answer, what it cost and how long it took.

One connection per object, guarded by a lock: safe to share between threads and between coroutines (every
statement is short; nothing awaits while holding the lock). WAL mode lets several processes share the file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import ConfigError

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_name TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    output TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_name TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    tag TEXT,
    cache_hit INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    latency_s REAL NOT NULL,
    output TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS calls_run ON calls(run_id);
CREATE INDEX IF NOT EXISTS calls_tag ON calls(tag);
"""


class CallRecord(BaseModel):
    """One row of the call log."""

    model_config = ConfigDict(extra="forbid")

    id: int
    run_id: str
    ts: str
    model: str
    prompt_name: str
    prompt_version: str
    input_hash: str
    tag: str | None
    cache_hit: bool
    attempts: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    latency_s: float
    output: str | None
    error: str | None


class RunTotals(BaseModel):
    """Totals of the call log for one run (one ``LLM`` object)."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    started: str
    models: str
    calls: int
    cache_hits: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    seconds: float


class LLMCache:
    """SQLite-backed cache and call log. Use one per process; it is thread- and task-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30.0, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise ConfigError(f"cannot open the LLM cache {path}: {e}; set AUDIT_DATA_DIR to a writable folder") from e
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """The cached output for ``key``, or None."""
        with self._lock:
            row = self._conn.execute("SELECT output FROM cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, *, model: str, prompt_name: str, prompt_version: str, output: str) -> None:
        """Store a validated output (the last writer wins; equal keys mean equal requests)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO cache VALUES (?, ?, ?, ?, ?, ?)",
                (key, model, prompt_name, prompt_version, output, _now()),
            )

    def log_call(
        self,
        *,
        run_id: str,
        model: str,
        prompt_name: str,
        prompt_version: str,
        input_hash: str,
        tag: str | None,
        cache_hit: bool,
        attempts: int,
        prompt_tokens: int,
        completion_tokens: int,
        cost_usd: float,
        latency_s: float,
        output: str | None,
        error: str | None = None,
    ) -> None:
        """Append one row to the call log."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO calls (run_id, ts, model, prompt_name, prompt_version, input_hash, tag, cache_hit,"
                " attempts, prompt_tokens, completion_tokens, cost_usd, latency_s, output, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    _now(),
                    model,
                    prompt_name,
                    prompt_version,
                    input_hash,
                    tag,
                    int(cache_hit),
                    attempts,
                    prompt_tokens,
                    completion_tokens,
                    cost_usd,
                    round(latency_s, 4),
                    output,
                    error,
                ),
            )

    def calls(
        self, *, limit: int = 20, tag: str | None = None, run_id: str | None = None, model: str | None = None
    ) -> list[CallRecord]:
        """The newest call-log rows first, optionally filtered."""
        where, params = _filters(tag=tag, run_id=run_id, model=model)
        with self._lock:
            cur = self._conn.execute(f"SELECT * FROM calls{where} ORDER BY id DESC LIMIT ?", (*params, limit))
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return [CallRecord.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    def run_totals(self, *, limit: int = 10) -> list[RunTotals]:
        """Token, cost and time totals per run, newest run first."""
        query = (
            "SELECT run_id, MIN(ts), GROUP_CONCAT(DISTINCT model), COUNT(*), SUM(cache_hit),"
            " SUM(error IS NOT NULL), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd), SUM(latency_s)"
            " FROM calls GROUP BY run_id ORDER BY MAX(id) DESC LIMIT ?"
        )
        with self._lock:
            rows = self._conn.execute(query, (limit,)).fetchall()
        fields = list(RunTotals.model_fields)
        return [RunTotals.model_validate(dict(zip(fields, row, strict=True))) for row in rows]

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()


def _filters(**values: str | None) -> tuple[str, tuple[str, ...]]:
    present = {k: v for k, v in values.items() if v is not None}
    if not present:
        return "", ()
    return " WHERE " + " AND ".join(f"{k} = ?" for k in present), tuple(present.values())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
