"""Precision of the exact checks on text known to be true: every film lead paragraph of the knowledge base.

A lead paragraph ("Pulp Fiction is a 1994 American crime film written and directed by Quentin Tarantino ...") is
the source the fact index itself reads, so a ``contradicted`` claim on it is a false alarm of the checks (or a
disagreement between two tables of the KB). Run it before and after a change to the patterns:
``python -m evals.true_text`` prints the count per claim kind and lists each contradiction
(``--list``), so two runs can be compared line by line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from agent.factcheck.core import check_claims
from agent.kb.facts import FactIndex, default_index
from agent.models import Claim


def contradictions(
    index: FactIndex, limit: int = 0, progress: bool = False
) -> tuple[int, int, list[tuple[str, Claim]]]:
    """Over the first ``limit`` film lead paragraphs (0: all): paragraphs read, exact claims found, and each
    contradicted claim with its film's id (``(film id, claim)`` pairs)."""
    films = [f for f in index.films.values() if f.extract.strip()]
    films = films[:limit] if limit else films
    claims = 0
    found: list[tuple[str, Claim]] = []
    for i, film in enumerate(films, 1):
        for claim in check_claims(film.extract, index):
            claims += 1
            if claim.status == "contradicted":
                found.append((film.id, claim))
        if progress and i % 2000 == 0:
            print(f"  {i}/{len(films)} paragraphs, {len(found)} contradictions", file=sys.stderr)
    return len(films), claims, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.true_text", description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N films (default: all)")
    parser.add_argument("--list", action="store_true", help="print every contradiction (film id, kind, text)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    paragraphs, claims, found = contradictions(default_index(), args.limit, progress=True)
    if args.list:
        for film_id, claim in found:
            print(f"{film_id}\t{claim.kind}\t{claim.text}\t-> {claim.correction}")
    kinds = Counter(claim.kind or "?" for _, claim in found)
    per_kind = ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"
    print(
        f"{paragraphs} lead paragraphs, {claims} exact claims, {len(found)} contradicted ({per_kind}); "
        f"{time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
