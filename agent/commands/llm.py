"""``audit llm ping|calls|stats|setup``: check the model seam, read the call log, set up the local model."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent import local_model
from agent.llm_cache import LLMCache
from agent.prompts import load_prompt
from agent.settings import Settings

logger = logging.getLogger(__name__)


class PingReply(BaseModel):
    """Health-check answer: status, an echoed word and a small sum."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]
    echo: str = Field(max_length=100)
    total: int


def register(subparsers: Any) -> None:
    """Add ``audit llm``."""
    parser = subparsers.add_parser("llm", help="the model seam: ping a model, read the call log, set up local")
    sub = parser.add_subparsers(dest="llm_command", metavar="ACTION", required=True)

    ping = sub.add_parser("ping", help="one structured answer from the model (cached; a repeat is a cache hit)")
    ping.add_argument("--model", default=None, help="local | openai:<m> | openai-compatible:<m>@<url> (AUDIT_MODEL)")
    ping.add_argument("--word", default="pong", help="the word the model must echo (changes the cache key)")
    ping.set_defaults(func=_ping)

    calls = sub.add_parser("calls", help="the newest rows of the call log")
    calls.add_argument("--limit", type=int, default=20)
    calls.add_argument("--tag", default=None, help="only calls with this tag")
    calls.add_argument("--run", default=None, help="only calls of this run id")
    calls.add_argument("--json", action="store_true", help="one JSON object per line, with the outputs")
    calls.set_defaults(func=_calls)

    stats = sub.add_parser("stats", help="calls, cache hits, tokens, cost and time per run")
    stats.add_argument("--limit", type=int, default=10)
    stats.set_defaults(func=_stats)

    setup = sub.add_parser("setup", help="build the local runtime and assemble the local model (make setup-local)")
    setup.set_defaults(func=_setup)


def _ping(args: argparse.Namespace, settings: Settings) -> int:
    model = args.model or settings.model
    from agent.llm import open_llm  # imported here: the SDKs take seconds to import, other commands don't need them

    prompt = load_prompt("ping", prompts_dir=settings.prompts_dir).render(word=args.word, a="17", b="25")
    with open_llm(model, settings) as llm:
        reply = llm.structured(prompt, PingReply, tag="ping")
        stats = llm.stats
        run_id = llm.run_id
    source = "cache hit, 0 model calls" if stats.cache_hits else f"{stats.calls} model call(s)"
    print(reply.model_dump_json())
    print(
        f"model {llm.model_id} | prompt ping v{prompt.version} | {source} | {stats.seconds:.2f} s | "
        f"tokens {stats.prompt_tokens}+{stats.completion_tokens} | ${stats.cost_usd:.6f} | run {run_id}",
        file=sys.stderr,
    )
    return 0 if reply.echo == args.word and reply.total == 42 else 1


def _calls(args: argparse.Namespace, settings: Settings) -> int:
    cache = LLMCache(settings.cache_path)
    try:
        rows = cache.calls(limit=args.limit, tag=args.tag, run_id=args.run)
    finally:
        cache.close()
    if args.json:
        for row in rows:
            print(row.model_dump_json())
        return 0
    print("id\tts\trun\tmodel\tprompt\tinput\ttag\thit\tattempts\ttokens\tcost_usd\tseconds\terror")
    for r in rows:
        print(
            f"{r.id}\t{r.ts}\t{r.run_id}\t{r.model}\t{r.prompt_name} v{r.prompt_version}\t{r.input_hash[:12]}\t"
            f"{r.tag or '-'}\t{'hit' if r.cache_hit else 'miss'}\t{r.attempts}\t"
            f"{r.prompt_tokens}+{r.completion_tokens}\t{r.cost_usd:.6f}\t{r.latency_s:.3f}\t{r.error or '-'}"
        )
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    cache = LLMCache(settings.cache_path)
    try:
        runs = cache.run_totals(limit=args.limit)
    finally:
        cache.close()
    for run in runs:
        print(json.dumps(run.model_dump()))
    return 0


def _setup(args: argparse.Namespace, settings: Settings) -> int:
    logging.getLogger("agent.local_model").setLevel(logging.INFO)
    print(local_model.setup(settings))
    return 0
