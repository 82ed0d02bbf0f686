"""``audit kb build|search|stats|check``: the knowledge base's passages in Chroma.

``build`` embeds the curated passages offline (incremental: only new or changed passages are embedded, removed
ones are deleted; a progress bar on stderr). ``search`` runs hybrid retrieval (dense + exact title/alias match).
``stats`` shows what is stored; ``check`` verifies that the stored passages match the sources and the embedding
model (exit 1 when they do not). ``--chroma-url`` (or ``AUDIT_CHROMA_URL``) uses a ``chroma run`` server
instead of the local folder under ``AUDIT_DATA_DIR``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time

from agent.kb.facts import FactIndex
from agent.kb.notes import load_notes
from agent.kb.passages import PASSAGE_TYPES, PROFILES, Passage, Profile, build_passages
from agent.kb.store import KnowledgeBase
from agent.retrieval import Retriever
from agent.settings import Settings

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``kb`` subcommand and its actions."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--chroma-url", help="a `chroma run` server, e.g. http://localhost:8000 (default: local)")
    common.add_argument("--json", action="store_true", help="print the result as JSON")
    p = subparsers.add_parser(
        "kb",
        help="build, search and check the knowledge base (passages in Chroma)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="kb_action", metavar="ACTION", required=True)

    build = actions.add_parser("build", parents=[common], help="embed the curated passages (incremental)")
    build.add_argument("--profile", choices=PROFILES, help="default: curated subset (minutes); full: every row")
    build.add_argument("--rebuild", action="store_true", help="drop the collection first (e.g. to change model)")
    build.add_argument("--no-progress", action="store_true", help="no progress bar")
    build.set_defaults(func=handle_build)

    search = actions.add_parser("search", parents=[common], help="hybrid search: dense + exact title match")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--franchise", help="only passages of this franchise (name, id or alias, e.g. MCU)")
    search.add_argument("--type", dest="types", action="append", choices=PASSAGE_TYPES, help="passage type")
    search.add_argument("--year", type=int, help="only passages of this year")
    search.add_argument("--dense-only", action="store_true", help="skip the exact half (no fact index load)")
    search.set_defaults(func=handle_search)

    stats = actions.add_parser("stats", parents=[common], help="what is stored: counts, model, profile, size")
    stats.set_defaults(func=handle_stats)

    check = actions.add_parser("check", parents=[common], help="stored passages match the sources and model")
    check.add_argument("--profile", choices=PROFILES, help="default: the profile the KB was built with")
    check.set_defaults(func=handle_check)


def load_facts(settings: Settings) -> FactIndex:
    """The fact index over ``settings.kb_source_dir`` (its ``data/`` tables and ``franchises/`` notes).

    Raises:
        KnowledgeBaseError: a table or a franchise note is invalid (a build must not silently drop the notes).
    """
    notes_dir = settings.kb_source_dir / "franchises"
    load_notes(notes_dir)  # fail loudly here: the index itself only warns about bad notes
    return FactIndex.load(settings.kb_source_dir / "data", notes_dir)


def source_passages(settings: Settings, profile: Profile) -> list[Passage]:
    """The passages the sources give for ``profile``."""
    return build_passages(load_facts(settings), profile)


def _profile(value: object) -> Profile:
    return "full" if value == "full" else "default"


def handle_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the KB; print what was embedded."""
    profile = _profile(args.profile or settings.kb_profile)
    started = time.perf_counter()
    passages = source_passages(settings, profile)
    prepared = time.perf_counter() - started
    if args.rebuild:
        kb = KnowledgeBase.rebuild(settings, chroma_url=args.chroma_url)
    else:
        kb = KnowledgeBase(settings, chroma_url=args.chroma_url, create=True)
    report = kb.build(passages, profile=profile, progress=not args.no_progress)
    rate = report.embedded / report.embed_seconds if report.embed_seconds else 0.0
    if args.json:
        print(json.dumps({**report.model_dump(), "prepare_seconds": round(prepared, 3), "location": kb.location}))
        return 0
    print(
        f"kb build ({profile}) at {kb.location}: {report.total} passages; embedded {report.embedded} "
        f"(added {report.added}, changed {report.updated}), relabelled {report.relabelled}, "
        f"deleted {report.deleted}, unchanged {report.unchanged}"
    )
    speed = f"; embedding {rate:.1f} passages/s" if report.embedded else " (nothing to embed)"
    print(f"sources read in {prepared:.1f}s; build {report.seconds:.1f}s{speed}")
    return 0


def handle_search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the best passages for the query."""
    kb = KnowledgeBase(settings, chroma_url=args.chroma_url)
    retriever = Retriever(kb, None if args.dense_only else load_facts(settings))
    hits = retriever.hits(args.query, k=args.k, franchise=args.franchise, types=args.types, year=args.year)
    if args.json:
        print(json.dumps([h.model_dump() for h in hits], ensure_ascii=False))
        return 0
    if not hits:
        print("no passages match")
        return 0
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. [{hit.type}] {hit.passage_id}  score={hit.score:.4f} via={hit.via}")
        print(f"   {hit.text}")
        print(f"   source: {hit.url or hit.source}")
    return 0


def handle_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print counts per type and source, the model, the profile and the size on disk."""
    stats = KnowledgeBase(settings, chroma_url=args.chroma_url).stats()
    if args.json:
        print(stats.model_dump_json())
        return 0
    size = f"{stats.disk_bytes / 1e6:.1f} MB" if stats.disk_bytes is not None else "n/a (server)"
    print(f"location: {stats.location}\nmodel:    {stats.model}\nprofile:  {stats.profile}")
    print(f"built:    {stats.built_at}\npassages: {stats.count}\non disk:  {size}")
    for label, counts in (("by type", stats.by_type), ("by source", stats.by_source)):
        print(f"{label}:")
        for key, n in counts.items():
            print(f"  {key:<40} {n:>7}")
    return 0


def handle_check(args: argparse.Namespace, settings: Settings) -> int:
    """Compare the stored passages with the sources; exit 1 on any difference."""
    kb = KnowledgeBase(settings, chroma_url=args.chroma_url)
    stored_profile = (kb.collection.metadata or {}).get("profile")
    profile = _profile(args.profile or (stored_profile if stored_profile in PROFILES else settings.kb_profile))
    problems = kb.check(source_passages(settings, profile), profile=profile)
    if args.json:
        print(json.dumps({"ok": not problems, "profile": profile, "count": kb.count(), "problems": problems}))
    elif problems:
        print(f"kb check ({profile}) at {kb.location}: {len(problems) - 1} problem(s)")
        for line in problems:
            print(f"  - {line}")
    else:
        print(f"kb check ({profile}) at {kb.location}: ok, {kb.count()} passages, model {kb.model_id}")
    return 1 if problems else 0
